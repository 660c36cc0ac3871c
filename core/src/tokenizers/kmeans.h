#pragma once
// Private: batched k-means on LibTorch tensors (plain and balanced), the residual k-means tokenizer
// both `rq-kmeans` and `balanced-kmeans` are made of, and the fitted-row memory that lets encode()
// give fitted items the codes fit() chose. Only .cpp files include this header (the tokenizers, and
// ICLRec's intents in models/intent_clusters.cpp).

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <ATen/core/Tensor.h>

#include "common/seeded_random.h"
#include "tokenbench/features/feature_matrix.h"
#include "tokenbench/registry.h"
#include "tokenbench/tokenizers/tokenizer.h"

namespace tokenbench::core {

/// What one k-means run does. Called on the fitting thread.
struct KMeansOptions final {
    int64_t clusters = 256;
    int64_t iterations = 50;  ///< Lloyd iterations at most (each: update centroids, re-assign)
    double tolerance = 1e-4;  ///< stop when at most this share of points changed cluster
    uint64_t seed = 0;
    bool balanced = false;  ///< equal-size clusters (sizes differ by at most 1)
    const std::atomic<bool>* cancel = nullptr;
    /// After each iteration (1-based) with the inertia (sum of squared distances to the assigned centroid).
    std::function<void(int64_t iteration, double inertia, const at::Tensor& assignment)> onIteration;
    /// Now and then while seeding: centroids chosen so far of `clusters` (seeding a large K takes a while).
    std::function<void(int64_t seeded, int64_t clusters)> onSeeding;
};

/// Centroids [K, d], assignment [n] (int64) and the final inertia, on the input's device.
struct KMeansResult final {
    at::Tensor centroids;
    at::Tensor assignment;
    double inertia = 0.0;
    int64_t iterations = 0;
};

/// k-means of the rows of `x` ([n, d] float32, n >= K): k-means++ seeding, Lloyd iterations,
/// empty-cluster re-seeding; balanced mode assigns with capacities. Deterministic for a seed on CPU.
/// Throws CancelledError when options.cancel is set (checked between chunks and iterations).
[[nodiscard]] KMeansResult fitKMeans(const at::Tensor& x, const KMeansOptions& options);

/// Index of the nearest centroid of every row ([n] int64); `distances` (optional) receives the
/// squared distance to it. Chunked ||x||^2 - 2 x.c + ||c||^2 so the product runs as one GEMM per chunk.
[[nodiscard]] at::Tensor nearestCentroids(const at::Tensor& x, const at::Tensor& centroids,
                                          at::Tensor* distances = nullptr, const std::atomic<bool>* cancel = nullptr);

/// nearestCentroids with the rows' squared norms ([n]) computed once by the caller.
[[nodiscard]] at::Tensor nearestCentroidsWithNorms(const at::Tensor& x, const at::Tensor& xNorm,
                                                   const at::Tensor& centroids, at::Tensor* distances,
                                                   const std::atomic<bool>* cancel = nullptr);

/// [n, K] squared distances of every row of `x` to every centroid (clamped at 0).
[[nodiscard]] at::Tensor squaredDistances(const at::Tensor& x, const at::Tensor& centroids);

/// A hash of one row's bytes: how fitted rows are recognised and how `random` encodes unseen rows.
[[nodiscard]] uint64_t hashRow(const float* row, int64_t dim);


/// Remembers the rows a tokenizer was fitted on by their hashes. When a tokenizer's codes are not a
/// pure function of the row (balanced capacities, random draws), encode() looks rows up here so a
/// fitted item keeps the code fit() gave it.
class FittedRows final {
public:
    void remember(const FeatureMatrix& features);
    void restore(std::vector<uint64_t> hashes);
    [[nodiscard]] const std::vector<uint64_t>& hashes() const { return m_hashes; }
    [[nodiscard]] bool empty() const { return m_hashes.empty(); }
    /// Fitted row index of every row of `features`, or -1 for rows not seen in fit(). The fitted
    /// matrix itself (same rows in the same order) maps to 0..n-1 even when rows repeat.
    [[nodiscard]] std::vector<int64_t> lookup(const FeatureMatrix& features) const;

private:
    std::vector<uint64_t> m_hashes;
    std::unordered_map<uint64_t, int64_t> m_first;
};

/// Float32 [rows, dim] tensor on `device` holding a copy of `features`.
[[nodiscard]] at::Tensor featureTensor(const FeatureMatrix& features, const std::string& device = "cpu");

/// Throws std::invalid_argument naming `component` when `features` is empty, shaped wrongly or holds
/// NaN or infinity.
void checkFeatures(const FeatureMatrix& features, const std::string& component);

/// The parameter schema shared by rq-kmeans and balanced-kmeans.
[[nodiscard]] std::vector<ParamSpec> residualKMeansParams();

/// The residual k-means tokenizer (defined in rq_kmeans.cpp); `balanced` picks OneRec's equal-size
/// clusters at every level. `info` is the component's registry entry (id, version, schema).
[[nodiscard]] std::unique_ptr<Tokenizer> makeResidualKMeans(const ComponentInfo& info, const std::string& configJson,
                                                            bool balanced);

}  // namespace tokenbench::core
