#pragma once
// Private: the torch modules of cove (co-evolving vector quantization; published as CAGE, WWW 2024):
// cascaded residual codebooks trained jointly with a SASRec network's item embeddings. Per level l
// the residual r_l (r_1 = e, r_{l+1} = r_l - q_l) is replaced by its nearest codeword q_l; the item
// vector the recommender sees (input and scoring) is mean_l(q_l) + alpha * e. Registered names are
// checkpoint and export keys ("backbone.item_embedding.weight", "codebooks.codewords").
// Used on one thread at a time (a job's worker thread).

#include <cstdint>

#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

#include "models/sasrec_module.h"

namespace tokenbench::core {

/// What quantizing a set of vectors produced.
struct QuantizedItems final {
    at::Tensor codes;     ///< N x levels int64: each level's codeword index
    at::Tensor codeMean;  ///< N x H: mean of the levels' codewords (gradient: see ResidualCodebooksImpl::quantize)
    at::Tensor loss;      ///< scalar: sum over levels of beta * ||sg[q] - r||^2 + ||q - sg[r]||^2 (means over elements)
};

/// `levels` codebooks of `codebookSize` codewords of width `hidden`, one parameter
/// ("codewords", levels x codebookSize x hidden).
class ResidualCodebooksImpl final : public torch::nn::Module {
public:
    ResidualCodebooksImpl(int64_t levels, int64_t codebookSize, int64_t hidden);
    /// Quantizes `vectors` (N x H) level by level. The value of codeMean is mean_l(q_l); its gradient
    /// reaches both the chosen codewords (so the recommender's loss trains the codes) and, straight
    /// through, the input (d codeMean / d vectors = I, as if quantization were the identity). The
    /// residuals passed down the cascade use sg[q_l], so a level's commitment term moves the input
    /// alone and each codebook is moved by its own level's terms and by the recommender.
    QuantizedItems quantize(const at::Tensor& vectors, double beta);
    /// Codes of `vectors` (N x levels int64), without gradients.
    at::Tensor assign(const at::Tensor& vectors);
    /// Dead-code restart, level by level: every codeword no vector is assigned to is moved onto the
    /// residual of a vector that shares its code with another (a busy code), drawn from `state`
    /// without repeats, so busy codes split and every level keeps its codewords in use. Returns the
    /// number of codewords moved. Without gradients; the vectors are re-assigned after each level.
    int64_t restartDeadCodes(const at::Tensor& vectors, uint64_t& state);
    /// Normal codewords of standard deviation `scale` from `generator`.
    void resetParameters(at::Generator& generator, double scale);

    [[nodiscard]] int64_t levels() const { return m_levels; }
    [[nodiscard]] int64_t codebookSize() const { return m_codebookSize; }

    at::Tensor codewords;

private:
    /// Index of the nearest codeword of level `level` for each row of `residual` (no gradient).
    at::Tensor nearest(const at::Tensor& residual, int64_t level) const;

    int64_t m_levels;
    int64_t m_codebookSize;
};
TORCH_MODULE(ResidualCodebooks);

/// The item table the recommender uses this step, and what made it.
struct CoveItemTable final {
    at::Tensor table;  ///< (items + 1) x H: row 0 padding (zeros), row i + 1 = mean codes + alpha e of item i
    at::Tensor codes;  ///< items x levels
    at::Tensor loss;   ///< the quantization loss (before omega)
};

/// The whole network: a SASRec ("backbone", whose item_embedding is e) and the codebooks.
class CoveNetImpl final : public torch::nn::Module {
public:
    CoveNetImpl(const SasRecOptions& options, int64_t levels, int64_t codebookSize);
    /// Every item quantized and composed (see file comment).
    CoveItemTable itemTable(double alpha, double beta);
    /// e: the backbone's item embedding rows 1..items.
    [[nodiscard]] at::Tensor itemVectors() const;
    /// The backbone's initialisation, then codewords on the scale of the item embeddings.
    void resetParameters(at::Generator& generator);

    SasRec backbone{nullptr};
    ResidualCodebooks codebooks{nullptr};
};
TORCH_MODULE(CoveNet);

}  // namespace tokenbench::core
