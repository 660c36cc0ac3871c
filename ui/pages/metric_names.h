#pragma once
/// How ranking metrics are named on screen and shown from run summaries. Pure; any thread.

#include <QString>
#include <QStringList>
#include <QVector>

#include "plots/bar_chart.h"
#include "tokenbench/storage/run_summary.h"

namespace tokenbench::ui {

/// "ndcg@10" → "NDCG@10", "recall@20" → "Recall@20", "mrr" → "MRR"; other names unchanged.
[[nodiscard]] QString metricLabel(const QString& name);

/// Test metrics of a model run summary split by target group, ready for a grouped bar chart:
/// categories are metrics (Recall@10, NDCG@10, ...), series "All targets", "Cold", "Warm" and, under a
/// split that holds items out, "New items".
struct ColdWarmBreakdown final {
    QStringList categories;
    QVector<BarSeries> series;
};
[[nodiscard]] ColdWarmBreakdown coldWarmBreakdown(const core::TrainSummary& summary);

/// The target groups of a cold/warm breakdown, in bar order, with their series names.
struct TargetGroupSeries final {
    core::TargetGroup group;
    const char* name;
};
inline constexpr TargetGroupSeries kTargetGroups[] = {{core::TargetGroup::All, "All targets"},
                                                      {core::TargetGroup::Cold, "Cold targets"},
                                                      {core::TargetGroup::Warm, "Warm targets"},
                                                      {core::TargetGroup::New, "New items"}};

}  // namespace tokenbench::ui
