#pragma once
/// The names under which jobs record metric points (a split such as "valid" plus a name such as
/// "cold/ndcg@10"), and a parser that turns a recorded name back into its parts, so that views
/// route a point by what it measures instead of matching string prefixes. Pure; any thread.

#include <cstdint>
#include <string>

namespace tokenbench::core {

/// Splits ("phases") a metric point is recorded under.
namespace metric_split {
inline constexpr const char* kTrain = "train";
inline constexpr const char* kValid = "valid";
inline constexpr const char* kTest = "test";
}  // namespace metric_split

/// Metric names the training and tokenizer jobs write (see train_job.cpp, tokenize_job.cpp).
namespace metric_name {
inline constexpr const char* kLoss = "loss";                       ///< train: windowed batch loss
inline constexpr const char* kEpochLoss = "epoch_loss";            ///< train: mean loss of an epoch
inline constexpr const char* kEpochSeconds = "epoch_seconds";      ///< train: wall time of an epoch
inline constexpr const char* kSamplesPerSecond = "samples_per_second";
inline constexpr const char* kMrr = "mrr";
inline constexpr const char* kRecall = "recall";                   ///< ranking, with "@K"
inline constexpr const char* kNdcg = "ndcg";                       ///< ranking, with "@K"
inline constexpr const char* kCoverage = "coverage";               ///< with "@K"
inline constexpr const char* kPopularity = "popularity";           ///< with "@K"
inline constexpr const char* kColdPrefix = "cold/";                ///< ranking metric over cold targets
inline constexpr const char* kWarmPrefix = "warm/";                ///< ranking metric over warm targets
inline constexpr const char* kNewPrefix = "new/";  ///< ranking metric over targets that are brand-new (held-out) items
/// `eval --exact`: a ranking metric of the exact ranking (every item by its ID's likelihood) on a
/// sample of targets, and of the model's own (beam) ranking on the same sample; "exact/users" is the
/// sample's size.
inline constexpr const char* kExactPrefix = "exact/";
inline constexpr const char* kExactBeamPrefix = "exact_beam/";
inline constexpr const char* kUtilization = "utilization";         ///< per codebook level, with "/l<level>"
inline constexpr const char* kPerplexity = "perplexity";           ///< per codebook level
inline constexpr const char* kEntropy = "entropy";                 ///< per codebook level
inline constexpr const char* kDeadCodes = "dead_codes";            ///< per codebook level
inline constexpr const char* kInertia = "inertia";                 ///< RQ-KMeans: "/l<level>", counted from 1
inline constexpr const char* kCollisionRate = "collision_rate";    ///< share of items sharing a full ID
inline constexpr const char* kReconstructionError = "reconstruction_error";
}  // namespace metric_name

/// Which part of a run a metric point belongs to.
enum class MetricPhase { Train, Valid, Test, Other };

/// Which evaluated targets a ranking metric averages over.
enum class TargetGroup { All, Cold, Warm, New };

/// What a metric measures.
enum class MetricKind {
    Loss,                 ///< "loss" (windowed batch loss) and its terms ("loss/<term>")
    EpochLoss,            ///< "epoch_loss"
    EpochSeconds,         ///< "epoch_seconds"
    SamplesPerSecond,     ///< "samples_per_second"
    Ranking,              ///< "recall@K", "ndcg@K", "hr@K", "precision@K", "mrr" (any target group)
    Coverage,             ///< "coverage@K"
    Popularity,           ///< "popularity@K"
    CodebookUtilization,  ///< "utilization/l<level>"
    CodebookPerplexity,   ///< "perplexity/l<level>"
    CodebookEntropy,      ///< "entropy/l<level>"
    CodebookDeadCodes,    ///< "dead_codes/l<level>"
    ClusterInertia,       ///< "inertia/l<level>" (RQ-KMeans; this name counts levels from 1)
    CollisionRate,        ///< "collision_rate"
    ReconstructionError,  ///< "reconstruction_error"
    Other,                ///< anything else a component reports
};

/// Which ranking a ranking metric measures.
enum class RankingSource {
    Model,       ///< the model's own ranking of every target (the usual metrics)
    Exact,       ///< "exact/": the exact ranking on a sample of targets
    SampleModel  ///< "exact_beam/": the model's own ranking on that same sample
};

/// A recorded metric name taken apart.
struct MetricKey final {
    MetricPhase phase = MetricPhase::Other;
    MetricKind kind = MetricKind::Other;
    TargetGroup group = TargetGroup::All;
    RankingSource source = RankingSource::Model;
    std::string metric;  ///< the measure without group, K or level: "ndcg", "mrr", "utilization", "loss"
    std::string term;    ///< loss terms: "reconstruction" of "loss/reconstruction"; empty otherwise
    int32_t k = 0;       ///< the cut-off of "@K" metrics; 0 otherwise
    int32_t level = -1;  ///< the level number written in per-level names (0-based but for inertia); -1 otherwise

    /// Ranking, coverage or popularity metric of all targets with this K (e.g. "recall@10").
    [[nodiscard]] bool isRankingAt(int32_t cutoff) const {
        return kind == MetricKind::Ranking && group == TargetGroup::All && source == RankingSource::Model &&
               k == cutoff;
    }
};

/// Parses the metric named `name` recorded under `split`. Unknown names give kind Other (with the
/// name in `metric`); never throws.
[[nodiscard]] MetricKey parseMetricKey(const std::string& split, const std::string& name);

/// The phase of a split name ("train" -> Train, ...; anything else Other).
[[nodiscard]] MetricPhase metricPhase(const std::string& split);

/// "recall" + 10 -> "recall@10".
[[nodiscard]] std::string rankingMetricName(const std::string& metric, int32_t k);

/// "utilization" + 0 -> "utilization/l0".
[[nodiscard]] std::string levelMetricName(const std::string& metric, int32_t level);

}  // namespace tokenbench::core
