#include "hierarchy/hierarchy_model.h"

#include <iterator>

#include <QLocale>
#include <QStringList>

namespace tokenbench::ui {

/// One row: a code node (its HierarchyNode) or an item under a full ID.
struct HierarchyModel::Node {
    Node* parent = nullptr;
    int row = 0;
    bool isItem = false;
    int32_t item = -1;
    core::HierarchyNode info;
    bool fetched = false;
    std::vector<std::unique_ptr<Node>> children;
};

namespace {

/// Header text of each column, in Column order.
constexpr const char* kColumnTitles[] = {"Token / item", "Items",          "Purity",
                                         "In catalogue", "Top attributes", "Top title words / title"};
static_assert(std::size(kColumnTitles) == HierarchyModel::ColumnCount);

/// What each column's number means, as its header's tooltip; empty where the title says it all.
constexpr const char* kColumnHelp[] = {
    "",
    "Items whose semantic ID starts with this prefix",
    "Share of the node's items that carry its most frequent attribute. With \"any attribute\", "
    "attributes carried by more than half of the catalogue do not count: they would make every node look pure.",
    "Share of the whole catalogue carrying the attribute purity is measured on: the purity a node of random "
    "items would have on it. A node says something when its purity is well above this.",
    "The node's most frequent attributes with their item counts (common attributes left out as for purity)",
    "",
};
static_assert(std::size(kColumnHelp) == HierarchyModel::ColumnCount);

QString percent(double share, int decimals) {
    return QStringLiteral("%1 %").arg(QLocale().toString(share * 100.0, 'f', decimals));
}

QString joinCounts(const std::vector<std::pair<std::string, int64_t>>& entries) {
    QStringList parts;
    for (const auto& [name, count] : entries) parts << QStringLiteral("%1 (%2)").arg(QString::fromStdString(name)).arg(count);
    return parts.join(QStringLiteral(", "));
}

QList<int> toList(const std::vector<int32_t>& prefix) {
    QList<int> out;
    for (int32_t code : prefix) out << code;
    return out;
}

}  // namespace

HierarchyModel::HierarchyModel(QObject* parent) : QAbstractItemModel(parent), m_root(std::make_unique<Node>()) {}

HierarchyModel::~HierarchyModel() = default;

void HierarchyModel::setHierarchy(std::shared_ptr<const HierarchyData> data) {
    beginResetModel();
    m_data = std::move(data);
    m_root = std::make_unique<Node>();
    if (m_data && m_data->tree) {
        m_root->info = m_data->tree->node({});
        loadChildren(*m_root);  // the first level is at most one codebook: always shown
    }
    endResetModel();
}

HierarchyModel::Node* HierarchyModel::nodeOf(const QModelIndex& index) const {
    return index.isValid() ? static_cast<Node*>(index.internalPointer()) : m_root.get();
}

void HierarchyModel::loadChildren(Node& node) const {
    if (node.fetched || node.isItem || !m_data || !m_data->tree) return;
    node.fetched = true;
    const core::TokenHierarchy& tree = *m_data->tree;
    const auto& prefix = node.info.prefix;
    if (static_cast<int32_t>(prefix.size()) < tree.levels()) {
        for (core::HierarchyNode& child : tree.children(prefix)) {
            auto created = std::make_unique<Node>();
            created->parent = &node;
            created->row = static_cast<int>(node.children.size());
            created->info = std::move(child);
            node.children.push_back(std::move(created));
        }
        return;
    }
    for (int32_t item : tree.items(prefix, kMaxItemRows)) {
        auto created = std::make_unique<Node>();
        created->parent = &node;
        created->row = static_cast<int>(node.children.size());
        created->isItem = true;
        created->item = item;
        created->info.prefix = prefix;
        created->info.items = 1;
        created->fetched = true;
        node.children.push_back(std::move(created));
    }
}

QModelIndex HierarchyModel::index(int row, int column, const QModelIndex& parent) const {
    if (row < 0 || column < 0 || column >= ColumnCount) return {};
    Node* node = nodeOf(parent);
    if (!node->fetched) return {};
    if (row >= static_cast<int>(node->children.size())) return {};
    return createIndex(row, column, node->children[static_cast<size_t>(row)].get());
}

QModelIndex HierarchyModel::parent(const QModelIndex& child) const {
    if (!child.isValid()) return {};
    Node* node = nodeOf(child);
    Node* parent = node->parent;
    if (!parent || parent == m_root.get()) return {};
    return createIndex(parent->row, 0, parent);
}

int HierarchyModel::rowCount(const QModelIndex& parent) const {
    if (parent.column() > 0) return 0;
    const Node* node = nodeOf(parent);
    if (!m_data) return 0;
    return node->fetched ? static_cast<int>(node->children.size()) : 0;
}

int HierarchyModel::columnCount(const QModelIndex& parent) const {
    (void)parent;
    return ColumnCount;
}

bool HierarchyModel::hasChildren(const QModelIndex& parent) const {
    if (parent.column() > 0 || !m_data) return false;
    const Node* node = nodeOf(parent);
    if (node->isItem) return false;
    if (node->fetched) return !node->children.empty();
    return node->info.items > 0;
}

bool HierarchyModel::canFetchMore(const QModelIndex& parent) const {
    const Node* node = nodeOf(parent);
    return m_data && !node->isItem && !node->fetched;
}

void HierarchyModel::fetchMore(const QModelIndex& parent) {
    Node* node = nodeOf(parent);
    if (!m_data || node->fetched || node->isItem) return;
    // Count first without touching the node, so rows are announced before they exist for views.
    Node staging;
    staging.info = node->info;
    loadChildren(staging);
    if (staging.children.empty()) {
        node->fetched = true;
        return;
    }
    beginInsertRows(parent, 0, static_cast<int>(staging.children.size()) - 1);
    node->children = std::move(staging.children);
    for (auto& child : node->children) child->parent = node;
    node->fetched = true;
    endInsertRows();
}

std::vector<int32_t> HierarchyModel::prefixOf(const QModelIndex& index) const {
    if (!index.isValid()) return {};
    return nodeOf(index)->info.prefix;
}

QModelIndex HierarchyModel::indexOfPrefix(const std::vector<int32_t>& prefix) {
    if (!m_data || !m_data->tree) return {};
    QModelIndex current;
    for (size_t depth = 0; depth < prefix.size(); ++depth) {
        if (canFetchMore(current)) fetchMore(current);
        Node* node = nodeOf(current);
        QModelIndex found;
        for (const auto& child : node->children) {
            if (child->isItem) break;
            if (child->info.prefix.size() > depth && child->info.prefix[depth] == prefix[depth]) {
                found = createIndex(child->row, 0, child.get());
                break;
            }
        }
        if (!found.isValid()) return {};
        current = found;
    }
    return current;
}

QModelIndex HierarchyModel::indexOfItem(int32_t item) {
    if (!m_data || !m_data->tree || item < 0 || item >= static_cast<int32_t>(m_data->dataset.items.size())) return {};
    const QModelIndex leaf = indexOfPrefix(m_data->tree->idOf(item));
    if (!leaf.isValid()) return {};
    if (canFetchMore(leaf)) fetchMore(leaf);
    for (const auto& child : nodeOf(leaf)->children) {
        if (child->isItem && child->item == item) return createIndex(child->row, 0, child.get());
    }
    return {};
}

QVariant HierarchyModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || !m_data) return {};
    const Node* node = nodeOf(index);
    if (role == PrefixRole) return QVariant::fromValue(toList(node->info.prefix));
    if (role == ItemRole) return node->isItem ? node->item : -1;

    if (node->isItem) {
        const core::ItemInfo& info = m_data->dataset.items[static_cast<size_t>(node->item)];
        if (role == Qt::DisplayRole || role == Qt::ToolTipRole) {
            switch (index.column()) {
                case Token:
                    return QString::fromStdString(info.rawId);
                case Attributes: {
                    QStringList names;
                    for (int32_t a : info.attributes) {
                        const core::AttributeValue& v = m_data->dataset.attributeVocab[static_cast<size_t>(a)];
                        names << QString::fromStdString(v.field + ": " + v.name);
                    }
                    return names.join(QStringLiteral(", "));
                }
                case Words:
                    return QString::fromStdString(info.title);
                default:
                    return {};
            }
        }
        return {};
    }

    const core::HierarchyNode& info = node->info;
    switch (role) {
        case Qt::DisplayRole:
            switch (index.column()) {
                case Token:
                    return info.prefix.empty() ? QString()
                                               : QStringLiteral("Level %1 · code %2")
                                                     .arg(info.prefix.size())
                                                     .arg(info.prefix.back());
                case Items:
                    return QVariant::fromValue<qlonglong>(info.items);
                case Purity:
                    return info.topAttributes.empty() ? QStringLiteral("–") : percent(info.purity, 0);
                case CatalogueShare:
                    return info.topAttributes.empty() ? QStringLiteral("–") : percent(info.catalogueShare, 0);
                case Attributes:
                    return joinCounts(info.topAttributes);
                case Words:
                    return joinCounts(info.topWords);
                default:
                    return {};
            }
        case Qt::ToolTipRole: {
            QStringList path;
            for (int32_t code : info.prefix) path << QString::number(code);
            const QString purity =
                info.topAttributes.empty()
                    ? QStringLiteral("no counted attribute")
                    : QStringLiteral("%1 carry %2, which %3 of the catalogue carries")
                          .arg(percent(info.purity, 1), QString::fromStdString(info.topAttributes.front().first),
                               percent(info.catalogueShare, 1));
            return QStringLiteral(
                       "ID prefix ⟨%1⟩ · %2 items · %3 child codes\nPurity: %4\nTop attributes: %5\nTop words: %6")
                .arg(path.join(QStringLiteral(", ")))
                .arg(info.items)
                .arg(info.children)
                .arg(purity, joinCounts(info.topAttributes), joinCounts(info.topWords));
        }
        case Qt::TextAlignmentRole:
            if (index.column() == Items || index.column() == Purity || index.column() == CatalogueShare)
                return QVariant(Qt::AlignRight | Qt::AlignVCenter);
            return {};
        default:
            return {};
    }
}

QVariant HierarchyModel::headerData(int section, Qt::Orientation orientation, int role) const {
    const bool ours = orientation == Qt::Horizontal && (role == Qt::DisplayRole || role == Qt::ToolTipRole);
    if (!ours) return QAbstractItemModel::headerData(section, orientation, role);
    if (section < 0 || section >= ColumnCount) return {};
    const char* text = role == Qt::DisplayRole ? kColumnTitles[section] : kColumnHelp[section];
    return *text ? QVariant(QString::fromUtf8(text)) : QVariant();
}

}  // namespace tokenbench::ui
