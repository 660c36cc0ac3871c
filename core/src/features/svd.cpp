// Randomized truncated SVD (Halko, Martinsson & Tropp 2011, "Finding structure with randomness",
// Algorithm 4.4: randomized subspace iteration, then Algorithm 5.1: direct SVD of B = Q^T A).
#include "tokenbench/features/featurizers.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include <ATen/Parallel.h>
#include <ATen/core/Tensor.h>
#include <ATen/core/grad_mode.h>
#include <ATen/ops/empty.h>
#include <ATen/ops/from_blob.h>
#include <ATen/ops/linalg_cholesky_ex.h>
#include <ATen/ops/linalg_qr.h>
#include <ATen/ops/linalg_solve_triangular.h>
#include <ATen/ops/linalg_svd.h>
#include <ATen/ops/zeros.h>
#include "common/seeded_random.h"

namespace tokenbench::core {

namespace {

// Dense inputs up to this many elements are copied to float64 for the products; larger ones are
// multiplied in float32 (a 12k x 50k double copy would need 4.8 GB).
constexpr int64_t kDenseDoubleLimit = int64_t{1} << 25;
constexpr int64_t kWorkPerTask = int64_t{1} << 16;  // multiply-adds per parallel task: small products stay inline
constexpr int64_t kPrefetchDistance = 4;            // nonzeros ahead
constexpr double kCholeskyQrTolerance = 1e-7;       // min/max diagonal of R, ~1/cond(Y): CholeskyQR2 is safe below 1e8
constexpr double kTwoPi = 6.283185307179586476925286766559;

inline void prefetchRow(const double* row, int64_t length) {
#if defined(__GNUC__) || defined(__clang__)
    const char* bytes = reinterpret_cast<const char*>(row);
    for (int64_t b = 0; b < length * static_cast<int64_t>(sizeof(double)); b += 64) __builtin_prefetch(bytes + b);
#else
    (void)row, (void)length;
#endif
}

/// n x l standard normal test matrix Omega. Own generator (Box-Muller over splitmix64) rather than a
/// torch::Generator, so a seed gives the same Omega with every LibTorch version.
at::Tensor gaussianTestMatrix(int64_t n, int64_t l, uint64_t seed) {
    at::Tensor omega = at::empty({n, l}, at::TensorOptions().dtype(at::kDouble));
    double* out = omega.data_ptr<double>();
    uint64_t state = seed ^ 0x7261736f7664ULL;
    const int64_t total = n * l;
    for (int64_t i = 0; i < total; i += 2) {
        const double u1 = static_cast<double>((splitmix64(state) >> 11) + 1) * 0x1.0p-53;  // (0, 1]
        const double u2 = static_cast<double>(splitmix64(state) >> 11) * 0x1.0p-53;        // [0, 1)
        const double radius = std::sqrt(-2.0 * std::log(u1));
        out[i] = radius * std::cos(kTwoPi * u2);
        if (i + 1 < total) out[i + 1] = radius * std::sin(kTwoPi * u2);
    }
    return omega;
}

/// A as a linear operator: the randomized SVD touches it only through A X and A^T Y (float64).
struct LinearOperator {
    int64_t rows = 0;
    int64_t cols = 0;
    std::function<at::Tensor(const at::Tensor&)> times;            ///< (cols x l) -> rows x l
    std::function<at::Tensor(const at::Tensor&)> timesTransposed;  ///< (rows x l) -> cols x l
    std::vector<char> zeroRow;                                     ///< rows of A that are all zero
};

/// Q with orthonormal columns spanning range(Y), by CholeskyQR2 (Fukaya et al. 2014): two passes of
/// Q = Y R^-1 with R^T R = Y^T Y. Gram, Cholesky and a triangular solve are BLAS-3 and several times
/// faster than Householder QR on tall Y; the second pass restores orthogonality lost to cond(Y)^2.
/// Rank-deficient or badly conditioned Y (exactly low-rank inputs) falls back to Householder QR.
at::Tensor orthonormalBasis(const at::Tensor& y) {
    at::Tensor q = y;
    for (int pass = 0; pass < 2; ++pass) {
        at::Tensor r, info;
        std::tie(r, info) = at::linalg_cholesky_ex(q.t().mm(q), /*upper=*/true);
        const at::Tensor diagonal = r.diagonal();
        if (info.item<int64_t>() != 0 ||
            !(diagonal.min().item<double>() > kCholeskyQrTolerance * diagonal.max().item<double>()))
            return std::get<0>(at::linalg_qr(y, "reduced"));
        q = at::linalg_solve_triangular(r, q, /*upper=*/true, /*left=*/false);
    }
    return q;
}

void checkArguments(int32_t k, int32_t oversample, int32_t powerIterations, double power) {
    if (k <= 0) throw std::invalid_argument("truncated SVD: rank k must be > 0 (got " + std::to_string(k) + ")");
    if (oversample < 0) throw std::invalid_argument("truncated SVD: oversampling must be >= 0");
    if (powerIterations < 0) throw std::invalid_argument("truncated SVD: power iterations must be >= 0");
    if (!std::isfinite(power) || power < 0)
        throw std::invalid_argument("truncated SVD: singular value power must be >= 0");
}

FeatureMatrix randomizedSvd(const LinearOperator& a, int32_t k, uint64_t seed, int32_t oversample,
                            int32_t powerIterations, double power) {
    const int64_t smaller = std::min(a.rows, a.cols);
    const int64_t rank = std::min<int64_t>(k, smaller);
    FeatureMatrix result;
    result.rows = a.rows;
    result.dim = rank;
    result.values.assign(static_cast<size_t>(a.rows * rank), 0.0f);
    if (rank == 0) return result;
    const int64_t l = std::min<int64_t>(rank + oversample, smaller);

    // Stage A: Q with range(Q) ~ range(A). Re-orthonormalising after every product keeps the small
    // singular directions from drowning in rounding error (Halko et al., Algorithm 4.4).
    at::Tensor q = orthonormalBasis(a.times(gaussianTestMatrix(a.cols, l, seed)));
    for (int32_t it = 0; it < powerIterations; ++it) {
        const at::Tensor z = orthonormalBasis(a.timesTransposed(q));
        q = orthonormalBasis(a.times(z));
    }
    // Stage B: B = Q^T A (l x cols) is small; A ~ Q B = (Q U_B) S V^T. With B^T = Q2 R and R = U_R S V_R^T,
    // B = V_R S (Q2 U_R)^T: U_B = V_R from the SVD of the l x l factor R alone, and Q2 is never formed.
    at::Tensor r = std::get<1>(at::linalg_qr(a.timesTransposed(q), "r"));
    at::Tensor uR, s, vhR;
    std::tie(uR, s, vhR) = at::linalg_svd(r, /*full_matrices=*/false);
    const at::Tensor uB = vhR.t();
    const at::Tensor u = q.mm(uB.narrow(1, 0, rank)).contiguous();
    const at::Tensor sk = s.narrow(0, 0, rank).contiguous();

    const double* uData = u.data_ptr<double>();
    const double* sData = sk.data_ptr<double>();
    for (int64_t c = 0; c < rank; ++c) {
        // Deterministic sign: the largest-magnitude entry of each component is positive.
        int64_t best = 0;
        double bestAbs = -1.0;
        for (int64_t i = 0; i < a.rows; ++i) {
            const double v = std::abs(uData[i * rank + c]);
            if (v > bestAbs) bestAbs = v, best = i;
        }
        const double sign = uData[best * rank + c] < 0 ? -1.0 : 1.0;
        const double scale = sign * (power == 1.0 ? sData[c] : std::pow(std::max(0.0, sData[c]), power));
        for (int64_t i = 0; i < a.rows; ++i)
            result.values[static_cast<size_t>(i * rank + c)] = static_cast<float>(uData[i * rank + c] * scale);
    }
    // U S = A V, so a zero row of A has a zero embedding; rounding (and QR's spare directions when A
    // has low rank) would leave ~1e-17 there, and callers test "no features" as an exact zero row.
    for (int64_t i = 0; i < a.rows; ++i) {
        if (a.zeroRow[static_cast<size_t>(i)]) std::fill_n(result.values.begin() + i * rank, rank, 0.0f);
    }
    return result;
}

void checkFinite(const std::vector<float>& values, const char* what) {
    for (size_t i = 0; i < values.size(); ++i) {
        if (!std::isfinite(values[i]))
            throw std::invalid_argument(std::string("truncated SVD: ") + what + " has a non-finite value at entry " +
                                        std::to_string(i));
    }
}

}  // namespace

FeatureMatrix truncatedSvd(const FeatureMatrix& matrix, int32_t k, uint64_t seed, int32_t oversample,
                           int32_t powerIterations, double singularValuePower) {
    checkArguments(k, oversample, powerIterations, singularValuePower);
    if (matrix.rows < 0 || matrix.dim < 0 || static_cast<int64_t>(matrix.values.size()) != matrix.rows * matrix.dim)
        throw std::invalid_argument("truncated SVD: matrix has " + std::to_string(matrix.values.size()) +
                                    " values, expected rows * dim = " + std::to_string(matrix.rows * matrix.dim));
    checkFinite(matrix.values, "the matrix");
    at::NoGradGuard noGrad;
    LinearOperator op;
    op.rows = matrix.rows;
    op.cols = matrix.dim;
    op.zeroRow.assign(static_cast<size_t>(op.rows), 1);
    for (int64_t i = 0; i < op.rows; ++i) {
        const float* row = matrix.row(i);
        op.zeroRow[static_cast<size_t>(i)] = std::all_of(row, row + op.cols, [](float v) { return v == 0.0f; });
    }
    if (op.rows == 0 || op.cols == 0)
        return randomizedSvd(op, k, seed, oversample, powerIterations, singularValuePower);
    // from_blob does not copy and nothing below writes to it, so the const_cast is safe.
    const at::Tensor a32 = at::from_blob(const_cast<float*>(matrix.values.data()), {op.rows, op.cols},
                                         at::TensorOptions().dtype(at::kFloat));
    if (op.rows * op.cols <= kDenseDoubleLimit) {
        const at::Tensor a = a32.to(at::kDouble);
        op.times = [a](const at::Tensor& x) { return a.mm(x); };
        op.timesTransposed = [a](const at::Tensor& y) { return a.t().mm(y); };
    } else {
        op.times = [a32](const at::Tensor& x) { return a32.mm(x.to(at::kFloat)).to(at::kDouble); };
        op.timesTransposed = [a32](const at::Tensor& y) { return a32.t().mm(y.to(at::kFloat)).to(at::kDouble); };
    }
    return randomizedSvd(op, k, seed, oversample, powerIterations, singularValuePower);
}

FeatureMatrix truncatedSvd(const SparseMatrix& matrix, int32_t k, uint64_t seed, int32_t oversample,
                           int32_t powerIterations, double singularValuePower) {
    checkArguments(k, oversample, powerIterations, singularValuePower);
    const int64_t rows = matrix.rows;
    const int64_t cols = matrix.cols;
    if (rows < 0 || cols < 0 || static_cast<int64_t>(matrix.rowStart.size()) != rows + 1 ||
        matrix.rowStart.front() != 0)
        throw std::invalid_argument("truncated SVD: sparse matrix needs rows + 1 row starts beginning at 0");
    const auto nnz = static_cast<int64_t>(matrix.colIndex.size());
    if (matrix.rowStart.back() != nnz || matrix.values.size() != matrix.colIndex.size())
        throw std::invalid_argument("truncated SVD: sparse matrix row starts, column indexes and values disagree");
    for (int64_t r = 0; r < rows; ++r) {
        if (matrix.rowStart[static_cast<size_t>(r + 1)] < matrix.rowStart[static_cast<size_t>(r)])
            throw std::invalid_argument("truncated SVD: sparse row starts decrease at row " + std::to_string(r));
    }
    for (int32_t c : matrix.colIndex) {
        if (c < 0 || c >= cols)
            throw std::invalid_argument("truncated SVD: sparse column index " + std::to_string(c) + " out of range");
    }
    checkFinite(matrix.values, "the sparse matrix");
    at::NoGradGuard noGrad;

    // A^T in CSR form (a stable counting sort by column), so that both products are row-parallel
    // gathers: every output row is summed by one thread in a fixed order, whatever the thread count.
    std::vector<int64_t> tStart(static_cast<size_t>(cols + 1), 0);
    for (int32_t c : matrix.colIndex) ++tStart[static_cast<size_t>(c) + 1];
    for (int64_t c = 0; c < cols; ++c) tStart[static_cast<size_t>(c + 1)] += tStart[static_cast<size_t>(c)];
    std::vector<int32_t> tRow(static_cast<size_t>(nnz));
    std::vector<float> tValue(static_cast<size_t>(nnz));
    {
        std::vector<int64_t> fill(tStart.begin(), tStart.end() - 1);
        for (int64_t r = 0; r < rows; ++r) {
            for (int64_t p = matrix.rowStart[static_cast<size_t>(r)]; p < matrix.rowStart[static_cast<size_t>(r + 1)];
                 ++p) {
                const auto slot =
                    static_cast<size_t>(fill[static_cast<size_t>(matrix.colIndex[static_cast<size_t>(p)])]++);
                tRow[slot] = static_cast<int32_t>(r);
                tValue[slot] = matrix.values[static_cast<size_t>(p)];
            }
        }
    }

    // out (n x l) = M x, M given in CSR as (start, index, value).
    auto csrTimes = [](int64_t n, const std::vector<int64_t>& start, const std::vector<int32_t>& index,
                       const std::vector<float>& value, const at::Tensor& xIn) {
        const at::Tensor x = xIn.contiguous();
        const int64_t l = x.size(1);
        at::Tensor out = at::zeros({n, l}, at::TensorOptions().dtype(at::kDouble));
        const double* xData = x.data_ptr<double>();
        double* outData = out.data_ptr<double>();
        const auto nnz = static_cast<int64_t>(index.size());
        const int64_t grain =
            std::max<int64_t>(1, kWorkPerTask / std::max<int64_t>(1, nnz * l / std::max<int64_t>(1, n)));
        at::parallel_for(0, n, grain, [&](int64_t begin, int64_t end) {
            for (int64_t i = begin; i < end; ++i) {
                double* o = outData + i * l;
                for (int64_t p = start[static_cast<size_t>(i)]; p < start[static_cast<size_t>(i + 1)]; ++p) {
                    // The gathered rows of x are random and x outgrows the cache for wide matrices: fetching
                    // a few nonzeros ahead hides the memory latency (about 2x on 12k x 50k).
                    if (p + kPrefetchDistance < nnz)
                        prefetchRow(xData + static_cast<int64_t>(index[static_cast<size_t>(p + kPrefetchDistance)]) * l,
                                    l);
                    const double v = value[static_cast<size_t>(p)];
                    const double* xr = xData + static_cast<int64_t>(index[static_cast<size_t>(p)]) * l;
                    for (int64_t c = 0; c < l; ++c) o[c] += v * xr[c];
                }
            }
        });
        return out;
    };

    LinearOperator op;
    op.rows = rows;
    op.cols = cols;
    op.zeroRow.assign(static_cast<size_t>(rows), 1);
    for (int64_t r = 0; r < rows; ++r) {
        for (int64_t p = matrix.rowStart[static_cast<size_t>(r)]; p < matrix.rowStart[static_cast<size_t>(r + 1)];
             ++p) {
            if (matrix.values[static_cast<size_t>(p)] != 0.0f) op.zeroRow[static_cast<size_t>(r)] = 0;
        }
    }
    op.times = [&](const at::Tensor& x) { return csrTimes(rows, matrix.rowStart, matrix.colIndex, matrix.values, x); };
    op.timesTransposed = [&](const at::Tensor& y) { return csrTimes(cols, tStart, tRow, tValue, y); };
    return randomizedSvd(op, k, seed, oversample, powerIterations, singularValuePower);
}

void normalizeRows(FeatureMatrix& matrix) {
    for (int64_t i = 0; i < matrix.rows; ++i) {
        float* row = matrix.row(i);
        double sum = 0.0;
        for (int64_t d = 0; d < matrix.dim; ++d) sum += static_cast<double>(row[d]) * row[d];
        if (sum <= 0.0) continue;
        const double inv = 1.0 / std::sqrt(sum);
        for (int64_t d = 0; d < matrix.dim; ++d) row[d] = static_cast<float>(row[d] * inv);
    }
}

}  // namespace tokenbench::core
