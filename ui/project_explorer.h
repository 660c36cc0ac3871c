#pragma once
/// The "Project" dock's tree: data sets, feature sets, tokenizer runs and model runs of a project.

#include <cstdint>
#include <vector>

#include <QPoint>
#include <QStringList>
#include <QWidget>

#include "tokenbench/storage/records.h"

class QTreeWidget;
class QTreeWidgetItem;

namespace tokenbench::ui {

/// Tree with one group per kind of project content; activating a child announces it so the main
/// window can open the matching page. UI thread only.
class ProjectExplorer final : public QWidget {
    Q_OBJECT

public:
    enum class Group { Datasets, FeatureSets, TokenizerRuns, ModelRuns };

    explicit ProjectExplorer(QWidget* parent = nullptr);

    /// Rebuilds the children of every group, keeping groups' expansion state.
    void setContents(const std::vector<core::DatasetRecord>& datasets, const std::vector<core::FeatureSetRecord>& featureSets,
                     const std::vector<core::RunRecord>& runs);
    /// Empties every group (no project open).
    void clear();
    /// Display texts of a group's children, in order.
    [[nodiscard]] QStringList entries(Group group) const;
    [[nodiscard]] QTreeWidget* tree() const { return m_tree; }

    /// Kind of a child entry.
    enum class EntryKind { Dataset, FeatureSet, Run };

Q_SIGNALS:
    void datasetActivated(qint64 datasetId);
    void runActivated(qint64 runId);
    /// Right click on an entry (not a group): the window offers the actions for it.
    void contextMenuRequested(tokenbench::ui::ProjectExplorer::EntryKind kind, qint64 id, const QPoint& globalPos);

private:
    void onItemActivated(QTreeWidgetItem* item);
    [[nodiscard]] QTreeWidgetItem* groupItem(Group group) const;
    void setGroupCount(Group group);

    QTreeWidget* m_tree;
    std::vector<QTreeWidgetItem*> m_groups;
};

}  // namespace tokenbench::ui
