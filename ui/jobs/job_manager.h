#pragma once
/// The window's list of running jobs: starts them, counts them, cancels them all on close.

#include <QList>
#include <QObject>
#include <QPointer>

#include "jobs/job.h"

namespace tokenbench::ui {

/// Owns every job from start to a little after its end (deleted once finished() has been handled).
/// Several jobs may run at once. UI thread only.
class JobManager final : public QObject {
    Q_OBJECT

public:
    explicit JobManager(QObject* parent = nullptr);
    ~JobManager() override;

    /// Creates and starts a job. The pointer stays valid until the event loop runs after finished();
    /// keep a QPointer when holding it longer.
    Job* start(const QString& title, Job::Body body);

    [[nodiscard]] int runningCount() const;
    [[nodiscard]] QList<Job*> runningJobs() const;
    /// Sets every running job's cancel flag; allFinished() follows once the last one has unwound.
    void cancelAll();

Q_SIGNALS:
    void jobStarted(tokenbench::ui::Job* job);
    void jobFinished(tokenbench::ui::Job* job, const tokenbench::ui::JobOutcome& outcome);
    void runningCountChanged(int running);
    /// No job is running any more (emitted after the last running job finished).
    void allFinished();

private:
    QList<QPointer<Job>> m_jobs;
};

}  // namespace tokenbench::ui
