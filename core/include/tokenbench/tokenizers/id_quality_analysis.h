#pragma once
/// Which properties of semantic IDs go with good recommendations: the figures of one tokenizer run's
/// IDs (codebook health, collisions, attribute and co-occurrence purity) and their Spearman rank
/// correlation with the NDCG@10 of the models trained on them, over many runs. Pure functions on
/// plain data (the store-reading side is tokenbench/training/id_quality_report.h); any thread.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "tokenbench/data/dataset.h"
#include "tokenbench/tokenizers/semantic_ids.h"
#include "tokenbench/tokenizers/tokenizer.h"

namespace tokenbench::core {

/// Ranks of `values` from 1 (smallest); tied values share the mean of the ranks they span.
[[nodiscard]] std::vector<double> averageRanks(const std::vector<double>& values);

/// A Spearman rank correlation and what it rests on.
struct RankCorrelation final {
    int64_t n = 0;                   ///< pairs with both values finite
    std::optional<double> spearman;  ///< unset when it cannot be computed (see note)
    std::string note;                ///< why it is unset ("n < 3: not enough runs", "constant values")
};

/// Spearman's rho of the pairs (x[i], y[i]) whose values are both finite: Pearson's correlation of
/// their average ranks. Unset for fewer than three pairs or when one side is constant. Throws
/// std::invalid_argument when the lengths differ.
[[nodiscard]] RankCorrelation spearmanCorrelation(const std::vector<double>& x, const std::vector<double>& y);

/// Share of consecutive training pairs (a, b) of the same user, a != b, whose IDs agree on the first
/// `depth` codes: how often what users take next lies under the same prefix. NaN when there is no
/// such pair. Throws std::invalid_argument for depth outside [1, ids.levels] or an item outside ids.
[[nodiscard]] double cooccurrencePurity(const SemanticIds& ids, const TrainingInteractions& interactions,
                                        int32_t depth);

/// One named figure of a tokenizer run (NaN when the run has none, e.g. no reconstruction error).
using IdMetric = std::pair<std::string, double>;

/// What a run's IDs are measured from. `ids` are the stored IDs; only their first `tokenizerLevels`
/// levels are the tokenizer's (a collision level after them numbers items and is left out).
struct IdMetricInputs final {
    const SemanticIds* ids = nullptr;
    int32_t tokenizerLevels = 0;
    int32_t codebookSize = 0;
    const Dataset* dataset = nullptr;
    const TrainingInteractions* interactions = nullptr;
};

/// The figures computed from the codes, in display order: "perplexity/l<k>" and "utilization/l<k>"
/// per level (0-based, as the store names them), "collision_rate" (of the tokenizer levels, i.e.
/// before resolution), "attribute_purity" (depth 1; "/d<depth>" deeper; left out when the catalogue
/// has no attributes), "cooccurrence_purity" (depth 1; "/d<depth>" deeper). Throws
/// std::invalid_argument when an input is missing or does not fit.
[[nodiscard]] std::vector<IdMetric> idMetricsFromCodes(const IdMetricInputs& inputs);

/// One tokenizer run with the models trained on its IDs, as the analysis compares them.
struct IdQualityRow final {
    int64_t runId = 0;
    std::string method;
    std::string name;
    std::string dataset;
    std::vector<IdMetric> metrics;
    double ndcg10 = 0.0;                        ///< mean test NDCG@10 over its model runs
    std::map<std::string, double> ndcgByModel;  ///< model id -> mean test NDCG@10 of that model's runs
    std::vector<std::pair<int64_t, std::string>> modelRuns;  ///< (run id, model id)
    std::vector<double> modelNdcg;              ///< per model run, aligned with modelRuns
};

/// One metric against NDCG@10 over the rows.
struct MetricCorrelation final {
    std::string metric;
    RankCorrelation correlation;
};

/// Spearman's rho of every metric any row has against the rows' NDCG@10, in the order the metrics
/// first appear (rows lacking a metric, or with NaN, are left out of its n).
[[nodiscard]] std::vector<MetricCorrelation> correlateWithNdcg(const std::vector<IdQualityRow>& rows);

}  // namespace tokenbench::core
