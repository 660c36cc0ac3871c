#include "tokenizers/sinkhorn_assignment.h"

#include <cmath>
#include <stdexcept>

#include <ATen/ATen.h>
#include <torch/utils.h>

namespace tokenbench::core {

at::Tensor sinkhornAssignment(const at::Tensor& distances, const SinkhornOptions& options) {
    if (distances.dim() != 2 || distances.size(0) == 0 || distances.size(1) == 0)
        throw std::invalid_argument("sinkhornAssignment: expected a non-empty N x K distance matrix");
    if (!(options.epsilon > 0.0) || options.iterations < 1)
        throw std::invalid_argument("sinkhornAssignment: epsilon must be positive and iterations at least 1");
    torch::NoGradGuard noGrad;
    const at::Tensor d = distances.detach().to(at::kFloat);
    const int64_t n = d.size(0);
    const int64_t k = d.size(1);
    // Rescale to [-1, 1] (LC-Rec's centring) so epsilon means the same at every level and latent scale.
    const double high = d.max().item<double>();
    const double low = d.min().item<double>();
    const double middle = 0.5 * (high + low);
    const double amplitude = high - middle + 1e-5;
    const at::Tensor logits = (d - middle) / (-amplitude * options.epsilon);
    // Log domain: with epsilon ~0.01 the kernel exp(-d/eps) under- and overflows float.
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
