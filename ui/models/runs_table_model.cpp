#include "models/runs_table_model.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>

#include <QFont>
#include <QLocale>

#include "group_figures.h"
#include "run_status.h"
#include "text_format.h"
#include "tokenbench/jobs/repeat_job.h"
#include "tokenbench/storage/run_summary.h"

namespace tokenbench::ui {
namespace {

constexpr double kMissing = std::numeric_limits<double>::quiet_NaN();
constexpr quintptr kTopLevel = 0;  ///< internal id of top-level rows; a group's runs carry group index + 1

/// Summary keys that have a column of their own, so the Summary column does not repeat them.
const QStringList& keysWithColumns() {
    static const QStringList keys = {QStringLiteral("best_epoch"), QStringLiteral("seconds_per_epoch"),
                                     QStringLiteral("collision_rate")};
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
    {"NDCG@10", "NDCG@10 on the test split, all targets (model runs); a repeat shows mean ± 95 % CI"},
    {"Recall@10", "Recall@10 on the test split, all targets (model runs); a repeat shows mean ± 95 % CI"},
    {"Collisions", "Share of items sharing their full semantic ID with another item (tokenizer runs); a repeat "
                   "shows mean ± 95 % CI"},
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

/// The figure behind a metric column, by core::runFigures' name.
const char* figureName(int column) {
    switch (column) {
        case RunsTableModel::TestNdcg10:
            return "ndcg@10";
        case RunsTableModel::TestRecall10:
            return "recall@10";
        case RunsTableModel::CollisionRate:
            return "collision_rate";
        case RunsTableModel::SecondsPerEpoch:
            return "seconds_per_epoch";
        default:
            return nullptr;
    }
}

/// One status standing for a group's runs: running while any runs, completed when all did.
core::RunStatus groupStatusOf(const std::vector<core::RunStatus>& statuses) {
    const auto any = [&statuses](core::RunStatus s) { return std::find(statuses.begin(), statuses.end(), s) != statuses.end(); };
    if (any(core::RunStatus::Running)) return core::RunStatus::Running;
    if (any(core::RunStatus::Failed)) return core::RunStatus::Failed;
    if (any(core::RunStatus::Interrupted)) return core::RunStatus::Interrupted;
    if (any(core::RunStatus::Cancelled)) return core::RunStatus::Cancelled;
    if (any(core::RunStatus::Created) || statuses.empty()) return core::RunStatus::Created;
    return core::RunStatus::Completed;
}

}  // namespace

RunsTableModel::RunsTableModel(QObject* parent) : QAbstractItemModel(parent) {}

void RunsTableModel::setRuns(std::vector<core::RunRecord> runs, std::vector<core::RunGroupRecord> groups) {
    beginResetModel();
    m_runs = std::move(runs);
    // Parsed once here: sorting asks for these values O(n log n) times.
    m_figures.clear();
    m_figures.reserve(m_runs.size());
    for (const core::RunRecord& run : m_runs) m_figures.push_back(readFigures(run));

    m_groups.clear();
    std::map<int64_t, int> groupIndex;
    for (core::RunGroupRecord& record : groups) {
        groupIndex[record.id] = static_cast<int>(m_groups.size());
        m_groups.push_back(Group{std::move(record), {}, {}, {kMissing, kMissing, kMissing, kMissing, kMissing}, -1});
    }
    m_top.clear();
    for (size_t i = 0; i < m_runs.size(); ++i) {
        const auto it = m_runs[i].groupId ? groupIndex.find(*m_runs[i].groupId) : groupIndex.end();
        if (it == groupIndex.end()) {
            m_top.push_back({false, static_cast<int>(i)});
            continue;
        }
        Group& group = m_groups[static_cast<size_t>(it->second)];
        if (group.topRow < 0) {  // the group's row stands where its first run is
            group.topRow = static_cast<int>(m_top.size());
            m_top.push_back({true, it->second});
        }
        group.members.push_back(static_cast<int>(i));
    }
    for (size_t g = 0; g < m_groups.size(); ++g) {
        Group& group = m_groups[g];
        if (group.topRow < 0) {
            group.topRow = static_cast<int>(m_top.size());
            m_top.push_back({true, static_cast<int>(g)});
        }
        const std::vector<core::RunRecord> members = groupRuns(group.record.id);
        group.figures = core::summarizeRuns(members);
        for (int column : {TestNdcg10, TestRecall10, CollisionRate, SecondsPerEpoch}) {
            const std::string name = figureName(column);
            double value = kMissing;
            if (group.record.kind == "sweep" && column != SecondsPerEpoch) {
                if (const auto best = bestRun(members, name)) value = best->value;
            } else if (const auto it = group.figures.find(name); it != group.figures.end()) {
                value = it->second.mean;
            }
            switch (column) {
                case TestNdcg10: group.shown.testNdcg10 = value; break;
                case TestRecall10: group.shown.testRecall10 = value; break;
                case CollisionRate: group.shown.collisionRate = value; break;
                default: group.shown.secondsPerEpoch = value; break;
            }
        }
    }
    endResetModel();
}

RunsTableModel::Figures RunsTableModel::readFigures(const core::RunRecord& run) {
    Figures figures{kMissing, kMissing, kMissing, kMissing, kMissing};
    if (run.kind == core::RunKind::Tokenizer) {
        const std::map<std::string, double> values = core::runFigures(run);
        if (const auto it = values.find("collision_rate"); it != values.end()) figures.collisionRate = it->second;
        return figures;
    }
    const std::optional<core::TrainSummary> summary = core::parseTrainSummary(run.summaryJson);
    if (!summary) return figures;
    figures.testNdcg10 = summary->test.value("ndcg@10");
    figures.testRecall10 = summary->test.value("recall@10");
    figures.bestEpoch = numberOrMissing(summary->bestEpoch);
    figures.secondsPerEpoch = numberOrMissing(summary->secondsPerEpoch);
    return figures;
}

const core::RunRecord* RunsTableModel::findRun(int64_t runId) const {
    const auto it = std::find_if(m_runs.begin(), m_runs.end(), [runId](const core::RunRecord& r) { return r.id == runId; });
    return it == m_runs.end() ? nullptr : &*it;
}

const core::RunGroupRecord* RunsTableModel::findGroup(int64_t groupId) const {
    for (const Group& group : m_groups) {
        if (group.record.id == groupId) return &group.record;
    }
    return nullptr;
}

std::vector<core::RunRecord> RunsTableModel::groupRuns(int64_t groupId) const {
    std::vector<core::RunRecord> out;
    for (const Group& group : m_groups) {
        if (group.record.id != groupId) continue;
        for (int member : group.members) out.push_back(m_runs[static_cast<size_t>(member)]);
    }
    return out;
}

std::map<std::string, core::MeanInterval> RunsTableModel::groupFigures(int64_t groupId) const {
    for (const Group& group : m_groups) {
        if (group.record.id == groupId) return group.figures;
    }
    return {};
}

QModelIndex RunsTableModel::indexOfRun(int64_t runId, int column) const {
    for (size_t row = 0; row < m_top.size(); ++row) {
        const TopRow& top = m_top[row];
        if (!top.group) {
            if (m_runs[static_cast<size_t>(top.index)].id == runId) return index(static_cast<int>(row), column);
            continue;
        }
        const Group& group = m_groups[static_cast<size_t>(top.index)];
        for (size_t member = 0; member < group.members.size(); ++member) {
            if (m_runs[static_cast<size_t>(group.members[member])].id == runId)
                return createIndex(static_cast<int>(member), column, static_cast<quintptr>(top.index) + 1);
        }
    }
    return {};
}

QModelIndex RunsTableModel::indexOfGroup(int64_t groupId, int column) const {
    for (const Group& group : m_groups) {
        if (group.record.id == groupId) return index(group.topRow, column);
    }
    return {};
}

bool RunsTableModel::isGroupRow(const QModelIndex& index) {
    return index.isValid() && index.data(RunIdRole).toLongLong() == 0 && index.data(GroupIdRole).toLongLong() > 0;
}

QModelIndex RunsTableModel::index(int row, int column, const QModelIndex& parent) const {
    if (!hasIndex(row, column, parent)) return {};
    if (!parent.isValid()) return createIndex(row, column, kTopLevel);
    const TopRow& top = m_top[static_cast<size_t>(parent.row())];
    return createIndex(row, column, static_cast<quintptr>(top.index) + 1);
}

QModelIndex RunsTableModel::parent(const QModelIndex& child) const {
    if (!child.isValid() || child.internalId() == kTopLevel) return {};
    const Group& group = m_groups[static_cast<size_t>(child.internalId() - 1)];
    return createIndex(group.topRow, 0, kTopLevel);
}

int RunsTableModel::rowCount(const QModelIndex& parent) const {
    if (!parent.isValid()) return static_cast<int>(m_top.size());
    if (parent.column() != 0 || parent.internalId() != kTopLevel) return 0;
    const TopRow& top = m_top[static_cast<size_t>(parent.row())];
    return top.group ? static_cast<int>(m_groups[static_cast<size_t>(top.index)].members.size()) : 0;
}

int RunsTableModel::columnCount(const QModelIndex& parent) const {
    (void)parent;
    return ColumnCount;
}

const core::RunRecord* RunsTableModel::rowRun(const QModelIndex& index) const {
    if (index.internalId() != kTopLevel) {
        const Group& group = m_groups[static_cast<size_t>(index.internalId() - 1)];
        return &m_runs[static_cast<size_t>(group.members[static_cast<size_t>(index.row())])];
    }
    const TopRow& top = m_top[static_cast<size_t>(index.row())];
    return top.group ? nullptr : &m_runs[static_cast<size_t>(top.index)];
}

const RunsTableModel::Group* RunsTableModel::rowGroup(const QModelIndex& index) const {
    if (index.internalId() != kTopLevel) return nullptr;
    const TopRow& top = m_top[static_cast<size_t>(index.row())];
    return top.group ? &m_groups[static_cast<size_t>(top.index)] : nullptr;
}

bool RunsTableModel::isFigureColumn(int column) {
    return column == TestNdcg10 || column == TestRecall10 || column == CollisionRate || column == BestEpoch ||
           column == SecondsPerEpoch;
}

double RunsTableModel::figure(const Figures& figures, int column) {
    switch (column) {
        case TestNdcg10:
            return figures.testNdcg10;
        case TestRecall10:
            return figures.testRecall10;
        case CollisionRate:
            return figures.collisionRate;
        case BestEpoch:
            return figures.bestEpoch;
        case SecondsPerEpoch:
            return figures.secondsPerEpoch;
        default:
            return kMissing;
    }
}

QVariant RunsTableModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid)) return {};
    if (const Group* group = rowGroup(index)) return groupData(*group, index.column(), role);
    const core::RunRecord* run = rowRun(index);
    const size_t position = static_cast<size_t>(run - m_runs.data());
    return runData(*run, m_figures[position], index.column(), role);
}

QVariant RunsTableModel::runData(const core::RunRecord& run, const Figures& figures, int column, int role) const {
    switch (role) {
        case Qt::DisplayRole:
            return runDisplay(run, figures, column);
        case SortRole:
            if (isFigureColumn(column)) {
                const double value = figure(figures, column);
                return std::isfinite(value) ? QVariant(value) : QVariant();
            }
            // The raw timestamp: the display form drops seconds.
            if (column == Created) return QString::fromStdString(run.createdAt);
            return runDisplay(run, figures, column);
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
        case GroupIdRole:
            return QVariant::fromValue<qint64>(run.groupId && findGroup(*run.groupId) ? *run.groupId : 0);
        default:
            return {};
    }
}

QVariant RunsTableModel::runDisplay(const core::RunRecord& run, const Figures& figures, int column) const {
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
        case CollisionRate:
        case BestEpoch:
        case SecondsPerEpoch: {
            const double value = figure(figures, column);
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

QVariant RunsTableModel::groupData(const Group& group, int column, int role) const {
    switch (role) {
        case Qt::DisplayRole:
            return groupDisplay(group, column);
        case SortRole:
            return groupSort(group, column);
        case Qt::ToolTipRole: {
            const char* name = figureName(column);
            if (name && group.record.kind == "sweep" && column != SecondsPerEpoch) {
                const auto best = bestRun(groupRuns(group.record.id), name);
                if (!best) return {};
                return QStringLiteral("Best of the sweep's completed runs: run #%1").arg(best->runId);
            }
            const auto it = name ? group.figures.find(name) : group.figures.end();
            if (it == group.figures.end()) {
                return column == Name ? QStringLiteral("Run group #%1 (%2)").arg(group.record.id).arg(QString::fromStdString(group.record.kind))
                                      : QVariant();
            }
            const core::MeanInterval& interval = it->second;
            return QStringLiteral("Mean %1 ± %2 (95 % CI, Student t) over %3 completed runs; sd %4")
                .arg(QLocale::c().toString(interval.mean, 'f', 4), QLocale::c().toString(interval.ci95, 'f', 4))
                .arg(interval.n)
                .arg(QLocale::c().toString(interval.sd, 'f', 4));
        }
        case Qt::DecorationRole: {
            if (column != Status) return {};
            std::vector<core::RunStatus> statuses;
            for (int member : group.members) statuses.push_back(m_runs[static_cast<size_t>(member)].status);
            return QVariant(runStatusIcon(groupStatusOf(statuses)));
        }
        case Qt::FontRole: {
            if (column != Name) return {};
            QFont font;
            font.setBold(true);
            return font;
        }
        case Qt::TextAlignmentRole:
            if (column == Seed || isFigureColumn(column)) return QVariant(Qt::AlignRight | Qt::AlignVCenter);
            return {};
        case RunIdRole:
            return QVariant::fromValue<qint64>(0);
        case GroupIdRole:
            return QVariant::fromValue<qint64>(group.record.id);
        default:
            return {};
    }
}

QString RunsTableModel::sharedText(const Group& group, int column) const {
    QString shared;
    for (size_t i = 0; i < group.members.size(); ++i) {
        const size_t member = static_cast<size_t>(group.members[i]);
        const QString text = runDisplay(m_runs[member], m_figures[member], column).toString();
        if (i == 0) shared = text;
        else if (text != shared) return QString();
    }
    return shared;
}

QString RunsTableModel::groupStatus(const Group& group) const {
    const auto total = static_cast<int>(group.members.size());
    int completed = 0;
    int running = 0;
    for (int member : group.members) {
        const core::RunStatus status = m_runs[static_cast<size_t>(member)].status;
        completed += status == core::RunStatus::Completed;
        running += status == core::RunStatus::Running;
    }
    if (running > 0) return QStringLiteral("Running (%1 of %2 done)").arg(completed).arg(total);
    if (completed == total) return QStringLiteral("%1 completed").arg(total);
    return QStringLiteral("%1 of %2 completed").arg(completed).arg(total);
}

QString RunsTableModel::groupFigureText(const Group& group, int column) const {
    const char* name = figureName(column);
    if (!name) return {};
    const bool sweep = group.record.kind == "sweep";
    if (sweep && column != SecondsPerEpoch) {
        const double best = figure(group.shown, column);
        return std::isfinite(best) ? QStringLiteral("best %1").arg(QLocale::c().toString(best, 'f', 4)) : QString();
    }
    const auto it = group.figures.find(name);
    if (it == group.figures.end()) return {};
    return formatMeanInterval(it->second, column == SecondsPerEpoch ? 2 : 4);
}

QVariant RunsTableModel::groupDisplay(const Group& group, int column) const {
    switch (column) {
        case Id:
            return QString();
        case Kind:
        case Component:
        case Dataset:
        case Device:
            return sharedText(group, column);
        case Name:
            return QString::fromStdString(group.record.label);
        case Status:
            return groupStatus(group);
        case TestNdcg10:
        case TestRecall10:
        case CollisionRate:
        case SecondsPerEpoch:
            return groupFigureText(group, column);
        case BestEpoch:
            return QString();
        case Seed: {
            QStringList seeds;
            for (int member : group.members) seeds << QString::number(m_runs[static_cast<size_t>(member)].seed);
            return seeds.join(QStringLiteral(", "));
        }
        case Created:
            return formatTimestamp(group.record.createdAt);
        case Summary: {
            int completed = 0;
            for (const auto& [name, interval] : group.figures) completed = std::max(completed, static_cast<int>(interval.n));
            if (group.record.kind == "sweep")
                return QStringLiteral("sweep of %1 runs · best of %2 completed").arg(group.members.size()).arg(completed);
            return QStringLiteral("%1 of %2 seeds · mean ± 95 % CI over %3 completed runs")
                .arg(QString::fromStdString(group.record.kind))
                .arg(group.members.size())
                .arg(completed);
        }
        default:
            return {};
    }
}

QVariant RunsTableModel::groupSort(const Group& group, int column) const {
    if (isFigureColumn(column)) {
        const double value = figure(group.shown, column);
        return std::isfinite(value) ? QVariant(value) : QVariant();
    }
    switch (column) {
        case Id: {
            // Where its newest run would sort: "newest first" puts a fresh repeat on top.
            qint64 newest = 0;
            for (int member : group.members) newest = std::max<qint64>(newest, m_runs[static_cast<size_t>(member)].id);
            return QVariant::fromValue<qint64>(newest);
        }
        case Seed:
            return group.members.empty() ? QVariant()
                                         : QVariant::fromValue<qulonglong>(m_runs[static_cast<size_t>(group.members.front())].seed);
        case Created:
            return QString::fromStdString(group.record.createdAt);
        default:
            return groupDisplay(group, column);
    }
}

QVariant RunsTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation == Qt::Horizontal && role == Qt::InitialSortOrderRole &&
        (section == TestNdcg10 || section == TestRecall10)) {
        return Qt::DescendingOrder;  // one click on the header puts the best run first
    }
    if (orientation != Qt::Horizontal || (role != Qt::DisplayRole && role != Qt::ToolTipRole)) {
        return QAbstractItemModel::headerData(section, orientation, role);
    }
    if (section < 0 || section >= ColumnCount) return {};
    const ColumnHeader& header = kColumnHeaders[section];
    if (role == Qt::ToolTipRole) return header.toolTip ? QString::fromUtf8(header.toolTip) : QVariant();
    return QString::fromUtf8(header.title);
}

}  // namespace tokenbench::ui
