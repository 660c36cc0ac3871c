#include "tokenbench/eval/metric_keys.h"

#include <cctype>

namespace tokenbench::core {
namespace {

bool startsWith(const std::string& text, const std::string& prefix) {
    return text.size() >= prefix.size() && text.compare(0, prefix.size(), prefix) == 0;
}

/// Non-negative decimal integer filling all of `text`, or -1.
int32_t parseCount(const std::string& text) {
    if (text.empty() || text.size() > 9) return -1;
    int32_t value = 0;
    for (const char c : text) {
        if (!std::isdigit(static_cast<unsigned char>(c))) return -1;
        value = value * 10 + (c - '0');
    }
    return value;
}

MetricKind cutoffKind(const std::string& metric) {
    if (metric == metric_name::kRecall || metric == metric_name::kNdcg || metric == "hr" || metric == "precision")
        return MetricKind::Ranking;
    if (metric == metric_name::kCoverage) return MetricKind::Coverage;
    if (metric == metric_name::kPopularity) return MetricKind::Popularity;
    return MetricKind::Other;
}

MetricKind levelKind(const std::string& metric) {
    if (metric == metric_name::kUtilization) return MetricKind::CodebookUtilization;
    if (metric == metric_name::kPerplexity) return MetricKind::CodebookPerplexity;
    if (metric == metric_name::kEntropy) return MetricKind::CodebookEntropy;
    if (metric == metric_name::kDeadCodes) return MetricKind::CodebookDeadCodes;
    if (metric == metric_name::kInertia) return MetricKind::ClusterInertia;
    return MetricKind::Other;
}

}  // namespace

MetricPhase metricPhase(const std::string& split) {
    if (split == metric_split::kTrain) return MetricPhase::Train;
    if (split == metric_split::kValid) return MetricPhase::Valid;
    if (split == metric_split::kTest) return MetricPhase::Test;
    return MetricPhase::Other;
}

MetricKey parseMetricKey(const std::string& split, const std::string& name) {
    MetricKey key;
    key.phase = metricPhase(split);
    key.metric = name;
    std::string rest = name;
    if (startsWith(rest, metric_name::kExactPrefix)) {
        key.source = RankingSource::Exact;
        rest = rest.substr(std::string(metric_name::kExactPrefix).size());
    } else if (startsWith(rest, metric_name::kExactBeamPrefix)) {
        key.source = RankingSource::SampleModel;
        rest = rest.substr(std::string(metric_name::kExactBeamPrefix).size());
    }
    if (startsWith(rest, metric_name::kColdPrefix)) {
        key.group = TargetGroup::Cold;
        rest = rest.substr(std::string(metric_name::kColdPrefix).size());
    } else if (startsWith(rest, metric_name::kWarmPrefix)) {
        key.group = TargetGroup::Warm;
        rest = rest.substr(std::string(metric_name::kWarmPrefix).size());
    } else if (startsWith(rest, metric_name::kNewPrefix)) {
        key.group = TargetGroup::New;
        rest = rest.substr(std::string(metric_name::kNewPrefix).size());
    }
    const auto unknown = [&key, &name] {
        key.kind = MetricKind::Other;
        key.group = TargetGroup::All;
        key.source = RankingSource::Model;
        key.metric = name;
        key.term.clear();
        key.k = 0;
        key.level = -1;
        return key;
    };

    if (rest == metric_name::kMrr) {
        key.kind = MetricKind::Ranking;
        key.metric = rest;
        return key;
    }
    if (const auto at = rest.find('@'); at != std::string::npos) {
        const std::string metric = rest.substr(0, at);
        const int32_t k = parseCount(rest.substr(at + 1));
        const MetricKind kind = cutoffKind(metric);
        if (k <= 0 || kind == MetricKind::Other) return unknown();
        if (kind != MetricKind::Ranking && (key.group != TargetGroup::All || key.source != RankingSource::Model))
            return unknown();
        key.kind = kind;
        key.metric = metric;
        key.k = k;
        return key;
    }
    // Only ranking metrics come per target group or ranking source.
    if (key.group != TargetGroup::All || key.source != RankingSource::Model) return unknown();

    if (rest == metric_name::kLoss || startsWith(rest, std::string(metric_name::kLoss) + "/")) {
        key.kind = MetricKind::Loss;
        key.metric = metric_name::kLoss;
        if (rest.size() > 4) key.term = rest.substr(5);
        return key;
    }
    if (const auto slash = rest.find("/l"); slash != std::string::npos) {
        const std::string metric = rest.substr(0, slash);
        const int32_t level = parseCount(rest.substr(slash + 2));
        const MetricKind kind = levelKind(metric);
        if (level < 0 || kind == MetricKind::Other) return unknown();
        key.kind = kind;
        key.metric = metric;
        key.level = level;
        return key;
    }
    if (rest == metric_name::kEpochLoss) key.kind = MetricKind::EpochLoss;
    else if (rest == metric_name::kEpochSeconds) key.kind = MetricKind::EpochSeconds;
    else if (rest == metric_name::kSamplesPerSecond) key.kind = MetricKind::SamplesPerSecond;
    else if (rest == metric_name::kCollisionRate) key.kind = MetricKind::CollisionRate;
    else if (rest == metric_name::kReconstructionError) key.kind = MetricKind::ReconstructionError;
    else return unknown();
    return key;
}

std::string rankingMetricName(const std::string& metric, int32_t k) {
    return metric + "@" + std::to_string(k);
}

std::string levelMetricName(const std::string& metric, int32_t level) {
    return metric + "/l" + std::to_string(level);
}

}  // namespace tokenbench::core
