#pragma once
/// The token hierarchy explorer: a lazily expanded tree of codes with counts, purity and top
/// attributes/words per node, an item search that reveals an item's path, and the items of the
/// selected node.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <QWidget>

#include "hierarchy/hierarchy_data.h"
#include "widgets/latest_only_loader.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QTableWidget;
class QTreeView;

namespace tokenbench::ui {

class HierarchyModel;

/// Loads a tokenizer run's hierarchy on a worker (own read-only store) and shows it. UI thread.
class HierarchyView final : public QWidget {
    Q_OBJECT

public:
    explicit HierarchyView(QWidget* parent = nullptr);
    ~HierarchyView() override;

    /// Loads run `runId` from the project database `dbPath` (asynchronous: loaded() follows).
    void showRun(const std::string& dbPath, int64_t runId);
    /// Empties the view and shows `message`.
    void clear(const QString& message);

    /// Searches items by raw id or title; reveals and selects the first match. Returns the matches.
    int search(const QString& query);
    /// Expands the tree down to `item` and selects its row; false when it is not in the hierarchy.
    bool revealItem(int32_t item);

    [[nodiscard]] int64_t runId() const { return m_runId; }
    [[nodiscard]] bool isLoading() const { return m_loader.isLoading(); }
    [[nodiscard]] HierarchyModel* model() const { return m_model; }
    [[nodiscard]] QTreeView* tree() const { return m_tree; }
    [[nodiscard]] QTableWidget* itemTable() const { return m_items; }
    [[nodiscard]] QLineEdit* searchEdit() const { return m_search; }
    /// Attribute field purity and top attributes are computed over ("" = every field).
    void setPurityField(const QString& field);
    [[nodiscard]] QComboBox* purityFieldSelector() const { return m_purityField; }
    /// Status text under the search box (counts, errors).
    [[nodiscard]] QString statusText() const;

Q_SIGNALS:
    /// The hierarchy of `runId` is shown (or its error).
    void loaded(qint64 runId);

private:
    void onLoaded(const HierarchyLoad& load);
    void onCurrentChanged();
    void showItems(const std::vector<int32_t>& prefix);
    void load();
    void fillPurityFields(const core::Dataset& dataset);

    HierarchyModel* m_model;
    QTreeView* m_tree;
    QLineEdit* m_search;
    QComboBox* m_purityField;
    QListWidget* m_matches;
    QLabel* m_status;
    QLabel* m_itemsTitle;
    QTableWidget* m_items;
    LatestOnlyLoader<HierarchyLoad> m_loader;
    int64_t m_runId = 0;
    std::string m_dbPath;
    std::string m_field;  ///< purity field of the loaded or loading hierarchy
};

}  // namespace tokenbench::ui
