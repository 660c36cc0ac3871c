#include "main_window.h"

#include <exception>

#include <spdlog/spdlog.h>

#include <qcustomplot.h>

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
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
#include <QtConcurrent/QtConcurrentRun>

#include "app_identity.h"
#include "log/log_dock.h"
#include "pages/dataset_page.h"
#include "pages/runs_page.h"
#include "project_explorer.h"
#include "recent_projects.h"
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
ProjectOpening prepareProject(const std::string& folder, bool demo, quint64 request) {
    ProjectOpening result;
    result.request = request;
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

/// "CPU · 2 threads · OpenBLAS 0.3.21" or "GPU · CUDA · 15 threads".
QString runtimeSummary(const core::RuntimeInfo& info) {
    const QString threads =
        info.intraOpThreads == 1 ? QStringLiteral("1 thread") : QStringLiteral("%1 threads").arg(info.intraOpThreads);
    if (info.cudaAvailable) {
        // RuntimeInfo carries no device name, so the count stands in for it.
        const QString gpu =
            info.cudaDevices > 1 ? QStringLiteral("CUDA × %1").arg(info.cudaDevices) : QStringLiteral("CUDA");
        return QStringLiteral("GPU · %1 · %2").arg(gpu, threads);
    }
    // BLAS comes as "OpenBLAS 0.3.21 NO_LAPACKE ... (pthread) at /usr/lib/...": keep name and version.
    const QStringList words = QString::fromStdString(info.blas).split(QLatin1Char(' '), Qt::SkipEmptyParts);
    QString blas = words.value(0);
    if (words.size() > 1 && words.at(1).front().isDigit()) blas += QLatin1Char(' ') + words.at(1);
    return blas.isEmpty() ? QStringLiteral("CPU · %1").arg(threads)
                          : QStringLiteral("CPU · %1 · %2").arg(threads, blas);
}

QIcon themedIcon(const QString& name, QStyle::StandardPixmap fallback, const QStyle* style) {
    return QIcon::fromTheme(name, style->standardIcon(fallback));
}

}  // namespace

MainWindow::MainWindow(MainWindowOptions options, QWidget* parent) : QMainWindow(parent), m_options(options) {
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(QStringLiteral("Tokenbench"));
    setDockOptions(QMainWindow::AnimatedDocks | QMainWindow::AllowTabbedDocks);

    m_datasetPage = new DatasetPage;
    m_runsPage = new RunsPage;
    m_tabs = new QTabWidget;
    m_tabs->setObjectName(QStringLiteral("pages"));
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(m_datasetPage, QStringLiteral("Data set"));
    m_tabs->addTab(m_runsPage, QStringLiteral("Runs"));
    setCentralWidget(m_tabs);

    buildDocks();
    buildActions();
    buildStatusBar();

    m_openWatcher = new QFutureWatcher<ProjectOpening>(this);
    connect(m_openWatcher, &QFutureWatcherBase::finished, this, &MainWindow::onOpeningFinished);

    connect(m_explorer, &ProjectExplorer::datasetActivated, this, [this](qint64 id) {
        m_tabs->setCurrentWidget(m_datasetPage);
        m_datasetPage->selectDataset(id);
    });
    connect(m_explorer, &ProjectExplorer::runActivated, this, [this](qint64 id) {
        m_tabs->setCurrentWidget(m_runsPage);
        m_runsPage->selectRun(id);
    });
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
    file->addSeparator();
    QAction* quit = file->addAction(QStringLiteral("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);
    quit->setMenuRole(QAction::QuitRole);

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
    statusBar()->addPermanentWidget(m_runtimeLabel);
    statusBar()->addPermanentWidget(separator);
    statusBar()->addPermanentWidget(m_projectLabel);
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
    if (m_options.persistSettings) {
        QSettings settings(kOrganizationName, kApplicationName);
        settings.setValue(kGeometryKey, saveGeometry());
        settings.setValue(kStateKey, saveState(kStateVersion));
    }
    QMainWindow::closeEvent(event);
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

void MainWindow::startOpening(const QString& folder, bool demo) {
    const QString absolute = QDir::cleanPath(QFileInfo(folder).absoluteFilePath());
    const quint64 request = ++m_openRequest;
    m_opening = true;
    statusBar()->showMessage(demo ? QStringLiteral("Preparing demo project…")
                                  : QStringLiteral("Opening project %1…").arg(QDir::toNativeSeparators(absolute)));
    spdlog::info("Opening {}project {}", demo ? "demo " : "", absolute.toStdString());
    const std::string path = absolute.toStdString();
    m_openWatcher->setFuture(QtConcurrent::run([path, demo, request] { return prepareProject(path, demo, request); }));
}

void MainWindow::onOpeningFinished() {
    const QFuture<ProjectOpening> future = m_openWatcher->future();
    if (future.isCanceled() || future.resultCount() == 0) return;
    const ProjectOpening result = future.result();
    if (result.request != m_openRequest) return;  // a later open superseded this one
    m_opening = false;
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
    try {
        datasets = m_store->listDatasets();
        featureSets = m_store->listFeatureSets();
        runs = m_store->listRuns();
    } catch (const std::exception& error) {
        spdlog::error("Could not read the project database: {}", error.what());
        statusBar()->showMessage(QStringLiteral("Could not read the project database: %1").arg(error.what()));
        return;
    }
    m_explorer->setContents(datasets, featureSets, runs);
    m_runsPage->setRuns(runs);
    m_datasetPage->setProject(m_paths.database, std::move(datasets));
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
