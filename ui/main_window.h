#pragma once
/// Tokenbench's main window: project explorer, data-set and runs pages, log, menus, status bar.

#include <memory>
#include <string>

#include <QFutureWatcher>
#include <QMainWindow>

#include "tokenbench/project.h"

class QLabel;
class QMenu;
class QTabWidget;

namespace tokenbench::core {
class ExperimentStore;
}

namespace tokenbench::ui {

class DatasetPage;
class LogDock;
class ProjectExplorer;
class RunsPage;

/// How the window behaves beyond its contents.
struct MainWindowOptions final {
    /// Restore and save geometry and dock layout, and record opened projects as recent. Off for
    /// --screenshot, so an automated render neither depends on nor changes the user's settings.
    bool persistSettings = true;
};

/// Result of preparing a project folder on a worker (creating, generating the demo, migrating).
struct ProjectOpening final {
    quint64 request = 0;
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
    explicit MainWindow(MainWindowOptions options = {}, QWidget* parent = nullptr);
    ~MainWindow() override;

    /// Opens (creating on first use) the project in `folder`. Asynchronous: projectOpened or
    /// projectOpenFailed follows. The current project stays shown until then.
    void openProject(const QString& folder);
    /// Opens the embedded demo project (generated on first use) at demoProjectFolder().
    void openDemoProject();
    /// AppLocalDataLocation + "/demo-project".
    [[nodiscard]] static QString demoProjectFolder();

    /// Re-queries data sets and runs from the store and refreshes every view.
    void reload();

    [[nodiscard]] bool hasProject() const;
    [[nodiscard]] bool isOpening() const { return m_opening; }
    /// Root folder of the open project, empty when none.
    [[nodiscard]] QString projectFolder() const;

    [[nodiscard]] ProjectExplorer* explorer() const { return m_explorer; }
    [[nodiscard]] DatasetPage* datasetPage() const { return m_datasetPage; }
    [[nodiscard]] RunsPage* runsPage() const { return m_runsPage; }
    [[nodiscard]] LogDock* logDock() const { return m_logDock; }
    [[nodiscard]] QTabWidget* tabs() const { return m_tabs; }

Q_SIGNALS:
    void projectOpened(const QString& folder);
    void projectOpenFailed(const QString& message);
    /// The data-set page shows the open project's data (or its empty/error state) and has
    /// replotted: what a screenshot or a test waits for.
    void dataViewsReady();

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void buildActions();
    void buildDocks();
    void buildStatusBar();
    void restoreLayout();
    void startOpening(const QString& folder, bool demo);
    void onOpeningFinished();
    void failOpening(const QString& folder, const QString& message);
    void rebuildRecentMenu();
    void chooseNewProject();
    void chooseExistingProject();
    void showAbout();
    void showWarning(const QString& title, const QString& text);
    void updateTitle();

    MainWindowOptions m_options;
    ProjectExplorer* m_explorer = nullptr;
    DatasetPage* m_datasetPage = nullptr;
    RunsPage* m_runsPage = nullptr;
    LogDock* m_logDock = nullptr;
    QDockWidget* m_projectDock = nullptr;
    QTabWidget* m_tabs = nullptr;
    QMenu* m_recentMenu = nullptr;
    QLabel* m_runtimeLabel = nullptr;
    QLabel* m_projectLabel = nullptr;
    QFutureWatcher<ProjectOpening>* m_openWatcher = nullptr;

    std::unique_ptr<core::ExperimentStore> m_store;
    core::ProjectPaths m_paths;
    quint64 m_openRequest = 0;
    bool m_opening = false;
};

}  // namespace tokenbench::ui
