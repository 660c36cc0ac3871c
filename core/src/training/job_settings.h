#pragma once
// Private: the settings a training job runs with, as stored in the run's config JSON, so a resumed
// run or a later `eval` uses exactly what the run was trained with. Torch-free.

#include <cstdint>
#include <string>

#include "tokenbench/eval/ranking_evaluator.h"
#include "tokenbench/jobs/train_job.h"

namespace tokenbench::core {

struct JobSettings final {
    std::string model;
    std::string modelConfigJson = "{}";  ///< validated against the model's schema
    int64_t tokenizerRunId = 0;
    int64_t epochs = 50;
    double maxMinutes = 0.0;
    int64_t patience = 5;
    std::string validMetric = "ndcg@10";
    int64_t evalEvery = 1;
    uint64_t seed = 42;
    std::string device = "cpu";           ///< resolved
    bool mixedPrecision = false;
    EvalOptions eval;
};

/// Settings of a new run from a request (model config validated, metric name checked against the
/// Ks). Throws ConfigError / std::invalid_argument with a message naming the bad value.
[[nodiscard]] JobSettings settingsFromRequest(const TrainRequest& request, const std::string& resolvedDevice);

/// The run config JSON: {"model": {...}, "epochs", "max_minutes", "patience", "valid_metric",
/// "eval_every", "mixed_precision", "eval": {"ks", "exclude_history", "cold_threshold"}}.
[[nodiscard]] std::string toRunConfigJson(const JobSettings& settings);

/// Inverse of toRunConfigJson for a stored model run (model id, tokenizer, seed and device come from
/// the run record). Throws std::invalid_argument on a config this version cannot read.
[[nodiscard]] JobSettings settingsFromRun(const std::string& model, const std::string& runConfigJson,
                                          int64_t tokenizerRunId, uint64_t seed, const std::string& device);

/// Checks that `metric` is one the evaluator reports for these options ("recall@K", "ndcg@K" with K in
/// options.ks, or "mrr"). Throws std::invalid_argument naming the valid choices.
void checkValidMetric(const std::string& metric, const EvalOptions& options);

}  // namespace tokenbench::core
