#include "models/sasrec_batched_gemm.h"

#include <dlfcn.h>

#include <algorithm>
#include <cstdint>

#include <ATen/ATen.h>
#include <torch/autograd.h>

namespace tokenbench::core {

namespace {

// Fortran BLAS sgemm (LP64), as Debian's LibTorch reaches it through libblas.so.3.
using SgemmFn = void (*)(const char* transA, const char* transB, const int* m, const int* n, const int* k,
                         const float* alpha, const float* a, const int* lda, const float* b, const int* ldb,
                         const float* beta, float* c, const int* ldc);

SgemmFn sgemm() {
    static const SgemmFn fn = reinterpret_cast<SgemmFn>(dlsym(RTLD_DEFAULT, "sgemm_"));
    return fn;
}

/// Whether a matrix's sizes and row strides fit BLAS's 32-bit integers.
bool fitsInt(const at::Tensor& t) {
    constexpr int64_t kMax = (int64_t(1) << 31) - 1;
    return t.size(1) < kMax && t.size(2) < kMax && t.stride(1) < kMax && t.stride(2) < kMax;
}

/// One operand of a batched product: B row-major matrices `ld` floats apart in rows, `batchStride`
/// apart, used as stored or transposed.
struct Operand final {
    at::Tensor storage;  // keeps a copy alive when the view could not be used in place
    const float* data = nullptr;
    int64_t batchStride = 0;
    int64_t ld = 0;
    bool transposed = false;
};

/// Describes op(t) for a B x R x C float tensor t (op = transpose when `transpose`), in place when
/// one of its two matrix strides is 1.
Operand describe(const at::Tensor& t, bool transpose) {
    Operand o;
    const int64_t rows = t.size(1), cols = t.size(2);
    at::Tensor source = t;
    bool rowMajor = t.stride(2) == 1 || cols == 1;
    bool colMajor = !rowMajor && (t.stride(1) == 1 || rows == 1);
    if (!rowMajor && !colMajor) {
        source = t.contiguous();
        rowMajor = true;
    }
    o.storage = source;
    o.data = source.data_ptr<float>();
    o.batchStride = source.size(0) > 1 ? source.stride(0) : 0;
    if (rowMajor) {
        o.ld = std::max<int64_t>({rows > 1 ? source.stride(1) : cols, cols, 1});
        o.transposed = transpose;
    } else {  // stored column-major: its transpose (C x R) is row-major
        o.ld = std::max<int64_t>({cols > 1 ? source.stride(2) : rows, rows, 1});
        o.transposed = !transpose;
    }
    return o;
}

/// c[i] = alpha * op(a[i]) @ op(b[i]) + beta * c[i] for row-major m x n results `ldc` apart.
/// Row-major C = A B is column-major C^T = B^T A^T, so sgemm gets the operands swapped.
void gemmBatched(int64_t batch, int64_t m, int64_t n, int64_t k, float alpha, const Operand& a, const Operand& b,
                 float beta, float* c) {
    const char transA = b.transposed ? 'T' : 'N';
    const char transB = a.transposed ? 'T' : 'N';
    const int M = static_cast<int>(n), N = static_cast<int>(m), K = static_cast<int>(k);
    const int lda = static_cast<int>(b.ld), ldb = static_cast<int>(a.ld), ldc = static_cast<int>(std::max<int64_t>(n, 1));
    const SgemmFn fn = sgemm();
    for (int64_t i = 0; i < batch; ++i)
        fn(&transA, &transB, &M, &N, &K, &alpha, b.data + i * b.batchStride, &lda, a.data + i * a.batchStride, &ldb,
           &beta, c + i * m * n, &ldc);
}

/// alpha * op(a) @ op(b) (+ bias), batched, with BLAS; a: B x m x k after op, b: B x k x n after op.
at::Tensor product(const at::Tensor& a, bool transposeA, const at::Tensor& b, bool transposeB, double alpha,
                   const at::Tensor& bias) {
    const int64_t batch = a.size(0);
    const int64_t m = transposeA ? a.size(2) : a.size(1);
    const int64_t k = transposeA ? a.size(1) : a.size(2);
    const int64_t n = transposeB ? b.size(1) : b.size(2);
    at::Tensor out;
    float beta = 0.0f;
    out = at::empty({batch, m, n}, a.options());
    if (bias.defined()) {
        out.copy_(bias.expand({batch, m, n}));
        beta = 1.0f;
    }
    if (batch == 0 || m == 0 || n == 0) return out;
    if (k == 0) return beta == 0.0f ? out.zero_() : out;
    gemmBatched(batch, m, n, k, static_cast<float>(alpha), describe(a, transposeA), describe(b, transposeB), beta,
                out.data_ptr<float>());
    return out;
}

class BatchedMatmulFunction final : public torch::autograd::Function<BatchedMatmulFunction> {
public:
    static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& a, const at::Tensor& b,
                              bool transposeB, double alpha, const c10::optional<at::Tensor>& bias) {
        ctx->save_for_backward({a, b});
        ctx->saved_data["transpose_b"] = transposeB;
        ctx->saved_data["alpha"] = alpha;
        return product(a, false, b, transposeB, alpha, bias.value_or(at::Tensor()));
    }

    static torch::autograd::tensor_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::tensor_list grads) {
        const auto saved = ctx->get_saved_variables();
        const at::Tensor& a = saved[0];
        const at::Tensor& b = saved[1];
        const bool transposeB = ctx->saved_data["transpose_b"].toBool();
        const double alpha = ctx->saved_data["alpha"].toDouble();
        if (!grads[0].defined()) return {at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor()};
        const at::Tensor grad = grads[0].contiguous();
        // out = alpha a op(b): d a = alpha grad op(b)^T; d b = alpha grad^T a (b used transposed)
        // or alpha a^T grad (b used as stored).
        const at::Tensor gradA = product(grad, false, b, !transposeB, alpha, {});
        const at::Tensor gradB =
            transposeB ? product(grad, true, a, false, alpha, {}) : product(a, true, grad, false, alpha, {});
        return {gradA, gradB, at::Tensor(), at::Tensor(), at::Tensor()};
    }
};

}  // namespace

bool batchedMatmulUsesBlas() { return sgemm() != nullptr; }

at::Tensor batchedMatmul(const at::Tensor& a, const at::Tensor& b, bool transposeB, double alpha,
                         const at::Tensor& bias) {
    TORCH_CHECK(a.dim() == 3 && b.dim() == 3 && a.size(0) == b.size(0) &&
                    a.size(2) == (transposeB ? b.size(2) : b.size(1)),
                "batchedMatmul: shapes ", a.sizes(), " and ", b.sizes(), " do not multiply");
    const bool blas = sgemm() && a.device().is_cpu() && b.device().is_cpu() && a.scalar_type() == at::kFloat &&
                      b.scalar_type() == at::kFloat &&
                      (!bias.defined() || (bias.device().is_cpu() && bias.scalar_type() == at::kFloat)) &&
                      fitsInt(a) && fitsInt(b);
    if (!blas) {
        const at::Tensor right = transposeB ? b.transpose(1, 2) : b;
        if (bias.defined()) return at::baddbmm(bias, a, right, /*beta=*/1.0, alpha);
        return alpha == 1.0 ? at::bmm(a, right) : at::bmm(a, right).mul(alpha);
    }
    // The bias goes in as an optional: autograd needs every plain tensor argument defined.
    return BatchedMatmulFunction::apply(a, b, transposeB, alpha,
                                        bias.defined() ? c10::optional<at::Tensor>(bias) : c10::nullopt);
}

}  // namespace tokenbench::core
