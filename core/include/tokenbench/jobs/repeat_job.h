#pragma once
/// A run repeated with several seeds: one run per seed, all in one run group ("repeats"), then the
/// mean ± 95 % confidence interval of every figure over the completed runs. Model and tokenizer runs
/// alike; shared by CLI and GUI.
///
/// Threads: like the jobs it repeats, on the calling thread; never throws.

#include <atomic>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "tokenbench/eval/paired_statistics.h"
#include "tokenbench/jobs/tokenize_job.h"
#include "tokenbench/jobs/train_job.h"
#include "tokenbench/progress_sink.h"
#include "tokenbench/storage/records.h"

namespace tokenbench::core {

/// The seeds of a repeat: `seeds` when given (duplicates refused), else `repeats` seeds counting up
/// from `firstSeed`. Throws std::invalid_argument when neither gives at least one seed.
[[nodiscard]] std::vector<uint64_t> repeatSeeds(const std::vector<uint64_t>& seeds, int64_t repeats,
                                                uint64_t firstSeed);

/// The figures of a finished run that a repeat summarises, read from its summary JSON: a model run's
/// test metrics by their names ("ndcg@10"), its validation metrics as "valid/ndcg@10" and
/// "seconds_per_epoch"; a tokenizer run's collision_rate, unique_ids, reconstruction_error and
/// "utilization/l1", "perplexity/l1"... per level.
[[nodiscard]] std::map<std::string, double> runFigures(const RunRecord& run);

/// Mean ± CI of every figure over the completed runs among `runs` (a figure missing from a run is
/// left out of that run's sample).
[[nodiscard]] std::map<std::string, MeanInterval> summarizeRuns(const std::vector<RunRecord>& runs);

struct RepeatResult final {
    int64_t groupId = 0;
    RunStatus status = RunStatus::Failed;  ///< Completed only when every seed's run completed
    std::string message;
    std::vector<uint64_t> seeds;
    std::vector<std::string> runJsons;      ///< each run's result JSON, in seed order
    std::map<std::string, MeanInterval> figures;
};

/// JSON with the CLI's keys: group_id, status, seeds, n (completed runs), runs (each run's JSON), and
/// per figure `mean`, `ci95` (half-width: mean ± ci95) and `sd` objects.
[[nodiscard]] std::string toJson(const RepeatResult& result);

/// Trains `request` once per seed (request.seed is replaced; a resume cannot be repeated).
RepeatResult runRepeatedTrainJob(const TrainRequest& request, const std::vector<uint64_t>& seeds, ProgressSink& sink,
                                 const std::atomic<bool>* cancel);
/// Tokenizes `request` once per seed.
RepeatResult runRepeatedTokenizeJob(const TokenizeRequest& request, const std::vector<uint64_t>& seeds,
                                    ProgressSink& sink, const std::atomic<bool>* cancel);

}  // namespace tokenbench::core
