#pragma once
/// How ranking metrics are named on screen and read from run summaries. Pure; any thread.

#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <QVector>

#include "plots/bar_chart.h"

namespace tokenbench::ui {

/// "ndcg@10" → "NDCG@10", "recall@20" → "Recall@20", "mrr" → "MRR"; other names unchanged.
[[nodiscard]] QString metricLabel(const QString& name);

/// Recall@K, NDCG@K or MRR (the curves a validation plot shows).
[[nodiscard]] bool isRankingMetric(const QString& name);

/// Test metrics of a model run summary split by target group, ready for a grouped bar chart:
/// categories are metrics (Recall@10, NDCG@10, ...), series "All targets", "Cold", "Warm".
struct ColdWarmBreakdown final {
    QStringList categories;
    QVector<BarSeries> series;
};
[[nodiscard]] ColdWarmBreakdown coldWarmBreakdown(const QJsonObject& summary);

/// The value of `metric` in summary object `group` ("test", "test_cold", "test_warm", "valid");
/// NaN when absent.
[[nodiscard]] double summaryMetric(const QJsonObject& summary, const QString& group, const QString& metric);

}  // namespace tokenbench::ui
