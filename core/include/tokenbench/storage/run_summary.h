#pragma once
/// Typed views of what a stored run recorded as JSON (RunRecord::summaryJson and ::configJson), so
/// that front ends read fields instead of parsing JSON themselves. The jobs write those documents
/// (train_job.cpp, tokenize_job.cpp, job_settings.cpp); these readers accept any of their versions
/// and leave absent fields unset. Pure functions that never throw; any thread.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "tokenbench/eval/metric_keys.h"

namespace tokenbench::core {

/// Ranking metrics of one target group in a summary ("recall@10" -> value).
struct SummaryMetrics final {
    std::optional<int64_t> targets;
    std::map<std::string, double> values;

    /// The value of `name`, or NaN when absent.
    [[nodiscard]] double value(const std::string& name) const;
};

/// The summary of a model (training) run.
struct TrainSummary final {
    std::string status;
    std::string model;
    std::string device;
    std::string stopReason;
    std::string protocol;  ///< how the test metrics were measured
    std::string message;
    std::optional<int64_t> epochs;
    std::optional<int64_t> bestEpoch;
    std::optional<double> secondsPerEpoch;
    std::optional<double> evalSeconds;
    std::optional<double> seconds;
    SummaryMetrics valid;  ///< best epoch's validation (all targets)
    SummaryMetrics test;   ///< all test targets
    SummaryMetrics testCold;
    SummaryMetrics testWarm;
    SummaryMetrics testNewItems;  ///< targets that are held-out (brand-new) items; empty without such a split

    /// The test metrics of `group`.
    [[nodiscard]] const SummaryMetrics& testGroup(TargetGroup group) const;
};

/// The summary of a tokenizer run: size of the ID space and per-level codebook health.
struct TokenizerSummary final {
    std::string status;
    std::string featureSet;
    std::string message;
    std::optional<int64_t> items;
    std::optional<int64_t> levels;        ///< ID length, including a collision level
    std::optional<int64_t> codebookSize;
    std::optional<int64_t> uniqueIds;
    std::optional<double> collisionRate;  ///< before collisions were resolved
    std::optional<int64_t> maxCollisionGroup;
    std::optional<double> reconstructionError;
    std::optional<double> seconds;
    std::vector<double> utilization;      ///< per tokenizer level (without a collision level)
    std::vector<double> perplexity;       ///< per tokenizer level
    std::vector<int64_t> collapsedLevels;
};

/// Parses a model run's summary; nullopt when it is not a JSON object or has no field.
[[nodiscard]] std::optional<TrainSummary> parseTrainSummary(const std::string& summaryJson);
/// Parses a tokenizer run's summary; nullopt when it is not a JSON object or has no field.
[[nodiscard]] std::optional<TokenizerSummary> parseTokenizerSummary(const std::string& summaryJson);

/// How many leading levels of a tokenizer run's stored IDs (`storedLevels` long) its tokenizer made,
/// the rest being a collision level: the summary's per-level figures, else the method's "levels"
/// parameter in the run's config, else all of them.
[[nodiscard]] int32_t tokenizerLevelCount(const std::string& summaryJson, const std::string& configJson,
                                          int32_t storedLevels);

/// One top-level field of a JSON object, typed for display.
struct SummaryField final {
    enum class Type { Number, Text, Bool, Other };  ///< Other: null, arrays and objects
    std::string key;
    Type type = Type::Other;
    double number = 0.0;
    std::string text;  ///< Text: the string; Bool: "true"/"false"
};

/// The top-level fields of a JSON object in key order; empty when `json` is not an object.
[[nodiscard]] std::vector<SummaryField> summaryFields(const std::string& json);

/// The numbers of a JSON object, flattened one level deep ("test.ndcg@10", "collision_rate"),
/// in key order, without "run_id". Empty when `json` is not an object.
[[nodiscard]] std::vector<std::pair<std::string, double>> summaryNumbers(const std::string& json);

/// A JSON document flattened for display: every leaf as a dotted key ("model.hidden_dim") and its
/// value as text (strings unquoted, arrays as "[1, 2]"), in key order. Not-JSON text comes back as
/// one entry with an empty key holding the text.
[[nodiscard]] std::vector<std::pair<std::string, std::string>> displayEntries(const std::string& json);

/// The top-level scalar values of a config object as text, by key ("hidden" -> "64", "tied" ->
/// "false", "loss" -> "bce", numbers in their shortest exact form); nested objects and arrays are left
/// out. Nullopt when the text is not a JSON object. What a parameter form shows again.
[[nodiscard]] std::optional<std::map<std::string, std::string>> configValues(const std::string& configJson);

/// What a run's stored config says about the settings a form shows again (model and tokenizer
/// runs alike; fields a kind of run lacks stay unset).
struct StoredRunConfig final {
    std::string componentConfigJson = "{}";  ///< the component's parameters ("model" or "method")
    std::optional<int64_t> epochs;
    std::optional<int64_t> patience;
    std::optional<double> maxMinutes;
    std::string validMetric;
    std::string features;    ///< tokenizer runs: the feature set or kinds
    std::string collisions;  ///< tokenizer runs: the collision strategy
    std::optional<int64_t> codebookSize;  ///< tokenizer runs: the method's "codebook_size"
};

/// Parses a run's configJson; unset fields when it is not a JSON object.
[[nodiscard]] StoredRunConfig parseRunConfig(const std::string& configJson);

/// A tokenizer run's config as stored for the parameters `methodConfigJson` (a JSON object), for a
/// run not yet in the store.
[[nodiscard]] std::string tokenizerRunConfigJson(const std::string& methodConfigJson);

}  // namespace tokenbench::core
