#pragma once
/// The shape the tokenizer and model pages share: a "new run" form on the left (data set, the
/// component's schema form, run fields, job controls), and on the right the shown run (its title,
/// figures and the page's plots), which is either the job the page started or a stored run.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <QList>
#include <QWidget>

#include "jobs/job.h"
#include "pages/run_history.h"
#include "pages/workbench_page.h"
#include "tokenbench/project.h"
#include "tokenbench/storage/records.h"
#include "tokenbench/storage/run_summary.h"

class QComboBox;
class QLabel;
class QLayout;
class QSplitter;

namespace tokenbench::ui {

class JobControls;
class JobManager;
class RunFollower;
class SchemaForm;

/// Base of the pages that train and show one kind of run. It owns the form column, the title and
/// figures labels and the RunFollower, and decides what is shown; the page draws through the
/// hooks below. UI thread only.
class RunPage : public QWidget, public WorkbenchPage {
    Q_OBJECT

public:
    ~RunPage() override;

    // WorkbenchPage
    [[nodiscard]] QWidget* pageWidget() override { return this; }
    /// The open project's contents (after every reload). Keeps selections and the shown run.
    void setProject(const ProjectContents& contents) override;
    /// Shows `run` when it is of this page's kind (see showRun).
    bool openRun(const core::RunRecord& run) override;
    /// Shows the latest completed run of this page's kind; `ready` once it is on screen.
    void showView(const QString& name, std::function<void()> ready) override;
    [[nodiscard]] JobControls* trainControls() const override { return m_controls; }
    [[nodiscard]] QString trainSubject() const override { return m_subject; }
    void train() override { startTraining(); }

    /// Back to the "no project" state.
    void clearProject();
    /// Shows run `runId` of this page's kind: live when it is this page's running job, else from the
    /// store (asynchronous: runShown() follows). False when the project has no such run.
    bool showRun(int64_t runId);
    /// Shows the most recent completed run of this page's kind, if any.
    bool showLatestRun();
    /// Validates the form and starts a job; nullptr (and a visible message) when the form is
    /// incomplete or invalid.
    virtual Job* startTraining() = 0;

    [[nodiscard]] int64_t shownRunId() const;
    [[nodiscard]] bool isLoading() const;
    [[nodiscard]] QComboBox* datasetSelector() const { return m_dataset; }
    [[nodiscard]] SchemaForm* form() const { return m_form; }
    [[nodiscard]] JobControls* controls() const { return m_controls; }
    /// The figures line above the plots ("2,000 items · 2,000 unique IDs · ...").
    [[nodiscard]] QString figuresText() const;
    /// The form's error message; empty while hidden.
    [[nodiscard]] QString formError() const;

Q_SIGNALS:
    /// A stored run is now shown (plots filled or its error shown).
    void runShown(qint64 runId);
    /// A job this page started finished; the project's lists should be reloaded.
    void jobFinished(qint64 runId);
    /// A repeat this page started finished (after jobFinished): its runs form group `groupId`.
    void groupFinished(qint64 groupId);

protected:
    /// `kind` of runs shown; `subject` names it in texts ("tokenizer") and, as `prefix`, object
    /// names ("tokenizer" -> "tokenizerDataset", "tokenizerForm", "tokenizerRunTitle", ...).
    RunPage(core::RunKind kind, const QString& subject, JobManager& jobs, QWidget* parent);

    /// Lays out the form column: `top` rows, the schema form, `bottom` rows, error line, controls.
    void setFormColumn(const QString& title, QLayout* top, QLayout* bottom);
    /// Lays out the view column: title, figures, `above` (banners), then `body` taking the rest.
    void setViewColumn(const QList<QWidget*>& above, QWidget* body);

    /// The form's checks every run needs (a project, a data set, valid parameters): the validated
    /// component config, or nullopt with the message shown. `noDataset` says what a data set is for.
    std::optional<std::string> validatedForm(const QString& noDataset);
    /// Shows `message` under the form; returns nullptr, for `return fail(...)` in startTraining.
    Job* fail(const QString& message);
    /// Starts `body` as a job titled `title` and follows it as the shown run (`seed`: kind,
    /// component, config); the views show `waiting` until its first report.
    Job* launch(const QString& title, Job::Body body, RunHistory seed, const QString& waiting);

    /// Puts what every stored run records back into the form: its component (selected in
    /// `componentSelector`), that component's config and the run's data set. Returns the run's
    /// stored config, or nullopt (form unchanged) when `componentSelector` does not list the component.
    std::optional<core::StoredRunConfig> showComponentSettings(QComboBox& componentSelector,
                                                               const core::RunRecord& run);
    /// Run `runId` of this page's kind in the project, or nullptr.
    [[nodiscard]] const core::RunRecord* findRun(int64_t runId) const;
    /// "<run> · <data set> · <status>"; `status` empty: the stored run's own.
    void updateTitle(const QString& status);

    // Hooks: what the page draws.
    /// Empties every view, showing `placeholder` (empty: "no data" texts of a finished run).
    virtual void resetViews(const QString& placeholder) = 0;
    /// Draws a run's recorded history into freshly reset views (series, snapshots, events).
    virtual void drawHistory(const RunHistory& history) = 0;
    /// Appends a live job's new reports.
    virtual void drawReports(const JobReports& reports) = 0;
    /// Shows a finished run's summary (figures line, charts).
    virtual void showSummary(const std::string& summaryJson) = 0;
    /// Puts the settings a stored run used back into the form.
    virtual void showRunSettings(const core::RunRecord& run) = 0;
    /// The live job ended (its summary or message is shown already).
    virtual void liveRunEnded(const JobOutcome& outcome) { (void)outcome; }
    /// A stored run's history is drawn (before runShown()).
    virtual void storedRunShown(const RunHistory& history) { (void)history; }
    /// No run is shown any more (project opened or closed): `message` says what to do.
    virtual void showNoRun(const QString& message) { resetViews(message); }
    /// The project's contents arrived (empty contents: closed), before the data sets are listed.
    virtual void takeContents(const ProjectContents& contents) { (void)contents; }
    /// The selected data set changed (also after the list was refilled).
    virtual void onDatasetChanged() {}
    /// Whether the view showView() waits for is complete once runShown() is emitted (a page may
    /// wait for more, and complete m_pendingView itself).
    [[nodiscard]] virtual bool isShownViewComplete() const { return true; }

    JobManager& m_jobs;
    QComboBox* m_dataset = nullptr;
    SchemaForm* m_form = nullptr;
    JobControls* m_controls = nullptr;
    QLabel* m_formError = nullptr;
    QSplitter* m_splitter = nullptr;
    QLabel* m_title = nullptr;
    QLabel* m_figures = nullptr;
    core::ProjectPaths m_paths;
    std::vector<core::RunRecord> m_runs;
    RunFollower* m_follower = nullptr;
    PendingView m_pendingView;

private:
    void applyHistory(const RunHistory& history);
    void onHistoryShown(const RunHistory& history, bool live);
    void onLoadFailed(qint64 runId, const QString& error);
    void onLiveFinished(const JobOutcome& outcome);

    core::RunKind m_kind;
    QString m_subject;
};

}  // namespace tokenbench::ui
