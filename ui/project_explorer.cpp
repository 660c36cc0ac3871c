#include "project_explorer.h"

#include <QHeaderView>
#include <QStyle>
#include <QTreeWidget>
#include <QVBoxLayout>

#include "run_status.h"
#include "text_format.h"

namespace tokenbench::ui {
namespace {

// Item data: what a child stands for and its id.
constexpr int kKindRole = Qt::UserRole + 1;
constexpr int kIdRole = Qt::UserRole + 2;
enum ItemKind { GroupItem = 0, DatasetItem = 1, RunItem = 2, FeatureSetItem = 3 };

/// Adds entry `id` of `kind` under `group`, shown as `name` with `icon` and `toolTip`.
void addEntry(QTreeWidgetItem* group, ItemKind kind, int64_t id, const QString& name, const QIcon& icon,
              const QString& toolTip) {
    auto* item = new QTreeWidgetItem(group);
    item->setText(0, name);
    item->setIcon(0, icon);
    item->setData(0, kKindRole, kind);
    item->setData(0, kIdRole, QVariant::fromValue<qint64>(id));
    item->setToolTip(0, toolTip);
}

const char* groupTitle(ProjectExplorer::Group group) {
    switch (group) {
        case ProjectExplorer::Group::Datasets:
            return "Data sets";
        case ProjectExplorer::Group::FeatureSets:
            return "Feature sets";
        case ProjectExplorer::Group::TokenizerRuns:
            return "Tokenizer runs";
        case ProjectExplorer::Group::ModelRuns:
            return "Model runs";
    }
    return "";
}

}  // namespace

ProjectExplorer::ProjectExplorer(QWidget* parent) : QWidget(parent), m_tree(new QTreeWidget(this)) {
    setObjectName(QStringLiteral("projectExplorer"));
    m_tree->setObjectName(QStringLiteral("projectTree"));
    m_tree->setHeaderHidden(true);
    m_tree->setColumnCount(1);
    m_tree->setUniformRowHeights(true);
    m_tree->setAnimated(true);
    m_tree->setExpandsOnDoubleClick(true);

    const QIcon folder = style()->standardIcon(QStyle::SP_DirIcon);
    QFont groupFont = m_tree->font();
    groupFont.setBold(true);
    for (const Group group : {Group::Datasets, Group::FeatureSets, Group::TokenizerRuns, Group::ModelRuns}) {
        auto* item = new QTreeWidgetItem(m_tree);
        item->setData(0, kKindRole, GroupItem);
        item->setData(0, Qt::UserRole, QString::fromLatin1(groupTitle(group)));
        item->setIcon(0, folder);
        item->setFont(0, groupFont);
        item->setFlags(Qt::ItemIsEnabled);
        item->setExpanded(true);
        m_groups.push_back(item);
        setGroupCount(group);
    }
    groupItem(Group::FeatureSets)->setToolTip(0, QStringLiteral("Feature sets appear here once features are built."));

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_tree);

    connect(m_tree, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem* item) { onItemActivated(item); });
    connect(m_tree, &QTreeWidget::itemClicked, this, [this](QTreeWidgetItem* item) { onItemActivated(item); });
    m_tree->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_tree, &QWidget::customContextMenuRequested, this, [this](const QPoint& pos) {
        QTreeWidgetItem* item = m_tree->itemAt(pos);
        if (!item) return;
        const qint64 id = item->data(0, kIdRole).toLongLong();
        const QPoint global = m_tree->viewport()->mapToGlobal(pos);
        switch (item->data(0, kKindRole).toInt()) {
            case DatasetItem:
                Q_EMIT contextMenuRequested(EntryKind::Dataset, id, global);
                break;
            case FeatureSetItem:
                Q_EMIT contextMenuRequested(EntryKind::FeatureSet, id, global);
                break;
            case RunItem:
                Q_EMIT contextMenuRequested(EntryKind::Run, id, global);
                break;
            default:
                break;
        }
    });
}

void ProjectExplorer::setContents(const std::vector<core::DatasetRecord>& datasets,
                                  const std::vector<core::FeatureSetRecord>& featureSets,
                                  const std::vector<core::RunRecord>& runs) {
    clear();
    const QIcon datasetIcon = style()->standardIcon(QStyle::SP_FileDialogDetailedView);
    for (const core::DatasetRecord& record : datasets) {
        addEntry(groupItem(Group::Datasets), DatasetItem, record.id, QString::fromStdString(record.name), datasetIcon,
                 QStringLiteral("%1\nformat: %2\ncreated: %3")
                     .arg(QString::fromStdString(record.source), QString::fromStdString(record.format),
                          formatTimestamp(record.createdAt)));
    }
    const QIcon featureIcon = style()->standardIcon(QStyle::SP_FileDialogContentsView);
    for (const core::FeatureSetRecord& record : featureSets) {
        addEntry(groupItem(Group::FeatureSets), FeatureSetItem, record.id, QString::fromStdString(record.name),
                 featureIcon,
                 QStringLiteral("%1 · %2 × %3\ncreated: %4")
                     .arg(QString::fromStdString(record.kind))
                     .arg(record.rows)
                     .arg(record.dim)
                     .arg(formatTimestamp(record.createdAt)));
    }
    for (const core::RunRecord& run : runs) {
        const Group group = run.kind == core::RunKind::Tokenizer ? Group::TokenizerRuns : Group::ModelRuns;
        addEntry(groupItem(group), RunItem, run.id, runDisplayName(run), runStatusIcon(run.status),
                 QStringLiteral("%1 · %2 · %3\ndata set: %4")
                     .arg(QString::fromStdString(run.componentId), runStatusLabel(run.status),
                          formatTimestamp(run.createdAt), QString::fromStdString(run.datasetName)));
    }
    for (const Group group : {Group::Datasets, Group::FeatureSets, Group::TokenizerRuns, Group::ModelRuns}) {
        setGroupCount(group);
    }
}

void ProjectExplorer::clear() {
    for (QTreeWidgetItem* group : m_groups) qDeleteAll(group->takeChildren());
    for (const Group group : {Group::Datasets, Group::FeatureSets, Group::TokenizerRuns, Group::ModelRuns}) {
        setGroupCount(group);
    }
}

QStringList ProjectExplorer::entries(Group group) const {
    QStringList names;
    const QTreeWidgetItem* parent = groupItem(group);
    for (int i = 0; i < parent->childCount(); ++i) names << parent->child(i)->text(0);
    return names;
}

QTreeWidgetItem* ProjectExplorer::groupItem(Group group) const {
    return m_groups[static_cast<size_t>(group)];
}

void ProjectExplorer::setGroupCount(Group group) {
    QTreeWidgetItem* item = groupItem(group);
    const QString title = item->data(0, Qt::UserRole).toString();
    item->setText(0, item->childCount() > 0 ? QStringLiteral("%1 (%2)").arg(title).arg(item->childCount()) : title);
}

void ProjectExplorer::onItemActivated(QTreeWidgetItem* item) {
    if (!item) return;
    const qint64 id = item->data(0, kIdRole).toLongLong();
    switch (item->data(0, kKindRole).toInt()) {
        case DatasetItem:
            Q_EMIT datasetActivated(id);
            break;
        case RunItem:
            Q_EMIT runActivated(id);
            break;
        default:
            break;
    }
}

}  // namespace tokenbench::ui
