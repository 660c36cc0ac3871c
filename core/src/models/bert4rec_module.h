#pragma once
// Private: the torch modules of BERT4Rec (Sun et al., "BERT4Rec: Sequential Recommendation with
// Bidirectional Encoder Representations from Transformer", CIKM 2019): item + learned position
// embeddings, transformer layers with bidirectional self-attention written out (so weights can be
// returned per layer and head), a GELU feed-forward network of inner size 4 x hidden, and the
// cloze output layer GELU(h W^P + b^P) E^T + b^O (eq. 7) with E tied to the item embedding.
// Registered names are checkpoint keys ("item_embedding.weight", "layer0.attention.query.weight",
// "output_bias").
//
// Deviation from the paper's post-LN layers (BERT's): LayerNorm comes before each sub-layer
// (pre-LN, Xiong et al. 2020) with a final LayerNorm, item embeddings are scaled by sqrt(d) instead
// of a LayerNorm over item + position, and matrices start Xavier-normal instead of N(0, 0.02). The
// reference trains the post-LN network with warm-up for 400k steps; in our short runs (hidden 32,
// 800-user synthetic set) it stayed at the popularity loss for 10-20 epochs and some seeds were still
// below popularity's NDCG@10 after 20, while this one beats popularity within 5 epochs.
// Used on one thread at a time (a job's worker thread).

#include <cstdint>
#include <vector>

#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/embedding.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/pimpl.h>

#include "attention_module.h"  // relative: tests include this header by path
#include "layer_stack.h"

namespace tokenbench::core {

/// Sizes of a BERT4Rec network. Embedding rows: 0 = padding, 1..items = items, items + 1 = [MASK].
struct Bert4RecOptions final {
    int64_t items = 0;  ///< catalogue size
    int64_t hidden = 64;
    int64_t blocks = 2;
    int64_t heads = 2;
    int64_t maxLength = 50;  ///< positions; the last token always sits at maxLength - 1
    double dropout = 0.1;
};


/// One pre-LN transformer layer: A = H + Dropout(MH(LN(H))), out = A + Dropout(FFN(LN(A))),
/// FFN = Linear(h, 4h)-GELU-Linear(4h, h) (paper eq. 3).
class Bert4RecLayerImpl final : public torch::nn::Module {
public:
    Bert4RecLayerImpl(int64_t hidden, int64_t heads, double dropout);
    at::Tensor forward(const at::Tensor& x, const at::Tensor& blocked, at::Generator* generator,
                       at::Tensor* weights = nullptr);

    MultiHeadAttention attention{nullptr};  ///< bidirectional: every real key
    torch::nn::LayerNorm attentionNorm{nullptr}, feedForwardNorm{nullptr};
    torch::nn::Linear feedForward1{nullptr}, feedForward2{nullptr};

private:
    double m_dropout;
};
TORCH_MODULE(Bert4RecLayer);

/// What a forward pass produced: per layer attentions.
using Bert4RecOutput = LayerStackOutput;

/// The whole network.
class Bert4RecImpl final : public torch::nn::Module {
public:
    explicit Bert4RecImpl(const Bert4RecOptions& options);
    /// `tokens` B x T int64 (0 = padding, 1..items = items, maskToken() = [MASK]), left-padded, last
    /// token last; T <= maxLength. Positions are right-aligned and padding is masked out of attention,
    /// so extra left padding changes no real position's output.
    Bert4RecOutput forward(const at::Tensor& tokens, at::Generator* generator = nullptr, bool withAttention = false);
    /// N x H hidden states -> N x items scores of every real item (eq. 7: GELU(h W^P + b^P) E^T + b^O).
    at::Tensor scoreAll(const at::Tensor& hidden);
    /// Deterministic initialisation from `generator`: Xavier-normal matrices and embeddings, zero
    /// biases, unit LayerNorms, zero padding row.
    void resetParameters(at::Generator& generator);
    [[nodiscard]] int64_t maskToken() const { return m_options.items + 1; }
    [[nodiscard]] const Bert4RecOptions& options() const { return m_options; }

    torch::nn::Embedding itemEmbedding{nullptr}, positionEmbedding{nullptr};
    std::vector<Bert4RecLayer> layers;
    torch::nn::LayerNorm finalNorm{nullptr};
    torch::nn::Linear outputTransform{nullptr};
    at::Tensor outputBias;  ///< b^O, one per real item

private:
    Bert4RecOptions m_options;
};
TORCH_MODULE(Bert4Rec);

}  // namespace tokenbench::core
