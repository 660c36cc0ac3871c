#pragma once
/// Tokenbench's main window: project explorer, the pages (data set, tokenizer, model, sweeps,
/// attention, runs), log, menus, status bar with the device and running jobs.

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <QMainWindow>

#include "pages/model_run_prefill.h"
#include "tokenbench/jobs/import_job.h"
#include "tokenbench/project.h"
#include "tokenbench/storage/records.h"
#include "widgets/latest_only_loader.h"

class QAction;
class QLabel;
class QMenu;
class QTabWidget;
class QTimer;

namespace tokenbench::core {
class ExperimentStore;
class Registry;
struct ExperimentFile;
}

namespace tokenbench::ui {

class AttentionPage;
class DatasetPage;
class JobManager;
class ModelPage;
class LogDock;
class ProjectExplorer;
class RunActions;
class RunsPage;
class SweepPage;
class IdQualityPage;
class TokenizerPage;
class ProjectSession;
class WorkbenchPage;

/// How the window behaves beyond its contents.
struct MainWindowOptions final {
    /// Restore and save geometry and dock layout, and record opened projects as recent. Off for
    /// --screenshot, so an automated render neither depends on nor changes the user's settings.
    bool persistSettings = true;
};

/// Result of preparing a project folder on a worker (creating, generating the demo, migrating).
struct ProjectOpening final {
    QString folder;  ///< as requested, for messages when `paths` could not be filled
    bool ok = false;
    QString error;
    core::ProjectPaths paths;
};

/// The application window. Opening a project runs on a worker (it may create the folder, generate
/// the demo data and migrate the database); the window then keeps one read-only store on the UI
/// thread for the small listing queries. UI thread only; never waits on a worker.
class MainWindow final : public QMainWindow {
    Q_OBJECT

public:
    /// `registry` lists the tokenizers and models the pages offer; it must outlive the window.
    explicit MainWindow(const core::Registry& registry, MainWindowOptions options = {}, QWidget* parent = nullptr);
    ~MainWindow() override;

    /// Opens (creating on first use) the project in `folder`. Asynchronous: projectOpened or
    /// projectOpenFailed follows. The current project stays shown until then.
    void openProject(const QString& folder);
    /// Opens the embedded demo project (generated on first use) at demoProjectFolder().
    void openDemoProject();
    /// What a start without --project opens: the project opened last (remembered in QSettings), or
    /// the demo project on the very first start and when the last one is gone. Always the demo when
    /// the window does not persist settings (screenshots).
    void openStartupProject();
    /// AppLocalDataLocation + "/demo-project".
    [[nodiscard]] static QString demoProjectFolder();

    /// Re-queries data sets and runs from the store and refreshes every view.
    void reload();

    [[nodiscard]] bool hasProject() const;
    [[nodiscard]] bool isOpening() const { return m_openLoader.isLoading(); }
    /// Root folder of the open project, empty when none.
    [[nodiscard]] QString projectFolder() const;

    [[nodiscard]] ProjectExplorer* explorer() const { return m_explorer; }
    [[nodiscard]] DatasetPage* datasetPage() const { return m_datasetPage; }
    [[nodiscard]] RunsPage* runsPage() const { return m_runsPage; }
    [[nodiscard]] TokenizerPage* tokenizerPage() const { return m_tokenizerPage; }
    [[nodiscard]] ModelPage* modelPage() const { return m_modelPage; }
    [[nodiscard]] AttentionPage* attentionPage() const { return m_attentionPage; }
    [[nodiscard]] SweepPage* sweepPage() const { return m_sweepPage; }

    /// Opens the import wizard (pre-filled with `files` when given); the import runs as a job.
    void openImportWizard(const QStringList& files = {});
    /// Folders searched for example experiment files (*.json), first existing first.
    [[nodiscard]] static QStringList exampleFolders();
    [[nodiscard]] JobManager* jobs() const { return m_jobs; }
    /// Text of the status bar's jobs indicator.
    [[nodiscard]] QString jobsStatusText() const;

    /// Names accepted by showPage (and --page): "dataset", "tokenizer", "codebook", "hierarchy", "sweeps"...
    [[nodiscard]] static QStringList pageNames();
    /// Brings page `name` to the front, showing the latest suitable run where the page shows one;
    /// pageReady(name) follows once it shows data. False for an unknown name.
    bool showPage(const QString& name);
    [[nodiscard]] LogDock* logDock() const { return m_logDock; }
    [[nodiscard]] QTabWidget* tabs() const { return m_tabs; }

Q_SIGNALS:
    void projectOpened(const QString& folder);
    void projectOpenFailed(const QString& message);
    /// The data-set page shows the open project's data (or its empty/error state) and has
    /// replotted: what a screenshot or a test waits for.
    void dataViewsReady();
    /// The page asked for with showPage() now shows its data (or its empty state).
    void pageReady(const QString& name);

protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void buildActions();
    void buildDocks();
    void buildStatusBar();
    void restoreLayout();
    void startOpening(const QString& folder, bool demo);
    void onOpeningFinished(const ProjectOpening& result);
    void failOpening(const QString& folder, const QString& message);
    void rebuildRecentMenu();
    void chooseNewProject();
    void chooseExistingProject();
    void showAbout();
    void showWarning(const QString& title, const QString& text);
    void updateTitle();
    void updateJobsStatus();
    void onRunActivated(qint64 runId);
    void askToCloseWhileRunning();
    void showExplorerMenu(int kind, qint64 id, const QPoint& globalPos);
    /// The run's context menu, the same in the Project dock and the Runs table.
    void showRunMenu(qint64 runId, const QPoint& globalPos, bool inRunsTable);
    void showAttentionOf(qint64 runId);
    /// Starts `page`'s training unless that page is already training.
    void trainOn(WorkbenchPage* page);
    /// The page in front, from the page table.
    [[nodiscard]] WorkbenchPage* currentPage() const;
    /// Moves the Train shortcut to the visible page's action and enables Cancel for its job.
    void updateRunActions();
    void rebuildExamplesMenu();
    void openExample(const QString& file);
    void runExample(const core::ExperimentFile& experiment, const QString& folder, const QString& dataDir);
    void startImport(const core::ImportRequest& request);
    /// Switches to the Model page with its form filled from `prefill` (a sweep's best trial).
    void prefillModelRun(const ModelRunPrefill& prefill);

    const core::Registry& m_registry;
    MainWindowOptions m_options;
    JobManager* m_jobs = nullptr;
    RunActions* m_runActions = nullptr;
    TokenizerPage* m_tokenizerPage = nullptr;
    ModelPage* m_modelPage = nullptr;
    AttentionPage* m_attentionPage = nullptr;
    SweepPage* m_sweepPage = nullptr;
    IdQualityPage* m_idQualityPage = nullptr;
    QMenu* m_examplesMenu = nullptr;
    ProjectSession* m_session = nullptr;
    /// Every page, in tab order: the window routes runs, views and training through this table.
    std::vector<WorkbenchPage*> m_pages;
    /// The Run menu's "Train …" action of each page that trains.
    std::vector<std::pair<WorkbenchPage*, QAction*>> m_trainActions;
    QAction* m_cancelJobAction = nullptr;
    QLabel* m_jobsLabel = nullptr;
    QTimer* m_jobsTimer = nullptr;
    QString m_pendingPage;  ///< showPage() waiting for its page's data
    bool m_closeWhenJobsEnd = false;  ///< the user chose to cancel running jobs and quit
    ProjectExplorer* m_explorer = nullptr;
    DatasetPage* m_datasetPage = nullptr;
    RunsPage* m_runsPage = nullptr;
    LogDock* m_logDock = nullptr;
    QDockWidget* m_projectDock = nullptr;
    QTabWidget* m_tabs = nullptr;
    QMenu* m_recentMenu = nullptr;
    QLabel* m_runtimeLabel = nullptr;
    QLabel* m_projectLabel = nullptr;
    LatestOnlyLoader<ProjectOpening> m_openLoader{this, [this](ProjectOpening result) { onOpeningFinished(result); }};

    std::unique_ptr<core::ExperimentStore> m_store;
    core::ProjectPaths m_paths;
};

}  // namespace tokenbench::ui
