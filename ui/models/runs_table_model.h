#pragma once
/// Item model over the project's runs for the Runs page: one row per run, and the runs of a group
/// (a repeat's seeds, a sweep's trials) as children of one row that sums the group up.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <QAbstractItemModel>

#include "tokenbench/eval/paired_statistics.h"
#include "tokenbench/storage/records.h"

namespace tokenbench::ui {

/// Two levels: top-level rows are runs outside any group and groups, in store order (groups where
/// their first run is); a group's rows are its runs. Columns are fixed. A repeat's row shows the
/// mean ± 95 % CI of its completed runs' headline figures, a sweep's row its best trial's. SortRole
/// gives every cell a value that sorts right (numbers as numbers, timestamps in ISO order, an
/// invalid QVariant where a row has no such value), so a group sorts among runs by its mean.
/// UI thread only.
class RunsTableModel final : public QAbstractItemModel {
    Q_OBJECT

public:
    enum Column {
        Id,
        Kind,
        Component,
        Name,
        Dataset,
        Status,
        TestNdcg10,
        TestRecall10,
        CollisionRate,
        BestEpoch,
        SecondsPerEpoch,
        Device,
        Seed,
        Created,
        Summary,  ///< stays last: it takes the remaining width
        ColumnCount
    };
    /// Role returning the run id (qint64) for any cell of a run's row; 0 on a group's row.
    static constexpr int RunIdRole = Qt::UserRole + 1;
    /// Role returning the value to sort by: a double in the metric columns, invalid when absent.
    static constexpr int SortRole = Qt::UserRole + 2;
    /// Role returning the group id (qint64) of a group's row and of its runs' rows; 0 elsewhere.
    static constexpr int GroupIdRole = Qt::UserRole + 3;

    explicit RunsTableModel(QObject* parent = nullptr);

    /// Replaces all rows (model reset). Runs naming a group missing from `groups` stay top-level.
    void setRuns(std::vector<core::RunRecord> runs, std::vector<core::RunGroupRecord> groups = {});
    [[nodiscard]] const std::vector<core::RunRecord>& runs() const { return m_runs; }
    [[nodiscard]] const core::RunRecord* findRun(int64_t runId) const;
    [[nodiscard]] const core::RunGroupRecord* findGroup(int64_t groupId) const;
    /// The group's runs as listed (oldest first); empty for an unknown group.
    [[nodiscard]] std::vector<core::RunRecord> groupRuns(int64_t groupId) const;
    /// Mean ± CI of every figure over the group's completed runs (core::summarizeRuns).
    [[nodiscard]] std::map<std::string, core::MeanInterval> groupFigures(int64_t groupId) const;
    /// Index (in `column`) of run `runId`'s row, under its group's row when it has one; invalid
    /// when the model has no such run.
    [[nodiscard]] QModelIndex indexOfRun(int64_t runId, int column = 0) const;
    /// Index (in `column`) of group `groupId`'s row; invalid when unknown.
    [[nodiscard]] QModelIndex indexOfGroup(int64_t groupId, int column = 0) const;
    /// Whether `index` (of this model or a proxy of it) is a group's row.
    [[nodiscard]] static bool isGroupRow(const QModelIndex& index);

    [[nodiscard]] QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    [[nodiscard]] QModelIndex parent(const QModelIndex& child) const override;
    [[nodiscard]] int rowCount(const QModelIndex& parent = {}) const override;
    [[nodiscard]] int columnCount(const QModelIndex& parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation,
                                      int role = Qt::DisplayRole) const override;

private:
    /// Final figures read once from a summary; NaN where there is none.
    struct Figures final {
        double testNdcg10;
        double testRecall10;
        double collisionRate;
        double bestEpoch;
        double secondsPerEpoch;
    };
    /// A group with its runs (indices into m_runs) and what its row shows, computed once.
    struct Group final {
        core::RunGroupRecord record;
        std::vector<int> members;
        std::map<std::string, core::MeanInterval> figures;
        Figures shown;  ///< repeat: the means; sweep: the best trial's values
        int topRow = 0;
    };
    /// A top-level row: a run (index into m_runs) or a group (index into m_groups).
    struct TopRow final {
        bool group = false;
        int index = 0;
    };

    [[nodiscard]] QVariant runData(const core::RunRecord& run, const Figures& figures, int column, int role) const;
    [[nodiscard]] QVariant groupData(const Group& group, int column, int role) const;
    [[nodiscard]] QVariant runDisplay(const core::RunRecord& run, const Figures& figures, int column) const;
    [[nodiscard]] QVariant groupDisplay(const Group& group, int column) const;
    [[nodiscard]] QVariant groupSort(const Group& group, int column) const;
    [[nodiscard]] QString groupFigureText(const Group& group, int column) const;
    [[nodiscard]] QString groupStatus(const Group& group) const;
    /// The value every member shares in `column` ("" when they differ).
    [[nodiscard]] QString sharedText(const Group& group, int column) const;
    [[nodiscard]] const core::RunRecord* rowRun(const QModelIndex& index) const;
    [[nodiscard]] const Group* rowGroup(const QModelIndex& index) const;
    [[nodiscard]] static bool isFigureColumn(int column);
    [[nodiscard]] static double figure(const Figures& figures, int column);
    [[nodiscard]] static Figures readFigures(const core::RunRecord& run);

    std::vector<core::RunRecord> m_runs;
    std::vector<Figures> m_figures;  ///< parallel to m_runs
    std::vector<Group> m_groups;
    std::vector<TopRow> m_top;
};

}  // namespace tokenbench::ui
