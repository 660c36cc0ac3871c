#pragma once
// Private: a stack of transformer layers run in order, as SASRec's blocks and BERT4Rec's layers are,
// and what such a forward pass produces. Used on one thread at a time.

#include <vector>

#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>
#include <torch/nn/modules/normalization.h>

namespace tokenbench::core {

/// What a forward pass of a layer stack produced.
struct LayerStackOutput final {
    at::Tensor hidden;                   ///< B x T x H, after the final LayerNorm
    std::vector<at::Tensor> attentions;  ///< per layer B x heads x T x T, only when asked for
};

/// Runs `x` through every layer of `layers` (each `forward(x, mask, generator, weights*)`), then
/// `finalNorm`; collects each layer's attention weights when `withAttention`.
template <typename Layers>
LayerStackOutput runLayerStack(Layers& layers, torch::nn::LayerNorm& finalNorm, at::Tensor x, const at::Tensor& mask,
                               at::Generator* generator, bool withAttention) {
    LayerStackOutput out;
    for (auto& layer : layers) {
        at::Tensor weights;
        x = layer->forward(x, mask, generator, withAttention ? &weights : nullptr);
        if (withAttention) out.attentions.push_back(weights);
    }
    out.hidden = finalNorm->forward(x);
    return out;
}

}  // namespace tokenbench::core
