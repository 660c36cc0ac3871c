#pragma once
/// The ID quality report of a project: every completed tokenizer run with completed model runs
/// trained on its IDs, its ID figures (those stored at tokenize time, the rest computed from its
/// stored codes) and its models' test NDCG@10, and each figure's Spearman correlation with NDCG@10.
/// Reads the store it is given; runs on the calling thread (a GUI worker or the CLI).

#include <string>
#include <vector>

#include "tokenbench/tokenizers/id_quality_analysis.h"

namespace tokenbench::core {

class ExperimentStore;

/// Which runs the report takes in.
struct IdQualityOptions final {
    std::string model;    ///< only model runs of this model id ("tiger"); empty: every model
    std::string dataset;  ///< only runs on this data set (name); empty: every data set
};

struct IdQualityReport final {
    IdQualityOptions options;
    std::vector<IdQualityRow> runs;  ///< by tokenizer run id
    std::vector<MetricCorrelation> correlations;
};

/// Builds the report from `store` (see file comment). Throws std::invalid_argument for a data set
/// filter naming no data set.
[[nodiscard]] IdQualityReport analyzeIdQuality(ExperimentStore& store, const IdQualityOptions& options = {});

/// JSON with the CLI's keys: "tokenizer_runs" (objects with run_id, method, name, dataset, each
/// metric key, "ndcg@10", "ndcg@10_by_model", "model_runs" [{run_id, model, ndcg@10}]) and
/// "correlations" (metric -> {"spearman": x or null, "n": k, "note" when unset}). NaN is null.
[[nodiscard]] std::string toJson(const IdQualityReport& report);

}  // namespace tokenbench::core
