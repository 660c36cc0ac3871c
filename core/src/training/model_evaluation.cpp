#include "training/model_evaluation.h"

#include <algorithm>
#include <stdexcept>

#include "tokenbench/cancellation.h"

namespace tokenbench::core {

namespace {

constexpr size_t kScoreBatch = 1024;  // users per scoring call at most: 1024 x 12k floats = 48 MB on Beauty
// Scores held per call at most (256 MB of floats): a million-item catalogue gets 64 users per call,
// so memory stays bounded whatever the catalogue's size.
constexpr size_t kScoreFloats = size_t{64} << 20;
// Users per ranked-list call: the model sorts them by history length to pad less and decodes several
// batches of them at once on its threads (see models/parallel_batches.h).
constexpr size_t kListBatch = 4096;
constexpr size_t kExactBatch = 64;  // users per exact-scoring call: each costs about a trie's inner nodes in decoder rows

}  // namespace

EvalTargets evaluationTargets(const Dataset& dataset, const DataSplit& split, EvalPhase phase) {
    EvalTargets targets;
    for (size_t u = 0; u < dataset.users.size(); ++u) {
        const UserSplit& cut = split.users[u];
        const auto& items = dataset.users[u].items;
        const int32_t position = phase == EvalPhase::Valid ? cut.trainEnd : cut.validEnd;
        const int32_t end = phase == EvalPhase::Valid ? cut.validEnd : static_cast<int32_t>(items.size());
        if (position >= end || position < 0 || static_cast<size_t>(position) >= items.size()) continue;
        targets.users.push_back(static_cast<int32_t>(u));
        targets.items.push_back(items[static_cast<size_t>(position)]);
    }
    return targets;
}

EvalTargets sampleTargets(const EvalTargets& targets, int64_t count) {
    const auto total = static_cast<int64_t>(targets.users.size());
    if (count <= 0 || count >= total) return targets;
    EvalTargets sample;
    for (int64_t i = 0; i < count; ++i) {
        const auto at = static_cast<size_t>(i * total / count);
        sample.users.push_back(targets.users[at]);
        sample.items.push_back(targets.items[at]);
    }
    return sample;
}

EvalReport evaluateModel(Recommender& model, const Dataset& dataset, const DataSplit& split, EvalPhase phase,
                         const EvalOptions& options, const std::atomic<bool>* cancel,
                         const std::function<void(int64_t, int64_t)>& progress,
                         std::map<std::string, double>* evalStats, const EvalSelection& selection) {
    if (selection.exact && !model.scoresExactly())
        throw std::invalid_argument(model.id() + " has no exact ranking (only generative models over semantic IDs do)");
    const EvalTargets targets = sampleTargets(evaluationTargets(dataset, split, phase), selection.sampleUsers);
    RankingEvaluator evaluator(options, trainingItemCounts(dataset, split));
    evaluator.setNewItems(split.newItems);
    (void)model.takeEvalStats();  // drop figures of earlier calls (e.g. a validation pass)
    const bool byList = model.ranksByList() && !selection.exact;
    const size_t total = targets.users.size();
    const size_t scoreBatch =
        std::clamp(kScoreFloats / std::max<size_t>(1, dataset.items.size()), size_t{1}, kScoreBatch);
    const size_t batchSize = byList ? kListBatch : selection.exact ? kExactBatch : scoreBatch;
    const int32_t maxK = options.ks.empty() ? 20 : *std::max_element(options.ks.begin(), options.ks.end());

    std::vector<float> scores;
    std::vector<std::vector<int32_t>> lists;
    std::vector<std::vector<int32_t>> historyStore;
    std::vector<const std::vector<int32_t>*> histories;
    for (size_t begin = 0; begin < total; begin += batchSize) {
        throwIfCancelled(cancel);
        const size_t end = std::min(total, begin + batchSize);
        const std::vector<int32_t> users(targets.users.begin() + static_cast<std::ptrdiff_t>(begin),
                                         targets.users.begin() + static_cast<std::ptrdiff_t>(end));
        const std::vector<int32_t> items(targets.items.begin() + static_cast<std::ptrdiff_t>(begin),
                                         targets.items.begin() + static_cast<std::ptrdiff_t>(end));
        // What the user had seen before the target: removed from the ranking when asked to.
        historyStore.assign(users.size(), {});
        histories.assign(users.size(), nullptr);
        if (options.excludeHistory) {
            for (size_t r = 0; r < users.size(); ++r) {
                const UserSplit& cut = split.users[static_cast<size_t>(users[r])];
                const auto& seq = dataset.users[static_cast<size_t>(users[r])].items;
                const int32_t stop = phase == EvalPhase::Valid ? cut.trainEnd : cut.validEnd;
                historyStore[r].assign(seq.begin(), seq.begin() + stop);
                histories[r] = &historyStore[r];
            }
        }
        if (byList) {
            // Ask for more than K when history is removed afterwards, so K real candidates remain.
            const int32_t count = options.excludeHistory ? maxK + 50 : maxK;
            model.rankUsers(users, phase, count, lists);
            if (options.excludeHistory) {
                for (size_t r = 0; r < lists.size(); ++r) {
                    auto& list = lists[r];
                    const auto& seen = historyStore[r];
                    list.erase(std::remove_if(list.begin(), list.end(),
                                              [&](int32_t item) {
                                                  return std::find(seen.begin(), seen.end(), item) != seen.end();
                                              }),
                               list.end());
                }
            }
            evaluator.addRankedLists(lists, items);
        } else {
            if (selection.exact) model.exactScoreUsers(users, phase, scores);
            else model.scoreUsers(users, phase, scores);
            evaluator.addScores(scores.data(), static_cast<int64_t>(users.size()), items.data(), histories);
        }
        if (progress) progress(static_cast<int64_t>(end), static_cast<int64_t>(total));
    }
    if (evalStats) *evalStats = model.takeEvalStats();
    EvalReport report = evaluator.report();
    report.users = targets.users;
    report.items = targets.items;
    return report;
}

TargetRanks targetRanksOf(const EvalReport& report) {
    if (report.users.size() != report.ranks.size() || report.items.size() != report.ranks.size())
        throw std::logic_error("an evaluation report without its targets' users and items");
    return {report.users, report.items, report.ranks};
}

}  // namespace tokenbench::core
