#include "hierarchy/hierarchy_view.h"

#include <algorithm>
#include <set>

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QLocale>
#include <QSplitter>
#include <QTableWidget>
#include <QTreeView>
#include <QVBoxLayout>

#include "hierarchy/hierarchy_model.h"

namespace tokenbench::ui {
namespace {

constexpr size_t kMaxListedItems = 1000;
constexpr size_t kMaxMatches = 50;

QString percent(double share) {
    return QStringLiteral("%1 %").arg(QLocale().toString(share * 100.0, 'f', 0));
}

QString idText(const std::vector<int32_t>& id) {
    QStringList parts;
    for (int32_t code : id) parts << QString::number(code);
    return QStringLiteral("⟨%1⟩").arg(parts.join(QStringLiteral(", ")));
}

}  // namespace

HierarchyView::HierarchyView(QWidget* parent)
    : QWidget(parent),
      m_model(new HierarchyModel(this)),
      m_tree(new QTreeView),
      m_search(new QLineEdit),
      m_purityField(new QComboBox),
      m_matches(new QListWidget),
      m_status(new QLabel),
      m_itemsTitle(new QLabel),
      m_items(new QTableWidget(0, 3)),
      m_loader(this, [this](HierarchyLoad load) { onLoaded(load); }) {
    setObjectName(QStringLiteral("hierarchyView"));
    m_tree->setObjectName(QStringLiteral("hierarchyTree"));
    m_tree->setModel(m_model);
    m_tree->setUniformRowHeights(true);
    m_tree->setAlternatingRowColors(true);
    m_tree->setSelectionMode(QAbstractItemView::SingleSelection);
    m_tree->header()->setStretchLastSection(true);
    m_tree->setColumnWidth(HierarchyModel::Token, 150);
    m_tree->setColumnWidth(HierarchyModel::Items, 52);
    m_tree->setColumnWidth(HierarchyModel::Purity, 56);
    m_tree->setColumnWidth(HierarchyModel::CatalogueShare, 84);
    m_tree->setColumnWidth(HierarchyModel::Attributes, 240);
    m_purityField->setObjectName(QStringLiteral("hierarchyPurityField"));
    m_purityField->setToolTip(
        QStringLiteral("Attribute field that purity and the top attributes count: a node is pure "
                       "when all its items share one value of it. \"any attribute\" counts every "
                       "field but the attributes carried by more than half of the catalogue."));
    m_purityField->addItem(QStringLiteral("any attribute"), QString());

    m_search->setObjectName(QStringLiteral("hierarchySearch"));
    m_search->setPlaceholderText(QStringLiteral("Find an item by raw id or title, then press Enter…"));
    m_search->setClearButtonEnabled(true);
    m_matches->setObjectName(QStringLiteral("hierarchyMatches"));
    m_matches->setMaximumHeight(90);
    m_matches->hide();
    m_status->setObjectName(QStringLiteral("hierarchyStatus"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_items->setObjectName(QStringLiteral("hierarchyItems"));
    m_items->setHorizontalHeaderLabels({QStringLiteral("Item"), QStringLiteral("Semantic ID"), QStringLiteral("Title")});
    m_items->verticalHeader()->hide();
    m_items->verticalHeader()->setDefaultSectionSize(m_items->fontMetrics().height() + 6);
    m_items->horizontalHeader()->setStretchLastSection(true);
    m_items->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_items->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_items->setAlternatingRowColors(true);
    m_items->setWordWrap(false);
    m_itemsTitle->setObjectName(QStringLiteral("hierarchyItemsTitle"));
    m_itemsTitle->setText(QStringLiteral("Select a node to list its items"));

    auto* itemsPane = new QWidget;
    auto* itemsLayout = new QVBoxLayout(itemsPane);
    itemsLayout->setContentsMargins(0, 0, 0, 0);
    itemsLayout->addWidget(m_itemsTitle);
    itemsLayout->addWidget(m_items, 1);

    // Items under the tree, so the tree's attribute and word columns get the full width.
    auto* splitter = new QSplitter(Qt::Vertical);
    splitter->addWidget(m_tree);
    splitter->addWidget(itemsPane);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    splitter->setChildrenCollapsible(false);

    auto* top = new QHBoxLayout;
    top->addWidget(m_search, 3);
    top->addWidget(new QLabel(QStringLiteral("Purity by:")));
    top->addWidget(m_purityField, 1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 4, 0, 0);
    layout->addLayout(top);
    layout->addWidget(m_status);
    layout->addWidget(m_matches);
    layout->addWidget(splitter, 1);

    connect(m_search, &QLineEdit::returnPressed, this, [this] { search(m_search->text()); });
    connect(m_matches, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row >= 0) revealItem(m_matches->item(row)->data(Qt::UserRole).toInt());
    });
    connect(m_tree->selectionModel(), &QItemSelectionModel::currentChanged, this, &HierarchyView::onCurrentChanged);
    connect(m_purityField, qOverload<int>(&QComboBox::activated), this,
            [this] { setPurityField(m_purityField->currentData().toString()); });
    clear(QStringLiteral("No tokenizer run selected"));
}

HierarchyView::~HierarchyView() = default;

void HierarchyView::showRun(const std::string& dbPath, int64_t runId) {
    if (runId == m_runId && dbPath == m_dbPath && (m_loader.isLoading() || m_model->hierarchy())) return;
    m_dbPath = dbPath;
    m_runId = runId;
    load();
}

void HierarchyView::setPurityField(const QString& field) {
    const int index = m_purityField->findData(field);
    if (index >= 0) m_purityField->setCurrentIndex(index);
    if (field.toStdString() == m_field) return;
    m_field = field.toStdString();
    if (m_runId > 0) load();
}

void HierarchyView::load() {
    m_model->setHierarchy(nullptr);
    m_items->setRowCount(0);
    m_status->setText(QStringLiteral("Loading the token hierarchy of run #%1…").arg(m_runId));
    const std::string dbPath = m_dbPath;
    const std::string field = m_field;
    const int64_t runId = m_runId;
    m_loader.request([dbPath, runId, field] { return loadHierarchy(dbPath, runId, field); });
}

void HierarchyView::fillPurityFields(const core::Dataset& dataset) {
    std::set<std::string> fields;
    for (const core::AttributeValue& value : dataset.attributeVocab) fields.insert(value.field);
    const QSignalBlocker blocker(m_purityField);
    m_purityField->clear();
    m_purityField->addItem(QStringLiteral("any attribute"), QString());
    for (const std::string& field : fields) m_purityField->addItem(QString::fromStdString(field), QString::fromStdString(field));
    const int index = m_purityField->findData(QString::fromStdString(m_field));
    m_purityField->setCurrentIndex(std::max(0, index));
}

void HierarchyView::clear(const QString& message) {
    m_loader.cancel();
    m_runId = 0;
    m_model->setHierarchy(nullptr);
    m_items->setRowCount(0);
    m_matches->clear();
    m_matches->hide();
    m_status->setText(message);
    m_itemsTitle->setText(QStringLiteral("Select a node to list its items"));
}

void HierarchyView::onLoaded(const HierarchyLoad& load) {
    if (!load.error.isEmpty()) {
        m_model->setHierarchy(nullptr);
        m_status->setText(QStringLiteral("Cannot show the hierarchy: %1").arg(load.error));
        Q_EMIT loaded(load.runId);
        return;
    }
    m_model->setHierarchy(load.data);
    fillPurityFields(load.data->dataset);
    const core::TokenHierarchy& tree = *load.data->tree;
    QStringList purity;
    for (size_t level = 0; level < load.data->purityByLevel.size(); ++level) {
        const HierarchyData::LevelPurity& p = load.data->purityByLevel[level];
        purity << QStringLiteral("L%1 %2 (%3)").arg(level + 1).arg(percent(p.mean), percent(p.chance));
    }
    QString status = QStringLiteral(
                         "Run #%1 · %2 items · %3 levels · %4 first-level codes · mean purity by level "
                         "(by chance): %5")
                         .arg(load.runId)
                         .arg(QLocale().toString(static_cast<qlonglong>(load.data->dataset.items.size())))
                         .arg(tree.levels())
                         .arg(m_model->rowCount())
                         .arg(purity.join(QStringLiteral(", ")));
    QStringList common;
    for (const auto& [name, share] : tree.commonAttributes())
        common << QStringLiteral("%1 (%2)").arg(QString::fromStdString(name), percent(share));
    if (!common.isEmpty()) {
        const int shown = std::min<int>(3, static_cast<int>(common.size()));
        status += QStringLiteral(" · not counted, on more than half of the items: %1")
                      .arg(common.mid(0, shown).join(QStringLiteral(", ")));
        if (common.size() > shown) status += QStringLiteral(" and %1 more").arg(common.size() - shown);
    }
    m_status->setText(status);
    m_status->setToolTip(
        QStringLiteral("Purity: share of a node's items carrying its most frequent attribute, averaged over "
                       "the nodes of a level weighted by items. In brackets, the same for items dealt at "
                       "random into nodes of the same sizes: small nodes and common attributes read as pure "
                       "by chance alone, so a level tells something only where it is well above that."));
    // Start with the first code selected, so its items are listed at once.
    if (m_model->rowCount() > 0) m_tree->setCurrentIndex(m_model->index(0, 0));
    Q_EMIT loaded(load.runId);
}

QString HierarchyView::statusText() const {
    return m_status->text();
}

int HierarchyView::search(const QString& query) {
    m_matches->clear();
    const HierarchyData* data = m_model->hierarchy();
    const QString trimmed = query.trimmed();
    if (!data || trimmed.isEmpty()) {
        m_matches->hide();
        return 0;
    }
    const std::vector<int32_t> found = data->tree->findItems(trimmed.toStdString(), kMaxMatches);
    if (found.empty()) {
        m_matches->hide();
        m_itemsTitle->setText(QStringLiteral("No item matches \"%1\"").arg(trimmed));
        return 0;
    }
    {
        const QSignalBlocker blocker(m_matches);
        for (int32_t item : found) {
            const core::ItemInfo& info = data->dataset.items[static_cast<size_t>(item)];
            auto* row = new QListWidgetItem(QStringLiteral("%1 — %2 %3")
                                                .arg(QString::fromStdString(info.rawId), idText(data->tree->idOf(item)),
                                                     QString::fromStdString(info.title)));
            row->setData(Qt::UserRole, item);
            m_matches->addItem(row);
        }
    }
    m_matches->setVisible(found.size() > 1);
    m_matches->setCurrentRow(0);
    revealItem(found.front());
    return static_cast<int>(found.size());
}

bool HierarchyView::revealItem(int32_t item) {
    const QModelIndex index = m_model->indexOfItem(item);
    if (!index.isValid()) return false;
    for (QModelIndex up = index.parent(); up.isValid(); up = up.parent()) m_tree->expand(up);
    m_tree->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_tree->scrollTo(index, QAbstractItemView::PositionAtCenter);
    return true;
}

void HierarchyView::onCurrentChanged() {
    const QModelIndex current = m_tree->currentIndex();
    if (!current.isValid()) return;
    showItems(m_model->prefixOf(current));
    const int item = current.siblingAtColumn(0).data(HierarchyModel::ItemRole).toInt();
    if (item >= 0) {
        for (int row = 0; row < m_items->rowCount(); ++row) {
            if (m_items->item(row, 0)->data(Qt::UserRole).toInt() == item) {
                m_items->selectRow(row);
                m_items->scrollToItem(m_items->item(row, 0));
                break;
            }
        }
    }
}

void HierarchyView::showItems(const std::vector<int32_t>& prefix) {
    const HierarchyData* data = m_model->hierarchy();
    if (!data) return;
    const core::HierarchyNode node = data->tree->node(prefix);
    const std::vector<int32_t> items = data->tree->items(prefix, kMaxListedItems);
    m_items->setUpdatesEnabled(false);
    m_items->setRowCount(static_cast<int>(items.size()));
    for (int row = 0; row < static_cast<int>(items.size()); ++row) {
        const int32_t item = items[static_cast<size_t>(row)];
        const core::ItemInfo& info = data->dataset.items[static_cast<size_t>(item)];
        auto* id = new QTableWidgetItem(QString::fromStdString(info.rawId));
        id->setData(Qt::UserRole, item);
        m_items->setItem(row, 0, id);
        m_items->setItem(row, 1, new QTableWidgetItem(idText(data->tree->idOf(item))));
        m_items->setItem(row, 2, new QTableWidgetItem(QString::fromStdString(info.title)));
    }
    m_items->setUpdatesEnabled(true);
    m_items->resizeColumnToContents(0);
    m_items->resizeColumnToContents(1);
    QString title = QStringLiteral("Items of %1: %2").arg(idText(prefix)).arg(node.items);
    if (static_cast<int64_t>(items.size()) < node.items) title += QStringLiteral(" (first %1 listed)").arg(items.size());
    m_itemsTitle->setText(title);
}

}  // namespace tokenbench::ui
