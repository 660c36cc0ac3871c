#include "models/runs_table_model.h"

#include "run_status.h"
#include "text_format.h"

namespace tokenbench::ui {

RunsTableModel::RunsTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void RunsTableModel::setRuns(std::vector<core::RunRecord> runs) {
    beginResetModel();
    m_runs = std::move(runs);
    endResetModel();
}

std::optional<int> RunsTableModel::rowOfRun(int64_t runId) const {
    for (size_t row = 0; row < m_runs.size(); ++row) {
        if (m_runs[row].id == runId) return static_cast<int>(row);
    }
    return std::nullopt;
}

int RunsTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_runs.size());
}

int RunsTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RunsTableModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const core::RunRecord& run = m_runs[static_cast<size_t>(index.row())];
    const int column = index.column();
    switch (role) {
        case Qt::DisplayRole:
            return displayValue(run, column);
        case Qt::ToolTipRole:
            if (column == Summary) return QString::fromStdString(run.summaryJson);
            if (column == Status && !run.message.empty()) return QString::fromStdString(run.message);
            if (column == Created) return QString::fromStdString(run.createdAt);
            return {};
        case Qt::DecorationRole:
            return column == Status ? QVariant(runStatusIcon(run.status)) : QVariant();
        case Qt::TextAlignmentRole:
            if (column == Id || column == Seed) return QVariant(Qt::AlignRight | Qt::AlignVCenter);
            return {};
        case RunIdRole:
            return QVariant::fromValue<qint64>(run.id);
        default:
            return {};
    }
}

QVariant RunsTableModel::displayValue(const core::RunRecord& run, int column) const {
    switch (column) {
        case Id:
            return QVariant::fromValue<qint64>(run.id);
        case Kind:
            return runKindLabel(run.kind);
        case Component:
            return QString::fromStdString(run.componentId);
        case Name:
            return QString::fromStdString(run.name);
        case Dataset:
            return QString::fromStdString(run.datasetName);
        case Status:
            return runStatusLabel(run.status);
        case Device:
            return QString::fromStdString(run.device);
        case Seed:
            return QVariant::fromValue<qulonglong>(run.seed);
        case Created:
            return formatTimestamp(run.createdAt);
        case Summary:
            return summarizeJson(run.summaryJson);
        default:
            return {};
    }
}

QVariant RunsTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
        return QAbstractTableModel::headerData(section, orientation, role);
    }
    switch (section) {
        case Id:
            return QStringLiteral("Id");
        case Kind:
            return QStringLiteral("Kind");
        case Component:
            return QStringLiteral("Component");
        case Name:
            return QStringLiteral("Name");
        case Dataset:
            return QStringLiteral("Data set");
        case Status:
            return QStringLiteral("Status");
        case Device:
            return QStringLiteral("Device");
        case Seed:
            return QStringLiteral("Seed");
        case Created:
            return QStringLiteral("Created");
        case Summary:
            return QStringLiteral("Summary");
        default:
            return {};
    }
}

}  // namespace tokenbench::ui
