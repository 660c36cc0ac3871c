#pragma once
/// Sorting and filtering proxy of the runs table.

#include <QSortFilterProxyModel>

namespace tokenbench::ui {

/// Sorts by RunsTableModel::SortRole, keeping rows without a value (tokenizer runs in a metric
/// column) below the others in both orders, so "best NDCG@10 first" starts with a model run. Groups
/// sort among the runs by their row's values, and their runs among themselves.
class RunsSortProxy final : public QSortFilterProxyModel {
    Q_OBJECT

public:
    explicit RunsSortProxy(QObject* parent = nullptr);

protected:
    [[nodiscard]] bool lessThan(const QModelIndex& left, const QModelIndex& right) const override;
};

}  // namespace tokenbench::ui
