#pragma once
// Private: batched matrix products for attention over many short sequences. LibTorch 1.13's CPU
// bmm runs one dispatched addmm (plus three select calls) per batch entry once a product exceeds a
// few hundred multiply-adds; with 128 sequences of a few items that bookkeeping costs far more than
// the arithmetic. On the CPU, for float tensors, these functions call BLAS sgemm directly for every
// entry, reading strided views in place (no copies of Q, K, V slices), with an autograd backward of
// the same kind. Elsewhere (CUDA, other dtypes, no sgemm found) they use at::bmm / at::baddbmm.
// Any thread; the BLAS symbol is resolved once.

#include <ATen/core/Tensor.h>

namespace tokenbench::core {

/// `bias` + `alpha` * a @ b^T (when `transposeB`) or a @ b, batched over dim 0: a is B x M x K,
/// b is B x N x K (transposed) or B x K x N, `bias` (may be undefined: zero) B x M x N and
/// never differentiated. Gradients flow to a and b.
[[nodiscard]] at::Tensor batchedMatmul(const at::Tensor& a, const at::Tensor& b, bool transposeB, double alpha = 1.0,
                                       const at::Tensor& bias = {});

/// Whether batchedMatmul calls BLAS directly on this machine (false: the at::bmm fallback).
[[nodiscard]] bool batchedMatmulUsesBlas();

}  // namespace tokenbench::core
