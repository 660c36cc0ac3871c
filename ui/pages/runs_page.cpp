#include "pages/runs_page.h"

#include <algorithm>

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
#include <QTableView>
#include <QVBoxLayout>

#include "models/runs_sort_proxy.h"
#include "models/runs_table_model.h"
#include "pages/run_comparison.h"
#include "run_status.h"
#include "text_format.h"
#include "tokenbench/storage/run_summary.h"

namespace tokenbench::ui {
namespace {

/// A stored JSON document as indented "key  value" lines, keys aligned.
QString fieldLines(const std::string& json) {
    const auto entries = core::displayEntries(json);
    int width = 0;
    for (const auto& [key, value] : entries) width = std::max(width, static_cast<int>(key.size()));
    QStringList lines;
    for (const auto& [key, value] : entries) {
        lines << QStringLiteral("  %1  %2").arg(QString::fromStdString(key), -width).arg(QString::fromStdString(value));
    }
    return lines.isEmpty() ? QStringLiteral("  (none)") : lines.join(QLatin1Char('\n'));
}

QString describeRun(const core::RunRecord& run) {
    QStringList lines;
    const auto field = [&lines](const QString& label, const QString& value) {
        if (!value.isEmpty()) lines << QStringLiteral("%1 %2").arg(label + QLatin1Char(':'), -12).arg(value);
    };
    field(QStringLiteral("Run"), runDisplayName(run));
    field(QStringLiteral("Kind"), runKindLabel(run.kind));
    field(QStringLiteral("Component"),
          QStringLiteral("%1 v%2").arg(QString::fromStdString(run.componentId)).arg(run.componentVersion));
    field(QStringLiteral("Status"), runStatusLabel(run.status));
    field(QStringLiteral("Data set"),
          QStringLiteral("%1 (id %2)").arg(QString::fromStdString(run.datasetName)).arg(run.datasetId));
    if (run.featureSetId) field(QStringLiteral("Features"), QString::number(*run.featureSetId));
    if (run.tokenizerRunId) field(QStringLiteral("Tokenizer"), QStringLiteral("#%1").arg(*run.tokenizerRunId));
    field(QStringLiteral("Device"), QString::fromStdString(run.device));
    field(QStringLiteral("Seed"), QString::number(run.seed));
    field(QStringLiteral("Created"), QString::fromStdString(run.createdAt));
    if (run.startedAt) field(QStringLiteral("Started"), QString::fromStdString(*run.startedAt));
    if (run.finishedAt) field(QStringLiteral("Finished"), QString::fromStdString(*run.finishedAt));
    field(QStringLiteral("Code"), QString::fromStdString(run.codeVersion));
    field(QStringLiteral("Data hash"), QString::fromStdString(run.dataHash));
    field(QStringLiteral("Message"), QString::fromStdString(run.message));
    lines << QString() << QStringLiteral("Config") << fieldLines(run.configJson);
    lines << QString() << QStringLiteral("Summary") << fieldLines(run.summaryJson);
    return lines.join(QLatin1Char('\n'));
}

}  // namespace

RunsPage::RunsPage(QWidget* parent)
    : QWidget(parent),
      m_model(new RunsTableModel(this)),
      m_proxy(new RunsSortProxy(this)),
      m_view(new QTableView),
      m_filter(new QLineEdit),
      m_count(new QLabel),
      m_hint(new QLabel),
      m_details(new QPlainTextEdit),
      m_bottom(new QTabWidget),
      m_comparison(new RunComparison) {
    setObjectName(QStringLiteral("runsPage"));
    connect(m_comparison, &RunComparison::compared, this, [this](int runs) {
        if (runs > 0 && m_pendingView.isWaitingFor(QStringLiteral("compare"))) m_pendingView.complete();
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
    m_view->setWordWrap(false);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->horizontalHeader()->setHighlightSections(false);
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
    m_details->setPlaceholderText(QStringLiteral("Select a run to see its configuration and results."));

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
    updateHint();
}

void RunsPage::onContextMenu(const QPoint& pos) {
    const QModelIndex index = m_view->indexAt(pos);
    if (!index.isValid()) return;
    const qint64 runId = index.data(RunsTableModel::RunIdRole).toLongLong();
    // Like a file manager: a right click outside the selection selects that row first.
    if (!m_view->selectionModel()->isRowSelected(index.row(), index.parent())) selectRun(runId);
    Q_EMIT runContextMenuRequested(runId, m_view->viewport()->mapToGlobal(pos));
}

void RunsPage::setRuns(std::vector<core::RunRecord> runs) {
    const std::vector<int64_t> selected = selectedRunIds();
    const bool wasEmpty = m_model->rowCount() == 0;
    m_model->setRuns(std::move(runs));
    if (wasEmpty && m_model->rowCount() > 0) {
        m_view->resizeColumnsToContents();
        // Summaries can be long; leave them to the stretched last column.
        for (int column = 0; column < RunsTableModel::Summary; ++column) {
            m_view->setColumnWidth(column, std::min(m_view->columnWidth(column), 240));
        }
    }
    // Keep the selection (and so the comparison) across reloads, dropping runs that vanished.
    std::vector<int64_t> still;
    for (int64_t id : selected) {
        if (m_model->rowOfRun(id)) still.push_back(id);
    }
    if (still.size() == 1) selectRun(still.front());
    else if (still.size() > 1) selectRuns(still);
    showDetails();
}

std::optional<QModelIndex> RunsPage::viewIndexOfRun(int64_t runId) {
    const auto row = m_model->rowOfRun(runId);
    if (!row) return std::nullopt;
    QModelIndex index = m_proxy->mapFromSource(m_model->index(*row, 0));
    if (!index.isValid()) {
        m_filter->clear();
        index = m_proxy->mapFromSource(m_model->index(*row, 0));
    }
    return index;
}

bool RunsPage::selectRun(int64_t runId) {
    const std::optional<QModelIndex> index = viewIndexOfRun(runId);
    if (!index) return false;
    m_view->selectionModel()->setCurrentIndex(*index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_view->scrollTo(*index);
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
    const int total = m_model->rowCount();
    const int shown = m_proxy->rowCount();
    if (total == 0) {
        m_hint->setText(QStringLiteral("No runs yet\nTrain a tokenizer or a model to see it here."));
    } else if (shown == 0) {
        m_hint->setText(QStringLiteral("No runs match the filter"));
    }
    m_hint->setVisible(shown == 0);
    if (total == 0) {
        m_count->clear();
    } else if (shown == total) {
        m_count->setText(total == 1 ? QStringLiteral("1 run") : QStringLiteral("%1 runs").arg(total));
    } else {
        m_count->setText(QStringLiteral("%1 of %2 runs").arg(shown).arg(total));
    }
}

int64_t RunsPage::selectedRunId() const {
    const QModelIndex current = m_view->selectionModel()->currentIndex();
    if (current.isValid() && m_view->selectionModel()->isRowSelected(current.row(), current.parent())) {
        return current.data(RunsTableModel::RunIdRole).toLongLong();
    }
    const QModelIndexList rows = m_view->selectionModel()->selectedRows();
    if (rows.isEmpty()) return 0;
    return rows.front().data(RunsTableModel::RunIdRole).toLongLong();
}

std::vector<int64_t> RunsPage::selectedRunIds() const {
    QModelIndexList rows = m_view->selectionModel()->selectedRows();
    std::sort(rows.begin(), rows.end(), [](const QModelIndex& a, const QModelIndex& b) { return a.row() < b.row(); });
    std::vector<int64_t> ids;
    for (const QModelIndex& row : rows) ids.push_back(row.data(RunsTableModel::RunIdRole).toLongLong());
    return ids;
}

void RunsPage::setProject(const ProjectContents& contents) {
    setDatabase(contents.paths.database);
    setRuns(contents.runs);
}

bool RunsPage::openRun(const core::RunRecord& run) {
    selectRun(run.id);
    return true;
}

void RunsPage::showView(const QString& name, std::function<void()> ready) {
    if (name != QLatin1String("compare")) {
        showComparison(false);
        ready();
        return;
    }
    // The completed model runs (else all runs), newest first, at most a handful.
    const std::vector<core::RunRecord>& runs = m_model->runs();
    std::vector<int64_t> ids;
    for (auto it = runs.rbegin(); it != runs.rend() && ids.size() < 4; ++it) {
        if (it->kind == core::RunKind::Model && it->status == core::RunStatus::Completed) ids.push_back(it->id);
    }
    for (auto it = runs.rbegin(); it != runs.rend() && ids.empty(); ++it) ids.push_back(it->id);
    m_pendingView.wait(name, std::move(ready));
    std::vector<int64_t> sorted = ids;
    std::vector<int64_t> selected = selectedRunIds();
    std::sort(sorted.begin(), sorted.end());
    std::sort(selected.begin(), selected.end());
    const bool alreadyShown = !ids.empty() && sorted == selected && m_comparison->comparedRuns() > 0;
    const bool comparing = !ids.empty() && !alreadyShown && selectRuns(ids);
    showComparison(true);
    if (!comparing) m_pendingView.complete();
}

void RunsPage::setDatabase(const std::string& dbPath) {
    m_comparison->setDatabase(dbPath);
}

bool RunsPage::selectRuns(const std::vector<int64_t>& runIds) {
    QItemSelection selection;
    for (int64_t id : runIds) {
        const std::optional<QModelIndex> index = viewIndexOfRun(id);
        if (!index) return false;
        selection.select(*index, index->siblingAtColumn(m_proxy->columnCount() - 1));
    }
    m_view->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    showComparison(runIds.size() > 1);
    return true;
}

void RunsPage::showComparison(bool comparison) {
    m_bottom->setCurrentWidget(comparison ? static_cast<QWidget*>(m_comparison) : m_details);
}

void RunsPage::onSelectionChanged() {
    showDetails();
    const std::vector<int64_t> ids = selectedRunIds();
    m_comparison->compare(ids);
    if (ids.size() > 1) showComparison(true);
}

void RunsPage::showDetails() {
    const int64_t runId = selectedRunId();
    const auto row = runId > 0 ? m_model->rowOfRun(runId) : std::nullopt;
    if (!row) {
        m_details->clear();
        return;
    }
    m_details->setPlainText(describeRun(m_model->runs()[static_cast<size_t>(*row)]));
}

}  // namespace tokenbench::ui
