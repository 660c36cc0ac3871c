#include "tokenizers/sinkhorn_assignment.h"

#include <cmath>
#include <stdexcept>

#include <ATen/ATen.h>
#include <torch/utils.h>

namespace tokenbench::core {

namespace {

constexpr double kMaxExpRange = 600.0;  // e^-600 ~ 1e-261: still a normal double (e^-708 is the limit)
constexpr double kTiny = 1e-300;        // guards a column no item can reach

}  // namespace

at::Tensor sinkhornAssignment(const at::Tensor& distances, const SinkhornOptions& options) {
    if (distances.dim() != 2 || distances.size(0) == 0 || distances.size(1) == 0)
        throw std::invalid_argument("sinkhornAssignment: expected a non-empty N x K distance matrix");
    if (!(options.epsilon > 0.0) || options.iterations < 1)
        throw std::invalid_argument("sinkhornAssignment: epsilon must be positive and iterations at least 1");
    torch::NoGradGuard noGrad;
    const at::Tensor d = distances.detach().to(at::kDouble);
    const int64_t n = d.size(0);
    const int64_t k = d.size(1);
    // Rescale to [-1, 1] (LC-Rec's centring) so epsilon means the same at every level and latent scale.
    const double high = d.max().item<double>();
    const double low = d.min().item<double>();
    const double middle = 0.5 * (high + low);
    const double amplitude = high - middle + 1e-5;
    const at::Tensor logits = (d - middle) / (-amplitude * options.epsilon);
    if (2.0 / options.epsilon <= kMaxExpRange) {
        // Kernel in double with each row's maximum at 1: its smallest entry e^-(2/eps) stays a normal
        // double, and an iteration is two matrix-vector products (the log domain costs an exp and a
        // log per entry, which doubled the RQ-VAE's training time).
        const at::Tensor kernel = at::exp(logits - std::get<0>(logits.max(1, /*keepdim=*/true)));
        at::Tensor v = at::ones({k}, kernel.options());
        for (int it = 0; it < options.iterations; ++it) {
            const at::Tensor u = at::mv(kernel, v).clamp_min(kTiny).reciprocal() / static_cast<double>(n);
            v = at::mv(kernel.t(), u).clamp_min(kTiny).reciprocal() / static_cast<double>(k);
        }
        return (kernel * v.unsqueeze(0)).argmax(1);
    }
    // Smaller epsilon: the log domain, where no entry under- or overflows.
    const double logRow = -std::log(static_cast<double>(n));
    const double logColumn = -std::log(static_cast<double>(k));
    at::Tensor logU = at::zeros({n, 1}, logits.options());
    at::Tensor logV = at::zeros({1, k}, logits.options());
    for (int it = 0; it < options.iterations; ++it) {
        logV = logColumn - at::logsumexp(logits + logU, 0, /*keepdim=*/true);
        logU = logRow - at::logsumexp(logits + logV, 1, /*keepdim=*/true);
    }
    // The row scaling logU is constant along a row, so the plan's row maximum is that of logits + logV.
    return (logits + logV).argmax(1);
}

}  // namespace tokenbench::core
