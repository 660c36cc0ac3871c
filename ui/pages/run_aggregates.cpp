#include "pages/run_aggregates.h"

#include <cmath>
#include <cstdint>
#include <limits>

#include "pages/metric_names.h"
#include "tokenbench/eval/metric_keys.h"

namespace tokenbench::ui {
namespace {

const QString kSeparator = QStringLiteral(" · ");

}  // namespace

bool isPerEpoch(const core::MetricPoint& point) {
    return core::metricPhase(point.split) != core::MetricPhase::Train;
}

QString curveKey(const core::MetricPoint& point) {
    return QString::fromStdString(point.split) + kSeparator + QString::fromStdString(point.name);
}

Curve runCurve(const RunHistory& history, const QString& key, bool epochs) {
    Curve curve;
    for (const core::MetricPoint& point : history.metrics) {
        if (curveKey(point) != key || point.step >= std::numeric_limits<int32_t>::max()) continue;
        curve.x << static_cast<double>(epochs ? point.epoch : point.step);
        curve.y << point.value;
    }
    return curve;
}

Curve meanCurve(const std::vector<const RunHistory*>& histories, const QString& key, bool epochs) {
    std::map<double, std::pair<double, int>> sums;  // x -> (sum, runs)
    for (const RunHistory* history : histories) {
        const Curve one = runCurve(*history, key, epochs);
        // A run may record an x twice (a resumed epoch): its last value counts.
        std::map<double, double> last;
        for (int i = 0; i < one.x.size(); ++i) last[one.x[i]] = one.y[i];
        for (const auto& [x, y] : last) {
            sums[x].first += y;
            ++sums[x].second;
        }
    }
    Curve mean;
    for (const auto& [x, sum] : sums) {
        mean.x << x;
        mean.y << sum.first / sum.second;
    }
    return mean;
}

std::map<QString, double> summaryValues(const core::RunRecord& run) {
    std::map<QString, double> out;
    for (const auto& [key, value] : core::summaryNumbers(run.summaryJson)) out[QString::fromStdString(key)] = value;
    return out;
}

std::map<QString, core::MeanInterval> summaryIntervals(const std::vector<const core::RunRecord*>& runs) {
    std::map<QString, std::vector<double>> samples;
    for (const core::RunRecord* run : runs) {
        if (run->status != core::RunStatus::Completed) continue;
        for (const auto& [key, value] : summaryValues(*run)) {
            if (std::isfinite(value)) samples[key].push_back(value);
        }
    }
    std::map<QString, core::MeanInterval> out;
    for (const auto& [key, values] : samples) out[key] = core::meanWithInterval(values);
    return out;
}

QVector<double> meanTargetGroups(const std::vector<const core::RunRecord*>& runs, const std::string& metric) {
    QVector<double> sums(static_cast<int>(std::size(kTargetGroups)), 0.0);
    int counted = 0;
    for (const core::RunRecord* run : runs) {
        if (run->status != core::RunStatus::Completed) continue;
        const std::optional<core::TrainSummary> summary = core::parseTrainSummary(run->summaryJson);
        if (!summary || !std::isfinite(summary->test.value(metric))) continue;
        for (int g = 0; g < sums.size(); ++g) sums[g] += summary->testGroup(kTargetGroups[g].group).value(metric);
        ++counted;
    }
    if (counted == 0) return {};
    for (double& sum : sums) sum /= counted;
    return sums;
}

}  // namespace tokenbench::ui
