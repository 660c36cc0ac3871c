#pragma once
/// A tokenizer run from start to end: resolve features (for methods that use them), create the run,
/// offer the split's training interactions, fit with live health
/// reporting (metrics, codebook snapshots, collapse events into the store as they happen), encode,
/// resolve collisions, store the semantic IDs and the tokenizer's files. Shared by CLI and GUI.
///
/// Threads: runTokenizeJob runs on the calling thread (the GUI's job thread, the CLI's main thread);
/// it opens its own store connections and never lets an exception escape: every failure becomes a
/// Failed (or Cancelled) result, reported through the sink as well.

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tokenbench/progress_sink.h"
#include "tokenbench/tokenizers/codebook_health.h"
#include "tokenbench/tokenizers/collisions.h"

namespace tokenbench::core {

/// What to tokenize and how.
struct TokenizeRequest final {
    std::string projectDir;
    std::string dataset;           ///< data set name
    std::string features;          ///< stored feature set name, or kinds to build ("attributes+cooccurrence");
                                   ///< unused by methods without features (ComponentInfo::needsFeatures)
    int32_t featureDim = 64;       ///< dims per block when features are built on the fly
    std::string method;            ///< registry id ("rq-kmeans", "rq-vae", "import"...)
    std::string configJson = "{}"; ///< method parameters (validated against the schema)
    uint64_t seed = 42;
    std::string device = "cpu";
    std::string name;              ///< run label
    std::optional<int64_t> groupId;  ///< the repeat a new run joins
    CollisionStrategy collisions = CollisionStrategy::ExtraLevel;
    int64_t healthInterval = 0;    ///< 0: the tokenizer's default
    CollapseRule collapse;
};

/// What came out (also stored as the run's summary JSON).
struct TokenizeResult final {
    int64_t runId = 0;
    RunStatus status = RunStatus::Failed;
    std::string message;
    int64_t items = 0;
    int32_t levels = 0;            ///< after collision resolution (an extra level may be added)
    int32_t codebookSize = 0;
    int64_t uniqueIds = 0;         ///< after resolution
    double collisionRate = 0.0;    ///< before resolution
    int64_t maxCollisionGroup = 0; ///< before resolution
    std::vector<double> utilization;  ///< per tokenizer level, 0..1
    std::vector<double> perplexity;
    std::vector<int32_t> collapsedLevels;
    double reconstructionError = 0.0;  ///< NaN when the method has none
    std::string featureSet;
    double seconds = 0.0;
};

/// JSON of a result with the CLI's keys: run_id, items, unique_ids, collision_rate,
/// max_collision_group, utilization, perplexity, seconds, and more.
[[nodiscard]] std::string toJson(const TokenizeResult& result);

/// Runs the job (see file comment). `sink` receives every report besides the store; `cancel` is
/// checked between iterations.
TokenizeResult runTokenizeJob(const TokenizeRequest& request, ProgressSink& sink, const std::atomic<bool>* cancel);

}  // namespace tokenbench::core
