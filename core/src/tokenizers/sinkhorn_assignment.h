#pragma once
// Private: balanced code assignment by Sinkhorn-Knopp (Cuturi 2013), as LC-Rec and LETTER use for the
// last RQ-VAE level to cut collisions. Pure tensor code; any thread.

#include <ATen/core/Tensor.h>

namespace tokenbench::core {

/// How hard the assignment is pushed towards equal code loads.
struct SinkhornOptions final {
    double epsilon = 0.01;  ///< entropic temperature on distances rescaled to [-1, 1]; smaller = closer to exact transport
    int iterations = 100;   ///< alternating row/column scalings
};

/// N codes (int64, on the input's device) for N x K squared `distances`: the transport plan with
/// uniform row marginals (one unit per item) and uniform column marginals (N/K per code), then each
/// row's largest entry. Without balance pressure (N x K all equal distances) this is the argmin.
[[nodiscard]] at::Tensor sinkhornAssignment(const at::Tensor& distances, const SinkhornOptions& options);

}  // namespace tokenbench::core
