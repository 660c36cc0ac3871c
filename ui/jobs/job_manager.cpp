#include "jobs/job_manager.h"

#include <spdlog/spdlog.h>

namespace tokenbench::ui {

JobManager::JobManager(QObject* parent) : QObject(parent) {}

JobManager::~JobManager() {
    // Normally empty: the window waits for jobs before closing. Otherwise each Job's destructor
    // cancels and joins its thread.
    for (const QPointer<Job>& job : m_jobs) {
        if (job) job->cancel();
    }
}

Job* JobManager::start(const QString& title, Job::Body body) {
    auto* job = new Job(title, std::move(body), this);
    m_jobs.append(job);
    connect(job, &Job::finished, this, [this, job](const JobOutcome& outcome) {
        m_jobs.removeAll(job);
        m_jobs.removeAll(nullptr);
        spdlog::info("{}: {}{}", job->title().toStdString(), core::toString(outcome.status),
                     outcome.message.empty() ? std::string() : " (" + outcome.message + ")");
        Q_EMIT jobFinished(job, outcome);
        Q_EMIT runningCountChanged(runningCount());
        if (runningCount() == 0) Q_EMIT allFinished();
        job->deleteLater();
    });
    job->start();
    spdlog::info("Started {}", title.toStdString());
    Q_EMIT jobStarted(job);
    Q_EMIT runningCountChanged(runningCount());
    return job;
}

int JobManager::runningCount() const {
    int running = 0;
    for (const QPointer<Job>& job : m_jobs) running += (job && job->isRunning()) ? 1 : 0;
    return running;
}

QList<Job*> JobManager::runningJobs() const {
    QList<Job*> jobs;
    for (const QPointer<Job>& job : m_jobs) {
        if (job && job->isRunning()) jobs.append(job);
    }
    return jobs;
}

void JobManager::cancelAll() {
    for (Job* job : runningJobs()) job->cancel();
}

}  // namespace tokenbench::ui
