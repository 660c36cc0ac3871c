#include "models/cove_module.h"

#include <algorithm>
#include <stdexcept>
#include <vector>

#include <ATen/ATen.h>
#include <torch/utils.h>

#include "common/seeded_random.h"

namespace tokenbench::core {

ResidualCodebooksImpl::ResidualCodebooksImpl(int64_t levels, int64_t codebookSize, int64_t hidden)
    : m_levels(levels), m_codebookSize(codebookSize) {
    if (levels <= 0 || codebookSize <= 0 || hidden <= 0)
        throw std::invalid_argument("cove: levels, codebook size and hidden size must be positive");
    codewords = register_parameter("codewords", at::zeros({levels, codebookSize, hidden}));
}

at::Tensor ResidualCodebooksImpl::nearest(const at::Tensor& residual, int64_t level) const {
    // argmin_k ||r - c_k||^2 = argmin_k (||c_k||^2 - 2 r . c_k): one product, no N x K x H temporary.
    const at::Tensor c = codewords[level].detach();
    const at::Tensor distances = at::addmm(c.pow(2).sum(1).unsqueeze(0), residual.detach(), c.t(), 1.0, -2.0);
    return distances.argmin(1);
}

QuantizedItems ResidualCodebooksImpl::quantize(const at::Tensor& vectors, double beta) {
    QuantizedItems out;
    at::Tensor residual = vectors;
    at::Tensor sum = at::zeros_like(vectors);
    out.loss = at::zeros({}, vectors.options());
    std::vector<at::Tensor> codes;
    for (int64_t l = 0; l < m_levels; ++l) {
        const at::Tensor index = nearest(residual, l);
        const at::Tensor q = codewords[l].index_select(0, index);
        // VQ-VAE's commitment (beta, moves the residual) and codebook (moves the codeword) terms.
        out.loss = out.loss + beta * at::mse_loss(residual, q.detach()) + at::mse_loss(q, residual.detach());
        // Value q; gradient to the codeword and, straight through, to the residual (see header).
        sum = sum + q + (residual - residual.detach());
        residual = residual - q.detach();
        codes.push_back(index);
    }
    out.codeMean = sum / static_cast<double>(m_levels);
    out.codes = at::stack(codes, 1);
    return out;
}

at::Tensor ResidualCodebooksImpl::assign(const at::Tensor& vectors) {
    torch::NoGradGuard noGrad;
    at::Tensor residual = vectors.detach();
    std::vector<at::Tensor> codes;
    for (int64_t l = 0; l < m_levels; ++l) {
        const at::Tensor index = nearest(residual, l);
        residual = residual - codewords[l].index_select(0, index);
        codes.push_back(index);
    }
    return at::stack(codes, 1);
}

int64_t ResidualCodebooksImpl::restartDeadCodes(const at::Tensor& vectors, uint64_t& state) {
    torch::NoGradGuard noGrad;
    at::Tensor residual = vectors.detach();
    int64_t moved = 0;
    for (int64_t l = 0; l < m_levels; ++l) {
        at::Tensor index = nearest(residual, l);
        const at::Tensor indexCpu = index.to(at::kCPU).contiguous();
        const int64_t* assigned = indexCpu.data_ptr<int64_t>();
        const int64_t n = indexCpu.numel();
        std::vector<int64_t> counts(static_cast<size_t>(m_codebookSize), 0);
        for (int64_t i = 0; i < n; ++i) ++counts[static_cast<size_t>(assigned[i])];
        std::vector<int64_t> dead, busy;
        for (int64_t k = 0; k < m_codebookSize; ++k)
            if (counts[static_cast<size_t>(k)] == 0) dead.push_back(k);
        if (dead.empty()) {
            residual = residual - codewords[l].index_select(0, index);
            continue;
        }
        for (int64_t i = 0; i < n; ++i)
            if (counts[static_cast<size_t>(assigned[i])] > 1) busy.push_back(i);
        // Partial Fisher-Yates: the first `take` busy vectors, drawn without repeats.
        const size_t take = std::min(dead.size(), busy.size());
        for (size_t j = 0; j < take; ++j) std::swap(busy[j], busy[j + splitmix64(state) % (busy.size() - j)]);
        if (take == 0) {
            residual = residual - codewords[l].index_select(0, index);
            continue;
        }
        const auto options = at::TensorOptions().dtype(at::kLong);
        const at::Tensor targets = at::tensor(std::vector<int64_t>(dead.begin(), dead.begin() + static_cast<long>(take)), options)
                                       .to(codewords.device());
        const at::Tensor sources = at::tensor(std::vector<int64_t>(busy.begin(), busy.begin() + static_cast<long>(take)), options)
                                       .to(codewords.device());
        codewords[l].index_copy_(0, targets, residual.index_select(0, sources).to(codewords.scalar_type()));
        moved += static_cast<int64_t>(take);
        index = nearest(residual, l);
        residual = residual - codewords[l].index_select(0, index);
    }
    return moved;
}

void ResidualCodebooksImpl::resetParameters(at::Generator& generator, double scale) {
    torch::NoGradGuard noGrad;
    codewords.normal_(0.0, scale, generator);
}

CoveNetImpl::CoveNetImpl(const SasRecOptions& options, int64_t levels, int64_t codebookSize) {
    backbone = register_module("backbone", SasRec(options));
    codebooks = register_module("codebooks", ResidualCodebooks(levels, codebookSize, options.hidden));
}

at::Tensor CoveNetImpl::itemVectors() const {
    return backbone->itemEmbedding->weight.narrow(0, 1, backbone->options().items);
}

CoveItemTable CoveNetImpl::itemTable(double alpha, double beta) {
    const at::Tensor e = itemVectors();
    QuantizedItems quantized = codebooks->quantize(e, beta);
    CoveItemTable out;
    out.table = at::cat({at::zeros({1, e.size(1)}, e.options()), quantized.codeMean + alpha * e}, 0);
    out.codes = std::move(quantized.codes);
    out.loss = std::move(quantized.loss);
    return out;
}

void CoveNetImpl::resetParameters(at::Generator& generator) {
    backbone->resetParameters(generator);
    // Codewords on the item embeddings' scale; dead-code restarts then move them onto item residuals.
    codebooks->resetParameters(generator, itemVectors().detach().std().item<double>());
}

}  // namespace tokenbench::core
