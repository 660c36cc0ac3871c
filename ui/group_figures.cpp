#include "group_figures.h"

#include <algorithm>
#include <cmath>

#include <QLocale>
#include <QStringList>

#include "pages/metric_names.h"
#include "tokenbench/jobs/repeat_job.h"

namespace tokenbench::ui {

QString formatMeanInterval(const core::MeanInterval& interval, int decimals) {
    const QLocale c = QLocale::c();
    const QString mean = c.toString(interval.mean, 'f', decimals);
    if (interval.n < 2) return mean;
    return QStringLiteral("%1 ± %2").arg(mean, c.toString(interval.ci95, 'f', decimals));
}

int figureDecimals(const std::string& figure) {
    for (const char* rough : {"seconds", "unique_ids", "max_collision_group"}) {
        if (figure.find(rough) != std::string::npos) return 2;
    }
    return 4;
}

bool lowerIsBetter(const std::string& figure) {
    for (const char* cost : {"collision", "error", "seconds", "loss"}) {
        if (figure.find(cost) != std::string::npos) return true;
    }
    return false;
}

const std::vector<std::string>& headlineFigures(core::RunKind kind) {
    static const std::vector<std::string> model = {"ndcg@10", "recall@10"};
    static const std::vector<std::string> tokenizer = {"collision_rate"};
    return kind == core::RunKind::Model ? model : tokenizer;
}

QString headlineLine(core::RunKind kind, const std::map<std::string, core::MeanInterval>& figures) {
    QStringList parts;
    int64_t n = 0;
    for (const std::string& name : headlineFigures(kind)) {
        const auto it = figures.find(name);
        if (it == figures.end()) continue;
        const QString label = kind == core::RunKind::Model ? metricLabel(QString::fromStdString(name))
                                                           : QStringLiteral("collision rate");
        parts << QStringLiteral("%1 %2").arg(label, formatMeanInterval(it->second, figureDecimals(name)));
        n = std::max(n, it->second.n);
    }
    if (parts.isEmpty()) return {};
    return QStringLiteral("%1 (95 % CI, n = %2)").arg(parts.join(QStringLiteral(" · "))).arg(n);
}

QString figureLines(const std::map<std::string, core::MeanInterval>& figures) {
    int width = 0;
    for (const auto& [name, interval] : figures) width = std::max(width, static_cast<int>(name.size()));
    QStringList lines;
    for (const auto& [name, interval] : figures) {
        lines << QStringLiteral("  %1  %2  (n = %3)")
                     .arg(QString::fromStdString(name), -width)
                     .arg(formatMeanInterval(interval, figureDecimals(name)), -19)
                     .arg(interval.n);
    }
    return lines.isEmpty() ? QStringLiteral("  (no completed run)") : lines.join(QLatin1Char('\n'));
}

std::optional<BestRun> bestRun(const std::vector<core::RunRecord>& runs, const std::string& figure) {
    std::optional<BestRun> best;
    const bool lower = lowerIsBetter(figure);
    for (const core::RunRecord& run : runs) {
        if (run.status != core::RunStatus::Completed) continue;
        const std::map<std::string, double> figures = core::runFigures(run);
        const auto it = figures.find(figure);
        if (it == figures.end() || !std::isfinite(it->second)) continue;
        if (!best || (lower ? it->second < best->value : it->second > best->value)) best = BestRun{it->second, run.id};
    }
    return best;
}

}  // namespace tokenbench::ui
