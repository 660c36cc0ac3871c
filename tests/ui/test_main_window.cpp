// The main window on a real (tiny) project: explorer, runs table, data-set page, rendering, and
// the `tokenbench --screenshot` command. Runs offscreen (QT_QPA_PLATFORM=offscreen).

#include <memory>
#include <set>

#include <spdlog/spdlog.h>

#include <QAbstractItemModelTester>
#include <QAction>
#include <QContextMenuEvent>
#include <QMenu>
#include <QDir>
#include <QFileInfo>
#include <QImage>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QProcess>
#include <QSettings>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTreeView>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

#include "app_identity.h"
#include "gui_options.h"
#include "log/log_dock.h"
#include "main_window.h"
#include "models/runs_sort_proxy.h"
#include "models/runs_table_model.h"
#include "pages/dataset_page.h"
#include "pages/model_page.h"
#include "pages/runs_page.h"
#include "pages/tokenizer_page.h"
#include "plots/plot_probe.h"
#include "project_explorer.h"
#include "recent_projects.h"
#include "temp_project.h"
#include "tokenbench/data/synthetic.h"
#include "tokenbench/logging.h"
#include "tokenbench/models/recommender.h"
#include "tokenbench/project.h"
#include "tokenbench/registry.h"
#include "tokenbench/storage/experiment_store.h"
#include "tokenbench/tokenizers/tokenizer.h"

using namespace tokenbench;

namespace {

constexpr int kTimeoutMs = 30000;
const QString kDatasetName = QStringLiteral("small-synthetic");
const QString kRunName = QStringLiteral("baseline-codes");

/// Distinct colours in a grid sample of `image`: a blank or single-colour window has a handful.
int distinctColors(const QImage& image) {
    std::set<QRgb> colors;
    for (int y = 0; y < image.height(); y += 3) {
        for (int x = 0; x < image.width(); x += 3) colors.insert(image.pixel(x, y));
    }
    return static_cast<int>(colors.size());
}

}  // namespace

class TestMainWindow final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void explorerListsDatasetAndRun();
    void runsModelShowsRunAndFilters();
    void runsTableSortsMetricsNumerically();
    void runsTableContextMenuOffersRunActions();
    void trainShortcutFollowsThePage();
    void startupReopensTheLastProject();
    void datasetPageShowsStatsPlotsAndRenders();
    void emptyProjectShowsHints();
    void logDockShowsLogLines();
    void settingsKeepRecentProjectsAndLayout();
    void screenshotCommandWritesPng();
    void pageOptionNamesAPage();

private:
    /// Opens `folder` in a fresh window and waits until its data views are ready.
    void openWindow(const QString& folder, ui::MainWindowOptions options = {false});

    core::Registry m_registry;
    test::TempProject m_project;
    test::TempProject m_emptyProject;
    int64_t m_datasetId = 0;
    int64_t m_runId = 0;
    int64_t m_users = 0;
    std::unique_ptr<ui::MainWindow> m_window;
};

void TestMainWindow::initTestCase() {
    QStandardPaths::setTestModeEnabled(true);  // QSettings and data locations go to a scratch place
    core::registerTokenizers(m_registry);
    core::registerModels(m_registry);
    QVERIFY(m_project.isValid());
    QVERIFY(m_emptyProject.isValid());
    core::initLogging("info");

    const core::ProjectPaths paths = core::ensureProject(m_project.path());
    core::SyntheticConfig config;
    config.seed = 7;
    config.users = 300;
    config.items = 120;
    config.branching = {3, 2};
    const core::SyntheticData data = core::generateSynthetic(config);
    m_users = core::computeStats(data.dataset).users;
    QCOMPARE(m_users, int64_t(300));

    core::ExperimentStore store(paths.database);
    m_datasetId = store.saveDataset(kDatasetName.toStdString(), data.dataset, "generator", "synthetic", "{}");
    const auto record = store.findDataset(kDatasetName.toStdString());
    QVERIFY(record.has_value());
    core::RunSpec spec;
    spec.kind = core::RunKind::Tokenizer;
    spec.componentId = "rq-kmeans";
    spec.name = kRunName.toStdString();
    spec.datasetId = m_datasetId;
    spec.seed = 11;
    spec.dataHash = record->dataHash;
    m_runId = store.createRun(spec);
    QVERIFY(m_runId > 0);
}

void TestMainWindow::openWindow(const QString& folder, ui::MainWindowOptions options) {
    m_window.reset();
    m_window = std::make_unique<ui::MainWindow>(m_registry, options);
    QSignalSpy ready(m_window.get(), &ui::MainWindow::dataViewsReady);
    m_window->show();
    m_window->openProject(folder);
    QTRY_VERIFY_WITH_TIMEOUT(!ready.isEmpty(), kTimeoutMs);
    QVERIFY(m_window->hasProject());
    QVERIFY(!m_window->datasetPage()->isLoading());
}

void TestMainWindow::explorerListsDatasetAndRun() {
    openWindow(QString::fromStdString(m_project.path()));
    if (QTest::currentTestFailed()) return;

    using Group = ui::ProjectExplorer::Group;
    const ui::ProjectExplorer* explorer = m_window->explorer();
    QCOMPARE(explorer->entries(Group::Datasets), QStringList{kDatasetName});
    QCOMPARE(explorer->entries(Group::TokenizerRuns), QStringList{QStringLiteral("#%1 %2").arg(m_runId).arg(kRunName)});
    QVERIFY(explorer->entries(Group::ModelRuns).isEmpty());
    QVERIFY(explorer->entries(Group::FeatureSets).isEmpty());

    QCOMPARE(m_window->windowTitle(), QStringLiteral("Tokenbench — project"));
    const auto* projectLabel = m_window->findChild<QLabel*>(QStringLiteral("projectLabel"));
    QVERIFY(projectLabel);
    QVERIFY(projectLabel->text().endsWith(QStringLiteral("project")));
    const auto* runtimeLabel = m_window->findChild<QLabel*>(QStringLiteral("runtimeLabel"));
    QVERIFY(runtimeLabel);
    QVERIFY2(runtimeLabel->text().startsWith(QStringLiteral("CPU")) ||
                 runtimeLabel->text().startsWith(QStringLiteral("GPU")),
             qPrintable(runtimeLabel->text()));

    // Clicking a tokenizer run in the explorer shows it on the Tokenizer page.
    QTreeWidget* tree = m_window->explorer()->tree();
    const QList<QTreeWidgetItem*> found =
        tree->findItems(QStringLiteral("#%1 %2").arg(m_runId).arg(kRunName), Qt::MatchExactly | Qt::MatchRecursive);
    QCOMPARE(found.size(), 1);
    tree->scrollToItem(found.front());
    QSignalSpy shown(m_window->tokenizerPage(), &ui::TokenizerPage::runShown);
    QTest::mouseClick(tree->viewport(), Qt::LeftButton, {}, tree->visualItemRect(found.front()).center());
    QCOMPARE(m_window->tabs()->currentWidget(), static_cast<QWidget*>(m_window->tokenizerPage()));
    QCOMPARE(m_window->tokenizerPage()->shownRunId(), m_runId);
    QTRY_VERIFY_WITH_TIMEOUT(!shown.isEmpty(), kTimeoutMs);
    QCOMPARE(shown.front().front().toLongLong(), m_runId);

    // A new run appears after reload(), without reopening the project.
    {
        core::ExperimentStore store(core::projectPaths(m_project.path()).database);
        core::RunSpec spec;
        spec.kind = core::RunKind::Model;
        spec.componentId = "sasrec";
        spec.datasetId = m_datasetId;
        const int64_t modelRun = store.createRun(spec);
        m_window->reload();
        QCOMPARE(m_window->explorer()->entries(Group::ModelRuns),
                 QStringList{QStringLiteral("#%1 sasrec").arg(modelRun)});
    }
}

void TestMainWindow::runsModelShowsRunAndFilters() {
    openWindow(QString::fromStdString(m_project.path()));
    if (QTest::currentTestFailed()) return;

    ui::RunsPage* page = m_window->runsPage();
    ui::RunsTableModel* model = page->model();
    QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester proxyTester(page->proxyModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);

    const QModelIndex row = model->indexOfRun(m_runId);
    QVERIFY(row.isValid());
    const auto cell = [&](int column) { return row.siblingAtColumn(column).data().toString(); };
    QCOMPARE(cell(ui::RunsTableModel::Id), QString::number(m_runId));
    QCOMPARE(cell(ui::RunsTableModel::Kind), QStringLiteral("Tokenizer"));
    QCOMPARE(cell(ui::RunsTableModel::Component), QStringLiteral("rq-kmeans"));
    QCOMPARE(cell(ui::RunsTableModel::Name), kRunName);
    QCOMPARE(cell(ui::RunsTableModel::Dataset), kDatasetName);
    // The fixture's run has no live owner: opening the project marks it interrupted.
    QCOMPARE(cell(ui::RunsTableModel::Status), QStringLiteral("Interrupted"));
    QCOMPARE(cell(ui::RunsTableModel::Seed), QStringLiteral("11"));
    QCOMPARE(model->headerData(ui::RunsTableModel::Dataset, Qt::Horizontal).toString(), QStringLiteral("Data set"));
    QVERIFY(page->hintText().isEmpty());

    // The filter narrows rows through the proxy and explains an empty result.
    page->filterEdit()->setText(QStringLiteral("RQ-KMEANS"));
    QCOMPARE(page->proxyModel()->rowCount(), 1);
    page->filterEdit()->setText(QStringLiteral("no-such-component"));
    QCOMPARE(page->proxyModel()->rowCount(), 0);
    QCOMPARE(page->hintText(), QStringLiteral("No runs match the filter"));
    page->filterEdit()->clear();
    QVERIFY(page->proxyModel()->rowCount() >= 1);

    // Sorting by id descending puts the newest run first.
    page->proxyModel()->sort(ui::RunsTableModel::Id, Qt::DescendingOrder);
    const qint64 first = page->proxyModel()->index(0, 0).data(ui::RunsTableModel::RunIdRole).toLongLong();
    for (const core::RunRecord& run : model->runs()) QVERIFY(first >= run.id);

    QVERIFY(page->selectRun(m_runId));
}

void TestMainWindow::runsTableSortsMetricsNumerically() {
    // Values whose text order differs from their numeric order ("10" < "9", "12.25" < "9.50").
    const auto modelRun = [](int64_t id, double ndcg, int bestEpoch, double secondsPerEpoch) {
        core::RunRecord run;
        run.id = id;
        run.kind = core::RunKind::Model;
        run.status = core::RunStatus::Completed;
        run.summaryJson = QStringLiteral(R"({"best_epoch":%1,"seconds_per_epoch":%2,"test":{"ndcg@10":%3,"recall@10":0.5}})")
                              .arg(bestEpoch)
                              .arg(secondsPerEpoch)
                              .arg(ndcg)
                              .toStdString();
        return run;
    };
    core::RunRecord tokenizer;
    tokenizer.id = 1;
    tokenizer.kind = core::RunKind::Tokenizer;
    tokenizer.status = core::RunStatus::Completed;
    tokenizer.summaryJson = R"({"collision_rate":0.01,"unique_ids":118})";
    ui::RunsTableModel model;
    model.setRuns({tokenizer, modelRun(2, 0.031, 9, 9.5), modelRun(3, 0.1204, 10, 12.25), modelRun(4, 0.0045, 2, 100)});
    ui::RunsSortProxy proxy;
    proxy.setSourceModel(&model);
    QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const auto order = [&proxy] {
        QList<qint64> ids;
        for (int row = 0; row < proxy.rowCount(); ++row) ids << proxy.index(row, 0).data(ui::RunsTableModel::RunIdRole).toLongLong();
        return ids;
    };

    QCOMPARE(model.headerData(ui::RunsTableModel::TestNdcg10, Qt::Horizontal).toString(), QStringLiteral("NDCG@10"));
    QCOMPARE(model.headerData(ui::RunsTableModel::TestNdcg10, Qt::Horizontal, Qt::InitialSortOrderRole).toInt(),
             int(Qt::DescendingOrder));
    QCOMPARE(model.index(2, ui::RunsTableModel::TestNdcg10).data().toString(), QStringLiteral("0.1204"));
    QCOMPARE(model.index(2, ui::RunsTableModel::BestEpoch).data().toString(), QStringLiteral("10"));
    QVERIFY(model.index(0, ui::RunsTableModel::TestNdcg10).data().toString().isEmpty());
    // The columns' values are not repeated in the summary; the rest is.
    QVERIFY(!model.index(1, ui::RunsTableModel::Summary).data().toString().contains(QStringLiteral("best_epoch")));
    QCOMPARE(model.index(0, ui::RunsTableModel::CollisionRate).data().toString(), QStringLiteral("0.0100"));
    QVERIFY(!model.index(0, ui::RunsTableModel::Summary).data().toString().contains(QStringLiteral("collision_rate")));
    QVERIFY(model.index(0, ui::RunsTableModel::Summary).data().toString().contains(QStringLiteral("unique_ids")));

    // Best NDCG@10 first; the tokenizer run (no value) stays last in both orders.
    proxy.sort(ui::RunsTableModel::TestNdcg10, Qt::DescendingOrder);
    QCOMPARE(order(), (QList<qint64>{3, 2, 4, 1}));
    proxy.sort(ui::RunsTableModel::TestNdcg10, Qt::AscendingOrder);
    QCOMPARE(order(), (QList<qint64>{4, 2, 3, 1}));
    proxy.sort(ui::RunsTableModel::BestEpoch, Qt::AscendingOrder);
    QCOMPARE(order(), (QList<qint64>{4, 2, 3, 1}));
    proxy.sort(ui::RunsTableModel::SecondsPerEpoch, Qt::DescendingOrder);
    QCOMPARE(order(), (QList<qint64>{4, 3, 2, 1}));
}

void TestMainWindow::runsTableContextMenuOffersRunActions() {
    openWindow(QString::fromStdString(m_project.path()));
    if (QTest::currentTestFailed()) return;
    ui::RunsPage* page = m_window->runsPage();
    m_window->tabs()->setCurrentWidget(page);
    page->filterEdit()->clear();
    const QModelIndex row = page->model()->indexOfRun(m_runId, ui::RunsTableModel::Name);
    QVERIFY(row.isValid());
    const QModelIndex index = page->proxyModel()->mapFromSource(row);
    QTreeView* view = page->view();
    view->clearSelection();
    const QPoint pos = view->visualRect(index).center();

    QSignalSpy requested(page, &ui::RunsPage::runContextMenuRequested);
    QContextMenuEvent event(QContextMenuEvent::Mouse, pos, view->viewport()->mapToGlobal(pos));
    QCoreApplication::sendEvent(view->viewport(), &event);
    QCOMPARE(requested.size(), 1);
    QCOMPARE(requested.front().front().toLongLong(), m_runId);
    QCOMPARE(page->selectedRunIds(), std::vector<int64_t>{m_runId});  // the clicked row got selected

    // The same actions as the Project dock's menu, less "Show in runs table"; exports wait for completion.
    QMenu* menu = nullptr;
    QTRY_VERIFY((menu = m_window->findChild<QMenu*>(QStringLiteral("runMenu"))) != nullptr && menu->isVisible());
    QStringList texts;
    for (const QAction* action : menu->actions()) {
        if (!action->isSeparator()) texts << action->text();
    }
    QCOMPARE(texts, (QStringList{QStringLiteral("Show"), QStringLiteral("Export semantic IDs as CSV…"),
                                 QStringLiteral("Export semantic IDs as JSON…")}));
    QVERIFY(!menu->actions().back()->isEnabled());  // the run never completed
    menu->close();
}

void TestMainWindow::trainShortcutFollowsThePage() {
    openWindow(QString::fromStdString(m_project.path()));
    if (QTest::currentTestFailed()) return;
    auto* trainTokenizer = m_window->findChild<QAction*>(QStringLiteral("trainTokenizerAction"));
    auto* trainModel = m_window->findChild<QAction*>(QStringLiteral("trainModelAction"));
    auto* cancel = m_window->findChild<QAction*>(QStringLiteral("cancelJobAction"));
    QVERIFY(trainTokenizer && trainModel && cancel);
    const QKeySequence train(Qt::CTRL | Qt::Key_Return);
    m_window->tabs()->setCurrentWidget(m_window->tokenizerPage());
    QCOMPARE(trainTokenizer->shortcut(), train);
    QVERIFY(trainModel->shortcut().isEmpty());
    m_window->tabs()->setCurrentWidget(m_window->modelPage());
    QCOMPARE(trainModel->shortcut(), train);
    QVERIFY(trainTokenizer->shortcut().isEmpty());
    m_window->tabs()->setCurrentWidget(m_window->runsPage());
    QVERIFY(trainModel->shortcut().isEmpty() && trainTokenizer->shortcut().isEmpty());
    // Cancel (Ctrl+. or Esc) only while the visible page trains, so Esc is otherwise the widgets'.
    QVERIFY(cancel->shortcuts().contains(QKeySequence(Qt::Key_Escape)));
    QVERIFY(!cancel->isEnabled());
}

void TestMainWindow::startupReopensTheLastProject() {
    const QString folder = QDir::cleanPath(QString::fromStdString(m_project.path()));
    ui::RecentProjects::add(folder);
    ui::RecentProjects::clear();  // clearing the menu's list keeps the project to reopen
    QCOMPARE(ui::RecentProjects::last(), folder);

    m_window = std::make_unique<ui::MainWindow>(m_registry, ui::MainWindowOptions{true});
    QSignalSpy opened(m_window.get(), &ui::MainWindow::projectOpened);
    m_window->openStartupProject();
    QTRY_VERIFY_WITH_TIMEOUT(!opened.isEmpty(), kTimeoutMs);
    QCOMPARE(QDir::cleanPath(opened.front().front().toString()), folder);
    m_window.reset();

    // A last project whose folder lost its database is not reopened (the demo is opened instead).
    QTemporaryDir gone;
    ui::RecentProjects::add(gone.path());
    QVERIFY(ui::RecentProjects::last().isEmpty());
    ui::RecentProjects::clear();
}

void TestMainWindow::datasetPageShowsStatsPlotsAndRenders() {
    openWindow(QString::fromStdString(m_project.path()));
    if (QTest::currentTestFailed()) return;

    ui::DatasetPage* page = m_window->datasetPage();
    QCOMPARE(page->currentDatasetId(), std::optional<int64_t>(m_datasetId));
    QVERIFY2(page->errorText().isEmpty(), qPrintable(page->errorText()));
    QCOMPARE(page->statValue(QStringLiteral("users")), QLocale().toString(static_cast<qlonglong>(m_users)));
    QCOMPARE(page->statValue(QStringLiteral("items")), QLocale().toString(120));
    QVERIFY(page->statValue(QStringLiteral("interactions")) != QStringLiteral("–"));

    const ui::PlotProbe lengths = ui::probePlot(page->sequenceLengthPlot());
    QVERIFY(lengths.isPlot);
    QCOMPARE(lengths.title, QStringLiteral("Sequence length distribution"));
    QCOMPARE(lengths.xLabel, QStringLiteral("Sequence length (items)"));
    QCOMPARE(lengths.yLabel, QStringLiteral("Users"));
    QVERIFY(lengths.dataPoints > 0);

    const ui::PlotProbe popularity = ui::probePlot(page->popularityPlot());
    QVERIFY(popularity.isPlot);
    QCOMPARE(popularity.title, QStringLiteral("Item popularity (long tail)"));
    QCOMPARE(popularity.xLabel, QStringLiteral("Item rank"));
    QCOMPARE(popularity.yLabel, QStringLiteral("Interactions"));
    QVERIFY(popularity.xLogarithmic && popularity.yLogarithmic);
    QVERIFY(popularity.dataPoints > 0);
    QVERIFY(popularity.dataPoints <= 120);

    // Rendering the whole window gives a real picture, not a blank or flat one.
    const QImage image = m_window->grab().toImage();
    QVERIFY(!image.isNull());
    QVERIFY(image.width() >= 800 && image.height() >= 500);
    const int colors = distinctColors(image);
    QVERIFY2(colors > 40, qPrintable(QStringLiteral("only %1 distinct colours").arg(colors)));
}

void TestMainWindow::emptyProjectShowsHints() {
    // A folder that does not exist yet becomes an empty project.
    const QString folder = QString::fromStdString(m_emptyProject.path());
    QVERIFY(!QFileInfo::exists(folder));
    openWindow(folder);
    if (QTest::currentTestFailed()) return;

    QVERIFY(QFileInfo::exists(QString::fromStdString(core::projectPaths(m_emptyProject.path()).database)));
    using Group = ui::ProjectExplorer::Group;
    for (Group group : {Group::Datasets, Group::FeatureSets, Group::TokenizerRuns, Group::ModelRuns}) {
        QVERIFY(m_window->explorer()->entries(group).isEmpty());
    }
    QCOMPARE(m_window->runsPage()->model()->rowCount(), 0);
    QVERIFY(m_window->runsPage()->hintText().startsWith(QStringLiteral("No runs yet")));
    QVERIFY(!m_window->datasetPage()->currentDatasetId().has_value());
    QCOMPARE(ui::probePlot(m_window->datasetPage()->sequenceLengthPlot()).dataPoints, 0);
    QVERIFY(m_window->datasetPage()->errorText().isEmpty());
}

void TestMainWindow::logDockShowsLogLines() {
    openWindow(QString::fromStdString(m_project.path()));
    if (QTest::currentTestFailed()) return;

    spdlog::info("log dock marker 4711");
    spdlog::warn("log dock warning 4712");
    const ui::LogDock* dock = m_window->logDock();
    QTRY_VERIFY_WITH_TIMEOUT(dock->plainText().contains(QStringLiteral("log dock marker 4711")), kTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(dock->plainText().contains(QStringLiteral("log dock warning 4712")), kTimeoutMs);
    // Opening the project was logged too.
    QVERIFY(dock->plainText().contains(QStringLiteral("Opened project")));
}

void TestMainWindow::settingsKeepRecentProjectsAndLayout() {
    ui::RecentProjects::clear();
    const QString folder = QString::fromStdString(m_project.path());
    openWindow(folder, ui::MainWindowOptions{true});
    if (QTest::currentTestFailed()) return;
    QCOMPARE(ui::RecentProjects::list().value(0), QDir::cleanPath(folder));

    m_window->resize(1100, 700);
    QVERIFY(m_window->close());
    const QSettings settings(ui::kOrganizationName, ui::kApplicationName);
    QVERIFY2(settings.fileName().contains(QStringLiteral("qttest")), qPrintable(settings.fileName()));
    QVERIFY(!settings.value(QStringLiteral("mainWindow/geometry")).toByteArray().isEmpty());
    QVERIFY(!settings.value(QStringLiteral("mainWindow/state")).toByteArray().isEmpty());

    // A new window comes back with the saved size; the list stays capped at eight entries.
    const ui::MainWindow restored(m_registry, ui::MainWindowOptions{true});
    QCOMPARE(restored.size(), QSize(1100, 700));
    ui::RecentProjects::add(folder + QStringLiteral("/../project"));  // same folder, not a new entry
    QCOMPARE(ui::RecentProjects::list(), QStringList{QDir::cleanPath(folder)});
    QTemporaryDir others;
    for (int i = 0; i < 12; ++i) {
        const QString other = others.filePath(QString::number(i));
        QVERIFY(QDir().mkpath(other));
        ui::RecentProjects::add(other);
    }
    const QStringList recent = ui::RecentProjects::list();
    QCOMPARE(recent.size(), ui::RecentProjects::kMaxEntries);
    QCOMPARE(recent.front(), QDir::cleanPath(others.filePath(QStringLiteral("11"))));
    ui::RecentProjects::clear();
}

void TestMainWindow::screenshotCommandWritesPng() {
#ifndef TOKENBENCH_GUI_PATH
    QSKIP("the tokenbench GUI executable is not part of this build");
#else
    m_window.reset();  // only the child process renders now
    QTemporaryDir scratch;
    QVERIFY(scratch.isValid());
    const QString png = scratch.filePath(QStringLiteral("shots/window.png"));

    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    // Keep the child's settings and data out of the user's home.
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), scratch.filePath(QStringLiteral("config")));
    env.insert(QStringLiteral("XDG_DATA_HOME"), scratch.filePath(QStringLiteral("data")));
    process.setProcessEnvironment(env);
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(QStringLiteral(TOKENBENCH_GUI_PATH),
                  {QStringLiteral("--project"), QString::fromStdString(m_project.path()),
                   QStringLiteral("--screenshot"), png, QStringLiteral("--threads"), QStringLiteral("1")});
    QVERIFY2(process.waitForStarted(kTimeoutMs), qPrintable(process.errorString()));
    QVERIFY2(process.waitForFinished(90000), "tokenbench --screenshot did not finish");
    const QString output = QString::fromLocal8Bit(process.readAll());
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QVERIFY2(process.exitCode() == 0, qPrintable(output));

    QVERIFY(QFileInfo::exists(png));
    QVERIFY2(QFileInfo(png).size() > 20 * 1024, qPrintable(QString::number(QFileInfo(png).size())));
    const QImage image(png);
    QVERIFY(!image.isNull());
    QCOMPARE(image.size(), QSize(1366, 768));
    QVERIFY(distinctColors(image) > 40);
#endif
}

void TestMainWindow::pageOptionNamesAPage() {
    const auto parsed = ui::parseGuiOptions({QStringLiteral("tokenbench"), QStringLiteral("--page"), QStringLiteral("Codebook")});
    QCOMPARE(parsed.action, ui::GuiOptionsResult::Action::Run);
    QCOMPARE(parsed.options.page, QStringLiteral("codebook"));
    const auto bad = ui::parseGuiOptions({QStringLiteral("tokenbench"), QStringLiteral("--page"), QStringLiteral("nope")});
    QCOMPARE(bad.action, ui::GuiOptionsResult::Action::Error);
    QVERIFY(bad.message.contains(QStringLiteral("--page")));
    QVERIFY(bad.message.contains(QStringLiteral("hierarchy")));
    for (const QString& name : ui::MainWindow::pageNames()) {
        QCOMPARE(ui::parseGuiOptions({QStringLiteral("tokenbench"), QStringLiteral("--page"), name}).action,
                 ui::GuiOptionsResult::Action::Run);
    }
}

QTEST_MAIN(TestMainWindow)
#include "test_main_window.moc"
