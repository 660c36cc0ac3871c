#pragma once
// Private: the torch modules of SASRec (Kang & McAuley, "Self-Attentive Sequential Recommendation",
// ICDM 2018): item + learned positional embeddings, pre-LN transformer blocks with causal
// self-attention written out (so the weights can be returned per layer and head), a point-wise
// feed-forward network, a final LayerNorm, and scores tied to the item embedding. Registered names
// are checkpoint keys ("item_embedding.weight", "block0.attention.query.weight").
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

namespace tokenbench::core {

/// Sizes of a SASRec network.
struct SasRecOptions final {
    int64_t items = 0;       ///< catalogue size; embedding rows are items + 1 (row 0 = padding)
    int64_t hidden = 64;
    int64_t blocks = 2;
    int64_t heads = 1;
    int64_t maxLength = 50;  ///< positions; the most recent item always sits at maxLength - 1
    double dropout = 0.2;
};

/// Inverted dropout whose mask comes from `generator` when `x` is on the CPU (so a seed fixes it);
/// on other devices, or without a generator, torch's own dropout. Identity when not training.
at::Tensor seededDropout(const at::Tensor& x, double p, bool training, at::Generator* generator);

/// Multi-head causal self-attention with explicit Q, K, V and output projections.
class CausalSelfAttentionImpl final : public torch::nn::Module {
public:
    CausalSelfAttentionImpl(int64_t hidden, int64_t heads, double dropout);
    /// `x` B x T x H; `blocked` B x 1 x T x T bool, true where a query may not attend to a key.
    /// When `weights` is given it receives the B x heads x T x T attention probabilities.
    at::Tensor forward(const at::Tensor& x, const at::Tensor& blocked, at::Generator* generator,
                       at::Tensor* weights = nullptr);

    torch::nn::Linear query{nullptr}, key{nullptr}, value{nullptr}, output{nullptr};

private:
    int64_t m_heads;
    double m_dropout;
};
TORCH_MODULE(CausalSelfAttention);

/// One pre-LN block: x + Attn(LN(x)), then x + FFN(LN(x)); FFN = Linear-ReLU-Linear with inner size
/// = hidden, as the paper's point-wise feed-forward network.
class SasRecBlockImpl final : public torch::nn::Module {
public:
    SasRecBlockImpl(int64_t hidden, int64_t heads, double dropout);
    at::Tensor forward(const at::Tensor& x, const at::Tensor& blocked, at::Generator* generator,
                       at::Tensor* weights = nullptr);

    torch::nn::LayerNorm attentionNorm{nullptr}, feedForwardNorm{nullptr};
    CausalSelfAttention attention{nullptr};
    torch::nn::Linear feedForward1{nullptr}, feedForward2{nullptr};

private:
    double m_dropout;
};
TORCH_MODULE(SasRecBlock);

/// What a forward pass produced.
struct SasRecOutput final {
    at::Tensor hidden;                   ///< B x T x H, after the final LayerNorm
    std::vector<at::Tensor> attentions;  ///< per block B x heads x T x T, only when asked for
};

/// The whole network.
class SasRecImpl final : public torch::nn::Module {
public:
    explicit SasRecImpl(const SasRecOptions& options);
    /// `items` B x T int64 of shifted ids (0 = padding), left-padded, most recent last; T <= maxLength.
    /// Positions are right-aligned, so trimming common left padding does not change any output.
    SasRecOutput forward(const at::Tensor& items, at::Generator* generator = nullptr, bool withAttention = false);
    /// N x H hidden states -> N x items scores against every real item (tied embedding, Kang & McAuley
    /// eq. 5: r = F M^T).
    at::Tensor scoreAll(const at::Tensor& hidden) const;
    /// Deterministic initialisation from `generator`: Xavier-normal matrices (as the reference
    /// PyTorch port), zero biases, unit LayerNorms, zero padding row.
    void resetParameters(at::Generator& generator);
    [[nodiscard]] const SasRecOptions& options() const { return m_options; }

    torch::nn::Embedding itemEmbedding{nullptr}, positionEmbedding{nullptr};
    std::vector<SasRecBlock> blocks;
    torch::nn::LayerNorm finalNorm{nullptr};

private:
    SasRecOptions m_options;
};
TORCH_MODULE(SasRec);

}  // namespace tokenbench::core
