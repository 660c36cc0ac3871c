#include "tokenbench/tokenizers/id_quality_analysis.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

#include "tokenbench/tokenizers/codebook_health.h"
#include "tokenbench/tokenizers/token_hierarchy.h"

namespace tokenbench::core {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// The first `levels` levels of `ids`.
SemanticIds cut(const SemanticIds& ids, int32_t levels) {
    SemanticIds out;
    out.items = ids.items;
    out.levels = levels;
    out.codes.reserve(static_cast<size_t>(ids.items * levels));
    for (int64_t i = 0; i < ids.items; ++i) out.codes.insert(out.codes.end(), ids.row(i), ids.row(i) + levels);
    return out;
}

std::string depthKey(const std::string& base, int32_t depth) {
    return depth == 1 ? base : base + "/d" + std::to_string(depth);
}

bool anyAttribute(const Dataset& dataset) {
    return std::any_of(dataset.items.begin(), dataset.items.end(),
                       [](const ItemInfo& item) { return !item.attributes.empty(); });
}

}  // namespace

std::vector<double> averageRanks(const std::vector<double>& values) {
    std::vector<size_t> order(values.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return values[a] < values[b]; });
    std::vector<double> ranks(values.size(), 0.0);
    for (size_t begin = 0; begin < order.size();) {
        size_t end = begin + 1;
        while (end < order.size() && values[order[end]] == values[order[begin]]) ++end;
        // Positions begin..end-1 hold ranks begin+1..end; their mean goes to every tied value.
        const double rank = (static_cast<double>(begin + 1) + static_cast<double>(end)) / 2.0;
        for (size_t k = begin; k < end; ++k) ranks[order[k]] = rank;
        begin = end;
    }
    return ranks;
}

RankCorrelation spearmanCorrelation(const std::vector<double>& x, const std::vector<double>& y) {
    if (x.size() != y.size())
        throw std::invalid_argument("spearman: " + std::to_string(x.size()) + " values against " +
                                    std::to_string(y.size()));
    std::vector<double> a;
    std::vector<double> b;
    for (size_t i = 0; i < x.size(); ++i) {
        if (!std::isfinite(x[i]) || !std::isfinite(y[i])) continue;
        a.push_back(x[i]);
        b.push_back(y[i]);
    }
    RankCorrelation out;
    out.n = static_cast<int64_t>(a.size());
    if (out.n < 3) {
        out.note = "n < 3: not enough runs";
        return out;
    }
    const std::vector<double> ra = averageRanks(a);
    const std::vector<double> rb = averageRanks(b);
    const double mean = (static_cast<double>(out.n) + 1.0) / 2.0;  // every rank vector's mean
    double sab = 0.0;
    double saa = 0.0;
    double sbb = 0.0;
    for (size_t i = 0; i < ra.size(); ++i) {
        sab += (ra[i] - mean) * (rb[i] - mean);
        saa += (ra[i] - mean) * (ra[i] - mean);
        sbb += (rb[i] - mean) * (rb[i] - mean);
    }
    if (saa == 0.0 || sbb == 0.0) {
        out.note = saa == 0.0 ? "constant metric: no ranking to correlate" : "constant NDCG@10: no ranking to correlate";
        return out;
    }
    out.spearman = sab / std::sqrt(saa * sbb);
    return out;
}

double cooccurrencePurity(const SemanticIds& ids, const TrainingInteractions& interactions, int32_t depth) {
    if (depth < 1 || depth > ids.levels)
        throw std::invalid_argument("co-occurrence purity: depth " + std::to_string(depth) + " outside 1.." +
                                    std::to_string(ids.levels));
    int64_t pairs = 0;
    int64_t shared = 0;
    for (const std::vector<int32_t>& sequence : interactions.sequences) {
        for (size_t k = 1; k < sequence.size(); ++k) {
            const int32_t a = sequence[k - 1];
            const int32_t b = sequence[k];
            if (a < 0 || b < 0 || a >= ids.items || b >= ids.items)
                throw std::invalid_argument("co-occurrence purity: item " + std::to_string(std::max(a, b)) +
                                            " has no ID (" + std::to_string(ids.items) + " items)");
            if (a == b) continue;  // a repeat shares every prefix whatever the IDs are
            ++pairs;
            if (std::equal(ids.row(a), ids.row(a) + depth, ids.row(b))) ++shared;
        }
    }
    return pairs == 0 ? kNaN : static_cast<double>(shared) / static_cast<double>(pairs);
}

std::vector<IdMetric> idMetricsFromCodes(const IdMetricInputs& in) {
    if (!in.ids || !in.dataset || !in.interactions)
        throw std::invalid_argument("ID metrics: the IDs, the data set and its training interactions are needed");
    if (in.tokenizerLevels < 1 || in.tokenizerLevels > in.ids->levels)
        throw std::invalid_argument("ID metrics: " + std::to_string(in.tokenizerLevels) + " tokenizer levels of IDs with " +
                                    std::to_string(in.ids->levels));
    if (in.ids->items != static_cast<int64_t>(in.dataset->items.size()))
        throw std::invalid_argument("ID metrics: " + std::to_string(in.ids->items) + " IDs for " +
                                    std::to_string(in.dataset->items.size()) + " items");
    const SemanticIds ids = cut(*in.ids, in.tokenizerLevels);
    std::vector<IdMetric> out;
    for (const LevelHealth& h : levelHealth(ids, in.codebookSize)) {
        out.emplace_back("perplexity/l" + std::to_string(h.level), h.perplexity);
        out.emplace_back("utilization/l" + std::to_string(h.level), h.utilization);
    }
    out.emplace_back("collision_rate", collisionStats(ids).collisionRate);
    if (anyAttribute(*in.dataset)) {
        const TokenHierarchy tree(ids, *in.dataset);
        for (int32_t d = 1; d <= ids.levels; ++d) out.emplace_back(depthKey("attribute_purity", d), tree.meanPurity(d));
    }
    for (int32_t d = 1; d <= ids.levels; ++d)
        out.emplace_back(depthKey("cooccurrence_purity", d), cooccurrencePurity(ids, *in.interactions, d));
    return out;
}

std::vector<MetricCorrelation> correlateWithNdcg(const std::vector<IdQualityRow>& rows) {
    std::vector<std::string> names;
    for (const IdQualityRow& row : rows)
        for (const auto& [name, value] : row.metrics)
            if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
    std::vector<MetricCorrelation> out;
    for (const std::string& name : names) {
        std::vector<double> metric;
        std::vector<double> ndcg;
        for (const IdQualityRow& row : rows) {
            const auto it = std::find_if(row.metrics.begin(), row.metrics.end(),
                                         [&](const IdMetric& m) { return m.first == name; });
            metric.push_back(it == row.metrics.end() ? kNaN : it->second);
            ndcg.push_back(row.ndcg10);
        }
        out.push_back({name, spearmanCorrelation(metric, ndcg)});
    }
    return out;
}

}  // namespace tokenbench::core
