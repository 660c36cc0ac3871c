// Batched k-means: greedy k-means++ seeding (Arthur & Vassilvitskii 2007, "k-means++: the
// advantages of careful seeding", with scikit-learn's 2 + ln K local trials), Lloyd iterations on
// GEMM-computed distances, and a balanced variant with capacities (OneRec Technical Report 2025,
// balanced k-means for equal-size residual clusters).
#include "tokenizers/kmeans.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <tuple>
#include <utility>

#include <ATen/core/grad_mode.h>
#include <ATen/ops/addmm.h>
#include <ATen/ops/empty.h>
#include <ATen/ops/from_blob.h>
#include <ATen/ops/min.h>
#include <ATen/ops/zeros.h>
#include <c10/util/Exception.h>

#include "tokenbench/cancellation.h"
#include "common/seeded_random.h"

namespace tokenbench::core {

namespace {

// Rows per distance chunk: chunk x K float32 scores stay around 4 MB, in cache for the row-wise min.
constexpr int64_t kChunkScores = int64_t{1} << 20;
constexpr int64_t kMinChunkRows = 64;
// k-means++ runs on at most this many points per centroid (and at least kSeedingMinSample): seeding
// is K sequential skinny GEMMs over the sample, which Lloyd iterations on all points then refine
// (scikit-learn's MiniBatchKMeans seeds on 3 points per centroid; faiss trains on 256).
constexpr int64_t kSeedingPointsPerCentroid = 16;
constexpr int64_t kSeedingMinSample = 4096;
constexpr int64_t kSeedingReportEvery = 64;  // centroids between seeding progress reports

int64_t chunkRows(int64_t clusters) {
    return std::max<int64_t>(kMinChunkRows, kChunkScores / std::max<int64_t>(clusters, 1));
}

uint64_t mix64(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

double uniform01(uint64_t& state) {
    return static_cast<double>(splitmix64(state) >> 11) * 0x1.0p-53;
}

/// Uniform integer in [0, bound) (modulo bias below bound / 2^64: negligible for any set we cluster).
int64_t uniformIndex(uint64_t& state, int64_t bound) {
    return static_cast<int64_t>(splitmix64(state) % static_cast<uint64_t>(bound));
}

at::Tensor longTensor(const std::vector<int64_t>& values, const at::Device& device) {
    at::Tensor host = at::empty({static_cast<int64_t>(values.size())}, at::TensorOptions().dtype(at::kLong));
    if (!values.empty()) std::memcpy(host.data_ptr<int64_t>(), values.data(), values.size() * sizeof(int64_t));
    return host.to(device);
}

std::vector<int64_t> hostLongs(const at::Tensor& t) {
    const at::Tensor host = t.to(at::kCPU, at::kLong).contiguous();
    const int64_t* p = host.data_ptr<int64_t>();
    return std::vector<int64_t>(p, p + host.numel());
}

std::vector<float> hostFloats(const at::Tensor& t) {
    const at::Tensor host = t.to(at::kCPU, at::kFloat).contiguous();
    const float* p = host.data_ptr<float>();
    return std::vector<float>(p, p + host.numel());
}

/// Greedy k-means++ on `x` (already subsampled): each new centroid is the best of a few D^2-sampled
/// candidates, the one that lowers the potential most.
at::Tensor seedCentroids(const at::Tensor& x, int64_t clusters, uint64_t seed, const std::atomic<bool>* cancel,
                         const std::function<void(int64_t, int64_t)>& onSeeding) {
    const int64_t n = x.size(0);
    const int64_t trials = 2 + static_cast<int64_t>(std::log(static_cast<double>(clusters)));
    uint64_t state = seed ^ 0x6b6d65616e73ULL;
    const at::Tensor xNorm = x.pow(2).sum(1);
    at::Tensor centroids = at::empty({clusters, x.size(1)}, x.options());

    const int64_t first = uniformIndex(state, n);
    centroids[0].copy_(x[first]);
    at::Tensor minDistance = xNorm.add(x.mv(x[first]), -2).add_(xNorm[first]).clamp_min_(0);

    std::vector<double> cumulative(static_cast<size_t>(n));
    std::vector<int64_t> candidates;
    for (int64_t c = 1; c < clusters; ++c) {
        throwIfCancelled(cancel);
        if (onSeeding && c % kSeedingReportEvery == 0) onSeeding(c, clusters);
        const std::vector<float> d2 = hostFloats(minDistance);
        double total = 0.0;
        for (int64_t i = 0; i < n; ++i) cumulative[static_cast<size_t>(i)] = total += d2[static_cast<size_t>(i)];
        candidates.clear();
        if (!(total > 0.0)) {
            candidates.push_back(uniformIndex(state, n));  // every point sits on a centroid: duplicates are unavoidable
        } else {
            for (int64_t t = 0; t < trials; ++t) {
                const double target = uniform01(state) * total;
                const auto it = std::upper_bound(cumulative.begin(), cumulative.end(), target);
                candidates.push_back(std::min<int64_t>(n - 1, it - cumulative.begin()));
            }
        }
        const at::Tensor candidate = x.index_select(0, longTensor(candidates, x.device()));
        const at::Tensor candidateNorm = candidate.pow(2).sum(1);
        const at::Tensor distance =
            xNorm.unsqueeze(1).add(candidateNorm.unsqueeze(0)).addmm_(x, candidate.t(), 1, -2).clamp_min_(0);
        const at::Tensor lowered = at::min(distance, minDistance.unsqueeze(1));  // [n, trials]
        const std::vector<float> potential = hostFloats(lowered.sum(0));
        const auto best = std::min_element(potential.begin(), potential.end()) - potential.begin();
        minDistance = lowered.select(1, best).contiguous();
        centroids[c].copy_(candidate[best]);
    }
    return centroids;
}

/// Seeds on a seeded random subsample when `x` is large (see kSeedingPointsPerCentroid).
at::Tensor seedCentroidsSampled(const at::Tensor& x, int64_t clusters, uint64_t seed, const std::atomic<bool>* cancel,
                                const std::function<void(int64_t, int64_t)>& onSeeding) {
    const int64_t n = x.size(0);
    const int64_t sample = std::max(kSeedingMinSample, clusters * kSeedingPointsPerCentroid);
    if (n <= sample) return seedCentroids(x, clusters, seed, cancel, onSeeding);
    // Partial Fisher-Yates with the project's own generator, so a seed picks the same sample everywhere.
    std::vector<int64_t> order(static_cast<size_t>(n));
    std::iota(order.begin(), order.end(), 0);
    uint64_t state = seed ^ 0x73616d706c65ULL;
    for (int64_t i = 0; i < sample; ++i)
        std::swap(order[static_cast<size_t>(i)], order[static_cast<size_t>(i + uniformIndex(state, n - i))]);
    order.resize(static_cast<size_t>(sample));
    std::sort(order.begin(), order.end());
    throwIfCancelled(cancel);
    return seedCentroids(x.index_select(0, longTensor(order, x.device())), clusters, seed, cancel, onSeeding);
}

/// Equal-size assignment: points in order of regret (how much farther their second-best cluster is)
/// take their nearest cluster with room; points that found it full try again among the clusters
/// with room. n = qK + r: r clusters end with q + 1 points, the others with q.
at::Tensor balancedAssignment(const at::Tensor& x, const at::Tensor& centroids, const std::atomic<bool>* cancel) {
    const int64_t n = x.size(0);
    const int64_t clusters = centroids.size(0);
    const int64_t q = n / clusters;
    const int64_t r = n % clusters;
    std::vector<int64_t> size(static_cast<size_t>(clusters), 0);
    int64_t big = 0;
    const auto room = [&](int64_t c) {
        return size[static_cast<size_t>(c)] < q || (size[static_cast<size_t>(c)] == q && big < r);
    };

    const at::Tensor cNorm = centroids.pow(2).sum(1).unsqueeze(0);
    const at::Tensor cT = centroids.t().contiguous();
    std::vector<int64_t> assignment(static_cast<size_t>(n), -1);
    std::vector<int64_t> pending(static_cast<size_t>(n));
    std::iota(pending.begin(), pending.end(), 0);
    at::Tensor full;  // [1, K] bool: clusters without room (undefined in the first round)
    const int64_t rows = chunkRows(clusters);

    while (!pending.empty()) {
        const auto m = static_cast<int64_t>(pending.size());
        const at::Tensor points = m == n ? x : x.index_select(0, longTensor(pending, x.device()));
        std::vector<int64_t> best(static_cast<size_t>(m));
        std::vector<double> regret(static_cast<size_t>(m));
        for (int64_t start = 0; start < m; start += rows) {
            throwIfCancelled(cancel);
            const int64_t end = std::min(m, start + rows);
            at::Tensor scores = at::addmm(cNorm, points.slice(0, start, end), cT, 1, -2);
            if (full.defined()) scores.masked_fill_(full, std::numeric_limits<float>::infinity());
            at::Tensor values, indices;
            std::tie(values, indices) = scores.topk(2, 1, /*largest=*/false, /*sorted=*/true);
            const std::vector<float> v = hostFloats(values);
            const std::vector<int64_t> k = hostLongs(indices);
            for (int64_t i = start; i < end; ++i) {
                const auto j = static_cast<size_t>(2 * (i - start));
                best[static_cast<size_t>(i)] = k[j];
                regret[static_cast<size_t>(i)] = static_cast<double>(v[j + 1]) - static_cast<double>(v[j]);
            }
        }
        std::vector<int64_t> order(static_cast<size_t>(m));
        std::iota(order.begin(), order.end(), 0);
        std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
            return regret[static_cast<size_t>(a)] > regret[static_cast<size_t>(b)];
        });
        std::vector<int64_t> rejected;
        for (const int64_t o : order) {
            const int64_t c = best[static_cast<size_t>(o)];
            const int64_t point = pending[static_cast<size_t>(o)];
            if (room(c)) {
                assignment[static_cast<size_t>(point)] = c;
                if (++size[static_cast<size_t>(c)] == q + 1) ++big;
            } else {
                rejected.push_back(point);
            }
        }
        at::Tensor fullHost = at::empty({1, clusters}, at::TensorOptions().dtype(at::kBool));
        bool* f = fullHost.data_ptr<bool>();
        for (int64_t c = 0; c < clusters; ++c) f[c] = !room(c);
        full = fullHost.to(x.device());
        pending.swap(rejected);
    }
    return longTensor(assignment, x.device());
}

/// Means of the assigned points; an empty cluster is re-seeded with the point farthest from its
/// own centroid (scikit-learn's relocation), distinct points for several empty clusters.
at::Tensor updateCentroids(const at::Tensor& x, const at::Tensor& assignment, const at::Tensor& distance,
                           const at::Tensor& previous, bool* reseeded) {
    const int64_t clusters = previous.size(0);
    const at::Tensor counts = assignment.bincount({}, clusters);
    at::Tensor sums = at::zeros(previous.sizes(), previous.options()).index_add_(0, assignment, x);
    at::Tensor centroids = sums.div_(counts.clamp_min(1).unsqueeze(1).to(sums.scalar_type()));
    *reseeded = false;
    const std::vector<int64_t> empty = hostLongs(counts.eq(0).nonzero().view({-1}));
    if (empty.empty()) return centroids;
    const auto e = std::min<int64_t>(static_cast<int64_t>(empty.size()), x.size(0));
    at::Tensor farDistance, farIndex;
    std::tie(farDistance, farIndex) = distance.topk(e, 0, /*largest=*/true, /*sorted=*/true);
    const std::vector<float> far = hostFloats(farDistance);
    const std::vector<int64_t> farPoint = hostLongs(farIndex);
    for (size_t i = 0; i < empty.size(); ++i) {
        const auto c = empty[i];
        if (static_cast<int64_t>(i) < e && far[i] > 0.0F) {
            centroids[c].copy_(x[farPoint[i]]);
            *reseeded = true;
        } else {
            centroids[c].copy_(previous[c]);  // nothing left to split: keep the old codeword
        }
    }
    return centroids;
}

}  // namespace

at::Tensor nearestCentroids(const at::Tensor& x, const at::Tensor& centroids, at::Tensor* distances,
                            const std::atomic<bool>* cancel) {
    return nearestCentroidsWithNorms(x, distances ? x.pow(2).sum(1) : at::Tensor(), centroids, distances, cancel);
}

at::Tensor nearestCentroidsWithNorms(const at::Tensor& x, const at::Tensor& xNorm, const at::Tensor& centroids,
                                     at::Tensor* distances, const std::atomic<bool>* cancel) {
    const int64_t n = x.size(0);
    const int64_t clusters = centroids.size(0);
    const at::Tensor cNorm = centroids.pow(2).sum(1).unsqueeze(0);
    const at::Tensor cT = centroids.t().contiguous();
    at::Tensor index = at::empty({n}, x.options().dtype(at::kLong));
    at::Tensor best = at::empty({n}, x.options());
    const int64_t rows = std::min(n, chunkRows(clusters));
    at::Tensor scores = at::empty({rows, clusters}, x.options());
    for (int64_t start = 0; start < n; start += rows) {
        throwIfCancelled(cancel);
        const int64_t end = std::min(n, start + rows);
        at::Tensor chunk = scores.slice(0, 0, end - start);
        // ||c||^2 - 2 x.c: ||x||^2 is the same for every centroid, so the argmin does without it.
        at::addmm_out(chunk, cNorm, x.slice(0, start, end), cT, 1, -2);
        at::Tensor bestChunk = best.slice(0, start, end);
        at::Tensor indexChunk = index.slice(0, start, end);
        at::min_out(bestChunk, indexChunk, chunk, 1);
    }
    if (distances) *distances = best.add_(xNorm).clamp_min_(0);
    return index;
}

at::Tensor squaredDistances(const at::Tensor& x, const at::Tensor& centroids) {
    const at::Tensor cNorm = centroids.pow(2).sum(1);
    const at::Tensor xNorm = x.pow(2).sum(1);
    return xNorm.unsqueeze(1).add(cNorm.unsqueeze(0)).addmm_(x, centroids.t(), 1, -2).clamp_min_(0);
}

KMeansResult fitKMeans(const at::Tensor& x, const KMeansOptions& options) {
    at::NoGradGuard noGrad;
    const int64_t n = x.size(0);
    const int64_t clusters = options.clusters;
    if (clusters < 1 || n < clusters)
        throw std::invalid_argument("k-means needs at least as many points as clusters (" + std::to_string(n) +
                                    " points, " + std::to_string(clusters) + " clusters)");

    KMeansResult result;
    throwIfCancelled(options.cancel);
    result.centroids = seedCentroidsSampled(x, clusters, options.seed, options.cancel, options.onSeeding);
    const at::Tensor xNorm = x.pow(2).sum(1);
    at::Tensor distance;
    const auto assign = [&](const at::Tensor& centroids) {
        if (!options.balanced) return nearestCentroidsWithNorms(x, xNorm, centroids, &distance, options.cancel);
        at::Tensor a = balancedAssignment(x, centroids, options.cancel);
        distance = x.sub(centroids.index_select(0, a)).pow(2).sum(1);
        return a;
    };
    result.assignment = assign(result.centroids);
    for (int64_t iteration = 1; iteration <= options.iterations; ++iteration) {
        throwIfCancelled(options.cancel);
        bool reseeded = false;
        result.centroids = updateCentroids(x, result.assignment, distance, result.centroids, &reseeded);
        const at::Tensor previous = result.assignment;
        result.assignment = assign(result.centroids);
        const int64_t changes = result.assignment.ne(previous).sum().item<int64_t>();
        result.inertia = distance.sum().item<double>();
        result.iterations = iteration;
        if (options.onIteration) options.onIteration(iteration, result.inertia, result.assignment);
        // Lloyd has converged once (almost) no point moves; a re-seeded codeword needs one more round.
        if (!reseeded && static_cast<double>(changes) <= options.tolerance * static_cast<double>(n)) break;
    }
    if (result.iterations == 0) result.inertia = distance.sum().item<double>();
    return result;
}

uint64_t hashRow(const float* row, int64_t dim) {
    uint64_t h = mix64(0x726f77ULL ^ static_cast<uint64_t>(dim));
    for (int64_t j = 0; j < dim; ++j) {
        uint32_t bits = 0;
        std::memcpy(&bits, row + j, sizeof bits);
        h = mix64(h ^ (bits + 0x9e3779b97f4a7c15ULL));
    }
    return h;
}

void FittedRows::remember(const FeatureMatrix& features) {
    std::vector<uint64_t> hashes(static_cast<size_t>(features.rows));
    for (int64_t i = 0; i < features.rows; ++i) hashes[static_cast<size_t>(i)] = hashRow(features.row(i), features.dim);
    restore(std::move(hashes));
}

void FittedRows::restore(std::vector<uint64_t> hashes) {
    m_hashes = std::move(hashes);
    m_first.clear();
    m_first.reserve(m_hashes.size());
    for (size_t i = 0; i < m_hashes.size(); ++i) m_first.emplace(m_hashes[i], static_cast<int64_t>(i));
}

std::vector<int64_t> FittedRows::lookup(const FeatureMatrix& features) const {
    std::vector<int64_t> out(static_cast<size_t>(features.rows), -1);
    std::vector<uint64_t> hashes(static_cast<size_t>(features.rows));
    for (int64_t i = 0; i < features.rows; ++i) hashes[static_cast<size_t>(i)] = hashRow(features.row(i), features.dim);
    if (hashes == m_hashes) {
        std::iota(out.begin(), out.end(), 0);
        return out;
    }
    for (size_t i = 0; i < hashes.size(); ++i) {
        const auto it = m_first.find(hashes[i]);
        if (it != m_first.end()) out[i] = it->second;
    }
    return out;
}

at::Tensor featureTensor(const FeatureMatrix& features, const std::string& device) {
    at::Device target(at::kCPU);
    try {
        target = at::Device(device);
    } catch (const c10::Error&) {
        throw std::invalid_argument("unknown device '" + device + "' (expected cpu, cuda or cuda:N)");
    }
    const at::Tensor view = at::from_blob(const_cast<float*>(features.values.data()), {features.rows, features.dim},
                                          at::TensorOptions().dtype(at::kFloat));
    if (target.is_cpu()) return view.clone();
    try {
        return view.to(target);
    } catch (const c10::Error& e) {
        const std::string why = e.what_without_backtrace();
        throw std::invalid_argument("device '" + device + "' is not available: " + why.substr(0, why.find('\n')));
    }
}

void checkFeatures(const FeatureMatrix& features, const std::string& component) {
    if (features.rows <= 0 || features.dim <= 0)
        throw std::invalid_argument(component + ": the feature matrix is empty (" + std::to_string(features.rows) +
                                    " x " + std::to_string(features.dim) + ")");
    if (static_cast<int64_t>(features.values.size()) != features.rows * features.dim)
        throw std::invalid_argument(component + ": the feature matrix holds " + std::to_string(features.values.size()) +
                                    " values for " + std::to_string(features.rows) + " x " +
                                    std::to_string(features.dim));
    for (size_t i = 0; i < features.values.size(); ++i) {
        if (!std::isfinite(features.values[i]))
            throw std::invalid_argument(component + ": feature row " +
                                        std::to_string(static_cast<int64_t>(i) / features.dim) +
                                        " holds NaN or infinity");
    }
}

std::vector<ParamSpec> residualKMeansParams() {
    return {
        {"levels",
         "Levels",
         ParamType::Int,
         "3",
         1,
         8,
         {},
         "Code tuple length: one codebook per level, each clustering the residuals the levels before it leave."},
        {"codebook_size",
         "Codebook size",
         ParamType::Int,
         "256",
         2,
         65536,
         {},
         "Codes per level (K); needs at least K items."},
        {"iterations", "Iterations", ParamType::Int, "50", 1, 1000, {}, "Lloyd iterations per level at most."},
        {"normalize",
         "L2-normalise inputs",
         ParamType::Bool,
         "true",
         {},
         {},
         {},
         "Scale every feature row to unit length first, as is usual for embeddings."},
        {"tolerance",
         "Tolerance",
         ParamType::Float,
         "1e-4",
         0.0,
         1.0,
         {},
         "A level stops early once at most this share of items changed code in an iteration (0: once none did)."},
        {"max_points_per_code",
         "Max points per code",
         ParamType::Int,
         "256",
         0,
         1000000,
         {},
         "Beyond K x this many items, each level's centroids are fitted on a seeded sample of that size and then "
         "every item takes its nearest (as FAISS does); 0: always fit on all items. Not used by balanced clusters."},
    };
}

}  // namespace tokenbench::core
