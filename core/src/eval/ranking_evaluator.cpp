// Full-ranking evaluation. The hot path (addScores) does two tight passes over each score row: a
// branch-free count of items scoring >= the target, and a threshold-filtered selection of the top K.

#include "tokenbench/eval/ranking_evaluator.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace tokenbench::core {

namespace {

std::string kKey(const char* name, int32_t k) { return std::string(name) + "@" + std::to_string(k); }

constexpr int64_t kBlock = 8;

/// Number of items in `row` scoring >= `value`. Fixed-width blocks with no branches so the compiler
/// vectorizes them even at -O2 (a loop of unknown trip count is not, with GCC's cheap cost model).
int64_t countAtLeast(const float* __restrict row, int64_t items, float value) {
    int32_t lanes[kBlock] = {};
    int64_t j = 0;
    for (; j + kBlock <= items; j += kBlock) {
        for (int64_t l = 0; l < kBlock; ++l) {
            lanes[l] += row[j + l] >= value ? 1 : 0;
        }
    }
    int64_t count = 0;
    for (const int32_t lane : lanes) {
        count += lane;
    }
    for (; j < items; ++j) {
        count += row[j] >= value ? 1 : 0;
    }
    return count;
}

/// Whether any of kBlock scores beats `threshold`. An integer OR, not a float max: a float reduction
/// may not be reordered (NaN), so only this form vectorizes.
inline bool anyAbove(const float* __restrict block, float threshold) {
    int32_t any = 0;
    for (int64_t l = 0; l < kBlock; ++l) {
        any |= block[l] > threshold ? 1 : 0;
    }
    return any != 0;
}

/// One target's share of Recall@K, NDCG@K and MRR (one relevant item per target).
double recallAt(int64_t rank, int32_t k) { return rank < k ? 1.0 : 0.0; }
double ndcgAt(int64_t rank, int32_t k) { return rank < k ? 1.0 / std::log2(static_cast<double>(rank) + 2.0) : 0.0; }
double reciprocalRank(int64_t rank) { return 1.0 / (static_cast<double>(rank) + 1.0); }

}  // namespace

RankingEvaluator::RankingEvaluator(EvalOptions options, std::vector<int64_t> trainingItemCounts)
    : m_options(std::move(options)), m_counts(std::move(trainingItemCounts)) {
    for (const int32_t k : m_options.ks) {
        if (k <= 0) {
            throw std::invalid_argument("evaluation cut-off K must be positive, got " + std::to_string(k));
        }
    }
    // Sorted and unique so the largest K bounds every top-K and report keys come out once each.
    std::sort(m_options.ks.begin(), m_options.ks.end());
    m_options.ks.erase(std::unique(m_options.ks.begin(), m_options.ks.end()), m_options.ks.end());
    m_recommended.assign(m_options.ks.size(), std::vector<bool>(m_counts.size(), false));
    m_popularitySum.assign(m_options.ks.size(), 0.0);
    m_popularityCount.assign(m_options.ks.size(), 0);
    m_mark.assign(m_counts.size(), 0);
}

void RankingEvaluator::setNewItems(std::vector<bool> newItems) {
    if (!newItems.empty() && newItems.size() != m_counts.size())
        throw std::invalid_argument("new-item mask has " + std::to_string(newItems.size()) + " entries for " +
                                    std::to_string(m_counts.size()) + " items");
    m_newItems = std::move(newItems);
}

int32_t RankingEvaluator::maxK() const { return m_options.ks.empty() ? 0 : m_options.ks.back(); }

void RankingEvaluator::addScores(const float* scores, int64_t batch, const int32_t* targets,
                                 const std::vector<const std::vector<int32_t>*>& histories) {
    const auto items = static_cast<int64_t>(m_counts.size());
    const bool exclude = m_options.excludeHistory;
    if (batch <= 0) {
        return;
    }
    if (exclude && static_cast<int64_t>(histories.size()) != batch) {
        throw std::invalid_argument("addScores: excludeHistory needs one history per row");
    }
    // Validate the whole batch first so a bad row leaves the evaluator untouched.
    for (int64_t r = 0; r < batch; ++r) {
        if (targets[r] < 0 || targets[r] >= items) {
            throw std::invalid_argument("addScores: target " + std::to_string(targets[r]) + " outside the catalogue");
        }
        if (exclude && histories[r] != nullptr) {
            for (const int32_t h : *histories[r]) {
                if (h < 0 || h >= items) {
                    throw std::invalid_argument("addScores: history item " + std::to_string(h) +
                                                " outside the catalogue");
                }
            }
        }
    }
    m_sawScores = true;

    const int32_t topK = maxK();
    for (int64_t r = 0; r < batch; ++r) {
        const float* row = scores + r * items;
        const int32_t target = targets[r];
        const float targetScore = row[target];

        // Unique excluded items of this row (duplicates in a history must not be subtracted twice;
        // the target is never excluded).
        m_excluded.clear();
        if (exclude && histories[r] != nullptr) {
            for (const int32_t h : *histories[r]) {
                if (h != target && m_mark[static_cast<size_t>(h)] == 0) {
                    m_mark[static_cast<size_t>(h)] = 1;
                    m_excluded.push_back(h);
                }
            }
        }

        int64_t rank = 0;
        if (std::isnan(targetScore)) {
            rank = items - 1 - static_cast<int64_t>(m_excluded.size());  // a NaN target cannot win
        } else {
            rank = countAtLeast(row, items, targetScore) - 1;  // minus the target itself
            for (const int32_t h : m_excluded) {
                rank -= row[h] >= targetScore ? 1 : 0;
            }
        }

        // Top K + |excluded| over all items, then drop excluded ones: keeps the scan free of lookups.
        selectTop(row, items, topK + static_cast<int32_t>(m_excluded.size()));
        m_top.clear();
        for (const int32_t item : m_candidates) {
            if (static_cast<int32_t>(m_top.size()) == topK) {
                break;
            }
            if (m_mark[static_cast<size_t>(item)] == 0) {
                m_top.push_back(item);
            }
        }
        for (const int32_t h : m_excluded) {
            m_mark[static_cast<size_t>(h)] = 0;
        }
        addRank(rank, target, m_top);
    }
}

void RankingEvaluator::selectTop(const float* row, int64_t items, int32_t count) {
    m_candidates.clear();
    if (count <= 0) {
        return;
    }
    // Better = higher score, then lower index: a strict weak order as long as no NaN gets in.
    const auto better = [row](int32_t a, int32_t b) { return row[a] > row[b] || (row[a] == row[b] && a < b); };
    // Collect candidates beating the current K-th best; prune back to K when the buffer fills. Items
    // come in index order, so an equal score never beats the K-th (its index is lower): strict `>`.
    const auto cap = static_cast<size_t>(2 * count + 32);  // small: frequent cheap prunes raise the bar early
    m_candidates.reserve(cap);
    float threshold = 0.0F;
    const auto prune = [&] {
        std::nth_element(m_candidates.begin(), m_candidates.begin() + (count - 1), m_candidates.end(), better);
        m_candidates.resize(static_cast<size_t>(count));
        threshold = row[m_candidates.back()];
    };
    int64_t j = 0;
    for (; j < items && m_candidates.size() < cap; ++j) {  // fill: every non-NaN item is a candidate
        if (!std::isnan(row[j])) {
            m_candidates.push_back(static_cast<int32_t>(j));
        }
    }
    if (m_candidates.size() == cap) {
        prune();
        const auto consider = [&](int64_t i) {
            if (row[i] > threshold) {
                m_candidates.push_back(static_cast<int32_t>(i));
                if (m_candidates.size() == cap) {
                    prune();
                }
            }
        };
        // Most blocks hold nothing above the threshold: test their (vectorized) max first.
        for (; j + kBlock <= items; j += kBlock) {
            if (anyAbove(row + j, threshold)) {
                for (int64_t l = 0; l < kBlock; ++l) {
                    consider(j + l);
                }
            }
        }
        for (; j < items; ++j) {
            consider(j);
        }
    }
    const size_t keep = std::min(m_candidates.size(), static_cast<size_t>(count));
    std::partial_sort(m_candidates.begin(), m_candidates.begin() + static_cast<std::ptrdiff_t>(keep),
                      m_candidates.end(), better);
    m_candidates.resize(keep);
}

void RankingEvaluator::addRankedLists(const std::vector<std::vector<int32_t>>& ranked,
                                      const std::vector<int32_t>& targets) {
    const auto items = static_cast<int64_t>(m_counts.size());
    if (ranked.size() != targets.size()) {
        throw std::invalid_argument("addRankedLists: one ranked list per target expected");
    }
    for (const int32_t t : targets) {
        if (t < 0 || t >= items) {
            throw std::invalid_argument("addRankedLists: target " + std::to_string(t) + " outside the catalogue");
        }
    }
    if (!targets.empty()) {
        m_sawLists = true;
    }
    for (size_t r = 0; r < ranked.size(); ++r) {
        // Entries outside the catalogue (e.g. an invalid semantic-ID path) and repeats are not items:
        // skip them so ranks and top-Ks only count distinct real items.
        m_top.clear();
        int64_t rank = items;  // a miss ranks after every item
        for (const int32_t item : ranked[r]) {
            if (item < 0 || item >= items || m_mark[static_cast<size_t>(item)] != 0) {
                continue;
            }
            m_mark[static_cast<size_t>(item)] = 1;
            if (item == targets[r]) {
                rank = static_cast<int64_t>(m_top.size());
            }
            m_top.push_back(item);
        }
        for (const int32_t item : m_top) {
            m_mark[static_cast<size_t>(item)] = 0;
        }
        if (static_cast<int32_t>(m_top.size()) > maxK()) {
            m_top.resize(static_cast<size_t>(maxK()));
        }
        addRank(rank, targets[r], m_top);
    }
}

void RankingEvaluator::addRank(int64_t rank, int32_t target, const std::vector<int32_t>& topItems) {
    m_ranks.push_back(rank);
    m_cold.push_back(m_counts[static_cast<size_t>(target)] <= m_options.coldThreshold);
    m_new.push_back(!m_newItems.empty() && m_newItems[static_cast<size_t>(target)]);
    for (size_t k = 0; k < m_options.ks.size(); ++k) {
        const size_t n = std::min(topItems.size(), static_cast<size_t>(m_options.ks[k]));
        for (size_t i = 0; i < n; ++i) {
            const auto item = static_cast<size_t>(topItems[i]);
            m_recommended[k][item] = true;
            m_popularitySum[k] += static_cast<double>(m_counts[item]);
        }
        m_popularityCount[k] += static_cast<int64_t>(n);
    }
}

EvalReport RankingEvaluator::report() const {
    EvalReport out;
    out.hasNewItems = !m_newItems.empty();
    MetricGroup* groups[4] = {&out.all, &out.cold, &out.warm, &out.newItems};
    for (MetricGroup* g : groups) {
        for (const int32_t k : m_options.ks) {
            g->values[kKey("recall", k)] = 0.0;
            g->values[kKey("ndcg", k)] = 0.0;
        }
        g->values["mrr"] = 0.0;
    }
    // Sums per group, then means; a group without targets reports zeros rather than NaN.
    for (size_t i = 0; i < m_ranks.size(); ++i) {
        const int64_t rank = m_ranks[i];
        MetricGroup* group = m_cold[i] ? &out.cold : &out.warm;
        MetricGroup* held = m_new[i] ? &out.newItems : nullptr;
        for (MetricGroup* g : {&out.all, group, held}) {
            if (g == nullptr) continue;
            ++g->targets;
            for (const int32_t k : m_options.ks) {
                g->values[kKey("recall", k)] += recallAt(rank, k);
                g->values[kKey("ndcg", k)] += ndcgAt(rank, k);
            }
            g->values["mrr"] += reciprocalRank(rank);
        }
    }
    for (MetricGroup* g : groups) {
        if (g->targets > 0) {
            for (auto& [name, value] : g->values) {
                value /= static_cast<double>(g->targets);
            }
        }
    }

    const auto items = static_cast<double>(m_counts.size());
    for (size_t k = 0; k < m_options.ks.size(); ++k) {
        const auto distinct = std::count(m_recommended[k].begin(), m_recommended[k].end(), true);
        out.coverage[kKey("coverage", m_options.ks[k])] = items > 0 ? static_cast<double>(distinct) / items : 0.0;
        out.meanPopularity[kKey("popularity", m_options.ks[k])] =
            m_popularityCount[k] > 0 ? m_popularitySum[k] / static_cast<double>(m_popularityCount[k]) : 0.0;
    }

    const std::string catalogue = std::to_string(m_counts.size()) + " items";
    std::string protocol;
    if (m_sawScores || !m_sawLists) {
        protocol = "full ranking over " + catalogue +
                   (m_options.excludeHistory ? ", history excluded" : ", history kept");
    }
    if (m_sawLists) {
        protocol += (protocol.empty() ? "" : "; ") + std::string("ranked lists over ") + catalogue +
                    ", misses rank last";
    }
    out.protocol = protocol;
    out.ranks = m_ranks;
    return out;
}

double metricOfRank(const std::string& metric, int64_t rank) {
    if (metric == "mrr") return reciprocalRank(rank);
    const auto at = metric.find('@');
    const std::string name = metric.substr(0, at);
    int32_t k = 0;
    if (at != std::string::npos && (name == "ndcg" || name == "recall")) {
        try {
            size_t used = 0;
            k = std::stoi(metric.substr(at + 1), &used);
            if (used != metric.size() - at - 1) k = 0;
        } catch (const std::exception&) {
            k = 0;
        }
    }
    if (k <= 0) throw std::invalid_argument("unknown metric '" + metric + "': expected ndcg@K, recall@K or mrr");
    return name == "ndcg" ? ndcgAt(rank, k) : recallAt(rank, k);
}

std::string toJson(const EvalReport& report) {
    const auto group = [](const MetricGroup& g) {
        nlohmann::json j = {{"targets", g.targets}};
        for (const auto& [name, value] : g.values) {
            j[name] = value;
        }
        return j;
    };
    nlohmann::json j = group(report.all);
    j["cold"] = group(report.cold);
    j["warm"] = group(report.warm);
    if (report.hasNewItems) j["new_items"] = group(report.newItems);
    j["coverage"] = report.coverage;
    j["popularity"] = report.meanPopularity;
    j["protocol"] = report.protocol;
    return j.dump(2);
}

}  // namespace tokenbench::core
