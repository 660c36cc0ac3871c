#include "models/runs_sort_proxy.h"

#include "models/runs_table_model.h"

namespace tokenbench::ui {

RunsSortProxy::RunsSortProxy(QObject* parent) : QSortFilterProxyModel(parent) {
    setSortRole(RunsTableModel::SortRole);
    // A group stays visible when one of its runs matches, and shows all its runs when it matches.
    setRecursiveFilteringEnabled(true);
    setAutoAcceptChildRows(true);
}

bool RunsSortProxy::lessThan(const QModelIndex& left, const QModelIndex& right) const {
    const bool leftMissing = !left.data(sortRole()).isValid();
    const bool rightMissing = !right.data(sortRole()).isValid();
    if (leftMissing || rightMissing) {
        if (leftMissing == rightMissing) return false;
        // A descending sort reverses lessThan, so "missing is smallest" keeps it at the bottom there.
        return sortOrder() == Qt::AscendingOrder ? rightMissing : leftMissing;
    }
    return QSortFilterProxyModel::lessThan(left, right);
}

}  // namespace tokenbench::ui
