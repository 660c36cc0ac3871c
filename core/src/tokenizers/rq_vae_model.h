#pragma once
// Private: the torch modules of the RQ-VAE tokenizer (TIGER, Rajput et al. NeurIPS 2023; residual
// quantization after Zeghidour et al. 2021 and Lee et al. CVPR 2022): an MLP encoder, a residual
// quantizer with one codebook per level, and an MLP decoder mirroring the encoder. Registered
// module and parameter names are checkpoint keys ("encoder.linear0.weight", "quantizer.codebook2").
// Used on one thread at a time (a job's worker thread, or the caller of encode()).

#include <atomic>
#include <cstdint>
#include <vector>

#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include "tokenizers/sinkhorn_assignment.h"

namespace tokenbench::core {

/// Sizes of an MLP: input -> hiddenDims... -> output.
struct MlpOptions final {
    int64_t inputDim = 0;
    std::vector<int64_t> hiddenDims;
    int64_t outputDim = 0;
    double dropout = 0.0;  ///< after each hidden ReLU, in train mode only
};

/// Linear + ReLU (+ dropout) stack with a plain linear output layer: the RQ-VAE encoder
/// (input -> latent) and, with reversed hidden sizes, its decoder (latent -> input).
class MlpImpl final : public torch::nn::Module {
public:
    explicit MlpImpl(const MlpOptions& options);
    /// `generator` draws dropout masks (CPU generator, so a seed fixes them); nullptr: the global one.
    at::Tensor forward(const at::Tensor& input, at::Generator* generator = nullptr);
    /// Re-draws weights and biases from U(-1/sqrt(fan_in), 1/sqrt(fan_in)) (torch's Linear default)
    /// with `generator`, so initialisation depends on the run's seed only.
    void resetParameters(at::Generator& generator);
    [[nodiscard]] const MlpOptions& options() const { return m_options; }

private:
    MlpOptions m_options;
    std::vector<torch::nn::Linear> m_layers;
};
TORCH_MODULE(Mlp);

/// Sizes of a residual quantizer.
struct ResidualQuantizerOptions final {
    int64_t levels = 3;
    int64_t codebookSize = 256;
    int64_t dim = 32;
    /// Last level assigned by Sinkhorn-Knopp over the batch (balanced code loads) instead of argmin.
    bool balancedLastLevel = false;
    SinkhornOptions sinkhorn;
    /// Compute QuantizerOutput::diversityLoss (training only).
    bool diversityLoss = false;
};

/// What a residual quantization pass produced.
struct QuantizerOutput final {
    at::Tensor quantized;       ///< N x D, sum of the chosen codewords (z-hat), no gradient
    at::Tensor codes;           ///< N x L, int64
    at::Tensor residuals;       ///< L x N x D, the residual entering each level (r_0 = z), no gradient
    at::Tensor codebookLoss;    ///< scalar sum_l mean_n ||sg(r_l) - c_l||^2 (undefined without losses)
    at::Tensor commitmentLoss;  ///< scalar sum_l mean_n ||r_l - sg(c_l)||^2, not yet weighted by beta
    /// scalar sum_l KL(mean_n p_l(n) || uniform) of the soft assignments p_l (undefined unless the
    /// options ask for it): zero when the batch spreads evenly over the codes, log K when it uses one.
    at::Tensor diversityLoss;
};

/// L codebooks of K codewords; each level quantizes what the previous ones left over.
class ResidualQuantizerImpl final : public torch::nn::Module {
public:
    explicit ResidualQuantizerImpl(const ResidualQuantizerOptions& options);
    /// r_0 = z; c_l = nearest codeword of level l to r_l (squared L2); r_{l+1} = r_l - c_l. With
    /// options().balancedLastLevel and `balanceLastLevel`, the last level's codes are the Sinkhorn
    /// assignment over the rows of `z` (a caller that quantizes in chunks balances afterwards).
    QuantizerOutput forward(const at::Tensor& z, bool withLosses = true, bool balanceLastLevel = true);
    /// N x K squared distances between `residuals` and the codewords of `level`.
    [[nodiscard]] at::Tensor squaredDistances(const at::Tensor& residuals, int64_t level) const;
    /// TIGER's initialisation against early collapse: level by level, k-means (k-means++ seeding,
    /// Lloyd iterations) on the residuals of `z` left by the levels before. Throws CancelledError.
    void initWithKMeans(const at::Tensor& z, at::Generator& generator, int iterations,
                        const std::atomic<bool>* cancel = nullptr);
    /// Uniform U(-1/K, 1/K) codewords, as in the VQ-VAE reference code.
    void resetParameters(at::Generator& generator);
    /// Dead-code restart (SoundStream, Zeghidour et al. 2021; Jukebox, Dhariwal et al. 2020): codes
    /// with zero `usage` (K counts over the last interval) are re-seeded with residuals of level
    /// `level` sampled with weight = usage of the code they sit on (busy codes get split), plus
    /// noise at 1% of their RMS. `residuals` N x D and `codes` N of the current batch. Returns the
    /// number of codes restarted.
    int64_t restartDeadCodes(int64_t level, const at::Tensor& usage, const at::Tensor& residuals,
                             const at::Tensor& codes, at::Generator& generator);
    [[nodiscard]] const at::Tensor& codebook(int64_t level) const { return m_codebooks.at(static_cast<size_t>(level)); }
    [[nodiscard]] const ResidualQuantizerOptions& options() const { return m_options; }

private:
    ResidualQuantizerOptions m_options;
    std::vector<at::Tensor> m_codebooks;  ///< per level K x D, registered as "codebook<l>"
};
TORCH_MODULE(ResidualQuantizer);

/// Sizes of the whole RQ-VAE.
struct RqVaeOptions final {
    int64_t inputDim = 0;
    std::vector<int64_t> hiddenDims = {512, 256, 128};
    int64_t latentDim = 32;
    int64_t levels = 3;
    int64_t codebookSize = 256;
    double dropout = 0.0;
    bool balancedLastLevel = false;  ///< see ResidualQuantizerOptions
    SinkhornOptions sinkhorn;
    bool diversityLoss = false;
};

/// One forward pass: reconstruction and the quantizer's output.
struct RqVaeOutput final {
    at::Tensor latent;          ///< N x D encoder output z
    at::Tensor reconstruction;  ///< N x input x-hat
    QuantizerOutput quantizer;
};

/// Encoder -> residual quantizer -> decoder, with the straight-through estimator between them.
class RqVaeImpl final : public torch::nn::Module {
public:
    explicit RqVaeImpl(const RqVaeOptions& options);
    /// Decoder input is z + sg(z-hat - z) (van den Oord et al. 2017's straight-through estimator):
    /// the decoder sees z-hat, its gradient flows to the encoder unchanged.
    RqVaeOutput forward(const at::Tensor& input, at::Generator* generator = nullptr);
    /// Deterministic initialisation of every parameter from `generator`.
    void resetParameters(at::Generator& generator);

    Mlp encoder{nullptr};
    ResidualQuantizer quantizer{nullptr};
    Mlp decoder{nullptr};
};
TORCH_MODULE(RqVae);

}  // namespace tokenbench::core
