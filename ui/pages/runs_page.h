#pragma once
/// The "Runs" page: every tokenizer and model run of the project in a sortable, filterable table.

#include <cstdint>
#include <vector>

#include <QWidget>

#include "tokenbench/storage/records.h"

class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QSortFilterProxyModel;
class QTableView;

namespace tokenbench::ui {

class RunsTableModel;

/// Table of runs over RunsTableModel through a QSortFilterProxyModel, a filter box and a details
/// pane for the selected run. UI thread only.
class RunsPage final : public QWidget {
    Q_OBJECT

public:
    explicit RunsPage(QWidget* parent = nullptr);

    /// Replaces the rows, keeping the selected run selected when it is still there.
    void setRuns(std::vector<core::RunRecord> runs);
    /// Selects and scrolls to the run (clearing a filter that hides it); false when unknown.
    bool selectRun(int64_t runId);

    [[nodiscard]] RunsTableModel* model() const { return m_model; }
    [[nodiscard]] QSortFilterProxyModel* proxyModel() const { return m_proxy; }
    [[nodiscard]] QTableView* view() const { return m_view; }
    [[nodiscard]] QLineEdit* filterEdit() const { return m_filter; }
    /// The overlay hint ("No runs yet", "No runs match the filter"), empty when hidden.
    [[nodiscard]] QString hintText() const;

protected:
    void changeEvent(QEvent* event) override;

private:
    void applyHintPalette();
    void updateHint();
    void showDetails();
    [[nodiscard]] int64_t selectedRunId() const;

    RunsTableModel* m_model;
    QSortFilterProxyModel* m_proxy;
    QTableView* m_view;
    QLineEdit* m_filter;
    QLabel* m_count;
    QLabel* m_hint;
    QPlainTextEdit* m_details;
};

}  // namespace tokenbench::ui
