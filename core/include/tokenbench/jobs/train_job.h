#pragma once
/// A model run from start to end: load the data set and its split (and the semantic IDs of a
/// tokenizer run for generative models), train epoch by epoch with validation, early stopping and a
/// time budget, checkpoint every epoch atomically, then test once at the best validation checkpoint.
/// Metrics go to the experiment store as they happen. Shared by CLI and GUI.
///
/// Threads: runTrainJob runs on the calling thread (the GUI's job thread, the CLI's main thread); it
/// opens its own store connections and never lets an exception escape: every failure becomes a
/// Failed (or Cancelled) result, reported through the sink as well.

#include <atomic>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "tokenbench/eval/ranking_evaluator.h"
#include "tokenbench/progress_sink.h"
#include "tokenbench/storage/records.h"
#include "tokenbench/training/budget_fit.h"
#include "tokenbench/training/distributed.h"

namespace tokenbench::core {

/// What to train and how.
struct TrainRequest final {
    std::string projectDir;
    std::string dataset;             ///< data set name
    std::string model;               ///< registry id ("sasrec", "tiger"...)
    std::string configJson = "{}";   ///< model parameters (validated against the schema)
    int64_t tokenizerRunId = 0;      ///< generative models: the tokenizer run whose semantic IDs they use
    int64_t epochs = 50;             ///< upper bound
    double maxMinutes = 0.0;         ///< wall-clock budget for training + validation; 0 = none
    int64_t patience = 5;            ///< validations without improvement before stopping; 0 = never stop early
    std::string validMetric = "ndcg@10";  ///< what "best" means
    int64_t evalEvery = 1;           ///< validate every N epochs
    uint64_t seed = 42;
    std::string device = "auto";     ///< "auto" (CUDA when available), "cpu", "cuda", "cuda:1"
    bool mixedPrecision = false;     ///< bfloat16 autocast on CUDA; ignored on CPU
    EvalOptions eval;                ///< Ks, history removal, cold threshold
    int64_t resumeRunId = 0;         ///< continue this run from its last checkpoint instead of a new run
    std::string name;                ///< run label
    std::optional<int64_t> groupId;  ///< the repeat or sweep a new run joins
    DistributedSettings distributed; ///< data-parallel rank and group (world size 1: one process)
};

/// What came out (also stored as the run's summary JSON).
struct TrainResult final {
    int64_t runId = 0;
    RunStatus status = RunStatus::Failed;
    std::string message;
    std::string model;
    std::string device;
    int64_t epochs = 0;              ///< epochs trained (including those before a resume)
    int64_t bestEpoch = 0;           ///< 1-based epoch of the best validation, 0 when none
    double secondsPerEpoch = 0.0;    ///< mean training time of an epoch (validation excluded)
    double evalSeconds = 0.0;        ///< the test evaluation's time
    std::string stopReason;          ///< "epochs", "patience", "time budget", "cancelled"...
    /// The time budget ended inside the first epoch: the model of the steps it finished was
    /// validated, tested and kept as epoch 1, marked partial (a figure to look at, not a converged one).
    bool partialEpoch = false;
    int64_t partialSteps = 0;        ///< steps of that partial epoch
    /// Set when the first epoch, timed over its first steps, would not fit the budget: a smaller
    /// configuration that would (also reported as a "budget" warning event while the run goes on).
    std::optional<BudgetProposal> budgetProposal;
    EvalReport valid;                ///< at the best epoch
    EvalReport test;                 ///< at the best checkpoint
    std::map<std::string, double> evalStats;  ///< e.g. "invalid_id_rate" of a generative model
    double seconds = 0.0;
    int worldSize = 1;               ///< data-parallel processes that trained it
    /// The tokenizer run holding the item codes the model learned (cove), 0 when it learns none.
    int64_t tokenizerRunId = 0;
};

/// JSON of a result with the CLI's keys: run_id, epochs, seconds_per_epoch, valid and test objects
/// (recall@5, ndcg@5, recall@10, ndcg@10, recall@20, ndcg@20, mrr, ...), test_cold, test_warm,
/// coverage, popularity, best_epoch, stop_reason, partial_epoch (and partial_steps), budget_proposal
/// (when one was made), protocol, seconds, world_size, and tokenizer_run_id for a model that learns
/// item codes.
[[nodiscard]] std::string toJson(const TrainResult& result);

/// Runs the job (see file comment). `sink` receives every report besides the store; `cancel` is
/// checked between batches, so a cancel returns within about one batch.
/// With request.distributed.worldSize > 1 this is rank 0 of a data-parallel group.
TrainResult runTrainJob(const TrainRequest& request, ProgressSink& sink, const std::atomic<bool>* cancel);

/// A data-parallel rank other than 0 (request.distributed.rank > 0): loads the same inputs and model
/// as rank 0 (with resumeRunId, from that run's last checkpoint), joins the group and trains epochs
/// for as long as rank 0 asks. Writes nothing to the project. Throws std::exception with the reason
/// (a bad request, a group that does not form, a rank that died).
void runTrainWorker(const TrainRequest& request);

}  // namespace tokenbench::core
