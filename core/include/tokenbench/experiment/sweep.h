#pragma once
/// Hyper-parameter sweeps: a sweep file names a model, the data set, the settings every trial shares
/// and the parameters to search (any key of the model's schema or of the run settings), by grid or
/// at random, within a trial count and a time budget. Every trial is a model run in one run group
/// ("sweep"); the best trial by validation metric is reported with its whole config.
///
/// Sweep file ("format": "tokenbench-sweep/1"):
///   name, dataset, model, tokenizer_run (generative models), search: "random" | "grid",
///   trials (random: how many; grid: at most this many of the grid), seed (of the random search),
///   budget_minutes (no trial starts after it; 0 = none), metric (validation metric, "ndcg@10"),
///   settings: {run settings of every trial: epochs, max_minutes, patience...},
///   fixed: {model parameters of every trial},
///   parameters: {key: [v1, v2, ...]                     values to choose from (grid: each)
///                key: {"min": a, "max": b, "log": bool, "steps": n}}  a range: random draws
///                     uniformly (log-uniformly with "log"); a grid takes n evenly spaced values;
///                     integer parameters are rounded}
///
/// Threads: runSweep runs on the calling thread (GUI worker or CLI main thread).

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "tokenbench/progress_sink.h"
#include "tokenbench/storage/records.h"

namespace tokenbench::core {

/// One searched parameter: a list of values, or a numeric range.
struct SweepParameter final {
    std::string key;
    bool setting = false;           ///< a run setting (epochs...), not a model parameter
    std::vector<std::string> values;  ///< JSON texts of the values, when given as a list
    double min = 0.0;
    double max = 0.0;
    bool log = false;
    int64_t steps = 0;              ///< grid points of a range
    bool integer = false;           ///< the schema's type is Int: values are rounded
};

struct SweepFile final {
    std::string path;
    std::string name;
    std::string dataset;
    std::string model;
    int64_t tokenizerRunId = 0;
    std::string search = "random";
    int64_t trials = 10;
    uint64_t seed = 1;
    double budgetMinutes = 0.0;
    std::string metric = "ndcg@10";
    std::string settingsJson = "{}";  ///< run settings every trial shares
    std::string fixedJson = "{}";     ///< model parameters every trial shares
    std::vector<SweepParameter> parameters;
    std::string text;                 ///< the file as given (stored with the group)
};

/// Reads and checks a sweep file against the registry's model schema and the run settings. Throws
/// DataError naming the file and line (invalid JSON) or the key path and what was expected.
[[nodiscard]] SweepFile readSweepFile(const std::string& path);
[[nodiscard]] SweepFile parseSweep(const std::string& text, const std::string& path);

/// One trial's searched values (key -> JSON value text) and its whole config.
struct SweepTrial final {
    int64_t index = 0;                 ///< 1-based
    std::vector<std::pair<std::string, std::string>> values;  ///< the searched keys, in file order
    std::string modelConfigJson;       ///< fixed + searched model parameters, validated
    std::string settingsJson;          ///< shared + searched run settings
};

/// The trials the file asks for (grid: every combination, in order, at most `trials`; random:
/// `trials` draws from `seed`). Deterministic; each config validated (ConfigError naming the key).
[[nodiscard]] std::vector<SweepTrial> sweepTrials(const SweepFile& file);

struct SweepTrialResult final {
    SweepTrial trial;
    int64_t runId = 0;
    RunStatus status = RunStatus::Failed;
    std::string message;
    double valid = 0.0;    ///< the file's metric at the best validation
    double test = 0.0;     ///< the same metric on the test split at the best checkpoint
    double seconds = 0.0;
};

struct SweepResult final {
    int64_t groupId = 0;
    RunStatus status = RunStatus::Failed;  ///< Completed when at least one trial completed and none was cancelled
    std::string message;
    std::string metric;
    std::vector<SweepTrialResult> trials;  ///< those that ran
    int64_t skipped = 0;                   ///< trials not started because the budget ended
    int64_t best = -1;                     ///< index into trials of the best valid metric, -1 when none
    double seconds = 0.0;
};

/// JSON with the CLI's keys: group_id, status, metric, trials ([{trial, run_id, status, params, valid,
/// test, seconds}]), best (the best trial with "config" and "settings"), skipped, seconds.
[[nodiscard]] std::string toJson(const SweepResult& result);

/// Runs every trial of `file` in the project (see file comment); never throws. `sink` receives each
/// trial run's reports, its progress rescaled to the whole sweep (phase "trial i/n · ...").
SweepResult runSweep(const std::string& projectDir, const SweepFile& file, ProgressSink& sink,
                     const std::atomic<bool>* cancel);

}  // namespace tokenbench::core
