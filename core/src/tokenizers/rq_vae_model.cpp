#include "tokenizers/rq_vae_model.h"

#include <cmath>
#include <stdexcept>
#include <string>
#include <utility>

#include <ATen/ATen.h>
#include <torch/utils.h>

#include "tokenbench/cancellation.h"

namespace tokenbench::core {

namespace {

constexpr double kRestartNoise = 0.01;  // restarted codewords: busy residual + N(0, (1% of its RMS)^2)
// Soft assignment of the diversity term: softmax(-d / (kDiversityTemperature * mean d)). Relative to
// the batch's mean distance, so deep levels (tiny residuals) get as sharp an assignment as the first.
constexpr double kDiversityTemperature = 0.1;

/// N x K squared L2 distances ||p||^2 - 2 p.c + ||c||^2 as one matmul (no N x K x D tensor).
at::Tensor pairwiseSquaredDistances(const at::Tensor& points, const at::Tensor& centres) {
    const at::Tensor pointNorms = points.pow(2).sum(1, /*keepdim=*/true);
    const at::Tensor centreNorms = centres.pow(2).sum(1).unsqueeze(0);
    return at::addmm(centreNorms, points, centres.t(), /*beta=*/1, /*alpha=*/-2).add_(pointNorms).clamp_min_(0);
}

/// One index drawn with probability proportional to `weights` (CPU, non-negative, positive sum).
int64_t drawIndex(const at::Tensor& weights, at::Generator& generator) {
    return at::multinomial(weights, 1, /*replacement=*/false, generator).item<int64_t>();
}

/// k-means++ seeding (Arthur & Vassilvitskii 2007) then Lloyd steps; CPU, float32. With fewer
/// distinct points than k, duplicates stay (the argmin keeps the first; dead-code restart re-seeds).
at::Tensor kmeansCentres(const at::Tensor& points, int64_t k, int iterations, at::Generator& generator,
                         const std::atomic<bool>* cancel) {
    const int64_t n = points.size(0);
    at::Tensor centres = at::empty({k, points.size(1)}, points.options());
    const at::Tensor uniform = at::ones({n}, points.options().dtype(at::kDouble));
    int64_t pick = drawIndex(uniform, generator);
    centres[0].copy_(points[pick]);
    at::Tensor nearest = pairwiseSquaredDistances(points, centres.narrow(0, 0, 1)).squeeze(1).to(at::kDouble);
    for (int64_t j = 1; j < k; ++j) {
        if ((j & 63) == 0) throwIfCancelled(cancel);
        const bool spread = nearest.sum().item<double>() > 0.0;
        pick = drawIndex(spread ? nearest : uniform, generator);
        centres[j].copy_(points[pick]);
        nearest =
            at::minimum(nearest, pairwiseSquaredDistances(points, centres.narrow(0, j, 1)).squeeze(1).to(at::kDouble));
    }
    at::Tensor previous;
    for (int it = 0; it < iterations; ++it) {
        throwIfCancelled(cancel);
        const at::Tensor assignment = pairwiseSquaredDistances(points, centres).argmin(1);
        if (previous.defined() && at::equal(previous, assignment)) break;
        previous = assignment;
        const at::Tensor sums = at::zeros_like(centres).index_add_(0, assignment, points);
        const at::Tensor counts = at::bincount(assignment, {}, k).to(points.scalar_type());
        const at::Tensor filled = counts > 0;
        centres = at::where(filled.unsqueeze(1), sums / counts.clamp_min(1).unsqueeze(1), centres);
    }
    return centres;
}

}  // namespace

// --- Mlp ---------------------------------------------------------------------------------------

MlpImpl::MlpImpl(const MlpOptions& options) : m_options(options) {
    if (options.inputDim <= 0 || options.outputDim <= 0) throw std::invalid_argument("Mlp: sizes must be positive");
    int64_t in = options.inputDim;
    std::vector<int64_t> outs = options.hiddenDims;
    outs.push_back(options.outputDim);
    for (size_t i = 0; i < outs.size(); ++i) {
        // Named "linear<i>" rather than a Sequential's index, so keys do not move with dropout/ReLU.
        m_layers.push_back(register_module("linear" + std::to_string(i), torch::nn::Linear(in, outs[i])));
        in = outs[i];
    }
}

at::Tensor MlpImpl::forward(const at::Tensor& input, at::Generator* generator) {
    at::Tensor h = input;
    const bool dropout = is_training() && m_options.dropout > 0.0;
    for (size_t i = 0; i < m_layers.size(); ++i) {
        h = m_layers[i]->forward(h);
        if (i + 1 == m_layers.size()) break;
        h = at::relu(h);
        if (dropout) {
            // Own mask so a CPU generator fixes it on every device (inverted dropout).
            const double keep = 1.0 - m_options.dropout;
            at::Tensor mask = at::empty(h.sizes(), at::TensorOptions().dtype(h.scalar_type()));
            if (generator)
                mask.bernoulli_(keep, *generator);
            else
                mask.bernoulli_(keep);
            h = h * mask.to(h.device()).div_(keep);
        }
    }
    return h;
}

void MlpImpl::resetParameters(at::Generator& generator) {
    torch::NoGradGuard noGrad;
    for (auto& layer : m_layers) {
        const double bound = 1.0 / std::sqrt(static_cast<double>(layer->weight.size(1)));
        const auto cpu = at::TensorOptions().dtype(layer->weight.scalar_type());
        layer->weight.copy_(at::empty(layer->weight.sizes(), cpu).uniform_(-bound, bound, generator));
        layer->bias.copy_(at::empty(layer->bias.sizes(), cpu).uniform_(-bound, bound, generator));
    }
}

// --- ResidualQuantizer -------------------------------------------------------------------------

ResidualQuantizerImpl::ResidualQuantizerImpl(const ResidualQuantizerOptions& options) : m_options(options) {
    if (options.levels <= 0 || options.codebookSize <= 0 || options.dim <= 0)
        throw std::invalid_argument("ResidualQuantizer: sizes must be positive");
    for (int64_t l = 0; l < options.levels; ++l)
        m_codebooks.push_back(
            register_parameter("codebook" + std::to_string(l), at::zeros({options.codebookSize, options.dim})));
}

at::Tensor ResidualQuantizerImpl::squaredDistances(const at::Tensor& residuals, int64_t level) const {
    return pairwiseSquaredDistances(residuals, codebook(level).detach());
}

namespace {

/// KL(mean_n softmax(-d_n / T) || uniform) = log K - H(batch-mean soft assignment): the diversity
/// term (a spread-usage prior like LETTER's, in the entropy form of Baevski et al.'s codebook
/// diversity loss). Gradients reach both the residuals and the codewords.
at::Tensor batchUsageDivergence(const at::Tensor& residual, const at::Tensor& book) {
    const at::Tensor distances = pairwiseSquaredDistances(residual, book);
    const at::Tensor scale = distances.mean().detach().clamp_min(1e-12) * kDiversityTemperature;
    const at::Tensor meanAssignment = at::softmax(-distances / scale, 1).mean(0);
    const double logK = std::log(static_cast<double>(book.size(0)));
    return (meanAssignment * at::log(meanAssignment.clamp_min(1e-12))).sum() + logK;
}

}  // namespace

QuantizerOutput ResidualQuantizerImpl::forward(const at::Tensor& z, bool withLosses, bool balanceLastLevel) {
    QuantizerOutput out;
    at::Tensor residual = z;
    at::Tensor quantized = at::zeros_like(z, at::TensorOptions().requires_grad(false));
    std::vector<at::Tensor> codes, residuals;
    codes.reserve(m_codebooks.size());
    residuals.reserve(m_codebooks.size());
    for (int64_t l = 0; l < m_options.levels; ++l) {
        const at::Tensor& book = m_codebooks[static_cast<size_t>(l)];
        const at::Tensor detached = residual.detach();
        const bool balanced = balanceLastLevel && m_options.balancedLastLevel && l + 1 == m_options.levels;
        const at::Tensor distances = squaredDistances(detached, l);
        const at::Tensor code = balanced ? sinkhornAssignment(distances, m_options.sinkhorn) : distances.argmin(1);
        const at::Tensor chosen = book.index_select(0, code);
        if (withLosses && m_options.diversityLoss) {
            const at::Tensor term = batchUsageDivergence(residual, book);
            out.diversityLoss = out.diversityLoss.defined() ? out.diversityLoss + term : term;
        }
        if (withLosses) {
            // TIGER's L_rqvae term per level: ||sg(r_l) - c_l||^2 moves codewords, beta ||r_l - sg(c_l)||^2
            // commits the encoder. With r_{l+1} = r_l - sg(c_l), the level-l commitment is
            // ||z - sg(c_0 + ... + c_l)||^2, Lee et al.'s (2022) commitment on partial sums.
            const at::Tensor codebookTerm = (detached - chosen).pow(2).sum(1).mean();
            const at::Tensor commitmentTerm = (residual - chosen.detach()).pow(2).sum(1).mean();
            out.codebookLoss = out.codebookLoss.defined() ? out.codebookLoss + codebookTerm : codebookTerm;
            out.commitmentLoss = out.commitmentLoss.defined() ? out.commitmentLoss + commitmentTerm : commitmentTerm;
        }
        codes.push_back(code);
        residuals.push_back(detached);
        quantized = quantized + chosen.detach();
        residual = residual - chosen.detach();
    }
    out.quantized = quantized;
    out.codes = at::stack(codes, 1);
    out.residuals = at::stack(residuals, 0);
    return out;
}

void ResidualQuantizerImpl::initWithKMeans(const at::Tensor& z, at::Generator& generator, int iterations,
                                           const std::atomic<bool>* cancel) {
    torch::NoGradGuard noGrad;
    at::Tensor residual = z.detach().to(at::kCPU, at::kFloat).contiguous();
    for (int64_t l = 0; l < m_options.levels; ++l) {
        const at::Tensor centres = kmeansCentres(residual, m_options.codebookSize, iterations, generator, cancel);
        at::Tensor& book = m_codebooks[static_cast<size_t>(l)];
        book.copy_(centres.to(book.device(), book.scalar_type()));
        const at::Tensor code = pairwiseSquaredDistances(residual, centres).argmin(1);
        residual = residual - centres.index_select(0, code);
    }
}

void ResidualQuantizerImpl::resetParameters(at::Generator& generator) {
    torch::NoGradGuard noGrad;
    const double bound = 1.0 / static_cast<double>(m_options.codebookSize);
    for (auto& book : m_codebooks)
        book.copy_(
            at::empty(book.sizes(), at::TensorOptions().dtype(book.scalar_type())).uniform_(-bound, bound, generator));
}

int64_t ResidualQuantizerImpl::restartDeadCodes(int64_t level, const at::Tensor& usage, const at::Tensor& residuals,
                                                const at::Tensor& codes, at::Generator& generator) {
    torch::NoGradGuard noGrad;
    const at::Tensor usageCpu = usage.to(at::kCPU, at::kDouble);
    const at::Tensor dead = (usageCpu == 0).nonzero().squeeze(1);
    const int64_t deadCount = dead.numel();
    if (deadCount == 0 || residuals.size(0) == 0) return 0;
    at::Tensor weights = usageCpu.index_select(0, codes.to(at::kCPU));
    if (!(weights.sum().item<double>() > 0.0)) weights = at::ones_like(weights);
    const at::Tensor picks = at::multinomial(weights, deadCount, /*replacement=*/true, generator);
    const at::Tensor chosen = residuals.to(at::kCPU, at::kFloat).index_select(0, picks);
    const double rms = std::sqrt(chosen.pow(2).mean().item<double>());
    const double scale = kRestartNoise * (rms > 0.0 ? rms : 1.0);
    const at::Tensor fresh = chosen + at::empty(chosen.sizes(), chosen.options()).normal_(0.0, scale, generator);
    at::Tensor& book = m_codebooks.at(static_cast<size_t>(level));
    book.index_copy_(0, dead.to(book.device()), fresh.to(book.device(), book.scalar_type()));
    return deadCount;
}

// --- RqVae -------------------------------------------------------------------------------------

RqVaeImpl::RqVaeImpl(const RqVaeOptions& options) {
    std::vector<int64_t> reversed(options.hiddenDims.rbegin(), options.hiddenDims.rend());
    encoder = register_module(
        "encoder", Mlp(MlpOptions{options.inputDim, options.hiddenDims, options.latentDim, options.dropout}));
    ResidualQuantizerOptions quantizerOptions;
    quantizerOptions.levels = options.levels;
    quantizerOptions.codebookSize = options.codebookSize;
    quantizerOptions.dim = options.latentDim;
    quantizerOptions.balancedLastLevel = options.balancedLastLevel;
    quantizerOptions.sinkhorn = options.sinkhorn;
    quantizerOptions.diversityLoss = options.diversityLoss;
    quantizer = register_module("quantizer", ResidualQuantizer(quantizerOptions));
    decoder =
        register_module("decoder", Mlp(MlpOptions{options.latentDim, reversed, options.inputDim, options.dropout}));
}

RqVaeOutput RqVaeImpl::forward(const at::Tensor& input, at::Generator* generator) {
    RqVaeOutput out;
    out.latent = encoder->forward(input, generator);
    out.quantizer = quantizer->forward(out.latent);
    // Straight-through: the value is z-hat, the gradient w.r.t. z is the identity.
    const at::Tensor decoderInput = out.latent + (out.quantizer.quantized - out.latent).detach();
    out.reconstruction = decoder->forward(decoderInput, generator);
    return out;
}

void RqVaeImpl::resetParameters(at::Generator& generator) {
    encoder->resetParameters(generator);
    quantizer->resetParameters(generator);
    decoder->resetParameters(generator);
}

}  // namespace tokenbench::core
