#include "pages/runs_page.h"

#include <algorithm>
#include <map>
#include <utility>

#include <QEvent>
#include <QFontDatabase>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTabWidget>
#include <QTreeView>
#include <QVBoxLayout>

#include "models/runs_sort_proxy.h"
#include "models/runs_table_model.h"
#include "pages/run_comparison.h"
#include "pages/run_details.h"
#include "pages/significance_panel.h"

namespace tokenbench::ui {
namespace {

/// Whether two selections compare the same things (groups by id, runs by id).
bool sameEntries(const std::vector<ComparedEntry>& a, const std::vector<ComparedEntry>& b) {
    const auto key = [](const std::vector<ComparedEntry>& entries) {
        std::vector<std::pair<int64_t, std::vector<int64_t>>> keys;
        for (const ComparedEntry& entry : entries) keys.emplace_back(entry.group ? entry.group->id : 0, entry.runIds);
        std::sort(keys.begin(), keys.end());
        return keys;
    };
    return key(a) == key(b);
}

}  // namespace

RunsPage::RunsPage(QWidget* parent)
    : QWidget(parent),
      m_model(new RunsTableModel(this)),
      m_proxy(new RunsSortProxy(this)),
      m_view(new QTreeView),
      m_filter(new QLineEdit),
      m_count(new QLabel),
      m_hint(new QLabel),
      m_details(new QPlainTextEdit),
      m_bottom(new QTabWidget),
      m_comparison(new RunComparison) {
    setObjectName(QStringLiteral("runsPage"));
    connect(m_comparison, &RunComparison::compared, this, [this](int runs) {
        if (runs > 0 && m_pendingView.isWaitingFor(QStringLiteral("compare"))) m_pendingView.complete();
        // Two sides loaded: the test starts now (and completes the view when it answers); one side
        // or none: the panel already says why there is nothing to test.
        if (m_pendingView.isWaitingFor(QStringLiteral("significance")) && !m_comparison->significance()->isComputing())
            m_pendingView.complete();
    });
    connect(m_comparison->significance(), &SignificancePanel::computed, this, [this] {
        if (m_pendingView.isWaitingFor(QStringLiteral("significance"))) m_pendingView.complete();
    });
    m_proxy->setSourceModel(m_model);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_proxy->setFilterKeyColumn(-1);
    m_proxy->setSortCaseSensitivity(Qt::CaseInsensitive);

    m_filter->setObjectName(QStringLiteral("runsFilter"));
    m_filter->setPlaceholderText(QStringLiteral("Filter runs (any column)…"));
    m_filter->setClearButtonEnabled(true);
    m_count->setObjectName(QStringLiteral("runsCount"));

    m_view->setObjectName(QStringLiteral("runsTable"));
    m_view->setModel(m_proxy);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(RunsTableModel::Id, Qt::DescendingOrder);  // newest first
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setAlternatingRowColors(true);
    m_view->setUniformRowHeights(true);
    m_view->setAllColumnsShowFocus(true);
    m_view->setIndentation(16);
    m_view->header()->setStretchLastSection(true);
    m_view->header()->setHighlightSections(false);
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);

    // The hint shares the table's grid cell: an empty table with headers stays visible behind it.
    m_hint->setObjectName(QStringLiteral("runsHint"));
    m_hint->setAlignment(Qt::AlignCenter);
    m_hint->setAttribute(Qt::WA_TransparentForMouseEvents);
    QFont hintFont = m_hint->font();
    hintFont.setPointSizeF(hintFont.pointSizeF() * 1.2);
    m_hint->setFont(hintFont);
    applyHintPalette();

    m_details->setObjectName(QStringLiteral("runDetails"));
    m_details->setReadOnly(true);
    m_details->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_details->setPlaceholderText(QStringLiteral("Select a run or a group to see its configuration and results."));

    auto* tableArea = new QWidget;
    auto* grid = new QGridLayout(tableArea);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->addWidget(m_view, 0, 0);
    grid->addWidget(m_hint, 0, 0, Qt::AlignCenter);

    m_bottom->setObjectName(QStringLiteral("runsBottomTabs"));
    m_bottom->addTab(m_details, QStringLiteral("Details"));
    m_bottom->addTab(m_comparison, QStringLiteral("Compare selected runs"));

    auto* splitter = new QSplitter(Qt::Vertical);
    splitter->addWidget(tableArea);
    splitter->addWidget(m_bottom);
    // Equal shares: at 1366x768 the table shows five runs and the comparison stays readable.
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 1);
    splitter->setChildrenCollapsible(false);

    auto* top = new QHBoxLayout;
    top->addWidget(m_filter, 1);
    top->addWidget(m_count);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(10, 10, 10, 10);
    layout->setSpacing(8);
    layout->addLayout(top);
    layout->addWidget(splitter, 1);

    connect(m_filter, &QLineEdit::textChanged, m_proxy, [this](const QString& text) {
        m_proxy->setFilterFixedString(text);
        updateHint();
    });
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this, &RunsPage::onSelectionChanged);
    connect(m_model, &QAbstractItemModel::modelReset, this, &RunsPage::updateHint);
    connect(m_view, &QWidget::customContextMenuRequested, this, &RunsPage::onContextMenu);
    // Rows the proxy (re)inserts, after a reload or a filter change, come back closed: reopen them.
    connect(m_proxy, &QAbstractItemModel::modelReset, this, &RunsPage::applyExpansion);
    connect(m_proxy, &QAbstractItemModel::rowsInserted, this, &RunsPage::applyExpansion);
    connect(m_proxy, &QAbstractItemModel::layoutChanged, this, &RunsPage::applyExpansion);
    connect(m_view, &QTreeView::collapsed, this, [this](const QModelIndex& index) {
        if (!m_expanding) m_closedGroups.insert(index.data(RunsTableModel::GroupIdRole).toLongLong());
    });
    connect(m_view, &QTreeView::expanded, this, [this](const QModelIndex& index) {
        if (!m_expanding) m_closedGroups.erase(index.data(RunsTableModel::GroupIdRole).toLongLong());
    });
    updateHint();
}

void RunsPage::applyExpansion() {
    m_expanding = true;
    for (int row = 0; row < m_proxy->rowCount(); ++row) {
        const QModelIndex index = m_proxy->index(row, 0);
        if (!m_proxy->hasChildren(index)) continue;
        m_view->setExpanded(index, m_closedGroups.count(index.data(RunsTableModel::GroupIdRole).toLongLong()) == 0);
    }
    m_expanding = false;
}

void RunsPage::onContextMenu(const QPoint& pos) {
    const QModelIndex index = m_view->indexAt(pos);
    if (!index.isValid()) return;
    const qint64 runId = index.data(RunsTableModel::RunIdRole).toLongLong();
    if (runId == 0) return;  // a group's row: its runs have the actions
    // Like a file manager: a right click outside the selection selects that row first.
    if (!m_view->selectionModel()->isRowSelected(index.row(), index.parent())) selectRun(runId);
    Q_EMIT runContextMenuRequested(runId, m_view->viewport()->mapToGlobal(pos));
}

void RunsPage::setRuns(std::vector<core::RunRecord> runs, std::vector<core::RunGroupRecord> groups) {
    const std::vector<int64_t> selectedRuns = selectedRunIds();
    const std::vector<int64_t> selectedGroups = selectedGroupIds();
    const bool wasEmpty = m_model->rowCount() == 0;
    m_model->setRuns(std::move(runs), std::move(groups));
    if (wasEmpty && m_model->rowCount() > 0) {
        // Summaries can be long; leave them to the stretched last column.
        for (int column = 0; column < RunsTableModel::Summary; ++column) {
            m_view->resizeColumnToContents(column);
            m_view->setColumnWidth(column, std::min(m_view->columnWidth(column), 240));
        }
    }
    // Keep the selection (and so the comparison) across reloads, dropping rows that vanished.
    std::vector<QModelIndex> rows;
    for (int64_t id : selectedGroups) {
        if (const auto index = viewIndexOf(m_model->indexOfGroup(id))) rows.push_back(*index);
    }
    for (int64_t id : selectedRuns) {
        if (const auto index = viewIndexOf(m_model->indexOfRun(id))) rows.push_back(*index);
    }
    if (!rows.empty()) selectRows(rows);
    showDetails();
}

std::optional<QModelIndex> RunsPage::viewIndexOf(const QModelIndex& source) {
    if (!source.isValid()) return std::nullopt;
    QModelIndex index = m_proxy->mapFromSource(source);
    if (!index.isValid()) {
        m_filter->clear();
        index = m_proxy->mapFromSource(source);
    }
    if (index.parent().isValid()) m_view->expand(index.parent());
    return index;
}

void RunsPage::selectRows(const std::vector<QModelIndex>& rows) {
    QItemSelection selection;
    for (const QModelIndex& row : rows) selection.select(row, row.siblingAtColumn(m_proxy->columnCount(row.parent()) - 1));
    m_view->selectionModel()->setCurrentIndex(rows.front(), QItemSelectionModel::NoUpdate);
    m_view->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_view->scrollTo(rows.front());
}

bool RunsPage::selectRun(int64_t runId) {
    return selectRuns({runId});
}

bool RunsPage::selectRuns(const std::vector<int64_t>& runIds) {
    std::vector<QModelIndex> sources;
    for (int64_t id : runIds) sources.push_back(m_model->indexOfRun(id));
    return selectAll(sources);
}

bool RunsPage::selectGroups(const std::vector<int64_t>& groupIds) {
    std::vector<QModelIndex> sources;
    for (int64_t id : groupIds) sources.push_back(m_model->indexOfGroup(id));
    return selectAll(sources);
}

bool RunsPage::selectAll(const std::vector<QModelIndex>& sources) {
    std::vector<QModelIndex> rows;
    for (const QModelIndex& source : sources) {
        const std::optional<QModelIndex> index = viewIndexOf(source);
        if (!index) return false;
        rows.push_back(*index);
    }
    if (rows.empty()) return false;
    selectRows(rows);
    showComparison(rows.size() > 1);
    return true;
}

bool RunsPage::selectEntries(const std::vector<ComparedEntry>& entries) {
    std::vector<QModelIndex> rows;
    for (const ComparedEntry& entry : entries) {
        const QModelIndex source = entry.group ? m_model->indexOfGroup(entry.group->id)
                                               : m_model->indexOfRun(entry.runIds.front());
        if (const auto index = viewIndexOf(source)) rows.push_back(*index);
    }
    if (rows.empty()) return false;
    selectRows(rows);
    return true;
}

void RunsPage::changeEvent(QEvent* event) {
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) applyHintPalette();
}

void RunsPage::applyHintPalette() {
    QPalette hint = m_hint->palette();
    hint.setColor(QPalette::WindowText, palette().color(QPalette::Disabled, QPalette::WindowText));
    m_hint->setPalette(hint);
}

QString RunsPage::hintText() const {
    return m_hint->isHidden() ? QString() : m_hint->text();
}

void RunsPage::updateHint() {
    const int total = static_cast<int>(m_model->runs().size());
    int shown = 0;
    int groups = 0;
    for (int row = 0; row < m_proxy->rowCount(); ++row) {
        const QModelIndex index = m_proxy->index(row, 0);
        if (!RunsTableModel::isGroupRow(index)) {
            ++shown;
            continue;
        }
        shown += m_proxy->rowCount(index);
        ++groups;
    }
    if (total == 0) {
        m_hint->setText(QStringLiteral("No runs yet\nTrain a tokenizer or a model to see it here."));
    } else if (m_proxy->rowCount() == 0) {
        m_hint->setText(QStringLiteral("No runs match the filter"));
    }
    m_hint->setVisible(m_proxy->rowCount() == 0);
    QString count;
    if (total == 0) count.clear();
    else if (shown == total) count = total == 1 ? QStringLiteral("1 run") : QStringLiteral("%1 runs").arg(total);
    else count = QStringLiteral("%1 of %2 runs").arg(shown).arg(total);
    if (groups > 0) count += groups == 1 ? QStringLiteral(" · 1 group") : QStringLiteral(" · %1 groups").arg(groups);
    m_count->setText(count);
}

QModelIndexList RunsPage::orderedSelectedRows() const {
    QModelIndexList rows = m_view->selectionModel()->selectedRows();
    const auto position = [](const QModelIndex& index) {
        return index.parent().isValid() ? std::make_pair(index.parent().row(), index.row()) : std::make_pair(index.row(), -1);
    };
    std::sort(rows.begin(), rows.end(), [&](const QModelIndex& a, const QModelIndex& b) { return position(a) < position(b); });
    return rows;
}

std::vector<int64_t> RunsPage::selectedRunIds() const {
    std::vector<int64_t> ids;
    for (const QModelIndex& row : orderedSelectedRows()) {
        const qint64 id = row.data(RunsTableModel::RunIdRole).toLongLong();
        if (id > 0) ids.push_back(id);
    }
    return ids;
}

std::vector<int64_t> RunsPage::selectedGroupIds() const {
    std::vector<int64_t> ids;
    for (const QModelIndex& row : orderedSelectedRows()) {
        if (RunsTableModel::isGroupRow(row)) ids.push_back(row.data(RunsTableModel::GroupIdRole).toLongLong());
    }
    return ids;
}

std::vector<ComparedEntry> RunsPage::selectedEntries() const {
    const QModelIndexList rows = orderedSelectedRows();
    const std::vector<int64_t> groupRows = selectedGroupIds();
    const auto groupRowSelected = [&groupRows](int64_t id) {
        return std::find(groupRows.begin(), groupRows.end(), id) != groupRows.end();
    };
    const auto groupEntry = [this](int64_t groupId) {
        ComparedEntry entry;
        for (const core::RunRecord& run : m_model->groupRuns(groupId)) entry.runIds.push_back(run.id);
        entry.group = *m_model->findGroup(groupId);
        return entry;
    };
    std::map<int64_t, size_t> selectedMembers;  // group -> its runs selected on their own
    for (const QModelIndex& row : rows) {
        const qint64 group = row.data(RunsTableModel::GroupIdRole).toLongLong();
        if (group > 0 && !RunsTableModel::isGroupRow(row)) ++selectedMembers[group];
    }
    std::vector<ComparedEntry> entries;
    std::vector<int64_t> emitted;
    for (const QModelIndex& row : rows) {
        const qint64 group = row.data(RunsTableModel::GroupIdRole).toLongLong();
        if (RunsTableModel::isGroupRow(row)) {
            entries.push_back(groupEntry(group));
            continue;
        }
        if (group > 0 && groupRowSelected(group)) continue;  // its group's row stands for it
        const size_t members = group > 0 ? m_model->groupRuns(group).size() : 0;
        if (members > 1 && selectedMembers[group] == members) {  // every run of the group: the group
            if (std::find(emitted.begin(), emitted.end(), group) == emitted.end()) {
                emitted.push_back(group);
                entries.push_back(groupEntry(group));
            }
            continue;
        }
        entries.push_back({{row.data(RunsTableModel::RunIdRole).toLongLong()}, std::nullopt});
    }
    return entries;
}

void RunsPage::setProject(const ProjectContents& contents) {
    m_comparison->setProject(contents.paths);
    setRuns(contents.runs, contents.groups);
}

bool RunsPage::openRun(const core::RunRecord& run) {
    selectRun(run.id);
    return true;
}

std::vector<ComparedEntry> RunsPage::newestModelEntries(size_t count) const {
    std::vector<ComparedEntry> entries;
    std::vector<int64_t> groups;
    const std::vector<core::RunRecord>& runs = m_model->runs();
    for (auto it = runs.rbegin(); it != runs.rend() && entries.size() < count; ++it) {
        if (it->kind != core::RunKind::Model || it->status != core::RunStatus::Completed) continue;
        const QModelIndex index = m_model->indexOfRun(it->id);
        const qint64 group = index.data(RunsTableModel::GroupIdRole).toLongLong();
        if (group == 0) {
            entries.push_back({{it->id}, std::nullopt});
        } else if (std::find(groups.begin(), groups.end(), group) == groups.end()) {
            groups.push_back(group);
            ComparedEntry entry;
            for (const core::RunRecord& run : m_model->groupRuns(group)) entry.runIds.push_back(run.id);
            entry.group = *m_model->findGroup(group);
            entries.push_back(std::move(entry));
        }
    }
    return entries;
}

void RunsPage::showView(const QString& name, std::function<void()> ready) {
    if (name == QLatin1String("runs")) {
        showComparison(false);
        ready();
        return;
    }
    const bool significance = name == QLatin1String("significance");
    std::vector<ComparedEntry> entries = newestModelEntries(significance ? 2 : 4);
    // Without a completed model run, the newest run of any kind.
    if (entries.empty() && !m_model->runs().empty()) entries.push_back({{m_model->runs().back().id}, std::nullopt});
    m_pendingView.wait(name, std::move(ready));
    const bool alreadyShown = !entries.empty() && sameEntries(entries, selectedEntries()) && m_comparison->comparedRuns() > 0;
    const bool comparing = !entries.empty() && !alreadyShown && selectEntries(entries);
    showComparison(true);
    if (significance) {
        m_comparison->showSignificance();
        if (!comparing && !m_comparison->significance()->isComputing()) m_pendingView.complete();
        return;
    }
    if (!comparing) m_pendingView.complete();
}

void RunsPage::showComparison(bool comparison) {
    m_bottom->setCurrentWidget(comparison ? static_cast<QWidget*>(m_comparison) : m_details);
}

QString RunsPage::detailsText() const {
    return m_details->toPlainText();
}

void RunsPage::onSelectionChanged() {
    showDetails();
    const std::vector<ComparedEntry> entries = selectedEntries();
    m_comparison->compareEntries(entries);
    if (entries.size() > 1) showComparison(true);
}

void RunsPage::showDetails() {
    // The current row when it is selected, else the first selected one.
    QModelIndex row = m_view->selectionModel()->currentIndex();
    if (!row.isValid() || !m_view->selectionModel()->isRowSelected(row.row(), row.parent())) {
        const QModelIndexList rows = orderedSelectedRows();
        row = rows.isEmpty() ? QModelIndex() : rows.front();
    }
    if (!row.isValid()) {
        m_details->clear();
        return;
    }
    if (RunsTableModel::isGroupRow(row)) {
        const int64_t group = row.data(RunsTableModel::GroupIdRole).toLongLong();
        if (const core::RunGroupRecord* record = m_model->findGroup(group)) {
            m_details->setPlainText(describeGroup(*record, m_model->groupRuns(group), m_model->groupFigures(group)));
            return;
        }
    }
    const core::RunRecord* run = m_model->findRun(row.data(RunsTableModel::RunIdRole).toLongLong());
    if (run) m_details->setPlainText(describeRun(*run));
    else m_details->clear();
}

}  // namespace tokenbench::ui
