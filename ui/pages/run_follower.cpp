#include "pages/run_follower.h"

#include <algorithm>

namespace tokenbench::ui {

RunFollower::RunFollower(QObject* parent)
    : QObject(parent), m_loader(this, [this](RunHistory history) { onLoaded(std::move(history)); }) {}

void RunFollower::clear() {
    m_shownRunId = 0;
    m_loader.cancel();
}

void RunFollower::follow(Job* job, RunHistory seed) {
    m_job = job;
    m_liveRunId = 0;
    m_live = std::move(seed);
    m_shownRunId = 0;
    m_loader.cancel();  // a stored run still loading is no longer wanted
    connect(job, &Job::reportsArrived, this, [this, job](const JobReports& reports) {
        if (job == m_job) onReports(reports);
    });
    connect(job, &Job::finished, this, [this, job](const JobOutcome& outcome) {
        if (job == m_job) onFinished(outcome);
        Q_EMIT jobFinished(outcome.runId);
    });
}

bool RunFollower::isLiveRun(int64_t runId) const {
    return m_job && m_job->isRunning() && runId == m_liveRunId;
}

bool RunFollower::show(int64_t runId) {
    if (isLiveRun(runId)) {
        if (m_shownRunId != runId) {
            m_shownRunId = runId;
            m_loader.cancel();
            Q_EMIT historyShown(m_live, true);
        }
        return true;
    }
    if (m_database.empty()) return false;
    m_shownRunId = runId;
    Q_EMIT loadStarted(runId);
    m_loader.request([db = m_database, runId] { return loadRunHistory(db, runId); });
    return true;
}

void RunFollower::onLoaded(RunHistory history) {
    if (!history.error.isEmpty()) {
        Q_EMIT loadFailed(history.runId, history.error);
        return;
    }
    Q_EMIT historyShown(history, false);
}

void RunFollower::onReports(const JobReports& reports) {
    if (reports.runId > 0 && reports.runId != m_liveRunId) {
        // The job's first run, or (a repeat) its next seed's: follow it from its first report. A
        // later run takes the screen only from its predecessor, not from a stored run shown instead.
        const bool first = m_liveRunId == 0;
        const bool takeScreen = first || m_shownRunId == m_liveRunId;
        m_liveRunId = reports.runId;
        m_live.runId = reports.runId;
        m_live.run.id = reports.runId;
        m_live.metrics.clear();
        m_live.snapshots.clear();
        m_live.events.clear();
        if (takeScreen) {
            m_shownRunId = reports.runId;
            m_loader.cancel();
            if (!first) Q_EMIT historyShown(m_live, true);  // the views start over for the new run
            Q_EMIT liveRunStarted(reports.runId);
        }
    }
    // A batch may end one run and begin the next: keep what belongs to the followed run.
    JobReports own = reports;
    const auto other = [this](const auto& report) { return report.runId != m_liveRunId; };
    own.metrics.erase(std::remove_if(own.metrics.begin(), own.metrics.end(), other), own.metrics.end());
    own.snapshots.erase(std::remove_if(own.snapshots.begin(), own.snapshots.end(), other), own.snapshots.end());
    own.events.erase(std::remove_if(own.events.begin(), own.events.end(), other), own.events.end());
    m_live.metrics.insert(m_live.metrics.end(), own.metrics.begin(), own.metrics.end());
    for (const core::CodebookSnapshot& snapshot : own.snapshots) {
        auto it = std::find_if(m_live.snapshots.begin(), m_live.snapshots.end(),
                               [&](const core::CodebookSnapshot& s) { return s.level == snapshot.level; });
        if (it == m_live.snapshots.end()) m_live.snapshots.push_back(snapshot);
        else if (snapshot.step >= it->step) *it = snapshot;
    }
    m_live.events.insert(m_live.events.end(), own.events.begin(), own.events.end());
    if (m_shownRunId != m_liveRunId) return;  // another run is on screen; m_live keeps this one for later
    Q_EMIT liveReports(own);
}

void RunFollower::onFinished(const JobOutcome& outcome) {
    m_live.run.status = outcome.status;
    m_live.run.summaryJson = outcome.summaryJson;
    m_live.run.message = outcome.message;
    if (m_liveRunId == 0) m_liveRunId = outcome.runId;
    if (m_shownRunId != m_liveRunId && m_shownRunId != 0) return;
    m_shownRunId = outcome.runId;
    Q_EMIT liveFinished(outcome);
}

}  // namespace tokenbench::ui
