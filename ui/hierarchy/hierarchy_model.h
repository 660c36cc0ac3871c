#pragma once
/// Tree model over a token hierarchy: level-1 codes, their level-2 children, ..., and under each full
/// ID the items that carry it. Children are read from the hierarchy only when a node is expanded.

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include <QAbstractItemModel>

#include "hierarchy/hierarchy_data.h"

namespace tokenbench::ui {

/// Columns: token, items, purity, the catalogue share of the attribute it is measured on, top
/// attributes, top title words. UI thread only.
class HierarchyModel final : public QAbstractItemModel {
    Q_OBJECT

public:
    enum Column { Token, Items, Purity, CatalogueShare, Attributes, Words, ColumnCount };
    /// The node's prefix (QList<int>) for any cell; empty for the root's children's parent.
    static constexpr int PrefixRole = Qt::UserRole + 1;
    /// Dense item index (int) of an item row, -1 for code nodes.
    static constexpr int ItemRole = Qt::UserRole + 2;

    explicit HierarchyModel(QObject* parent = nullptr);
    ~HierarchyModel() override;

    /// Shows `data` (nullptr: empty model).
    void setHierarchy(std::shared_ptr<const HierarchyData> data);
    [[nodiscard]] const HierarchyData* hierarchy() const { return m_data.get(); }

    /// Index of the node with `prefix` (fetching its ancestors' children as needed); invalid when no
    /// ID has that prefix.
    [[nodiscard]] QModelIndex indexOfPrefix(const std::vector<int32_t>& prefix);
    /// Index of item row `item` under its full ID (fetching as needed).
    [[nodiscard]] QModelIndex indexOfItem(int32_t item);
    /// Prefix of a code node (empty for an invalid index); an item row gives its full ID.
    [[nodiscard]] std::vector<int32_t> prefixOf(const QModelIndex& index) const;

    [[nodiscard]] QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    [[nodiscard]] QModelIndex parent(const QModelIndex& child) const override;
    [[nodiscard]] int rowCount(const QModelIndex& parent = {}) const override;
    [[nodiscard]] int columnCount(const QModelIndex& parent = {}) const override;
    [[nodiscard]] bool hasChildren(const QModelIndex& parent = {}) const override;
    [[nodiscard]] bool canFetchMore(const QModelIndex& parent) const override;
    void fetchMore(const QModelIndex& parent) override;
    [[nodiscard]] QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    /// Item rows shown under one full ID at most; more are summarized in a last row's tooltip.
    static constexpr size_t kMaxItemRows = 500;

private:
    struct Node;
    [[nodiscard]] Node* nodeOf(const QModelIndex& index) const;
    void loadChildren(Node& node) const;

    std::shared_ptr<const HierarchyData> m_data;
    std::unique_ptr<Node> m_root;
};

}  // namespace tokenbench::ui
