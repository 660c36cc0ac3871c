#pragma once
/// What the tokenizer and model pages share: they show one run at a time, either the job they
/// started (its reports as they arrive) or a finished run read back from the store.

#include <cstdint>
#include <string>

#include <QObject>
#include <QPointer>

#include "jobs/job.h"
#include "pages/run_history.h"
#include "widgets/latest_only_loader.h"

namespace tokenbench::ui {

/// Follows the run a page shows. A live job's reports are kept (so the page can show its run again
/// after showing another one) and passed on while its run is shown; a job that runs several runs
/// one after the other (a repeat) is followed on its newest run. A stored run's history is loaded
/// off the UI thread, and only the last requested one is handed over. The page draws; the follower
/// decides what is shown. UI thread only.
class RunFollower final : public QObject {
    Q_OBJECT

public:
    explicit RunFollower(QObject* parent = nullptr);

    /// The project database stored runs are read from (empty: none).
    void setDatabase(std::string dbPath) { m_database = std::move(dbPath); }
    [[nodiscard]] const std::string& database() const { return m_database; }

    /// Shows nothing and drops a load in flight (project changed or closed). A live job stays
    /// followed, and its run can be shown again.
    void clear();

    /// Follows `job`, just started, as the live run; `seed` says what it is (kind, component,
    /// config). Nothing is shown until its first report names its run.
    void follow(Job* job, RunHistory seed);

    /// Shows run `runId`: when it is the live job's run, historyShown(reports so far, live=true)
    /// at once (unless already shown); otherwise loadStarted, then historyShown or loadFailed.
    /// False when there is no database to read a stored run from.
    bool show(int64_t runId);

    /// Whether `runId` is the run of the followed job, still running.
    [[nodiscard]] bool isLiveRun(int64_t runId) const;
    [[nodiscard]] int64_t shownRunId() const { return m_shownRunId; }
    [[nodiscard]] bool isLoading() const { return m_loader.isLoading(); }
    /// The followed job's run as reported so far (componentId, status, metrics...).
    [[nodiscard]] const RunHistory& live() const { return m_live; }

Q_SIGNALS:
    /// A stored run is being read; its history (or an error) follows.
    void loadStarted(qint64 runId);
    /// Draw `history` from scratch: a stored run (live false) or the live run so far (live true).
    void historyShown(const tokenbench::ui::RunHistory& history, bool live);
    /// Reading stored run `runId` failed.
    void loadFailed(qint64 runId, const QString& error);
    /// The live job created its run (or a repeat its next run), which is now shown; for a repeat's
    /// next run, historyShown(empty history, live=true) came first, so the views start over.
    void liveRunStarted(qint64 runId);
    /// New reports of the live run, which is shown: append them.
    void liveReports(const tokenbench::ui::JobReports& reports);
    /// The live job ended while its run was shown (or nothing else was).
    void liveFinished(const tokenbench::ui::JobOutcome& outcome);
    /// A followed job ended, shown or not (the project's lists should be reloaded).
    void jobFinished(qint64 runId);

private:
    void onReports(const JobReports& reports);
    void onFinished(const JobOutcome& outcome);
    void onLoaded(RunHistory history);

    std::string m_database;
    QPointer<Job> m_job;
    int64_t m_liveRunId = 0;
    RunHistory m_live;
    int64_t m_shownRunId = 0;
    LatestOnlyLoader<RunHistory> m_loader;
};

}  // namespace tokenbench::ui
