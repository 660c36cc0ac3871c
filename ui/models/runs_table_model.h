#pragma once
/// Table model over the project's runs (one row per RunRecord) for the Runs page.

#include <cstdint>
#include <optional>
#include <vector>

#include <QAbstractTableModel>

#include "tokenbench/storage/records.h"

namespace tokenbench::ui {

/// Rows are runs as listed by the store; columns are fixed. Display values sort correctly through
/// a QSortFilterProxyModel (numbers as numbers, timestamps in ISO order). UI thread only.
class RunsTableModel final : public QAbstractTableModel {
    Q_OBJECT

public:
    enum Column { Id, Kind, Component, Name, Dataset, Status, Device, Seed, Created, Summary, ColumnCount };
    /// Role returning the run id (qint64) for any cell.
    static constexpr int RunIdRole = Qt::UserRole + 1;

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
    [[nodiscard]] QVariant displayValue(const core::RunRecord& run, int column) const;

    std::vector<core::RunRecord> m_runs;
};

}  // namespace tokenbench::ui
