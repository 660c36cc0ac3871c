#pragma once
/// What a group of runs amounts to in the comparison's views: the mean of their curves, the mean
/// ± 95 % CI of each summary number, the mean of a test metric per target group. Pure; any thread.

#include <map>
#include <vector>

#include <QString>
#include <QVector>

#include "pages/run_history.h"
#include "tokenbench/eval/paired_statistics.h"
#include "tokenbench/storage/run_summary.h"

namespace tokenbench::ui {

/// Evaluation splits are drawn per epoch, training series per optimizer step.
[[nodiscard]] bool isPerEpoch(const core::MetricPoint& point);

/// "valid · ndcg@10": the key of a metric series in the comparison's curve selector.
[[nodiscard]] QString curveKey(const core::MetricPoint& point);

/// One curve: x (epoch or step) and y, in x order.
struct Curve final {
    QVector<double> x;
    QVector<double> y;
};

/// The series `key` of one run, by epoch (`epochs`) or step.
[[nodiscard]] Curve runCurve(const RunHistory& history, const QString& key, bool epochs);

/// The mean over `histories` of series `key` at each x, over the runs that reached that x (a run
/// stopped early leaves the later points to the others).
[[nodiscard]] Curve meanCurve(const std::vector<const RunHistory*>& histories, const QString& key, bool epochs);

/// Summary numbers flattened one level deep ("test.ndcg@10", "collision_rate") of one run.
[[nodiscard]] std::map<QString, double> summaryValues(const core::RunRecord& run);

/// Mean ± 95 % CI of each summary number over the completed runs among `runs` (the same
/// statistic as core::summarizeRuns, keyed like summaryValues).
[[nodiscard]] std::map<QString, core::MeanInterval> summaryIntervals(const std::vector<const core::RunRecord*>& runs);

/// Mean over the completed `runs` of test metric `metric` for each target group (all, cold, warm,
/// in kTargetGroups order); empty when none of them has the metric.
[[nodiscard]] QVector<double> meanTargetGroups(const std::vector<const core::RunRecord*>& runs, const std::string& metric);

}  // namespace tokenbench::ui
