#include "models/sweep_trials_model.h"

#include <cmath>

#include <QFont>
#include <QLocale>

#include "pages/metric_names.h"
#include "pages/sweep_chart.h"
#include "run_status.h"

namespace tokenbench::ui {

SweepTrialsModel::SweepTrialsModel(QObject* parent) : QAbstractTableModel(parent) {}

void SweepTrialsModel::setView(const core::SweepView& view) {
    beginResetModel();
    m_view = view;
    endResetModel();
}

void SweepTrialsModel::updateTrial(const core::SweepView& view, int row) {
    const bool sameShape = view.axes.size() == m_view.axes.size() && view.trials.size() == m_view.trials.size();
    if (!sameShape || row < 0 || row >= rowCount()) {
        setView(view);
        return;
    }
    const int64_t previousBest = m_view.best;
    m_view = view;
    Q_EMIT dataChanged(index(row, 0), index(row, columnCount() - 1));
    // The bold row moves with the best trial.
    for (const int64_t best : {previousBest, view.best}) {
        if (best >= 0 && best != row) Q_EMIT dataChanged(index(static_cast<int>(best), 0), index(static_cast<int>(best), columnCount() - 1));
    }
}

int SweepTrialsModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_view.trials.size());
}

int SweepTrialsModel::columnCount(const QModelIndex& parent) const {
    // No sweep shown: no header of columns that would hold nothing.
    if (parent.isValid() || m_view.trials.empty()) return 0;
    return FirstParameter + parameterCount() + 2;
}

QVariant SweepTrialsModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole || section < 0 || section >= columnCount()) return {};
    const QString metric = metricLabel(QString::fromStdString(m_view.metric));
    switch (section) {
    case Trial: return QStringLiteral("Trial");
    case Run: return QStringLiteral("Run");
    case Status: return QStringLiteral("Status");
    default: break;
    }
    const int parameter = section - FirstParameter;
    if (parameter < parameterCount()) return QString::fromStdString(m_view.axes[static_cast<size_t>(parameter)].key);
    // Two lines: the metric columns stay as narrow as their values.
    return parameter == parameterCount() ? QStringLiteral("Valid\n%1").arg(metric) : QStringLiteral("Test\n%1").arg(metric);
}

QVariant SweepTrialsModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const core::SweepTrialView& trial = m_view.trials[static_cast<size_t>(index.row())];
    switch (role) {
    case Qt::DisplayRole: return displayValue(trial, index.column());
    case SortRole: return sortValue(trial, index.column());
    case RunIdRole: return QVariant::fromValue<qint64>(trial.runId);
    case Qt::DecorationRole:
        return index.column() == Status && trial.status != core::RunStatus::Created ? QVariant(runStatusIcon(trial.status))
                                                                                    : QVariant();
    case Qt::TextAlignmentRole:
        return index.column() == Status ? QVariant() : QVariant(int(Qt::AlignRight | Qt::AlignVCenter));
    case Qt::FontRole:
        if (index.row() == m_view.best) {
            QFont font;
            font.setBold(true);
            return font;
        }
        return {};
    default: return {};
    }
}

QVariant SweepTrialsModel::displayValue(const core::SweepTrialView& trial, int column) const {
    switch (column) {
    case Trial: return QVariant::fromValue<qlonglong>(trial.index);
    case Run: return trial.runId > 0 ? QStringLiteral("#%1").arg(trial.runId) : QString();
    case Status: return trial.status == core::RunStatus::Created ? QStringLiteral("Waiting") : runStatusLabel(trial.status);
    default: break;
    }
    const int parameter = column - FirstParameter;
    if (parameter < parameterCount()) return sweepValueText(m_view, trial, parameter);
    const double value = parameter == parameterCount() ? trial.valid : trial.test;
    return std::isfinite(value) ? QLocale().toString(value, 'f', 4) : QString();
}

QVariant SweepTrialsModel::sortValue(const core::SweepTrialView& trial, int column) const {
    switch (column) {
    case Trial: return QVariant::fromValue<qlonglong>(trial.index);
    case Run: return trial.runId > 0 ? QVariant::fromValue<qlonglong>(trial.runId) : QVariant();
    case Status: return runStatusLabel(trial.status);
    default: break;
    }
    const int parameter = column - FirstParameter;
    if (parameter < parameterCount()) {
        if (parameter >= static_cast<int>(trial.values.size())) return {};
        const double value = trial.values[static_cast<size_t>(parameter)];
        return std::isfinite(value) ? QVariant(value) : QVariant();
    }
    const double value = parameter == parameterCount() ? trial.valid : trial.test;
    return std::isfinite(value) ? QVariant(value) : QVariant();
}

}  // namespace tokenbench::ui
