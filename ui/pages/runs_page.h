#pragma once
/// The "Runs" page: every tokenizer and model run of the project in a sortable, filterable table
/// where the runs of a group (repeats, sweeps) sit under one summary row, the selected run's or
/// group's details, and a comparison of several selected runs or groups.

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <QModelIndex>
#include <QPoint>
#include <QWidget>

#include "pages/workbench_page.h"
#include "tokenbench/storage/records.h"

class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QSortFilterProxyModel;
class QTreeView;
class QTabWidget;

namespace tokenbench::ui {

class RunComparison;
class RunsTableModel;
struct ComparedEntry;

/// Tree of runs over RunsTableModel through a sorting and filtering proxy, a filter box and a
/// details pane for the selected run or group. UI thread only.
class RunsPage final : public QWidget, public WorkbenchPage {
    Q_OBJECT

public:
    explicit RunsPage(QWidget* parent = nullptr);

    /// Replaces the rows, keeping the selected runs and groups selected when they are still there.
    void setRuns(std::vector<core::RunRecord> runs, std::vector<core::RunGroupRecord> groups = {});
    /// Selects and scrolls to the run (clearing a filter that hides it, opening its group); false
    /// when unknown.
    bool selectRun(int64_t runId);
    /// Selects these runs (for comparing) and shows the comparison; false when one is unknown.
    bool selectRuns(const std::vector<int64_t>& runIds);
    /// Selects these groups' rows (one: its details; several: their comparison); false when one is
    /// unknown.
    bool selectGroups(const std::vector<int64_t>& groupIds);
    bool selectGroup(int64_t groupId) { return selectGroups({groupId}); }
    /// Ids of the selected runs' rows, in table order (a selected group's row is not a run).
    [[nodiscard]] std::vector<int64_t> selectedRunIds() const;
    /// Ids of the selected groups' rows, in table order.
    [[nodiscard]] std::vector<int64_t> selectedGroupIds() const;
    /// What the selection compares: selected groups, runs outside them, and the runs of a group
    /// all selected (which stand for their group).
    [[nodiscard]] std::vector<ComparedEntry> selectedEntries() const;
    [[nodiscard]] RunComparison* comparison() const { return m_comparison; }
    /// Shows the comparison (true) or the details (false) under the table.
    void showComparison(bool comparison);
    /// The details pane's text (a run's or a group's).
    [[nodiscard]] QString detailsText() const;

    [[nodiscard]] RunsTableModel* model() const { return m_model; }
    [[nodiscard]] QSortFilterProxyModel* proxyModel() const { return m_proxy; }
    [[nodiscard]] QTreeView* view() const { return m_view; }
    [[nodiscard]] QLineEdit* filterEdit() const { return m_filter; }
    /// The overlay hint ("No runs yet", "No runs match the filter"), empty when hidden.
    [[nodiscard]] QString hintText() const;

    // WorkbenchPage
    [[nodiscard]] QWidget* pageWidget() override { return this; }
    [[nodiscard]] QString pageTitle() const override { return QStringLiteral("Runs"); }
    void setProject(const ProjectContents& contents) override;
    /// Selects any run in the table: the page of last resort for runs no other page shows.
    bool openRun(const core::RunRecord& run) override;
    /// "runs" (the table with details), "compare" (the newest completed model runs or groups
    /// compared) and "significance" (the two newest of them tested against each other).
    [[nodiscard]] QStringList viewNames() const override {
        return {QStringLiteral("runs"), QStringLiteral("compare"), QStringLiteral("significance")};
    }
    void showView(const QString& name, std::function<void()> ready) override;

Q_SIGNALS:
    /// Right click on a run's row (now selected): the window offers the actions for that run.
    void runContextMenuRequested(qint64 runId, const QPoint& globalPos);

protected:
    void changeEvent(QEvent* event) override;

private:
    /// The view's index (column 0) of a source index, clearing the filter when it hides the row and
    /// opening its group; nullopt when the source index is invalid.
    [[nodiscard]] std::optional<QModelIndex> viewIndexOf(const QModelIndex& source);
    /// Selects these rows (view indexes, column 0), scrolling to the first.
    void selectRows(const std::vector<QModelIndex>& rows);
    /// Selects the rows of these source indexes (all must be shown or made visible), comparing when
    /// there are several; false when one is unknown.
    bool selectAll(const std::vector<QModelIndex>& sources);
    /// The selected rows (column 0) in the order the table shows them.
    [[nodiscard]] QModelIndexList orderedSelectedRows() const;
    /// The newest completed model runs, a group standing for its runs, at most `count`.
    [[nodiscard]] std::vector<ComparedEntry> newestModelEntries(size_t count) const;
    /// Selects `entries` (groups' rows and runs' rows); false when there are none.
    bool selectEntries(const std::vector<ComparedEntry>& entries);
    /// Opens every group's row except those the user closed.
    void applyExpansion();
    void applyHintPalette();
    void updateHint();
    void showDetails();
    void onSelectionChanged();
    void onContextMenu(const QPoint& pos);

    RunsTableModel* m_model;
    QSortFilterProxyModel* m_proxy;
    QTreeView* m_view;
    QLineEdit* m_filter;
    QLabel* m_count;
    QLabel* m_hint;
    QPlainTextEdit* m_details;
    QTabWidget* m_bottom;
    RunComparison* m_comparison;
    PendingView m_pendingView;
    std::set<int64_t> m_closedGroups;  ///< groups the user folded: they stay folded across reloads
    bool m_expanding = false;          ///< applyExpansion() is opening rows (not the user)
};

}  // namespace tokenbench::ui
