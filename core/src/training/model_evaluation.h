#pragma once
// Private: one full-ranking evaluation pass of a model over a split's validation or test targets,
// shared by the training engine and the eval/bench commands. Torch-free.

#include <atomic>
#include <functional>
#include <map>
#include <string>

#include "tokenbench/data/dataset.h"
#include "tokenbench/data/split.h"
#include "tokenbench/eval/ranking_evaluator.h"
#include "tokenbench/models/recommender.h"
#include "tokenbench/storage/records.h"

namespace tokenbench::core {

/// Users with a target in `phase` (leave-one-out: the item at trainEnd for Valid, at validEnd for
/// Test; a temporal split's first target of the window) and those targets.
struct EvalTargets final {
    std::vector<int32_t> users;
    std::vector<int32_t> items;
};
[[nodiscard]] EvalTargets evaluationTargets(const Dataset& dataset, const DataSplit& split, EvalPhase phase);

/// Which targets an evaluation uses and how the model ranks them.
struct EvalSelection final {
    bool exact = false;       ///< rank by the model's exact scores (Recommender::scoresExactly models only)
    int64_t sampleUsers = 0;  ///< only this many targets, evenly spaced over the target list; 0 = all
};

/// `targets` cut to `count` entries evenly spaced over the list (deterministic); all when count <= 0
/// or count >= their number.
[[nodiscard]] EvalTargets sampleTargets(const EvalTargets& targets, int64_t count);

/// Ranks every target with the model (scores over all items, or the model's ranked list when it
/// ranks by list) in batches; `progress(done, total)` after each batch; checks `cancel` between
/// batches. `evalStats` receives the model's figures (e.g. invalid_id_rate) when given. `selection`
/// may restrict the targets to a sample and rank by the model's exact scores (throws
/// std::invalid_argument for a model without them).
[[nodiscard]] EvalReport evaluateModel(Recommender& model, const Dataset& dataset, const DataSplit& split,
                                       EvalPhase phase, const EvalOptions& options, const std::atomic<bool>* cancel,
                                       const std::function<void(int64_t, int64_t)>& progress = {},
                                       std::map<std::string, double>* evalStats = nullptr,
                                       const EvalSelection& selection = {});

/// The per-target ranks of a report from evaluateModel, as the store keeps them.
[[nodiscard]] TargetRanks targetRanksOf(const EvalReport& report);

}  // namespace tokenbench::core
