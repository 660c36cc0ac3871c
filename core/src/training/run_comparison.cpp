// Runs are compared on exactly the same targets: the per-user values are paired by position, so the
// ranks of every run must list the same users and items in the same order.

#include "tokenbench/training/run_comparison.h"

#include <algorithm>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "tokenbench/eval/ranking_evaluator.h"
#include "tokenbench/project.h"
#include "tokenbench/storage/experiment_store.h"
#include "training/model_evaluation.h"
#include "training/model_run.h"

namespace tokenbench::core {

namespace {

std::string runName(int64_t runId) { return "run " + std::to_string(runId); }

std::string protocolOf(const RunRecord& run) {
    const auto summary = nlohmann::json::parse(run.summaryJson, nullptr, false);
    return summary.is_object() ? summary.value("protocol", std::string()) : std::string();
}

/// Per-user metric of a side: its runs' values averaged target by target.
std::vector<double> sideValues(const std::vector<TargetRanks>& ranks, const std::string& metric,
                               std::vector<double>& runMeans) {
    std::vector<double> values(ranks.front().ranks.size(), 0.0);
    for (const TargetRanks& run : ranks) {
        double sum = 0.0;
        for (size_t i = 0; i < values.size(); ++i) {
            const double v = metricOfRank(metric, run.ranks[i]);
            values[i] += v / static_cast<double>(ranks.size());
            sum += v;
        }
        runMeans.push_back(values.empty() ? 0.0 : sum / static_cast<double>(values.size()));
    }
    return values;
}

/// The run's ranks through an open store (see runTargetRanks); `run` is already checked to be a
/// completed model run.
TargetRanks ranksOf(ExperimentStore& store, const std::string& projectDir, int64_t runId, const std::string& split) {
    TargetRanks stored = store.targetRanks(runId, split);
    if (!stored.ranks.empty()) return stored;
    RestoredRun restored = restoreModelRun(projectDir, runId);
    const TrainingInputs& in = *restored.inputs;
    const EvalReport report = evaluateModel(*restored.model, in.dataset, in.split,
                                            split == "valid" ? EvalPhase::Valid : EvalPhase::Test,
                                            restored.settings.eval, nullptr);
    TargetRanks ranks = targetRanksOf(report);
    store.saveTargetRanks(runId, split, ranks);
    return ranks;
}

/// The run, checked to be a completed model run.
RunRecord comparableRun(ExperimentStore& store, int64_t runId) {
    const auto run = store.findRun(runId);
    if (!run) throw std::invalid_argument("no run with id " + std::to_string(runId));
    if (run->kind != RunKind::Model)
        throw std::invalid_argument(runName(runId) + " is a tokenizer run; only model runs are compared");
    if (run->status != RunStatus::Completed)
        throw std::invalid_argument(runName(runId) + " is " + toString(run->status) + "; only completed runs are compared");
    return *run;
}

void checkSplit(const std::string& split) {
    if (split != "valid" && split != "test")
        throw std::invalid_argument("unknown split '" + split + "' (expected valid or test)");
}

}  // namespace

TargetRanks runTargetRanks(const std::string& projectDir, int64_t runId, const std::string& split) {
    checkSplit(split);
    ExperimentStore store(projectPaths(projectDir).database);
    (void)comparableRun(store, runId);
    return ranksOf(store, projectDir, runId, split);
}

RunComparison compareRuns(const std::string& projectDir, const std::vector<int64_t>& a, const std::vector<int64_t>& b,
                          const std::string& metric, const std::string& split, int64_t bootstrapSamples) {
    if (a.empty() || b.empty()) throw std::invalid_argument("a comparison needs at least one run on each side");
    for (const int64_t id : a) {
        if (std::find(b.begin(), b.end(), id) != b.end())
            throw std::invalid_argument(runName(id) + " is on both sides of the comparison");
    }
    (void)metricOfRank(metric, 0);  // an unknown metric fails before any run is evaluated

    checkSplit(split);
    // Same data set and protocol for every run, checked before any (slow) evaluation; one store for
    // all the reads.
    std::vector<int64_t> all = a;
    all.insert(all.end(), b.begin(), b.end());
    ExperimentStore store(projectPaths(projectDir).database);
    std::optional<RunRecord> first;
    for (const int64_t id : all) {
        const RunRecord run = comparableRun(store, id);
        if (!first) {
            first = run;
            continue;
        }
        if (run.datasetId != first->datasetId)
            throw std::invalid_argument(runName(id) + " is on data set '" + run.datasetName + "', " +
                                        runName(first->id) + " on '" + first->datasetName +
                                        "': runs are compared on the same data set and split");
        if (protocolOf(run) != protocolOf(*first))
            throw std::invalid_argument(runName(id) + " was evaluated as \"" + protocolOf(run) + "\", " +
                                        runName(first->id) + " as \"" + protocolOf(*first) +
                                        "\": paired tests need the same protocol");
    }

    std::vector<TargetRanks> ranksA;
    std::vector<TargetRanks> ranksB;
    for (const int64_t id : a) ranksA.push_back(ranksOf(store, projectDir, id, split));
    for (const int64_t id : b) ranksB.push_back(ranksOf(store, projectDir, id, split));
    const TargetRanks& reference = ranksA.front();
    const auto checkSameTargets = [&](const TargetRanks& ranks, int64_t id) {
        if (ranks.users != reference.users || ranks.items != reference.items)
            throw std::invalid_argument(runName(id) + " was evaluated on other " + split + " targets than " +
                                        runName(a.front()) + " (" + std::to_string(ranks.ranks.size()) + " vs " +
                                        std::to_string(reference.ranks.size()) + " users)");
    };
    for (size_t i = 0; i < a.size(); ++i) checkSameTargets(ranksA[i], a[i]);
    for (size_t i = 0; i < b.size(); ++i) checkSameTargets(ranksB[i], b[i]);

    RunComparison out;
    out.metric = metric;
    out.split = split;
    out.a.runs = a;
    out.b.runs = b;
    const std::vector<double> valuesA = sideValues(ranksA, metric, out.a.runMeans);
    const std::vector<double> valuesB = sideValues(ranksB, metric, out.b.runMeans);
    out.a.overRuns = meanWithInterval(out.a.runMeans);
    out.b.overRuns = meanWithInterval(out.b.runMeans);
    out.paired = comparePaired(valuesA, valuesB, bootstrapSamples);
    return out;
}

std::string toJson(const RunComparison& c) {
    using nlohmann::json;
    json runs = json::array();
    const auto side = [&](const ComparedSide& s, const char* name, double perUserMean) {
        for (size_t i = 0; i < s.runs.size(); ++i) {
            runs.push_back({{"run_id", s.runs[i]}, {"side", name}, {"mean", s.runMeans[i]}});
        }
        return json{{"runs", s.runs},
                    {"mean", s.overRuns.mean},
                    {"ci95", s.overRuns.ci95},
                    {"sd", s.overRuns.sd},
                    {"per_user_mean", perUserMean}};
    };
    json out = {{"metric", c.metric}, {"split", c.split}, {"users", c.paired.n}};
    out["a"] = side(c.a, "a", c.paired.meanA);
    out["b"] = side(c.b, "b", c.paired.meanB);
    out["runs"] = runs;
    out["mean_difference"] = c.paired.meanDifference;
    out["difference_ci95"] = {c.paired.differenceLow, c.paired.differenceHigh};
    out["t_statistic"] = c.paired.tStatistic;
    out["p_value"] = c.paired.pValue;
    out["bootstrap_p_value"] = c.paired.bootstrapPValue;
    out["bootstrap_samples"] = c.paired.bootstrapSamples;
    out["effect_size"] = c.paired.effectSize;
    out["test"] = "paired t-test and paired bootstrap over users (b - a); effect size Cohen's d_z";
    return out.dump();
}

}  // namespace tokenbench::core
