#include "pages/metric_names.h"

#include <cmath>
#include <limits>

#include <QRegularExpression>

namespace tokenbench::ui {
namespace {

const QRegularExpression& rankingPattern() {
    static const QRegularExpression pattern(QStringLiteral("^(recall|ndcg|hr|precision)@(\\d+)$"));
    return pattern;
}

}  // namespace

QString metricLabel(const QString& name) {
    if (name == QLatin1String("mrr")) return QStringLiteral("MRR");
    const QRegularExpressionMatch match = rankingPattern().match(name);
    if (!match.hasMatch()) return name;
    const QString metric = match.captured(1);
    QString label = metric == QLatin1String("ndcg") ? QStringLiteral("NDCG")
                    : metric == QLatin1String("hr") ? QStringLiteral("HR")
                                                    : metric.left(1).toUpper() + metric.mid(1);
    return label + QLatin1Char('@') + match.captured(2);
}

bool isRankingMetric(const QString& name) {
    return name == QLatin1String("mrr") || rankingPattern().match(name).hasMatch();
}

double summaryMetric(const QJsonObject& summary, const QString& group, const QString& metric) {
    const QJsonValue value = summary.value(group).toObject().value(metric);
    return value.isDouble() ? value.toDouble() : std::numeric_limits<double>::quiet_NaN();
}

ColdWarmBreakdown coldWarmBreakdown(const QJsonObject& summary) {
    ColdWarmBreakdown out;
    const QStringList metrics = {QStringLiteral("recall@10"), QStringLiteral("ndcg@10"), QStringLiteral("recall@20"),
                                 QStringLiteral("ndcg@20")};
    const QStringList groups = {QStringLiteral("test"), QStringLiteral("test_cold"), QStringLiteral("test_warm")};
    const QStringList names = {QStringLiteral("All targets"), QStringLiteral("Cold targets"), QStringLiteral("Warm targets")};
    QStringList present;
    for (const QString& metric : metrics) {
        if (std::isfinite(summaryMetric(summary, groups[0], metric))) present << metric;
    }
    if (present.isEmpty()) return out;
    for (const QString& metric : present) out.categories << metricLabel(metric);
    for (int g = 0; g < groups.size(); ++g) {
        BarSeries series;
        const qint64 targets = summary.value(groups[g]).toObject().value(QStringLiteral("targets")).toInteger(-1);
        series.name = targets >= 0 ? QStringLiteral("%1 (%2)").arg(names[g]).arg(targets) : names[g];
        bool any = false;
        for (const QString& metric : present) {
            const double v = summaryMetric(summary, groups[g], metric);
            series.values << v;
            any = any || std::isfinite(v);
        }
        if (any) out.series << series;
    }
    return out;
}

}  // namespace tokenbench::ui
