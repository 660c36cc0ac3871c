#pragma once
/// Plain records read from and written to the experiment store. JSON columns travel as strings.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tokenbench/models/attention_map.h"  // AttentionMap, kept reachable from here for older includers

namespace tokenbench::core {

/// What kind of component a run trained.
enum class RunKind { Tokenizer, Model };

/// Life cycle of a run. Stored as lower-case text. Interrupted: its process died while it was
/// created or running (found when the project is next opened); it can be resumed.
enum class RunStatus { Created, Running, Completed, Failed, Cancelled, Interrupted };

[[nodiscard]] std::string toString(RunKind kind);
[[nodiscard]] std::string toString(RunStatus status);
/// Parses the stored text; throws std::invalid_argument on an unknown value.
[[nodiscard]] RunKind runKindFromString(const std::string& text);
[[nodiscard]] RunStatus runStatusFromString(const std::string& text);

/// Summary row of a stored data set.
struct DatasetRecord final {
    int64_t id = 0;
    std::string name;
    std::string source;      ///< file(s) or generator it came from
    std::string format;      ///< loader id ("seqtxt", "synthetic", ...)
    std::string configJson;  ///< preprocessing and loader options
    std::string statsJson;   ///< DatasetStats as JSON
    std::string dataHash;    ///< sha256 of the stored sequences, recorded with every run
    std::string createdAt;   ///< ISO 8601 UTC
};

/// A stored item feature matrix's description (the matrix itself is loaded separately).
struct FeatureSetRecord final {
    int64_t id = 0;
    int64_t datasetId = 0;
    std::string name;
    std::string kind;        ///< "text", "attributes+cooccurrence"...
    int64_t rows = 0;
    int64_t dim = 0;
    std::string configJson;  ///< the FeatureSpec used
    std::string createdAt;
};

/// A stored split: its config and the counts that describe it (the cut itself is recomputed).
struct SplitRecord final {
    int64_t id = 0;
    int64_t datasetId = 0;
    std::string name;
    std::string method;
    std::string configJson;
    std::string statsJson;
    std::string createdAt;
};

/// What a new run needs. Config is validated against the component's schema before this is written.
struct RunSpec final {
    RunKind kind = RunKind::Model;
    std::string componentId;       ///< registry id ("rq-vae", "sasrec")
    int componentVersion = 1;
    std::string name;              ///< user-facing label, may be empty
    int64_t datasetId = 0;
    std::optional<int64_t> featureSetId;      ///< tokenizer runs
    std::optional<int64_t> tokenizerRunId;    ///< generative model runs
    std::string configJson = "{}";
    uint64_t seed = 0;
    std::string dataHash;
    std::string codeVersion;       ///< filled by the store when empty
    std::string device = "cpu";
    std::optional<int64_t> groupId;  ///< the repeat or sweep this run belongs to
};

/// A stored run with its config and latest state.
struct RunRecord final {
    int64_t id = 0;
    RunKind kind = RunKind::Model;
    std::string componentId;
    int componentVersion = 1;
    std::string name;
    int64_t datasetId = 0;
    std::string datasetName;
    std::optional<int64_t> featureSetId;
    std::optional<int64_t> tokenizerRunId;
    RunStatus status = RunStatus::Created;
    std::string configJson;
    uint64_t seed = 0;
    std::string dataHash;
    std::string codeVersion;
    std::string device;
    std::string createdAt;
    std::optional<std::string> startedAt;
    std::optional<std::string> finishedAt;
    std::string summaryJson;       ///< final metrics and figures, "{}" until finished
    std::string message;           ///< failure reason or note
    std::optional<int64_t> groupId;  ///< the repeat or sweep the run belongs to
};

/// Runs that belong together: the seeds of one repeated run ("repeats") or the trials of a sweep
/// ("sweep").
struct RunGroupRecord final {
    int64_t id = 0;
    std::string kind;              ///< "repeats" or "sweep"
    std::string label;
    std::string configJson = "{}"; ///< what was repeated or swept (the seeds, the sweep file)
    std::string createdAt;
};

/// The per-target outcome of one evaluation of a run, in target order: the paired tests between
/// runs read these.
struct TargetRanks final {
    std::vector<int32_t> users;
    std::vector<int32_t> items;
    std::vector<int64_t> ranks;  ///< 0-based rank of the target item
};

/// One point of a metric series.
struct MetricPoint final {
    int64_t runId = 0;
    int64_t step = 0;
    int64_t epoch = 0;
    std::string split;   ///< "train", "valid", "test"
    std::string name;    ///< "loss", "ndcg@10", "perplexity/l0"...
    double value = 0.0;
    double time = 0.0;   ///< seconds since the Unix epoch
};

/// Usage counts of one codebook level at one training step.
struct CodebookSnapshot final {
    int64_t runId = 0;
    int64_t step = 0;
    int32_t level = 0;
    std::vector<int64_t> usage;  ///< [code] = items assigned
};

/// A notable thing that happened in a run (e.g. a codebook collapse warning).
struct RunEvent final {
    int64_t runId = 0;
    double time = 0.0;
    std::string level;   ///< "info", "warning", "error"
    std::string kind;    ///< "collapse", "early_stop"...
    std::string message;
};

/// A file a run produced (checkpoint, export), stored under the project's artifacts/ folder.
struct ArtifactRecord final {
    int64_t id = 0;
    int64_t runId = 0;
    std::string kind;     ///< "checkpoint", "model-export", "semantic-ids"...
    std::string path;     ///< relative to the project folder
    std::string sha256;
    int64_t bytes = 0;
    std::string createdAt;
};

}  // namespace tokenbench::core
