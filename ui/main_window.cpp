#include "main_window.h"

#include <algorithm>
#include <cmath>
#include <exception>
#include <memory>
#include <utility>

#include <spdlog/spdlog.h>

#include <qcustomplot.h>

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QUrl>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QFrame>
#include <QKeySequence>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QStandardPaths>
#include <QStatusBar>
#include <QStyle>
#include <QTabWidget>
#include <QTimer>

#include "app_identity.h"
#include "attention/attention_page.h"
#include "import/import_wizard.h"
#include "jobs/core_jobs.h"
#include "jobs/job_controls.h"
#include "jobs/job_manager.h"
#include "log/log_dock.h"
#include "pages/dataset_page.h"
#include "pages/model_page.h"
#include "pages/run_comparison.h"
#include "pages/runs_page.h"
#include "pages/sweep_page.h"
#include "pages/id_quality_page.h"
#include "pages/tokenizer_page.h"
#include "hierarchy/hierarchy_view.h"
#include "project_explorer.h"
#include "project_session.h"
#include "recent_projects.h"
#include "run_actions.h"
#include "tokenbench/experiment/experiment_file.h"
#include "tokenbench/logging.h"
#include "tokenbench/runtime.h"
#include "tokenbench/storage/experiment_store.h"
#include "tokenbench/version.h"

namespace tokenbench::ui {
namespace {

const QString kGeometryKey = QStringLiteral("mainWindow/geometry");
const QString kStateKey = QStringLiteral("mainWindow/state");
constexpr int kStateVersion = 1;

/// Runs on a worker: creates the folder layout (and the demo data), then opens the database
/// read-write once so it exists at the current schema before the UI opens it read-only.
ProjectOpening prepareProject(const std::string& folder, bool demo) {
    ProjectOpening result;
    result.folder = QString::fromStdString(folder);
    try {
        result.paths = demo ? core::ensureDemoProject(folder) : core::ensureProject(folder);
        { core::ExperimentStore store(result.paths.database, core::ExperimentStore::Access::ReadWrite); }
        result.ok = true;
    } catch (const std::exception& error) {
        result.error = QString::fromStdString(error.what());
    } catch (...) {
        result.error = QStringLiteral("unknown error");
    }
    return result;
}

/// "CPU · 2 threads · OpenBLAS 0.3.21", "GPU · NVIDIA H100 80GB HBM3 · 79.6 GiB · 16 threads", or, when
/// LibTorch has no CUDA but the machine has a GPU, the CPU line plus "(GPU … unused: CPU LibTorch)".
QString runtimeSummary(const core::RuntimeInfo& info) {
    const QString threads =
        info.intraOpThreads == 1 ? QStringLiteral("1 thread") : QStringLiteral("%1 threads").arg(info.intraOpThreads);
    QString gpu;
    if (!info.gpuNames.empty()) {
        gpu = QString::fromStdString(info.gpuNames.front());
        if (!info.gpuMemoryBytes.empty() && info.gpuMemoryBytes.front() > 0)
            gpu += QStringLiteral(" · %1 GiB").arg(static_cast<double>(info.gpuMemoryBytes.front()) / (1ull << 30), 0, 'f', 1);
        if (info.gpuNames.size() > 1) gpu += QStringLiteral(" (×%1)").arg(info.gpuNames.size());
    }
    if (info.cudaAvailable) {
        if (gpu.isEmpty())
            gpu = info.cudaDevices > 1 ? QStringLiteral("CUDA × %1").arg(info.cudaDevices) : QStringLiteral("CUDA");
        return QStringLiteral("GPU · %1 · %2").arg(gpu, threads);
    }
    // BLAS comes as "OpenBLAS 0.3.21 NO_LAPACKE ... (pthread) at /usr/lib/...": keep name and version.
    const QStringList words = QString::fromStdString(info.blas).split(QLatin1Char(' '), Qt::SkipEmptyParts);
    QString blas = words.value(0);
    if (words.size() > 1 && words.at(1).front().isDigit()) blas += QLatin1Char(' ') + words.at(1);
    QString cpu = blas.isEmpty() ? QStringLiteral("CPU · %1").arg(threads) : QStringLiteral("CPU · %1 · %2").arg(threads, blas);
    if (!gpu.isEmpty()) cpu += QStringLiteral(" (GPU %1 unused: LibTorch without CUDA)").arg(gpu);
    return cpu;
}

QIcon themedIcon(const QString& name, QStyle::StandardPixmap fallback, const QStyle* style) {
    return QIcon::fromTheme(name, style->standardIcon(fallback));
}

}  // namespace

MainWindow::MainWindow(const core::Registry& registry, MainWindowOptions options, QWidget* parent)
    : QMainWindow(parent), m_registry(registry), m_options(options) {
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(QStringLiteral("Tokenbench"));
    setDockOptions(QMainWindow::AnimatedDocks | QMainWindow::AllowTabbedDocks);

    m_jobs = new JobManager(this);
    m_runActions = new RunActions(*m_jobs, this);
    m_datasetPage = new DatasetPage;
    m_tokenizerPage = new TokenizerPage(m_registry, *m_jobs);
    m_modelPage = new ModelPage(m_registry, *m_jobs);
    m_attentionPage = new AttentionPage;
    m_sweepPage = new SweepPage(*m_jobs);
    m_runsPage = new RunsPage;
    m_idQualityPage = new IdQualityPage;
    m_tabs = new QTabWidget;
    m_tabs->setObjectName(QStringLiteral("pages"));
    m_tabs->setDocumentMode(true);
    m_pages = {m_datasetPage, m_tokenizerPage, m_modelPage, m_sweepPage, m_attentionPage, m_runsPage, m_idQualityPage};
    for (WorkbenchPage* page : m_pages) m_tabs->addTab(page->pageWidget(), page->pageTitle());
    setAcceptDrops(true);
    setCentralWidget(m_tabs);

    buildDocks();
    buildActions();
    buildStatusBar();

    connect(m_explorer, &ProjectExplorer::datasetActivated, this, [this](qint64 id) {
        m_tabs->setCurrentWidget(m_datasetPage);
        m_datasetPage->selectDataset(id);
    });
    connect(m_explorer, &ProjectExplorer::runActivated, this, &MainWindow::onRunActivated);
    connect(m_datasetPage, &DatasetPage::importRequested, this, [this] { openImportWizard(); });
    // Every view refreshes from the session; the data set page last, since its viewsReady (and so
    // dataViewsReady) announces a window whose views all show the new contents.
    m_session = new ProjectSession(this);
    connect(m_session, &ProjectSession::changed, this, [this](const ProjectContents& contents) {
        m_explorer->setContents(contents.datasets, contents.featureSets, contents.runs);
    });
    const std::vector<WorkbenchPage*> refreshOrder = {m_runsPage, m_idQualityPage, m_tokenizerPage, m_modelPage,
                                                      m_sweepPage, m_attentionPage, m_datasetPage};
    for (WorkbenchPage* page : refreshOrder) {
        connect(m_session, &ProjectSession::changed, this, [page](const ProjectContents& contents) { page->setProject(contents); });
    }
    connect(m_tokenizerPage, &TokenizerPage::jobFinished, this, [this] { reload(); });
    connect(m_modelPage, &ModelPage::jobFinished, this, [this] { reload(); });
    for (RunPage* page : {static_cast<RunPage*>(m_tokenizerPage), static_cast<RunPage*>(m_modelPage)}) {
        connect(page, &RunPage::groupFinished, this, [this](qint64 groupId) {
            m_runsPage->selectGroup(groupId);
            statusBar()->showMessage(QStringLiteral("Repeat finished: the Runs page shows its runs as group #%1").arg(groupId), 10000);
        });
    }
    // Each trial's run joins the explorer and the Runs table as it ends.
    connect(m_sweepPage, &SweepPage::trialFinished, this, [this] { reload(); });
    connect(m_sweepPage, &SweepPage::jobFinished, this, [this] { reload(); });
    connect(m_sweepPage, &SweepPage::newModelRunRequested, this, &MainWindow::prefillModelRun);
    for (const QString& folder : exampleFolders()) {
        if (QFileInfo(folder + QStringLiteral("/sweeps")).isDir()) {
            m_sweepPage->setSampleFolder(folder + QStringLiteral("/sweeps"));
            break;
        }
    }
    connect(m_explorer, &ProjectExplorer::contextMenuRequested, this,
            [this](ProjectExplorer::EntryKind kind, qint64 id, const QPoint& pos) { showExplorerMenu(static_cast<int>(kind), id, pos); });
    connect(m_runsPage, &RunsPage::runContextMenuRequested, this,
            [this](qint64 id, const QPoint& pos) { showRunMenu(id, pos, true); });
    connect(m_runActions, &RunActions::showRequested, this, &MainWindow::onRunActivated);
    connect(m_runActions, &RunActions::showInRunsTableRequested, this, [this](qint64 id) {
        m_tabs->setCurrentWidget(m_runsPage);
        m_runsPage->selectRun(id);
    });
    connect(m_runActions, &RunActions::attentionRequested, this, &MainWindow::showAttentionOf);
    connect(m_runActions, &RunActions::exportSucceeded, this,
            [this](const QString& message) { statusBar()->showMessage(message, 10000); });
    connect(m_runActions, &RunActions::exportFailed, this,
            [this](const QString& message) { showWarning(QStringLiteral("Export failed"), message); });
    connect(m_jobs, &JobManager::runningCountChanged, this, &MainWindow::updateJobsStatus);
    connect(m_datasetPage, &DatasetPage::loadStarted, this,
            [this] { statusBar()->showMessage(QStringLiteral("Loading data set…")); });
    connect(m_datasetPage, &DatasetPage::viewsReady, this, [this] {
        if (!m_store) return;  // the empty "no project" state is not worth announcing
        if (statusBar()->currentMessage().startsWith(QStringLiteral("Loading"))) statusBar()->clearMessage();
        Q_EMIT dataViewsReady();
    });

    resize(1280, 800);
    restoreLayout();
}

MainWindow::~MainWindow() = default;

void MainWindow::buildDocks() {
    m_explorer = new ProjectExplorer;
    m_projectDock = new QDockWidget(QStringLiteral("Project"), this);
    m_projectDock->setObjectName(QStringLiteral("projectDock"));
    m_projectDock->setWidget(m_explorer);
    m_projectDock->setAllowedAreas(Qt::LeftDockWidgetArea | Qt::RightDockWidgetArea);
    addDockWidget(Qt::LeftDockWidgetArea, m_projectDock);

    m_logDock = new LogDock(this);
    m_logDock->setAllowedAreas(Qt::BottomDockWidgetArea | Qt::TopDockWidgetArea | Qt::RightDockWidgetArea);
    addDockWidget(Qt::BottomDockWidgetArea, m_logDock);
    // The explorer runs full height; the log sits under the pages only.
    setCorner(Qt::BottomLeftCorner, Qt::LeftDockWidgetArea);
}

void MainWindow::buildActions() {
    QMenu* file = menuBar()->addMenu(QStringLiteral("&File"));
    QAction* newProject =
        file->addAction(themedIcon(QStringLiteral("folder-new"), QStyle::SP_FileDialogNewFolder, style()),
                        QStringLiteral("&New project…"), this, &MainWindow::chooseNewProject);
    newProject->setShortcut(QKeySequence::New);
    QAction* openProject =
        file->addAction(themedIcon(QStringLiteral("document-open"), QStyle::SP_DialogOpenButton, style()),
                        QStringLiteral("&Open project…"), this, &MainWindow::chooseExistingProject);
    openProject->setShortcut(QKeySequence::Open);
    file->addAction(QStringLiteral("Open &demo project"), this, &MainWindow::openDemoProject);
    m_recentMenu = file->addMenu(QStringLiteral("&Recent projects"));
    connect(m_recentMenu, &QMenu::aboutToShow, this, &MainWindow::rebuildRecentMenu);
    rebuildRecentMenu();
    m_examplesMenu = file->addMenu(QStringLiteral("Open e&xample"));
    m_examplesMenu->setObjectName(QStringLiteral("examplesMenu"));
    connect(m_examplesMenu, &QMenu::aboutToShow, this, &MainWindow::rebuildExamplesMenu);
    rebuildExamplesMenu();
    file->addSeparator();
    QAction* import = file->addAction(themedIcon(QStringLiteral("document-import"), QStyle::SP_ArrowDown, style()),
                                      QStringLiteral("&Import data set…"), this, [this] { openImportWizard(); });
    import->setShortcut(QKeySequence(QStringLiteral("Ctrl+I")));
    QAction* sweep = file->addAction(QStringLiteral("Run s&weep…"), this, [this] {
        m_tabs->setCurrentWidget(m_sweepPage);
        m_sweepPage->chooseSweepFile();
    });
    sweep->setObjectName(QStringLiteral("runSweepAction"));
    sweep->setToolTip(QStringLiteral("Open a sweep file (a grid or random search over a model's parameters) on the "
                                     "Sweeps page"));
    file->addSeparator();
    QAction* quit = file->addAction(QStringLiteral("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);
    quit->setMenuRole(QAction::QuitRole);

    QMenu* run = menuBar()->addMenu(QStringLiteral("&Run"));
    // Ctrl+Return belongs to the visible page's Train action (updateRunActions moves it).
    for (WorkbenchPage* page : m_pages) {
        if (!page->trainControls()) continue;
        const QString subject = page->trainSubject();
        QAction* action = run->addAction(QStringLiteral("Train &%1").arg(subject), this, [this, page] { trainOn(page); });
        action->setObjectName(QStringLiteral("train%1Action").arg(subject.left(1).toUpper() + subject.mid(1)));
        m_trainActions.emplace_back(page, action);
    }
    run->addAction(QStringLiteral("Build &features…"), this, [this] {
        m_tabs->setCurrentWidget(m_tokenizerPage);
        m_tokenizerPage->openFeatureDialog();
    });
    run->addSeparator();
    m_cancelJobAction = run->addAction(QStringLiteral("C&ancel training on this page"), this, [this] {
        JobControls* controls = currentPage() ? currentPage()->trainControls() : nullptr;
        if (controls) controls->cancelButton()->click();  // a no-op when the button is disabled
        updateRunActions();
    });
    m_cancelJobAction->setObjectName(QStringLiteral("cancelJobAction"));
    m_cancelJobAction->setShortcuts({QKeySequence(Qt::CTRL | Qt::Key_Period), QKeySequence(Qt::Key_Escape)});
    run->addAction(QStringLiteral("&Cancel all jobs"), this, [this] { m_jobs->cancelAll(); });
    connect(run, &QMenu::aboutToShow, this, &MainWindow::updateRunActions);
    connect(m_tabs, &QTabWidget::currentChanged, this, &MainWindow::updateRunActions);
    // Queued: a page hands its new job to its controls only after the manager announced it.
    connect(m_jobs, &JobManager::runningCountChanged, this, &MainWindow::updateRunActions, Qt::QueuedConnection);
    updateRunActions();

    QMenu* view = menuBar()->addMenu(QStringLiteral("&View"));
    QAction* reloadAction =
        view->addAction(themedIcon(QStringLiteral("view-refresh"), QStyle::SP_BrowserReload, style()),
                        QStringLiteral("&Reload"), this, &MainWindow::reload);
    reloadAction->setShortcut(QKeySequence::Refresh);
    view->addSeparator();
    view->addAction(m_projectDock->toggleViewAction());
    view->addAction(m_logDock->toggleViewAction());

    QMenu* help = menuBar()->addMenu(QStringLiteral("&Help"));
    QAction* about = help->addAction(QStringLiteral("&About Tokenbench"), this, &MainWindow::showAbout);
    about->setMenuRole(QAction::AboutRole);
    help->addAction(QStringLiteral("About &Qt"), qApp, &QApplication::aboutQt);
}

void MainWindow::buildStatusBar() {
    const core::RuntimeInfo info = core::runtimeInfo();
    m_runtimeLabel = new QLabel(runtimeSummary(info));
    m_runtimeLabel->setObjectName(QStringLiteral("runtimeLabel"));
    m_runtimeLabel->setToolTip(QString::fromStdString(core::describe(info)));
    m_projectLabel = new QLabel(QStringLiteral("No project"));
    m_projectLabel->setObjectName(QStringLiteral("projectLabel"));
    m_projectLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* separator = new QFrame;
    separator->setFrameShape(QFrame::VLine);
    separator->setFrameShadow(QFrame::Sunken);
    m_runtimeLabel->setContentsMargins(6, 0, 6, 0);
    m_projectLabel->setContentsMargins(6, 0, 6, 0);
    m_jobsLabel = new QLabel;
    m_jobsLabel->setObjectName(QStringLiteral("jobsLabel"));
    m_jobsLabel->setContentsMargins(6, 0, 6, 0);
    auto* jobsSeparator = new QFrame;
    jobsSeparator->setFrameShape(QFrame::VLine);
    jobsSeparator->setFrameShadow(QFrame::Sunken);
    statusBar()->addPermanentWidget(m_jobsLabel);
    statusBar()->addPermanentWidget(jobsSeparator);
    statusBar()->addPermanentWidget(m_runtimeLabel);
    statusBar()->addPermanentWidget(separator);
    statusBar()->addPermanentWidget(m_projectLabel);
    // Progress of running jobs changes continuously; a slow timer keeps the label current.
    m_jobsTimer = new QTimer(this);
    m_jobsTimer->setInterval(1000);
    connect(m_jobsTimer, &QTimer::timeout, this, &MainWindow::updateJobsStatus);
    updateJobsStatus();
}

QString MainWindow::jobsStatusText() const {
    return m_jobsLabel->text();
}

void MainWindow::updateJobsStatus() {
    const QList<Job*> running = m_jobs->runningJobs();
    if (running.isEmpty()) {
        m_jobsLabel->setText(QStringLiteral("No jobs running"));
        m_jobsLabel->setToolTip({});
        m_jobsTimer->stop();
        return;
    }
    QStringList lines;
    for (const Job* job : running) {
        QString line = job->title();
        if (job->lastProgress()) line += QStringLiteral(" — %1 %").arg(std::lround(job->lastProgress()->fraction * 100));
        if (job->isCancelRequested()) line += QStringLiteral(" (cancelling)");
        lines << line;
    }
    m_jobsLabel->setText(running.size() == 1 ? QStringLiteral("1 job: %1").arg(lines.front())
                                             : QStringLiteral("%1 jobs running").arg(running.size()));
    m_jobsLabel->setToolTip(lines.join(QLatin1Char('\n')));
    if (!m_jobsTimer->isActive()) m_jobsTimer->start();
}

void MainWindow::restoreLayout() {
    bool restored = false;
    if (m_options.persistSettings) {
        QSettings settings(kOrganizationName, kApplicationName);
        restoreGeometry(settings.value(kGeometryKey).toByteArray());
        restored = restoreState(settings.value(kStateKey).toByteArray(), kStateVersion);
    }
    if (!restored) {
        resizeDocks({m_projectDock}, {250}, Qt::Horizontal);
        resizeDocks({m_logDock}, {150}, Qt::Vertical);
    }
}

void MainWindow::closeEvent(QCloseEvent* event) {
    if (m_jobs->runningCount() > 0) {
        // Never block here: cancel, and close again once the last job has unwound.
        event->ignore();
        if (!m_closeWhenJobsEnd) askToCloseWhileRunning();
        return;
    }
    if (m_options.persistSettings) {
        QSettings settings(kOrganizationName, kApplicationName);
        settings.setValue(kGeometryKey, saveGeometry());
        settings.setValue(kStateKey, saveState(kStateVersion));
    }
    QMainWindow::closeEvent(event);
}

void MainWindow::askToCloseWhileRunning() {
    const int running = m_jobs->runningCount();
    auto* box = new QMessageBox(QMessageBox::Question, QStringLiteral("Jobs are running"),
                                running == 1 ? QStringLiteral("A job is still running. Cancel it and quit?")
                                             : QStringLiteral("%1 jobs are still running. Cancel them and quit?").arg(running),
                                QMessageBox::Yes | QMessageBox::No, this);
    box->setObjectName(QStringLiteral("closeWhileRunningBox"));
    box->setInformativeText(QStringLiteral("Cancelled runs are kept in the project as cancelled."));
    box->setDefaultButton(QMessageBox::No);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::finished, this, [this, box](int) {
        if (box->standardButton(box->clickedButton()) != QMessageBox::Yes) return;
        if (m_jobs->runningCount() == 0) {
            close();
            return;
        }
        m_closeWhenJobsEnd = true;
        statusBar()->showMessage(QStringLiteral("Cancelling running jobs…"));
        spdlog::info("Cancelling {} running job(s) before quitting", m_jobs->runningCount());
        connect(m_jobs, &JobManager::allFinished, this, [this] { QTimer::singleShot(0, this, &QWidget::close); });
        m_jobs->cancelAll();
        updateJobsStatus();
    });
    box->open();
}

QString MainWindow::demoProjectFolder() {
    return QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation) + QStringLiteral("/demo-project");
}

void MainWindow::openProject(const QString& folder) {
    startOpening(folder, false);
}

void MainWindow::openDemoProject() {
    startOpening(demoProjectFolder(), true);
}

void MainWindow::openStartupProject() {
    const QString last = m_options.persistSettings ? RecentProjects::last() : QString();
    const bool demo = last.isEmpty() || QDir::cleanPath(last) == QDir::cleanPath(demoProjectFolder());
    // The demo goes through its own path, which regenerates its data if part of it was deleted.
    if (demo) openDemoProject();
    else openProject(last);
}

void MainWindow::startOpening(const QString& folder, bool demo) {
    const QString absolute = QDir::cleanPath(QFileInfo(folder).absoluteFilePath());
    statusBar()->showMessage(demo ? QStringLiteral("Preparing demo project…")
                                  : QStringLiteral("Opening project %1…").arg(QDir::toNativeSeparators(absolute)));
    spdlog::info("Opening {}project {}", demo ? "demo " : "", absolute.toStdString());
    const std::string path = absolute.toStdString();
    m_openLoader.request([path, demo] { return prepareProject(path, demo); });  // a later open supersedes this one
}

void MainWindow::onOpeningFinished(const ProjectOpening& result) {
    if (!result.ok) {
        failOpening(result.folder, result.error);
        return;
    }

    std::unique_ptr<core::ExperimentStore> store;
    try {
        store = std::make_unique<core::ExperimentStore>(result.paths.database, core::ExperimentStore::Access::ReadOnly);
    } catch (const std::exception& error) {
        failOpening(result.folder, QString::fromStdString(error.what()));
        return;
    }
    try {
        core::attachProjectLog(result.paths.logs);
    } catch (const std::exception& error) {
        // Not fatal: the project works without its log file.
        spdlog::warn("Could not open the project log in {}: {}", result.paths.logs, error.what());
    }

    m_store = std::move(store);
    m_paths = result.paths;
    m_runActions->setProject(m_paths);
    const QString root = QString::fromStdString(m_paths.root);
    updateTitle();
    m_projectLabel->setText(QDir::toNativeSeparators(root));
    m_projectLabel->setToolTip(QDir::toNativeSeparators(root));
    statusBar()->clearMessage();
    if (m_options.persistSettings) RecentProjects::add(root);
    spdlog::info("Opened project {}", m_paths.root);
    reload();
    Q_EMIT projectOpened(root);
}

void MainWindow::failOpening(const QString& folder, const QString& message) {
    const QString text = QStringLiteral("Could not open project %1: %2").arg(QDir::toNativeSeparators(folder), message);
    spdlog::error("{}", text.toStdString());
    statusBar()->showMessage(text);
    showWarning(QStringLiteral("Could not open project"), text);
    Q_EMIT projectOpenFailed(text);
}

void MainWindow::reload() {
    if (!m_store) return;
    std::vector<core::DatasetRecord> datasets;
    std::vector<core::FeatureSetRecord> featureSets;
    std::vector<core::RunRecord> runs;
    std::vector<core::RunGroupRecord> groups;
    try {
        datasets = m_store->listDatasets();
        featureSets = m_store->listFeatureSets();
        runs = m_store->listRuns();
        groups = m_store->listRunGroups();
    } catch (const std::exception& error) {
        spdlog::error("Could not read the project database: {}", error.what());
        statusBar()->showMessage(QStringLiteral("Could not read the project database: %1").arg(error.what()));
        return;
    }
    ProjectContents contents;
    contents.paths = m_paths;
    contents.datasets = std::move(datasets);
    contents.featureSets = std::move(featureSets);
    contents.runs = std::move(runs);
    contents.groups = std::move(groups);
    m_session->setContents(std::move(contents));  // every view refreshes from it
}

void MainWindow::onRunActivated(qint64 runId) {
    const core::RunRecord* run = m_session->contents().findRun(runId);
    if (!run) {  // not listed (any more): the runs table says so
        m_tabs->setCurrentWidget(m_runsPage);
        m_runsPage->selectRun(runId);
        return;
    }
    // The first page in tab order that shows runs of its kind takes it; the others may follow it.
    for (WorkbenchPage* page : m_pages) {
        if (!page->openRun(*run)) continue;
        m_tabs->setCurrentWidget(page->pageWidget());
        for (WorkbenchPage* other : m_pages) {
            if (other != page) other->followRun(*run);
        }
        return;
    }
}

QStringList MainWindow::pageNames() {
    return {QStringLiteral("dataset"), QStringLiteral("tokenizer"), QStringLiteral("codebook"),
            QStringLiteral("hierarchy"), QStringLiteral("model"),     QStringLiteral("sweeps"),
            QStringLiteral("attention"), QStringLiteral("runs"),      QStringLiteral("compare"),
            QStringLiteral("significance"), QStringLiteral("id-quality")};
}

bool MainWindow::showPage(const QString& name) {
    const auto page = std::find_if(m_pages.begin(), m_pages.end(),
                                   [&name](const WorkbenchPage* p) { return p->viewNames().contains(name); });
    if (page == m_pages.end()) return false;
    m_tabs->setCurrentWidget((*page)->pageWidget());
    m_pendingPage = name;
    (*page)->showView(name, [this, name] {
        if (m_pendingPage == name) Q_EMIT pageReady(std::exchange(m_pendingPage, QString()));
    });
    return true;
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
    const QMimeData* mime = event->mimeData();
    if (!mime->hasUrls()) return;
    for (const QUrl& url : mime->urls()) {
        if (!url.isLocalFile()) return;
    }
    event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
    QStringList files;
    for (const QUrl& url : event->mimeData()->urls()) {
        if (url.isLocalFile()) files << url.toLocalFile();
    }
    if (files.isEmpty()) return;
    event->acceptProposedAction();
    openImportWizard(files);
}

void MainWindow::openImportWizard(const QStringList& files) {
    if (!m_store) {
        showWarning(QStringLiteral("No project open"), QStringLiteral("Open or create a project before importing data."));
        return;
    }
    auto* wizard = new ImportWizard(this);
    wizard->setAttribute(Qt::WA_DeleteOnClose);
    if (!files.isEmpty()) wizard->setFiles(files);
    connect(wizard, &QDialog::accepted, this, [this, wizard] { startImport(wizard->request()); });
    wizard->open();
}

void MainWindow::startImport(const core::ImportRequest& request) {
    if (!m_store) return;
    const QString name = QString::fromStdString(request.name);
    Job* job = m_jobs->start(QStringLiteral("Import %1").arg(name), importJobBody(m_paths.root, request));
    connect(job, &Job::finished, this, [this, name](const JobOutcome& outcome) {
        if (outcome.status == core::RunStatus::Completed) {
            statusBar()->showMessage(QStringLiteral("Imported %1").arg(QString::fromStdString(outcome.message)), 10000);
            reload();
            if (const auto record = m_store->findDataset(name.toStdString())) {
                m_tabs->setCurrentWidget(m_datasetPage);
                m_datasetPage->selectDataset(record->id);
            }
        } else if (outcome.status == core::RunStatus::Failed) {
            showWarning(QStringLiteral("Import failed"), QString::fromStdString(outcome.message));
        }
    });
}

void MainWindow::showExplorerMenu(int kind, qint64 id, const QPoint& globalPos) {
    const auto entryKind = static_cast<ProjectExplorer::EntryKind>(kind);
    if (entryKind == ProjectExplorer::EntryKind::Run) {
        showRunMenu(id, globalPos, false);
        return;
    }
    auto* menu = new QMenu(this);
    menu->setObjectName(QStringLiteral("explorerMenu"));
    menu->setAttribute(Qt::WA_DeleteOnClose);
    if (entryKind == ProjectExplorer::EntryKind::Dataset) {
        menu->addAction(QStringLiteral("Show"), this, [this, id] {
            m_tabs->setCurrentWidget(m_datasetPage);
            m_datasetPage->selectDataset(id);
        });
        menu->addAction(QStringLiteral("Import another data set…"), this, [this] { openImportWizard(); });
    } else {
        menu->addAction(QStringLiteral("Train a tokenizer on it"), this, [this, id] {
            m_tabs->setCurrentWidget(m_tokenizerPage);
            m_tokenizerPage->selectFeatureSet(id);
        });
        menu->addAction(QStringLiteral("Build another feature set…"), this, [this, id] {
            m_tabs->setCurrentWidget(m_tokenizerPage);
            m_tokenizerPage->selectFeatureSet(id);  // the dialog builds for the selected data set
            m_tokenizerPage->openFeatureDialog();
        });
    }
    menu->popup(globalPos);
}

void MainWindow::showRunMenu(qint64 runId, const QPoint& globalPos, bool inRunsTable) {
    const core::RunRecord* run = m_session->contents().findRun(runId);
    if (!run) return;
    auto* menu = new QMenu(this);
    menu->setObjectName(QStringLiteral("runMenu"));
    menu->setAttribute(Qt::WA_DeleteOnClose);
    m_runActions->fillMenu(*menu, *run, inRunsTable ? RunActions::Place::RunsTable : RunActions::Place::ProjectDock);
    menu->popup(globalPos);
}

WorkbenchPage* MainWindow::currentPage() const {
    const QWidget* current = m_tabs->currentWidget();
    const auto page = std::find_if(m_pages.begin(), m_pages.end(),
                                   [current](WorkbenchPage* p) { return p->pageWidget() == current; });
    return page == m_pages.end() ? nullptr : *page;
}

void MainWindow::trainOn(WorkbenchPage* page) {
    m_tabs->setCurrentWidget(page->pageWidget());
    // A repeated shortcut must not start a second run next to the one this page follows.
    if (page->trainControls()->isBusy()) {
        statusBar()->showMessage(QStringLiteral("This page is already training; cancel it first (Ctrl+.)"), 5000);
        return;
    }
    page->train();
}

void MainWindow::updateRunActions() {
    WorkbenchPage* page = currentPage();
    const QKeySequence train(Qt::CTRL | Qt::Key_Return);
    for (const auto& [owner, action] : m_trainActions) action->setShortcut(owner == page ? train : QKeySequence());
    const JobControls* controls = page ? page->trainControls() : nullptr;
    // Disabled, Esc stays free for the widgets (closing popups, clearing fields).
    m_cancelJobAction->setEnabled(controls && controls->cancelButton()->isEnabled());
}

void MainWindow::showAttentionOf(qint64 runId) {
    m_tabs->setCurrentWidget(m_attentionPage);
    m_attentionPage->showRun(runId);
}

QStringList MainWindow::exampleFolders() {
    QStringList candidates;
    const QString fromEnv = qEnvironmentVariable("TOKENBENCH_EXAMPLES_DIR");
    if (!fromEnv.isEmpty()) candidates << fromEnv;
    const QDir app(QCoreApplication::applicationDirPath());
    candidates << app.filePath(QStringLiteral("../share/tokenbench/projects"));
#ifdef TOKENBENCH_SOURCE_PROJECTS
    candidates << QStringLiteral(TOKENBENCH_SOURCE_PROJECTS);
#endif
    QStringList existing;
    for (const QString& folder : candidates) {
        const QString clean = QDir::cleanPath(folder);
        if (QFileInfo(clean).isDir() && !existing.contains(clean)) existing << clean;
    }
    return existing;
}

void MainWindow::rebuildExamplesMenu() {
    m_examplesMenu->clear();
    for (const QString& folder : exampleFolders()) {
        const QFileInfoList files = QDir(folder).entryInfoList({QStringLiteral("*.json")}, QDir::Files, QDir::Name);
        for (const QFileInfo& file : files) {
            const QString path = file.absoluteFilePath();
            QAction* action = m_examplesMenu->addAction(file.completeBaseName(), this, [this, path] { openExample(path); });
            action->setToolTip(path);
        }
    }
    if (m_examplesMenu->isEmpty()) {
        m_examplesMenu->addAction(QStringLiteral("No examples found (projects/*.json)"))->setEnabled(false);
    }
}

void MainWindow::openExample(const QString& file) {
    core::ExperimentFile experiment;
    try {
        experiment = core::readExperimentFile(file.toStdString());
    } catch (const std::exception& error) {
        showWarning(QStringLiteral("Not a valid example"), QString::fromStdString(error.what()));
        return;
    }
    const QString name = QString::fromStdString(experiment.name.empty() ? QFileInfo(file).completeBaseName().toStdString()
                                                                        : experiment.name);
    const QString folder = QFileInfo(demoProjectFolder()).absolutePath() + QStringLiteral("/examples/") +
                           QFileInfo(file).completeBaseName();
    auto* box = new QMessageBox(QMessageBox::Information, QStringLiteral("Example: %1").arg(name),
                                QString::fromStdString(experiment.description), QMessageBox::Cancel, this);
    box->setObjectName(QStringLiteral("exampleBox"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    QString steps = QStringLiteral("Data set: %1 (%2)\n%3 feature set(s), %4 tokenizer(s), %5 model(s)\nProject folder: %6")
                        .arg(QString::fromStdString(experiment.datasetName),
                             experiment.synthetic ? QStringLiteral("generated") : QStringLiteral("imported"))
                        .arg(experiment.features.size())
                        .arg(experiment.tokenizers.size())
                        .arg(experiment.models.size())
                        .arg(QDir::toNativeSeparators(folder));
    if (!experiment.download.empty()) steps += QStringLiteral("\nData: %1").arg(QString::fromStdString(experiment.download));
    box->setInformativeText(steps);
    QPushButton* run = box->addButton(QStringLiteral("Run in its project"), QMessageBox::AcceptRole);
    QPushButton* open = box->addButton(QStringLiteral("Open its project"), QMessageBox::ActionRole);
    connect(open, &QPushButton::clicked, this, [this, folder] { openProject(folder); });
    connect(run, &QPushButton::clicked, this, [this, experiment, folder] {
        if (experiment.synthetic) {
            runExample(experiment, folder, {});
            return;
        }
        // Imported data: its paths are relative to a folder the user has.
        auto* dialog = new QFileDialog(this, QStringLiteral("Folder holding the data files of this example"));
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->setFileMode(QFileDialog::Directory);
        dialog->setOption(QFileDialog::ShowDirsOnly);
        connect(dialog, &QFileDialog::fileSelected, this,
                [this, experiment, folder](const QString& data) { runExample(experiment, folder, data); });
        dialog->open();
    });
    box->open();
}

void MainWindow::runExample(const core::ExperimentFile& experiment, const QString& folder, const QString& dataDir) {
    // Open the project first (the worker creates and migrates it), then run the steps in a job.
    auto* connection = new QMetaObject::Connection;
    *connection = connect(this, &MainWindow::projectOpened, this, [this, connection, experiment, folder, dataDir](const QString& root) {
        if (QDir::cleanPath(root) != QDir::cleanPath(QFileInfo(folder).absoluteFilePath())) return;
        disconnect(*connection);
        delete connection;
        core::ExperimentOptions options;
        options.projectDir = root.toStdString();
        options.dataDir = dataDir.toStdString();
        const QString title = QStringLiteral("Example %1").arg(QString::fromStdString(experiment.name));
        Job* job = m_jobs->start(title, [experiment, options](core::ProgressSink& sink, const std::atomic<bool>* cancel) {
            JobOutcome outcome;
            outcome.summaryJson = core::runExperiment(experiment, options, sink, cancel);
            outcome.status = core::RunStatus::Completed;
            outcome.message = "example finished";
            return outcome;
        });
        // Each new run appears in the explorer as it starts.
        auto lastRun = std::make_shared<int64_t>(0);
        connect(job, &Job::reportsArrived, this, [this, lastRun](const JobReports& reports) {
            if (reports.runId != *lastRun) {
                *lastRun = reports.runId;
                reload();
            }
        });
        connect(job, &Job::finished, this, [this](const JobOutcome& outcome) {
            reload();
            if (outcome.status == core::RunStatus::Failed) showWarning(QStringLiteral("Example failed"), QString::fromStdString(outcome.message));
        });
    });
    openProject(folder);
}

void MainWindow::prefillModelRun(const ModelRunPrefill& prefill) {
    m_tabs->setCurrentWidget(m_modelPage);
    QString error;
    if (!m_modelPage->prefillNewRun(prefill, &error)) {
        showWarning(QStringLiteral("Cannot fill the model form"), error);
        return;
    }
    statusBar()->showMessage(QStringLiteral("The model form holds %1's settings: press Train model to run them").arg(prefill.name),
                             10000);
}

bool MainWindow::hasProject() const {
    return m_store != nullptr;
}

QString MainWindow::projectFolder() const {
    return m_store ? QString::fromStdString(m_paths.root) : QString();
}

void MainWindow::updateTitle() {
    if (!m_store) {
        setWindowTitle(QStringLiteral("Tokenbench"));
        return;
    }
    setWindowTitle(QStringLiteral("Tokenbench — %1").arg(QFileInfo(QString::fromStdString(m_paths.root)).fileName()));
}

void MainWindow::rebuildRecentMenu() {
    m_recentMenu->clear();
    const QStringList folders = RecentProjects::list();
    for (const QString& folder : folders) {
        QAction* action = m_recentMenu->addAction(QDir::toNativeSeparators(folder));
        connect(action, &QAction::triggered, this, [this, folder] { openProject(folder); });
    }
    if (folders.isEmpty()) {
        m_recentMenu->addAction(QStringLiteral("No recent projects"))->setEnabled(false);
        return;
    }
    m_recentMenu->addSeparator();
    m_recentMenu->addAction(QStringLiteral("Clear list"), this, [] { RecentProjects::clear(); });
}

void MainWindow::chooseNewProject() {
    // open() rather than exec(): a window-modal dialog without a nested event loop.
    auto* dialog = new QFileDialog(this, QStringLiteral("Choose a folder for the new project"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setFileMode(QFileDialog::Directory);
    dialog->setOption(QFileDialog::ShowDirsOnly);
    dialog->setLabelText(QFileDialog::Accept, QStringLiteral("Create"));
    connect(dialog, &QFileDialog::fileSelected, this, [this](const QString& folder) { openProject(folder); });
    dialog->open();
}

void MainWindow::chooseExistingProject() {
    auto* dialog = new QFileDialog(this, QStringLiteral("Open a Tokenbench project folder"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setFileMode(QFileDialog::Directory);
    dialog->setOption(QFileDialog::ShowDirsOnly);
    connect(dialog, &QFileDialog::fileSelected, this, [this](const QString& folder) {
        const core::ProjectPaths paths = core::projectPaths(folder.toStdString());
        if (!QFileInfo::exists(QString::fromStdString(paths.database))) {
            showWarning(QStringLiteral("Not a Tokenbench project"),
                        QStringLiteral("%1 holds no tokenbench.db. Use File › New project… to create a project there.")
                            .arg(QDir::toNativeSeparators(folder)));
            return;
        }
        openProject(folder);
    });
    dialog->open();
}

void MainWindow::showWarning(const QString& title, const QString& text) {
    auto* box = new QMessageBox(QMessageBox::Warning, title, text, QMessageBox::Ok, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

void MainWindow::showAbout() {
    const core::RuntimeInfo info = core::runtimeInfo();
    const QString text =
        QStringLiteral(
            "<h3>Tokenbench %1</h3>"
            "<p>A workbench for semantic tokenization and generative recommendation.</p>"
            "<p>Commit <code>%2</code><br>Qt %3 · QCustomPlot %4<br>%5</p>")
            .arg(QString::fromUtf8(versionString()), QString::fromUtf8(gitCommit()), QString::fromLatin1(qVersion()),
                 QLatin1String(QCUSTOMPLOT_VERSION_STR), QString::fromStdString(core::describe(info)).toHtmlEscaped());
    auto* box =
        new QMessageBox(QMessageBox::Information, QStringLiteral("About Tokenbench"), text, QMessageBox::Ok, this);
    box->setTextFormat(Qt::RichText);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

}  // namespace tokenbench::ui
