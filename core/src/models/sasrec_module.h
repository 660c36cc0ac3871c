#pragma once
// Private: the torch modules of SASRec (Kang & McAuley, "Self-Attentive Sequential Recommendation",
// ICDM 2018): item + learned positional embeddings, transformer blocks (the paper code's wiring or
// pre-LN) with causal self-attention written out (so the weights can be returned per layer and head), a point-wise
// feed-forward network, a final LayerNorm, and scores tied to the item embedding. Registered names
// are checkpoint and export keys ("item_embedding.weight", "block0.attention.in_projection.weight").
// Used on one thread at a time (a job's worker thread).
//
// Speed (CPU, small hidden sizes, where per-op overhead rivals the arithmetic): Q, K and V come from
// one fused projection; the scale, causal/padding mask and Q K^T are one batched product with an
// additive mask, and both attention products call BLAS per sequence (sasrec_batched_gemm.h);
// positions are a slice of the position table rather than an embedding lookup; padding rows are not
// re-zeroed after each block (padding keys are masked, so real positions never read them).

#include <cstdint>
#include <vector>

#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/embedding.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/pimpl.h>

#include "layer_stack.h"  // relative: tests include this header by path

namespace tokenbench::core {

/// Sizes of a SASRec network.
struct SasRecOptions final {
    int64_t items = 0;       ///< catalogue size; embedding rows are items + 1 (row 0 = padding; + 1 with maskToken)
    int64_t hidden = 64;
    int64_t blocks = 2;
    int64_t heads = 1;
    int64_t maxLength = 50;  ///< positions; the most recent item always sits at maxLength - 1
    double dropout = 0.2;
    /// false: the wiring of the paper's code and its PyTorch port (queries from LN(x), keys and values
    /// from x, residuals added to the normalised inputs); true: pre-LN blocks, x + f(LN(x)).
    bool preNorm = false;
    /// ReaRec's reasoning steps (rearec_reasoning.h); > 0 adds their position table
    /// ("reasoning_position", steps x hidden). 0: plain SASRec.
    int64_t reasoningSteps = 0;
    /// One more item-table row, items + 1, for a [mask] token (CL4SRec's mask views).
    bool maskToken = false;
};

/// Inverted dropout whose mask comes from `generator` when `x` is on the CPU (so a seed fixes it);
/// on other devices, or without a generator, torch's own dropout. Identity when not training.
/// On the CPU one 64-bit draw from `generator` keys a counter-based hash per element, so the mask
/// is filled in parallel, is the same for any thread count, and costs far less than bernoulli_.
at::Tensor seededDropout(const at::Tensor& x, double p, bool training, at::Generator* generator);

/// Multi-head causal self-attention: one fused Q/K/V projection ("in_projection", 3H x H, rows
/// [query; key; value] as torch.nn.MultiheadAttention's in_proj_weight) and an output projection.
class CausalSelfAttentionImpl final : public torch::nn::Module {
public:
    CausalSelfAttentionImpl(int64_t hidden, int64_t heads, double dropout);
    /// Queries from `query`, keys and values from `keyValue` (both B x T x H; one fused product when
    /// they are the same tensor); `mask` B x T x T float, 0 where a query may attend to a key and -inf
    /// where not. When `weights` is given it receives the B x heads x T x T attention probabilities.
    at::Tensor forward(const at::Tensor& query, const at::Tensor& keyValue, const at::Tensor& mask,
                       at::Generator* generator, at::Tensor* weights = nullptr);

    torch::nn::Linear inProjection{nullptr}, output{nullptr};

private:
    int64_t m_heads;
    double m_dropout;
};
TORCH_MODULE(CausalSelfAttention);

/// One block; FFN = Linear-ReLU-Linear with inner size = hidden, as the paper's point-wise network.
/// Paper-code wiring: q = LN(x), y = q + Attn(q, x), z = LN(y), out = z + FFN(z).
/// Pre-LN: y = x + Attn(LN(x)), out = y + FFN(LN(y)).
class SasRecBlockImpl final : public torch::nn::Module {
public:
    SasRecBlockImpl(int64_t hidden, int64_t heads, double dropout, bool preNorm);
    at::Tensor forward(const at::Tensor& x, const at::Tensor& mask, at::Generator* generator,
                       at::Tensor* weights = nullptr);

    torch::nn::LayerNorm attentionNorm{nullptr}, feedForwardNorm{nullptr};
    CausalSelfAttention attention{nullptr};
    torch::nn::Linear feedForward1{nullptr}, feedForward2{nullptr};

private:
    double m_dropout;
    bool m_preNorm;
};
TORCH_MODULE(SasRecBlock);

/// What a forward pass produced: per block attentions.
using SasRecOutput = LayerStackOutput;

/// The whole network.
class SasRecImpl final : public torch::nn::Module {
public:
    explicit SasRecImpl(const SasRecOptions& options);
    /// `items` B x T int64 of shifted ids (0 = padding), left-padded, most recent last; T <= maxLength.
    /// Positions are right-aligned, so trimming common left padding does not change any output.
    SasRecOutput forward(const at::Tensor& items, at::Generator* generator = nullptr, bool withAttention = false);
    /// forward() with each item's vector read from `table` ((items + 1) x H, row 0 padding) instead of
    /// the item embedding: for models whose item representation is computed each step (cove: its
    /// codes plus alpha times the embedding). A dense lookup, so `table`'s gradient is dense.
    SasRecOutput forwardWithTable(const at::Tensor& items, const at::Tensor& table, at::Generator* generator = nullptr,
                                  bool withAttention = false);
    /// The blocks' input for `items`: item embeddings scaled by sqrt(d) plus right-aligned positions,
    /// with dropout (B x T x H). Throws std::invalid_argument when T exceeds the max length.
    at::Tensor embed(const at::Tensor& items, at::Generator* generator);
    /// embed() of item vectors already looked up (B x T x H), for `items`' T positions.
    at::Tensor embedVectors(const at::Tensor& vectors, at::Generator* generator);
    /// N x H hidden states -> N x items scores against every real item (tied embedding, Kang & McAuley
    /// eq. 5: r = F M^T).
    at::Tensor scoreAll(const at::Tensor& hidden) const;
    /// scoreAll written into `out` (N x items, same device and dtype), without a temporary.
    void scoreAllInto(const at::Tensor& hidden, at::Tensor& out) const;
    /// Deterministic initialisation from `generator`: Xavier-normal matrices (as the reference
    /// PyTorch port), zero biases, unit LayerNorms, zero padding row.
    void resetParameters(at::Generator& generator);
    [[nodiscard]] const SasRecOptions& options() const { return m_options; }
    /// B x T x T additive mask for `items` (0 = may attend, -inf = blocked): causal, padding keys
    /// blocked except a padding query's own position.
    [[nodiscard]] at::Tensor attentionMask(const at::Tensor& items) const;

    torch::nn::Embedding itemEmbedding{nullptr}, positionEmbedding{nullptr};
    torch::nn::Embedding reasoningPosition{nullptr};  ///< only with reasoningSteps > 0
    std::vector<SasRecBlock> blocks;
    torch::nn::LayerNorm finalNorm{nullptr};

private:
    SasRecOptions m_options;
};
TORCH_MODULE(SasRec);

}  // namespace tokenbench::core
