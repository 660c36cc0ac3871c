#include "models/sasrec_adam.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <utility>

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <torch/serialize/archive.h>
#include <torch/utils.h>

namespace tokenbench::core {

namespace {

constexpr int64_t kGrain = 65536;  // elements per parallel chunk: small parameters stay on one thread

/// The per-step constants of the update.
struct Coefficients final {
    float beta1, oneMinusBeta1, beta2, oneMinusBeta2, stepSize, biasCorrection2Sqrt, eps, weightDecay;
};

// torch's Adam on n consecutive elements: g += wd * p; m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
// p -= stepSize * m / (sqrt(v) / sqrt(bc2) + eps). `g` null means a zero gradient. Fixed-size
// inner blocks and restrict pointers let GCC vectorise it at -O2 (with -fno-math-errno for sqrt,
// set for this file in models.cmake).
void adamRun(float* __restrict p, const float* __restrict g, float* __restrict m, float* __restrict v, int64_t n,
             const Coefficients& c) {
    const float b1 = c.beta1, ob1 = c.oneMinusBeta1, b2 = c.beta2, ob2 = c.oneMinusBeta2, step = c.stepSize,
                bc2 = c.biasCorrection2Sqrt, eps = c.eps, wd = c.weightDecay;
    const auto one = [&](int64_t i, float gradient) {
        const float grad = gradient + wd * p[i];
        const float first = b1 * m[i] + ob1 * grad;
        const float second = b2 * v[i] + ob2 * grad * grad;
        m[i] = first;
        v[i] = second;
        p[i] -= step * first / (std::sqrt(second) / bc2 + eps);
    };
    constexpr int64_t kBlock = 16;
    int64_t i = 0;
    if (g) {
        for (; i + kBlock <= n; i += kBlock)
            for (int64_t l = 0; l < kBlock; ++l) one(i + l, g[i + l]);
        for (; i < n; ++i) one(i, g[i]);
    } else {
        for (; i + kBlock <= n; i += kBlock)
            for (int64_t l = 0; l < kBlock; ++l) one(i + l, 0.0f);
        for (; i < n; ++i) one(i, 0.0f);
    }
}

void denseStep(float* p, const float* g, float* m, float* v, int64_t count, const Coefficients& c) {
    at::parallel_for(0, count, kGrain, [&](int64_t begin, int64_t end) {
        adamRun(p + begin, g + begin, m + begin, v + begin, end - begin, c);
    });
}

/// Rows of a rows x width parameter; `indices` (sorted, unique) name the rows with a gradient,
/// `values` their gradient rows. The other rows, in runs, are updated as with a zero gradient.
void sparseStep(float* p, const int64_t* indices, const float* values, int64_t nnz, float* m, float* v, int64_t rows,
                int64_t width, const Coefficients& c) {
    at::parallel_for(0, rows, std::max<int64_t>(1, kGrain / std::max<int64_t>(1, width)), [&](int64_t begin, int64_t end) {
        int64_t k = std::lower_bound(indices, indices + nnz, begin) - indices;
        int64_t r = begin;
        while (r < end) {
            const int64_t next = k < nnz ? std::min(indices[k], end) : end;  // next row with a gradient
            if (next > r) {
                const int64_t at = r * width;
                adamRun(p + at, nullptr, m + at, v + at, (next - r) * width, c);
                r = next;
                continue;
            }
            const int64_t at = r * width;
            adamRun(p + at, values + k * width, m + at, v + at, width, c);
            ++k;
            ++r;
        }
    });
}

/// LazyAdam: only the rows named by `indices` (sorted, unique) take a step; the rest stay as they are.
void lazyRowsStep(float* p, const int64_t* indices, const float* values, int64_t nnz, float* m, float* v,
                  int64_t width, const Coefficients& c) {
    at::parallel_for(0, nnz, std::max<int64_t>(1, kGrain / std::max<int64_t>(1, width)), [&](int64_t begin, int64_t end) {
        for (int64_t k = begin; k < end; ++k) {
            const int64_t at = indices[k] * width;
            adamRun(p + at, values + k * width, m + at, v + at, width, c);
        }
    });
}

bool fusable(const at::Tensor& t) { return t.device().is_cpu() && t.scalar_type() == at::kFloat && t.is_contiguous(); }

}  // namespace

SasRecAdam::SasRecAdam(std::vector<at::Tensor> parameters, SasRecAdamOptions options)
    : m_options(options), m_parameters(std::move(parameters)) {
    for (const at::Tensor& p : m_parameters) {
        m_firstMoments.push_back(at::zeros_like(p, at::MemoryFormat::Contiguous));
        m_secondMoments.push_back(at::zeros_like(p, at::MemoryFormat::Contiguous));
    }
}

void SasRecAdam::zeroGrad() {
    for (at::Tensor& p : m_parameters) p.mutable_grad() = at::Tensor();
}

void SasRecAdam::update() {
    torch::NoGradGuard noGrad;
    ++m_steps;
    const double biasCorrection1 = 1.0 - std::pow(m_options.beta1, static_cast<double>(m_steps));
    const double biasCorrection2 = 1.0 - std::pow(m_options.beta2, static_cast<double>(m_steps));
    const double stepSize = m_options.learningRate / biasCorrection1;
    const double correction2Sqrt = std::sqrt(biasCorrection2);
    const Coefficients c{static_cast<float>(m_options.beta1),    static_cast<float>(1.0 - m_options.beta1),
                         static_cast<float>(m_options.beta2),    static_cast<float>(1.0 - m_options.beta2),
                         static_cast<float>(stepSize),           static_cast<float>(correction2Sqrt),
                         static_cast<float>(m_options.eps),      static_cast<float>(m_options.weightDecay)};
    for (size_t i = 0; i < m_parameters.size(); ++i) {
        at::Tensor& p = m_parameters[i];
        const at::Tensor& grad = p.grad();
        if (!grad.defined()) continue;
        at::Tensor& m = m_firstMoments[i];
        at::Tensor& v = m_secondMoments[i];
        if (grad.is_sparse() && p.dim() == 2 && fusable(p) && grad.device().is_cpu() &&
            grad.scalar_type() == at::kFloat && grad.sparse_dim() == 1) {
            const at::Tensor coalesced = grad.coalesce();
            const at::Tensor indices = coalesced.indices().select(0, 0).contiguous();
            const at::Tensor values = coalesced.values().contiguous();
            if (m_options.lazyRows)
                lazyRowsStep(p.data_ptr<float>(), indices.data_ptr<int64_t>(), values.data_ptr<float>(),
                             indices.numel(), m.data_ptr<float>(), v.data_ptr<float>(), p.size(1), c);
            else
                sparseStep(p.data_ptr<float>(), indices.data_ptr<int64_t>(), values.data_ptr<float>(),
                           indices.numel(), m.data_ptr<float>(), v.data_ptr<float>(), p.size(0), p.size(1), c);
        } else if (!grad.is_sparse() && fusable(p) && fusable(grad)) {
            denseStep(p.data_ptr<float>(), grad.data_ptr<float>(), m.data_ptr<float>(), v.data_ptr<float>(), p.numel(),
                      c);
        } else {
            // Same arithmetic as tensor ops (CUDA, other dtypes, strided parameters).
            at::Tensor g = grad.is_sparse() ? grad.to_dense() : grad;
            if (m_options.weightDecay != 0.0) g = g.add(p, m_options.weightDecay);
            m.mul_(m_options.beta1).add_(g, 1.0 - m_options.beta1);
            v.mul_(m_options.beta2).addcmul_(g, g, 1.0 - m_options.beta2);
            p.addcdiv_(m, (v.sqrt() / correction2Sqrt).add_(m_options.eps), -stepSize);
        }
    }
}

void SasRecAdam::save(torch::serialize::OutputArchive& archive) const {
    archive.write("steps", at::full({1}, m_steps, at::TensorOptions().dtype(at::kLong)));
    for (size_t i = 0; i < m_parameters.size(); ++i) {
        archive.write("m" + std::to_string(i), m_firstMoments[i]);
        archive.write("v" + std::to_string(i), m_secondMoments[i]);
    }
}

void SasRecAdam::load(torch::serialize::InputArchive& archive) {
    torch::NoGradGuard noGrad;
    at::Tensor value;
    archive.read("steps", value);
    const int64_t steps = value.to(at::kCPU).item<int64_t>();
    std::vector<at::Tensor> first(m_parameters.size()), second(m_parameters.size());
    for (size_t i = 0; i < m_parameters.size(); ++i) {
        archive.read("m" + std::to_string(i), first[i]);
        archive.read("v" + std::to_string(i), second[i]);
        if (!first[i].sizes().equals(m_parameters[i].sizes()) || !second[i].sizes().equals(m_parameters[i].sizes()))
            throw std::invalid_argument("optimizer state " + std::to_string(i) + " does not match its parameter's shape");
    }
    for (size_t i = 0; i < m_parameters.size(); ++i) {
        m_firstMoments[i].copy_(first[i]);
        m_secondMoments[i].copy_(second[i]);
    }
    m_steps = steps;
}

}  // namespace tokenbench::core
