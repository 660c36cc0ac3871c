#pragma once
// Private: the torch modules of SIGMA (Liu et al., "SIGMA: Selective Gated Mamba for Sequential
// Recommendation", AAAI 2025), written with LibTorch tensor ops only, so the same code runs on the
// CPU and on CUDA (no fused selective-scan kernel).
//  - Mamba (Gu & Dao 2023): in_proj to x and z (expand x hidden each), a causal depthwise conv1d on
//    x, SiLU, x_proj to (delta rank, B, C), delta = softplus(dt_proj(.)), the selective scan
//    h_t = exp(delta_t A) h_{t-1} + delta_t B_t x_t, y_t = C_t h_t + D x_t, gated by SiLU(z), out_proj.
//    The scan is a loop over positions on B x E x N states (Beauty: at most 50 steps). Where only
//    the last position is read (the last layer: training and ranking both use the final state), its
//    state is computed in closed form instead, h_T = sum_s exp(A * sum_{k>s} delta_k) delta_s B_s x_s
//    (every exponent <= 0, so nothing overflows), summed over chunks of positions small enough that
//    no temporary is big enough for the allocator to map and unmap fresh pages on every batch.
//  - G-Mamba block: one Mamba shared by a forward branch and a partially flipped branch (the oldest
//    items reversed, the last `flip_keep` kept in place, so the flipped branch's final state still
//    ends on the most recent items); each branch scaled by a dense selective gate
//    (out = m + m * dropout(W_a SiLU(h) + W_b sigmoid(h)), h = x + dense(x)); a short-term branch
//    conv1d (kernel 3) -> GRU; the three mixed by softmax-normalised learned weights, then projected.
//  - Layer: LayerNorm(dropout(block)) (plus the input with more than one layer), then a GELU
//    feed-forward of 4 x hidden with residual and LayerNorm. Input: item embedding, dropout,
//    LayerNorm; no positions (the scan is order-aware). Scores tied to the item embedding.
// Sequences are left-padded; every branch zeroes padding positions before its recurrence, so a
// padded row's real positions get the outputs they would get alone (the scans and the bias-free
// GRU stay at their zero state through padding). Only the last position is read: the flipped branch
// mixes later items into earlier positions.
// Used on one thread at a time (a job's worker thread).

#include <cstdint>
#include <vector>

#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/embedding.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/modules/rnn.h>
#include <torch/nn/pimpl.h>

namespace tokenbench::core {

/// Sizes of a SIGMA network (defaults: the paper's).
struct SigmaOptions final {
    int64_t items = 0;    ///< catalogue size; embedding rows are items + 1 (row 0 = padding)
    int64_t hidden = 64;
    int64_t layers = 1;
    int64_t state = 32;   ///< N, the scan's state size per channel
    int64_t convKernel = 4;
    int64_t expand = 2;   ///< E = expand * hidden channels inside Mamba
    int64_t flipKeep = 5;  ///< most recent items the flipped branch keeps in place
    double dropout = 0.2;
};

/// Mamba's selective state-space block over B x T x H inputs; `padding` B x T (true at padding).
class MambaImpl final : public torch::nn::Module {
public:
    MambaImpl(int64_t hidden, int64_t state, int64_t convKernel, int64_t expand);
    /// B x T x H outputs; with `lastOnly`, B x 1 x H: the last position's output alone.
    at::Tensor forward(const at::Tensor& x, const at::Tensor& padding, bool lastOnly = false);
    /// Mamba's initialisation of A (S4D-real: A_n = -n), D (ones) and the delta bias (softplus
    /// inverse of log-uniform values in [0.001, 0.1]) from `generator`; the rest as the caller's.
    void resetSsm(at::Generator& generator);

    torch::nn::Linear inProjection{nullptr}, xProjection{nullptr}, dtProjection{nullptr}, outProjection{nullptr};
    torch::nn::Conv1d conv{nullptr};
    at::Tensor aLog, d;

private:
    /// C_t h_t for every position (B x T x E): the scan loop.
    [[nodiscard]] at::Tensor scanOutputs(const at::Tensor& delta, const at::Tensor& u, const at::Tensor& bIn,
                                         const at::Tensor& cOut, const at::Tensor& a) const;
    /// C_T h_T of the last position (B x 1 x E), in closed form (see file comment).
    [[nodiscard]] at::Tensor lastOutput(const at::Tensor& delta, const at::Tensor& u, const at::Tensor& bIn,
                                        const at::Tensor& cOut, const at::Tensor& a) const;

    int64_t m_inner, m_state, m_rank;
};
TORCH_MODULE(Mamba);

/// One SIGMA layer: G-Mamba block, then the feed-forward network.
class SigmaLayerImpl final : public torch::nn::Module {
public:
    SigmaLayerImpl(const SigmaOptions& options);
    /// `flipped` B x T int64: for each row and position, the position of `x` the flipped branch
    /// reads there. B x T x H, or with `lastOnly` B x 1 x H: the last position alone.
    at::Tensor forward(const at::Tensor& x, const at::Tensor& padding, const at::Tensor& flipped,
                       at::Generator* generator, bool lastOnly = false);

    Mamba mamba{nullptr};
    torch::nn::Linear dense1{nullptr}, dense2{nullptr}, gateSilu{nullptr}, gateSigmoid{nullptr}, projection{nullptr};
    torch::nn::Conv1d shortConv{nullptr};
    torch::nn::GRU gru{nullptr};
    at::Tensor mixing;  ///< 3 logits: GRU, flipped Mamba, forward Mamba
    torch::nn::LayerNorm blockNorm{nullptr}, feedForwardNorm{nullptr};
    torch::nn::Linear feedForward1{nullptr}, feedForward2{nullptr};

private:
    double m_dropout;
    bool m_residual;
};
TORCH_MODULE(SigmaLayer);

/// The whole network.
class SigmaImpl final : public torch::nn::Module {
public:
    explicit SigmaImpl(const SigmaOptions& options);
    /// `items` B x T shifted ids (0 = padding), left-padded, most recent last -> B x H, the state at
    /// the last position.
    at::Tensor forward(const at::Tensor& items, at::Generator* generator = nullptr);
    /// N x H states -> N x items scores (tied embedding).
    at::Tensor scoreAll(const at::Tensor& hidden) const;
    /// Normal(0, 0.02) linear and embedding weights, zero biases, unit LayerNorms (the reference
    /// code's), Mamba's own SSM initialisation, equal mixing weights; zero padding row.
    void resetParameters(at::Generator& generator);
    /// The flipped branch's read positions for `items` (see SigmaLayerImpl::forward).
    [[nodiscard]] at::Tensor flippedPositions(const at::Tensor& items) const;
    /// Softmax mixing weights of each layer (GRU, flipped Mamba, forward Mamba), for display.
    [[nodiscard]] std::vector<std::vector<float>> mixingWeights() const;
    [[nodiscard]] const SigmaOptions& options() const { return m_options; }

    torch::nn::Embedding itemEmbedding{nullptr};
    torch::nn::LayerNorm inputNorm{nullptr};
    std::vector<SigmaLayer> layers;

private:
    SigmaOptions m_options;
};
TORCH_MODULE(Sigma);

}  // namespace tokenbench::core
