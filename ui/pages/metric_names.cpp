#include "pages/metric_names.h"

#include <cmath>

#include "tokenbench/eval/metric_keys.h"

namespace tokenbench::ui {

QString metricLabel(const QString& name) {
    const core::MetricKey key = core::parseMetricKey({}, name.toStdString());
    if (key.kind != core::MetricKind::Ranking || key.group != core::TargetGroup::All) return name;
    if (key.k == 0) return QStringLiteral("MRR");
    const QString metric = QString::fromStdString(key.metric);
    const QString label = metric == QLatin1String("ndcg") ? QStringLiteral("NDCG")
                          : metric == QLatin1String("hr") ? QStringLiteral("HR")
                                                          : metric.left(1).toUpper() + metric.mid(1);
    return label + QLatin1Char('@') + QString::number(key.k);
}

ColdWarmBreakdown coldWarmBreakdown(const core::TrainSummary& summary) {
    ColdWarmBreakdown out;
    QStringList present;
    for (const char* metric : {"recall@10", "ndcg@10", "recall@20", "ndcg@20"}) {
        if (std::isfinite(summary.test.value(metric))) present << QString::fromLatin1(metric);
    }
    if (present.isEmpty()) return out;
    for (const QString& metric : present) out.categories << metricLabel(metric);
    for (const TargetGroupSeries& group : kTargetGroups) {
        const core::SummaryMetrics& metrics = summary.testGroup(group.group);
        BarSeries series;
        const QString name = QString::fromLatin1(group.name);
        series.name = metrics.targets ? QStringLiteral("%1 (%2)").arg(name).arg(*metrics.targets) : name;
        bool any = false;
        for (const QString& metric : present) {
            const double v = metrics.value(metric.toStdString());
            series.values << v;
            any = any || std::isfinite(v);
        }
        if (any) out.series << series;
    }
    return out;
}

}  // namespace tokenbench::ui
