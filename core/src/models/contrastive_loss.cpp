#include "models/contrastive_loss.h"

#include <limits>

#include <ATen/ATen.h>

namespace tokenbench::core {

at::Tensor ntXentLoss(const at::Tensor& a, const at::Tensor& b, double temperature, bool cosine) {
    const int64_t rows = a.size(0);
    at::Tensor both = at::cat({a, b}, 0);
    if (cosine) both = both / both.norm(2, {1}, /*keepdim=*/true).clamp_min(1e-12);
    const at::Tensor self = at::eye(2 * rows, at::TensorOptions().dtype(at::kBool).device(a.device()));
    const at::Tensor similarity =
        (at::mm(both, both.t()) / temperature).masked_fill(self, -std::numeric_limits<float>::infinity());
    // Row i's partner is i + B, and row i + B's is i.
    const at::Tensor first = at::arange(rows, at::TensorOptions().dtype(at::kLong).device(a.device()));
    return at::nll_loss(at::log_softmax(similarity, 1), at::cat({first + rows, first}, 0));
}

}  // namespace tokenbench::core
