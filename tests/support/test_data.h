#pragma once
/// Qt-free fixtures shared by the unit tests, benchmarks and the conformance test: seeded test
/// matrices, small hand-made and synthetic data sets, label agreement (NMI) and a full-ranking
/// evaluation of a Recommender. Every function is deterministic for its arguments; any thread.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tokenbench/data/dataset.h"
#include "tokenbench/data/split.h"
#include "tokenbench/data/synthetic.h"
#include "tokenbench/features/feature_matrix.h"
#include "tokenbench/models/recommender.h"
#include "tokenbench/tokenizers/semantic_ids.h"

namespace tokenbench::test {

/// Deterministic uniform numbers (64-bit LCG) for test matrices.
class TestRng final {
public:
    explicit TestRng(uint64_t seed) : m_state(seed) {}
    /// Uniform in [-1, 1).
    double next() { return static_cast<double>(step() >> 11) * (2.0 / 9007199254740992.0) - 1.0; }
    /// Uniform in (0, 1).
    double uniform() { return (static_cast<double>(step() >> 11) + 0.5) / 9007199254740992.0; }
    /// Standard normal (Box-Muller on two uniforms).
    double normal();

private:
    uint64_t step() { return m_state = m_state * 6364136223846793005ULL + 1442695040888963407ULL; }
    uint64_t m_state;
};

/// rows x dim standard normal values.
[[nodiscard]] core::FeatureMatrix randomNormal(int64_t rows, int64_t dim, uint64_t seed);

/// `clusters` well separated blobs (centres uniform in [-1, 1)^dim, noise 0.05) in `dim` dimensions,
/// `perCluster` items each, interleaved; labels[i] = blob when given.
[[nodiscard]] core::FeatureMatrix clusteredFeatures(int clusters, int perCluster, int dim,
                                                    std::vector<int>* labels = nullptr, uint64_t seed = 3);

/// Multi-hot item x attribute matrix of a data set (categories of every level, brand, price bucket).
[[nodiscard]] core::FeatureMatrix multiHot(const core::Dataset& dataset);

/// Normalised mutual information with the arithmetic mean of the entropies (sklearn's default);
/// 1 when both labelings are constant.
[[nodiscard]] double nmiArithmetic(const std::vector<int32_t>& a, const std::vector<int32_t>& b);
/// Normalised mutual information I(A; B) / sqrt(H(A) H(B)) (Strehl & Ghosh 2002); 0 when either
/// labeling is constant.
[[nodiscard]] double nmiGeometric(const std::vector<int32_t>& a, const std::vector<int32_t>& b);

/// Codes of one level, one per item.
[[nodiscard]] std::vector<int32_t> levelCodes(const core::SemanticIds& ids, int32_t level);

/// A hand-made data set: `users` users cycling through `items` items with user-specific offsets.
[[nodiscard]] core::Dataset cyclingDataset(int users, int items, int length);

/// A small synthetic data set with its leave-one-out split.
struct SyntheticSplit final {
    core::SyntheticData data;
    core::DataSplit split;
};

/// The generator's config for a small set: `users` users over `items` items, a small category tree.
[[nodiscard]] core::SyntheticConfig smallSyntheticConfig(int32_t users, int32_t items,
                                                         std::vector<int32_t> branching = {3, 2, 2},
                                                         uint64_t seed = 42);

/// Synthetic data of `users` users over `items` items with a small category tree, split leave-one-out.
[[nodiscard]] SyntheticSplit smallSynthetic(int32_t users, int32_t items, std::vector<int32_t> branching = {3, 2, 2},
                                            uint64_t seed = 42);

/// Users with a target in `phase` and their target items.
struct EvalTargets final {
    std::vector<int32_t> users;
    std::vector<int32_t> items;
};
[[nodiscard]] EvalTargets evalTargets(const core::Dataset& dataset, const core::DataSplit& split,
                                      core::EvalPhase phase);

/// Mean NDCG@k and Recall@k of a scoring model over users with a target in a phase.
struct RankingMetrics final {
    double ndcg = 0.0;
    double recall = 0.0;
    int64_t users = 0;
};
/// Full ranking from scoreUsers: rank = number of other items scoring >= the target (ties count
/// against it). Called on the thread that owns the model.
[[nodiscard]] RankingMetrics fullRankingMetrics(core::Recommender& model, const core::Dataset& dataset,
                                                const core::DataSplit& split, core::EvalPhase phase, int k = 10);

/// A model `id` created with `config` and prepared on `data` with `seed` on the CPU: the one place the
/// tests name prepare()'s signature. Called on the thread that then owns the model.
[[nodiscard]] std::unique_ptr<core::Recommender> preparedModel(const std::string& id, const std::string& config,
                                                               const core::TrainingData& data, uint64_t seed);

/// True when a checkpoint was written atomically: `path` exists and its temporary `path`.tmp does not.
[[nodiscard]] bool savedAtomically(const std::string& path);

/// A popularity model prepared on `data` and trained for its one epoch: the baseline of the quality
/// tests.
[[nodiscard]] std::unique_ptr<core::Recommender> popularityBaseline(const core::TrainingData& data);

/// Training prefixes (dense ids) of every user, as the models train on them.
[[nodiscard]] std::vector<std::vector<int32_t>> trainingPrefixes(const core::Dataset& dataset,
                                                                 const core::DataSplit& split);

}  // namespace tokenbench::test
