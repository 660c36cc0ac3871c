#pragma once
/// The "Sweeps" page: open a sweep file and see the trials it plans, run it as a job and follow its
/// trials as they finish, or look at any past sweep of the project; a parallel-coordinates view of
/// the parameters against the validation metric, the trials table, and the best trial's config
/// handed to the Model page for a new run.

#include <cstdint>
#include <optional>

#include <QPointer>
#include <QWidget>

#include "jobs/job.h"
#include "pages/model_run_prefill.h"
#include "pages/workbench_page.h"
#include "tokenbench/experiment/sweep.h"
#include "tokenbench/experiment/sweep_view.h"
#include "widgets/latest_only_loader.h"

class QComboBox;
class QLabel;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;

namespace tokenbench::ui {

class JobControls;
class JobManager;
class ParallelCoordinates;
class SweepTrialsModel;

/// Left: the sweep file (open, summary, run with progress and cancel) and the selector of what is
/// shown: the opened or running sweep, or a past sweep group. Right: title, best trial, parallel
/// coordinates, trials table. A past group's view is built off the UI thread; a running sweep's
/// is updated from its job's reports, one trial at a time. UI thread only.
class SweepPage final : public QWidget, public WorkbenchPage {
    Q_OBJECT

public:
    explicit SweepPage(JobManager& jobs, QWidget* parent = nullptr);
    ~SweepPage() override;

    // WorkbenchPage
    [[nodiscard]] QWidget* pageWidget() override { return this; }
    [[nodiscard]] QString pageTitle() const override { return QStringLiteral("Sweeps"); }
    void setProject(const ProjectContents& contents) override;
    /// "sweeps": the newest sweep group (or the opened file's plan).
    [[nodiscard]] QStringList viewNames() const override { return {QStringLiteral("sweeps")}; }
    void showView(const QString& name, std::function<void()> ready) override;
    [[nodiscard]] JobControls* trainControls() const override { return m_controls; }
    [[nodiscard]] QString trainSubject() const override { return QStringLiteral("sweep"); }
    /// Runs the opened sweep file, or asks for one first.
    void train() override;

    /// Reads and checks `path` and shows the trials it plans; false (the reason shown) when it is
    /// not a valid sweep file.
    bool openSweepFile(const QString& path);
    /// Asks for a sweep file (a non-modal dialog starting in the sample folder).
    void chooseSweepFile();
    /// Folder the file dialog starts in (the project's sample sweeps).
    void setSampleFolder(const QString& folder) { m_sampleFolder = folder; }
    /// Runs the opened file as a job; nullptr (the reason shown) without a project or file.
    Job* startSweep();
    /// Shows stored sweep group `groupId`; false when the project has no such sweep group.
    bool showGroup(int64_t groupId);

    /// What is shown now (the opened file's plan, the running sweep, or a past group).
    [[nodiscard]] const core::SweepView& shownView() const { return m_shown; }
    [[nodiscard]] bool isLoading() const { return m_loader.isLoading(); }
    [[nodiscard]] QComboBox* sweepSelector() const { return m_selector; }
    [[nodiscard]] ParallelCoordinates* parallelPlot() const { return m_plot; }
    [[nodiscard]] SweepTrialsModel* trialsModel() const { return m_model; }
    [[nodiscard]] QTableView* trialsView() const { return m_table; }
    [[nodiscard]] QPushButton* useBestButton() const { return m_useBest; }
    [[nodiscard]] JobControls* controls() const { return m_controls; }
    [[nodiscard]] QString titleText() const;
    [[nodiscard]] QString bestText() const;
    [[nodiscard]] QString fileError() const;

Q_SIGNALS:
    /// The user asked for a new model run with the shown sweep's best trial's settings.
    void newModelRunRequested(const tokenbench::ui::ModelRunPrefill& prefill);
    /// A trial of the sweep this page runs ended: its run is in the store.
    void trialFinished();
    /// A sweep this page started finished; the project's lists should be reloaded.
    void jobFinished();
    /// A view is on screen (after showGroup's background build, or at once for a file or a job).
    void viewShown();

private:
    /// Which sweep the selector's entry stands for: the current file or job (0), or a group id.
    static constexpr qint64 kCurrentSweep = 0;

    void buildLayout();
    void rebuildSelector();
    void onSelectorChanged();
    void show(const core::SweepView& view);
    /// A stored group's view arrived from the worker.
    void onViewLoaded(const core::SweepView& view);
    void refreshTexts();
    void refreshPlot();
    void onReports(const JobReports& reports);
    void onSweepFinished(const JobOutcome& outcome);
    void requestNewModelRun();
    void failFile(const QString& message);
    [[nodiscard]] bool showsCurrent() const;

    JobManager& m_jobs;
    ProjectContents m_contents;
    QString m_sampleFolder;
    std::optional<core::SweepFile> m_file;  ///< the opened sweep file
    core::SweepView m_current;              ///< its plan, or the running sweep's trials
    bool m_currentListed = false;           ///< the selector has an entry for m_current
    QPointer<Job> m_job;
    int64_t m_selectGroup = 0;              ///< a group to show once the project lists it (a finished sweep)
    core::SweepView m_shown;
    PendingView m_pendingView;

    QLabel* m_filePath = nullptr;
    QLabel* m_fileSummary = nullptr;
    QLabel* m_fileError = nullptr;
    JobControls* m_controls = nullptr;
    QComboBox* m_selector = nullptr;
    QPushButton* m_useBest = nullptr;
    QLabel* m_title = nullptr;
    QLabel* m_best = nullptr;
    ParallelCoordinates* m_plot = nullptr;
    SweepTrialsModel* m_model = nullptr;
    QSortFilterProxyModel* m_proxy = nullptr;
    QTableView* m_table = nullptr;
    LatestOnlyLoader<core::SweepView> m_loader{this, [this](core::SweepView view) { onViewLoaded(view); }};
};

}  // namespace tokenbench::ui
