#pragma once
/// Full-ranking evaluation (every item ranked, no sampled negatives): Recall@K, NDCG@K and MRR, with
/// the cold-item breakdown, catalogue coverage and popularity of what was recommended.
///
/// Threads: one evaluator per evaluation pass, fed from one thread (the job's), batch by batch.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace tokenbench::core {

/// How to evaluate. Defaults follow the SASRec/BERT4Rec/TIGER papers' full-ranking protocol.
struct EvalOptions final {
    std::vector<int32_t> ks = {5, 10, 20};
    bool excludeHistory = false;  ///< remove the user's history items from the ranking (off in the papers)
    int32_t coldThreshold = 5;    ///< a target is cold with <= this many training interactions
};

/// Metric name -> value ("recall@10", "ndcg@10", "mrr") over a group of evaluated targets.
struct MetricGroup final {
    int64_t targets = 0;
    std::map<std::string, double> values;
};

/// Everything one evaluation pass measured.
struct EvalReport final {
    MetricGroup all;
    MetricGroup cold;   ///< targets with <= coldThreshold training interactions
    MetricGroup warm;   ///< the rest
    /// Targets that are brand-new items (held out of training by the split); only with hasNewItems.
    MetricGroup newItems;
    bool hasNewItems = false;  ///< the split holds items out of training
    std::map<std::string, double> coverage;        ///< "coverage@10": share of the catalogue recommended at least once
    std::map<std::string, double> meanPopularity;  ///< "popularity@10": mean training count of recommended items
    std::string protocol;  ///< e.g. "full ranking over 12101 items, history kept"
    /// Per target, in the order they were evaluated: its 0-based rank (a ranked list's miss ranks
    /// after every item). Paired tests between runs are computed from these.
    std::vector<int64_t> ranks;
    std::vector<int32_t> users;  ///< the target's user (filled by evaluateModel, empty otherwise)
    std::vector<int32_t> items;  ///< the target item (filled by evaluateModel, empty otherwise)
};

/// One target's contribution to a metric named as in reports ("ndcg@10", "recall@20", "mrr"), from
/// its 0-based rank; a report's metric is the mean of these over its targets. Throws
/// std::invalid_argument for another name.
[[nodiscard]] double metricOfRank(const std::string& metric, int64_t rank);

/// Accumulates ranks of targets; see file comment.
class RankingEvaluator final {
public:
    /// `trainingItemCounts[i]` = training interactions of item i (for cold/warm and popularity).
    RankingEvaluator(EvalOptions options, std::vector<int64_t> trainingItemCounts);

    /// [item]: held out of training by the split (DataSplit::newItems); the report then has a
    /// new-item group. Call before adding targets.
    void setNewItems(std::vector<bool> newItems);

    /// Scores of `batch` users over all items (row-major batch x items, higher = better) and the one
    /// target per row. `histories[r]` are items to remove from row r when excludeHistory is set
    /// (may be null otherwise). The target's rank is the number of other items scoring higher or
    /// equal (ties count against the target, so a constant scorer cannot look good).
    void addScores(const float* scores, int64_t batch, const int32_t* targets,
                   const std::vector<const std::vector<int32_t>*>& histories);

    /// Ranked item lists (best first; e.g. a beam) and targets; a target missing from its list
    /// counts as a miss at every K (rank beyond the list).
    void addRankedLists(const std::vector<std::vector<int32_t>>& ranked, const std::vector<int32_t>& targets);

    [[nodiscard]] EvalReport report() const;
    [[nodiscard]] int64_t targets() const { return static_cast<int64_t>(m_ranks.size()); }

private:
    void addRank(int64_t rank, int32_t target, const std::vector<int32_t>& topItems);
    /// Fills m_candidates with the best `count` items of `row` (score desc, then index asc).
    void selectTop(const float* row, int64_t items, int32_t count);
    [[nodiscard]] int32_t maxK() const;

    EvalOptions m_options;
    std::vector<int64_t> m_counts;
    std::vector<int64_t> m_ranks;       ///< 0-based rank of each target (or a large value for misses)
    std::vector<bool> m_cold;
    std::vector<bool> m_newItems;  ///< [item], empty when the split holds none out
    std::vector<bool> m_new;       ///< per target: a held-out item
    std::vector<std::vector<bool>> m_recommended;  ///< [k index][item]: recommended in some top-K
    std::vector<double> m_popularitySum;           ///< [k index]
    std::vector<int64_t> m_popularityCount;
    bool m_sawScores = false;  ///< for the protocol line
    bool m_sawLists = false;
    // Per-row scratch, reused so the hot path does not allocate.
    std::vector<uint8_t> m_mark;          ///< [item]: excluded (addScores) / seen (addRankedLists)
    std::vector<int32_t> m_excluded;
    std::vector<int32_t> m_candidates;
    std::vector<int32_t> m_top;
};

/// JSON object of a report: the `all` metrics at top level ("recall@5"...), plus "cold", "warm",
/// "new_items" (only when the split holds items out),
/// "coverage", "popularity", "targets" and "protocol".
[[nodiscard]] std::string toJson(const EvalReport& report);

}  // namespace tokenbench::core
