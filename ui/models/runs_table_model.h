#pragma once
/// Table model over the project's runs (one row per RunRecord) for the Runs page.

#include <cstdint>
#include <optional>
#include <vector>

#include <QAbstractTableModel>

#include "tokenbench/storage/records.h"

namespace tokenbench::ui {

/// Rows are runs as listed by the store; columns are fixed. The final metrics of model runs have
/// columns of their own; SortRole gives every cell a value that sorts right (numbers as numbers,
/// timestamps in ISO order, an invalid QVariant where a run has no such value). UI thread only.
class RunsTableModel final : public QAbstractTableModel {
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
        BestEpoch,
        SecondsPerEpoch,
        Device,
        Seed,
        Created,
        Summary,  ///< stays last: it takes the remaining width
        ColumnCount
    };
    /// Role returning the run id (qint64) for any cell.
    static constexpr int RunIdRole = Qt::UserRole + 1;
    /// Role returning the value to sort by: a double in the metric columns, invalid when absent.
    static constexpr int SortRole = Qt::UserRole + 2;

    explicit RunsTableModel(QObject* parent = nullptr);

    /// Replaces all rows (model reset).
    void setRuns(std::vector<core::RunRecord> runs);
    [[nodiscard]] const std::vector<core::RunRecord>& runs() const { return m_runs; }
    /// Row of the run with `runId`, if present.
    [[nodiscard]] std::optional<int> rowOfRun(int64_t runId) const;

    [[nodiscard]] int rowCount(const QModelIndex& parent = {}) const override;
    [[nodiscard]] int columnCount(const QModelIndex& parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation,
                                      int role = Qt::DisplayRole) const override;

private:
    /// Final figures read once from a run's summary JSON; NaN where the summary has none.
    struct Figures final {
        double testNdcg10;
        double testRecall10;
        double bestEpoch;
        double secondsPerEpoch;
    };

    [[nodiscard]] QVariant displayValue(int row, int column) const;
    [[nodiscard]] QVariant sortValue(int row, int column) const;
    [[nodiscard]] double figure(int row, int column) const;
    [[nodiscard]] static bool isFigureColumn(int column);
    [[nodiscard]] static Figures readFigures(const std::string& summaryJson);

    std::vector<core::RunRecord> m_runs;
    std::vector<Figures> m_figures;  ///< parallel to m_runs
};

}  // namespace tokenbench::ui
