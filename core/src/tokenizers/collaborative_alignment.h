#pragma once
// Private: LETTER's collaborative regulariser for the RQ-VAE (Wang et al., "Learnable Item Tokenization
// for Generative Recommendation", CIKM 2024): each batch's quantized item vectors are contrasted with
// the same items' embeddings from a trained ID-based model (InfoNCE, in-batch negatives), so items the
// users treat alike get close codes. Used on the fit thread only.

#include <cstdint>
#include <string>
#include <vector>

#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>
#include <torch/nn/modules/linear.h>

#include "tokenbench/tokenizers/tokenizer.h"

namespace tokenbench::core {

/// The alignment targets of one fit and the projection from the latent space onto them.
class CollaborativeAlignment final {
public:
    /// Reads model run `runId`'s item table through context.modelItemEmbeddings. Throws
    /// std::invalid_argument naming the run when the context cannot read model runs, the run is
    /// missing or unusable, or its table has another number of rows than the `items` being fitted.
    /// A projection latentDim -> table dim (initialised from `generator`) is added when they differ.
    CollaborativeAlignment(const std::string& tokenizerId, int64_t runId, const FitContext& context, int64_t items,
                           int64_t latentDim, double temperature, at::Device device, at::Generator& generator);

    /// The projection's parameters (empty when the sizes match), to train with the RQ-VAE's.
    [[nodiscard]] std::vector<at::Tensor> parameters() const;

    /// Mean InfoNCE of B quantized vectors (B x latent, with gradient) against the embeddings of the
    /// same items (`items`: B dense indices): cosine similarities / temperature, the own item the
    /// positive, the batch's other items the negatives.
    [[nodiscard]] at::Tensor loss(const at::Tensor& quantized, const at::Tensor& items) const;

private:
    at::Tensor m_targets;  ///< items x dim, unit rows, on the fit device
    mutable torch::nn::Linear m_projection{nullptr};  ///< mutable: forward() is not const; null when sizes match
    double m_temperature = 0.1;
};

}  // namespace tokenbench::core
