#pragma once
// Private: the contrastive loss of sequence models that compare two views of the same sequences
// (CL4SRec's augmented views, ReaRec's noise-perturbed reasoning state): NT-Xent (SimCLR's
// InfoNCE), where row i of one view must pick row i of the other among all 2B - 1 other rows of
// both views. Used on one thread at a time.

#include <ATen/core/Tensor.h>

namespace tokenbench::core {

/// Mean NT-Xent over the 2B rows of views `a` and `b` (B x H each, B >= 2): similarities are dot
/// products, or cosines with `cosine`, divided by `temperature`; a row never competes with itself.
[[nodiscard]] at::Tensor ntXentLoss(const at::Tensor& a, const at::Tensor& b, double temperature, bool cosine);

}  // namespace tokenbench::core
