#pragma once
/// Paired comparison of two model runs, or of two groups of seeded runs, on the same split: the
/// per-user metric of each side (averaged over a group's runs, user by user), a paired t-test and a
/// paired bootstrap over users, the effect size, and each run's mean.
/// Opens the project's store itself; runs on the calling thread (a GUI worker or the CLI).

#include <cstdint>
#include <string>
#include <vector>

#include "tokenbench/eval/paired_statistics.h"
#include "tokenbench/storage/records.h"

namespace tokenbench::core {

/// One side: its runs, each run's mean of the metric, and the mean ± 95 % CI over those runs.
struct ComparedSide final {
    std::vector<int64_t> runs;
    std::vector<double> runMeans;
    MeanInterval overRuns;
};

struct RunComparison final {
    std::string metric;  ///< "ndcg@10"...
    std::string split;   ///< "test" or "valid"
    ComparedSide a;
    ComparedSide b;
    PairedComparison paired;  ///< over users: b - a
};

/// A run's per-target ranks on `split`: the stored ones, or, for a run trained before ranks were
/// stored, its best checkpoint evaluated again with the run's own options (and then stored).
/// Throws std::invalid_argument for a tokenizer run or a run that never finished.
[[nodiscard]] TargetRanks runTargetRanks(const std::string& projectDir, int64_t runId, const std::string& split);

/// Compares side `a` with side `b` (see file comment). Every run must be a completed model run on
/// the same data set, evaluated on the same targets with the same protocol; a run may not be on
/// both sides. Throws std::invalid_argument naming the run that breaks a rule.
[[nodiscard]] RunComparison compareRuns(const std::string& projectDir, const std::vector<int64_t>& a,
                                        const std::vector<int64_t>& b, const std::string& metric = "ndcg@10",
                                        const std::string& split = "test", int64_t bootstrapSamples = 10000);

/// JSON with the CLI's keys: metric, split, users, p_value (paired t-test), t_statistic,
/// bootstrap_p_value, effect_size, mean_difference, difference_ci95, and "runs" (each run's id,
/// side and mean) and "a"/"b" (runs, mean, ci95 over runs, per-user mean).
[[nodiscard]] std::string toJson(const RunComparison& comparison);

}  // namespace tokenbench::core
