#pragma once
/// Table model over a sweep's trials (one row per trial) for the Sweeps page.

#include <QAbstractTableModel>

#include "tokenbench/experiment/sweep_view.h"

namespace tokenbench::ui {

/// Columns: trial, run, status, one per searched parameter, then the validation and test metric.
/// SortRole gives numbers as numbers (a category by its place on its axis), invalid where a trial
/// has no value yet; the best trial's row is bold. UI thread only.
class SweepTrialsModel final : public QAbstractTableModel {
    Q_OBJECT

public:
    static constexpr int SortRole = Qt::UserRole + 1;
    /// Role returning the trial's run id (qint64, 0 before it started) for any cell.
    static constexpr int RunIdRole = Qt::UserRole + 2;

    explicit SweepTrialsModel(QObject* parent = nullptr);

    /// Replaces every row and column (model reset).
    void setView(const core::SweepView& view);
    /// The same sweep with trial `row` changed (started or ended): updates in place, no reset.
    void updateTrial(const core::SweepView& view, int row);
    [[nodiscard]] const core::SweepView& view() const { return m_view; }

    [[nodiscard]] int rowCount(const QModelIndex& parent = {}) const override;
    [[nodiscard]] int columnCount(const QModelIndex& parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation,
                                      int role = Qt::DisplayRole) const override;

private:
    enum FixedColumn { Trial, Run, Status, FirstParameter };
    [[nodiscard]] int parameterCount() const { return static_cast<int>(m_view.axes.size()); }
    [[nodiscard]] QVariant displayValue(const core::SweepTrialView& trial, int column) const;
    [[nodiscard]] QVariant sortValue(const core::SweepTrialView& trial, int column) const;

    core::SweepView m_view;
};

}  // namespace tokenbench::ui
