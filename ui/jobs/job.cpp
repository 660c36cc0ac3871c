#include "jobs/job.h"

#include <exception>

#include <spdlog/spdlog.h>

#include <QThread>

#include "jobs/buffering_sink.h"
#include "tokenbench/cancellation.h"

namespace tokenbench::ui {

Job::Job(QString title, Body body, QObject* parent)
    : QObject(parent), m_title(std::move(title)), m_body(std::move(body)) {
    static const bool registered = [] {
        qRegisterMetaType<JobReports>();
        qRegisterMetaType<JobOutcome>();
        return true;
    }();
    (void)registered;
    // Called on the worker thread: post to this object's (the UI) thread and return at once.
    m_sink = std::make_unique<BufferingSink>(
        [this] { QMetaObject::invokeMethod(this, &Job::onReportsPending, Qt::QueuedConnection); });
    m_throttle.setSingleShot(true);
    connect(&m_throttle, &QTimer::timeout, this, &Job::handOff);
}

Job::~Job() {
    if (m_thread && m_thread->isRunning()) {
        m_cancel.store(true);
        m_thread->wait();
    }
}

void Job::start() {
    if (m_started) return;
    m_started = true;
    m_clock.start();
    m_sinceHandOff.start();
    m_thread = QThread::create([this] { work(); });
    m_thread->setParent(this);
    m_thread->setObjectName(QStringLiteral("job: %1").arg(m_title));
    // QThread::finished is emitted on the worker; `this` lives on the UI thread, so it is queued.
    connect(m_thread, &QThread::finished, this, &Job::onThreadFinished);
    m_thread->start();
}

void Job::cancel() {
    if (!m_finished) m_cancel.store(true);
}

int64_t Job::runId() const {
    // m_outcome belongs to the worker until the thread has finished.
    return m_finished && m_outcome.runId != 0 ? m_outcome.runId : m_sink->runId();
}

void Job::work() {
    JobOutcome outcome;
    try {
        outcome = m_body(*m_sink, &m_cancel);
    } catch (const core::CancelledError&) {
        outcome.status = core::RunStatus::Cancelled;
        outcome.message = "cancelled by the user";
    } catch (const std::exception& error) {
        outcome.status = core::RunStatus::Failed;
        outcome.message = error.what();
    } catch (...) {
        outcome.status = core::RunStatus::Failed;
        outcome.message = "unknown error";
    }
    // A group's job (a sweep) ran several runs: none of them is its run.
    if (outcome.runId == 0 && outcome.groupId == 0) outcome.runId = m_sink->runId();
    if (outcome.status == core::RunStatus::Failed) {
        spdlog::error("{} failed: {}", m_title.toStdString(), outcome.message);
    }
    m_outcome = std::move(outcome);
}

void Job::onReportsPending() {
    if (m_throttle.isActive() || m_finished) return;
    const qint64 since = m_sinceHandOff.elapsed();
    if (since >= kHandOffIntervalMs) {
        handOff();
    } else {
        m_throttle.start(static_cast<int>(kHandOffIntervalMs - since));
    }
}

void Job::handOff() {
    JobReports reports = m_sink->take();
    m_sinceHandOff.restart();
    if (reports.empty()) return;
    if (reports.progress) m_lastProgress = reports.progress;
    // Lines a job reports through its sink (core logs the rest itself) reach the log dock here.
    for (const JobLogLine& line : reports.logs) {
        spdlog::log(spdlog::level::from_str(line.level), "{}: {}", m_title.toStdString(), line.message);
    }
    Q_EMIT reportsArrived(reports);
}

void Job::onThreadFinished() {
    if (m_finished) return;
    m_throttle.stop();
    handOff();  // whatever arrived after the last hand-off, before finished()
    m_finished = true;
    Q_EMIT finished(m_outcome);
}

}  // namespace tokenbench::ui
