#pragma once
/// The "Runs" page: every tokenizer and model run of the project in a sortable, filterable table,
/// the selected run's details, and a comparison of several selected runs.

#include <cstdint>
#include <optional>
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
class QTableView;
class QTabWidget;

namespace tokenbench::ui {

class RunComparison;
class RunsTableModel;

/// Table of runs over RunsTableModel through a QSortFilterProxyModel, a filter box and a details
/// pane for the selected run. UI thread only.
class RunsPage final : public QWidget, public WorkbenchPage {
    Q_OBJECT

public:
    explicit RunsPage(QWidget* parent = nullptr);

    /// The project database the comparison reads from (empty: none).
    void setDatabase(const std::string& dbPath);
    /// Replaces the rows, keeping the selected run selected when it is still there.
    void setRuns(std::vector<core::RunRecord> runs);
    /// Selects and scrolls to the run (clearing a filter that hides it); false when unknown.
    bool selectRun(int64_t runId);
    /// Selects these runs (for comparing) and shows the comparison; false when one is unknown.
    bool selectRuns(const std::vector<int64_t>& runIds);
    /// Ids of the selected runs, in table order.
    [[nodiscard]] std::vector<int64_t> selectedRunIds() const;
    [[nodiscard]] RunComparison* comparison() const { return m_comparison; }
    /// Shows the comparison (true) or the details (false) under the table.
    void showComparison(bool comparison);

    [[nodiscard]] RunsTableModel* model() const { return m_model; }
    [[nodiscard]] QSortFilterProxyModel* proxyModel() const { return m_proxy; }
    [[nodiscard]] QTableView* view() const { return m_view; }
    [[nodiscard]] QLineEdit* filterEdit() const { return m_filter; }
    /// The overlay hint ("No runs yet", "No runs match the filter"), empty when hidden.
    [[nodiscard]] QString hintText() const;

    // WorkbenchPage
    [[nodiscard]] QWidget* pageWidget() override { return this; }
    [[nodiscard]] QString pageTitle() const override { return QStringLiteral("Runs"); }
    void setProject(const ProjectContents& contents) override;
    /// Selects any run in the table: the page of last resort for runs no other page shows.
    bool openRun(const core::RunRecord& run) override;
    /// "runs" (the table with details) and "compare" (the newest completed model runs compared).
    [[nodiscard]] QStringList viewNames() const override { return {QStringLiteral("runs"), QStringLiteral("compare")}; }
    void showView(const QString& name, std::function<void()> ready) override;

Q_SIGNALS:
    /// Right click on a run's row (now selected): the window offers the actions for that run.
    void runContextMenuRequested(qint64 runId, const QPoint& globalPos);

protected:
    void changeEvent(QEvent* event) override;

private:
    /// The view's index (column 0) of run `runId`, clearing the filter when it hides the run;
    /// nullopt when the table has no such run.
    [[nodiscard]] std::optional<QModelIndex> viewIndexOfRun(int64_t runId);
    void applyHintPalette();
    void updateHint();
    void showDetails();
    void onSelectionChanged();
    void onContextMenu(const QPoint& pos);
    [[nodiscard]] int64_t selectedRunId() const;

    RunsTableModel* m_model;
    QSortFilterProxyModel* m_proxy;
    QTableView* m_view;
    QLineEdit* m_filter;
    QLabel* m_count;
    QLabel* m_hint;
    QPlainTextEdit* m_details;
    QTabWidget* m_bottom;
    RunComparison* m_comparison;
    PendingView m_pendingView;
};

}  // namespace tokenbench::ui
