#include "pages/sweep_chart.h"

#include <algorithm>
#include <cmath>

#include <QLocale>
#include <QStringList>

#include "pages/metric_names.h"
#include "run_status.h"

namespace tokenbench::ui {
namespace {

ParallelAxis parameterAxis(const core::SweepAxis& axis) {
    ParallelAxis out;
    out.name = QString::fromStdString(axis.key);
    if (axis.categorical()) {
        out.scale = ParallelAxis::Scale::Categories;
        for (const std::string& category : axis.categories) out.categories << QString::fromStdString(category);
        return out;
    }
    out.scale = axis.log ? ParallelAxis::Scale::Log : ParallelAxis::Scale::Linear;
    out.min = axis.min;
    out.max = axis.max;
    out.integer = axis.integer;
    return out;
}

/// The metric's axis spans the values the trials reached, with a little room when they are equal.
ParallelAxis metricAxis(const core::SweepView& view) {
    ParallelAxis out;
    out.name = QStringLiteral("valid %1").arg(metricLabel(QString::fromStdString(view.metric)));
    double low = INFINITY, high = -INFINITY;
    for (const core::SweepTrialView& trial : view.trials) {
        if (!std::isfinite(trial.valid)) continue;
        low = std::min(low, trial.valid);
        high = std::max(high, trial.valid);
    }
    if (!std::isfinite(low)) {
        low = 0.0;
        high = 1.0;
    } else if (high - low < 1e-9) {
        const double pad = std::max(std::abs(high) * 0.05, 1e-3);
        low -= pad;
        high += pad;
    }
    out.min = low;
    out.max = high;
    return out;
}

}  // namespace

QString sweepValueText(const core::SweepView& view, const core::SweepTrialView& trial, int axis) {
    if (axis < 0 || axis >= static_cast<int>(view.axes.size()) || axis >= static_cast<int>(trial.values.size()))
        return {};
    const core::SweepAxis& a = view.axes[static_cast<size_t>(axis)];
    const double value = trial.values[static_cast<size_t>(axis)];
    if (a.categorical() || !std::isfinite(value)) return QString::fromStdString(trial.labels[static_cast<size_t>(axis)]);
    if (a.integer) return QLocale().toString(static_cast<qlonglong>(std::llround(value)));
    return QLocale().toString(value, 'g', 3);
}

SweepChart sweepChart(const core::SweepView& view) {
    SweepChart chart;
    const QString metric = metricLabel(QString::fromStdString(view.metric));
    chart.title = QStringLiteral("Trials: searched parameters and valid %1 (line colour)").arg(metric);
    for (const core::SweepAxis& axis : view.axes) chart.axes << parameterAxis(axis);
    chart.axes << metricAxis(view);
    chart.colorAxis = static_cast<int>(chart.axes.size()) - 1;
    const int parameters = static_cast<int>(view.axes.size());
    for (size_t i = 0; i < view.trials.size(); ++i) {
        const core::SweepTrialView& trial = view.trials[i];
        if (trial.status != core::RunStatus::Completed && trial.status != core::RunStatus::Failed &&
            trial.status != core::RunStatus::Cancelled && trial.status != core::RunStatus::Interrupted)
            continue;
        ParallelLine line;
        line.name = QStringLiteral("trial %1").arg(trial.index);
        for (double value : trial.values) line.values << value;
        line.values.resize(parameters, NAN);
        line.values << trial.valid;
        line.highlighted = static_cast<int64_t>(i) == view.best;
        QStringList parts{line.highlighted ? QStringLiteral("Trial %1 (best)").arg(trial.index)
                                           : QStringLiteral("Trial %1").arg(trial.index)};
        for (int a = 0; a < parameters; ++a)
            parts << QStringLiteral("%1 = %2").arg(QString::fromStdString(view.axes[static_cast<size_t>(a)].key),
                                                   sweepValueText(view, trial, a));
        parts << (std::isfinite(trial.valid)
                      ? QStringLiteral("valid %1 = %2").arg(metric, QLocale().toString(trial.valid, 'f', 4))
                      : runStatusLabel(trial.status));
        line.toolTip = parts.join(QLatin1Char('\n'));
        chart.lines << line;
    }
    if (view.axes.empty()) {
        chart.placeholder = view.error.empty() ? QStringLiteral("This sweep searches no parameter")
                                               : QString::fromStdString(view.error);
    } else {
        QStringList keys;
        for (const core::SweepAxis& axis : view.axes) keys << QString::fromStdString(axis.key);
        chart.placeholder = QStringLiteral("%1 trials over %2: each appears here as it finishes")
                                .arg(view.trials.size())
                                .arg(keys.join(QStringLiteral(", ")));
    }
    return chart;
}

}  // namespace tokenbench::ui
