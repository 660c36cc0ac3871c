#include "models/runs_table_model.h"

#include <cmath>
#include <iterator>
#include <limits>

#include <QLocale>

#include "tokenbench/storage/run_summary.h"
#include "run_status.h"
#include "text_format.h"

namespace tokenbench::ui {
namespace {

constexpr double kMissing = std::numeric_limits<double>::quiet_NaN();

/// Summary keys that have a column of their own, so the Summary column does not repeat them.
const QStringList& keysWithColumns() {
    static const QStringList keys = {QStringLiteral("best_epoch"), QStringLiteral("seconds_per_epoch")};
    return keys;
}

/// Header text and tool tip (nullptr: none) of each column, in Column order.
struct ColumnHeader final {
    const char* title;
    const char* toolTip;
};
constexpr ColumnHeader kColumnHeaders[] = {
    {"Id", nullptr},
    {"Kind", nullptr},
    {"Component", nullptr},
    {"Name", nullptr},
    {"Data set", nullptr},
    {"Status", nullptr},
    {"NDCG@10", "NDCG@10 on the test split, all targets (model runs)"},
    {"Recall@10", "Recall@10 on the test split, all targets (model runs)"},
    {"Best epoch", "Epoch of the checkpoint with the best validation score (model runs)"},
    {"s/epoch", "Mean training time of one epoch in seconds (model runs)"},
    {"Device", nullptr},
    {"Seed", nullptr},
    {"Created", nullptr},
    {"Summary", nullptr},
};
static_assert(std::size(kColumnHeaders) == RunsTableModel::ColumnCount);

template <typename Number>
double numberOrMissing(const std::optional<Number>& value) {
    return value ? static_cast<double>(*value) : kMissing;
}

}  // namespace

RunsTableModel::RunsTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void RunsTableModel::setRuns(std::vector<core::RunRecord> runs) {
    beginResetModel();
    m_runs = std::move(runs);
    // Parsed once here: sorting asks for these values O(n log n) times.
    m_figures.clear();
    m_figures.reserve(m_runs.size());
    for (const core::RunRecord& run : m_runs) m_figures.push_back(readFigures(run.summaryJson));
    endResetModel();
}

RunsTableModel::Figures RunsTableModel::readFigures(const std::string& summaryJson) {
    const std::optional<core::TrainSummary> summary = core::parseTrainSummary(summaryJson);
    if (!summary) return {kMissing, kMissing, kMissing, kMissing};
    return {summary->test.value("ndcg@10"), summary->test.value("recall@10"), numberOrMissing(summary->bestEpoch),
            numberOrMissing(summary->secondsPerEpoch)};
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

bool RunsTableModel::isFigureColumn(int column) {
    return column == TestNdcg10 || column == TestRecall10 || column == BestEpoch || column == SecondsPerEpoch;
}

double RunsTableModel::figure(int row, int column) const {
    const Figures& figures = m_figures[static_cast<size_t>(row)];
    switch (column) {
        case TestNdcg10:
            return figures.testNdcg10;
        case TestRecall10:
            return figures.testRecall10;
        case BestEpoch:
            return figures.bestEpoch;
        case SecondsPerEpoch:
            return figures.secondsPerEpoch;
        default:
            return kMissing;
    }
}

QVariant RunsTableModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const int row = index.row();
    const core::RunRecord& run = m_runs[static_cast<size_t>(row)];
    const int column = index.column();
    switch (role) {
        case Qt::DisplayRole:
            return displayValue(row, column);
        case SortRole:
            return sortValue(row, column);
        case Qt::ToolTipRole:
            if (column == Summary) return QString::fromStdString(run.summaryJson);
            if (column == Status && !run.message.empty()) return QString::fromStdString(run.message);
            if (column == Created) return QString::fromStdString(run.createdAt);
            return {};
        case Qt::DecorationRole:
            return column == Status ? QVariant(runStatusIcon(run.status)) : QVariant();
        case Qt::TextAlignmentRole:
            if (column == Id || column == Seed || isFigureColumn(column)) return QVariant(Qt::AlignRight | Qt::AlignVCenter);
            return {};
        case RunIdRole:
            return QVariant::fromValue<qint64>(run.id);
        default:
            return {};
    }
}

QVariant RunsTableModel::sortValue(int row, int column) const {
    if (isFigureColumn(column)) {
        const double value = figure(row, column);
        return std::isfinite(value) ? QVariant(value) : QVariant();
    }
    // The raw timestamp: the display form drops seconds.
    if (column == Created) return QString::fromStdString(m_runs[static_cast<size_t>(row)].createdAt);
    return displayValue(row, column);
}

QVariant RunsTableModel::displayValue(int row, int column) const {
    const core::RunRecord& run = m_runs[static_cast<size_t>(row)];
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
        case TestNdcg10:
        case TestRecall10:
        case BestEpoch:
        case SecondsPerEpoch: {
            const double value = figure(row, column);
            if (!std::isfinite(value)) return QString();
            if (column == BestEpoch) return QString::number(std::llround(value));
            return QLocale::c().toString(value, 'f', column == SecondsPerEpoch ? 2 : 4);
        }
        case Device:
            return QString::fromStdString(run.device);
        case Seed:
            return QVariant::fromValue<qulonglong>(run.seed);
        case Created:
            return formatTimestamp(run.createdAt);
        case Summary:
            return summarizeJson(run.summaryJson, 120, keysWithColumns());
        default:
            return {};
    }
}

QVariant RunsTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation == Qt::Horizontal && role == Qt::InitialSortOrderRole &&
        (section == TestNdcg10 || section == TestRecall10)) {
        return Qt::DescendingOrder;  // one click on the header puts the best run first
    }
    if (orientation != Qt::Horizontal || (role != Qt::DisplayRole && role != Qt::ToolTipRole)) {
        return QAbstractTableModel::headerData(section, orientation, role);
    }
    if (section < 0 || section >= ColumnCount) return {};
    const ColumnHeader& header = kColumnHeaders[section];
    if (role == Qt::ToolTipRole) return header.toolTip ? QString::fromUtf8(header.toolTip) : QVariant();
    return QString::fromUtf8(header.title);
}

}  // namespace tokenbench::ui
