#pragma once
/// One background job (a tokenizer or model run, an import, a feature build) on its own QThread,
/// with its reports handed to the UI thread in throttled batches.

#include <atomic>
#include <functional>
#include <memory>
#include <optional>

#include <QElapsedTimer>
#include <QObject>
#include <QString>
#include <QTimer>

#include "jobs/job_reports.h"

class QThread;

namespace tokenbench::ui {

class BufferingSink;

/// Runs `body` on a dedicated QThread. The body reports through the sink it is given and checks the
/// cancel flag; its result (or any exception it lets out) becomes finished(). Reports reach the UI
/// as reportsArrived() batches at most every kHandOffInterval, so a job reporting every few
/// microseconds costs the UI one small batch per tenth of a second. UI thread owns and drives it.
class Job final : public QObject {
    Q_OBJECT

public:
    /// Runs on the worker thread. Must honour `cancel` (checked between batches) and may throw:
    /// CancelledError becomes Cancelled, anything else Failed with its message.
    using Body = std::function<JobOutcome(core::ProgressSink& sink, const std::atomic<bool>* cancel)>;

    static constexpr int kHandOffIntervalMs = 100;

    Job(QString title, Body body, QObject* parent = nullptr);
    /// Cancels and waits for the thread when it still runs: a last resort, the window waits for
    /// jobs asynchronously before it lets anything be destroyed.
    ~Job() override;

    /// Starts the worker thread (once).
    void start();
    /// Asks the body to stop: sets the atomic flag directly, since a queued call would only run
    /// once the worker is idle. Returns at once; finished() follows when the body has unwound.
    void cancel();

    [[nodiscard]] QString title() const { return m_title; }
    [[nodiscard]] bool isRunning() const { return m_started && !m_finished; }
    [[nodiscard]] bool isFinished() const { return m_finished; }
    [[nodiscard]] bool isCancelRequested() const { return m_cancel.load(); }
    /// The run the job created (0 before runStarted or for jobs that make no run).
    [[nodiscard]] int64_t runId() const;
    /// Latest progress delivered to the UI.
    [[nodiscard]] const std::optional<core::ProgressUpdate>& lastProgress() const { return m_lastProgress; }
    /// Valid once finished() was emitted.
    [[nodiscard]] const JobOutcome& outcome() const { return m_outcome; }
    /// Milliseconds since start().
    [[nodiscard]] qint64 elapsedMs() const { return m_clock.isValid() ? m_clock.elapsed() : 0; }

Q_SIGNALS:
    /// A batch of reports (UI thread, at most every kHandOffIntervalMs).
    void reportsArrived(const tokenbench::ui::JobReports& reports);
    /// The body returned; the last reportsArrived() came before this. Emitted once.
    void finished(const tokenbench::ui::JobOutcome& outcome);

private:
    void work();
    void onReportsPending();
    void handOff();
    void onThreadFinished();

    QString m_title;
    Body m_body;
    std::unique_ptr<BufferingSink> m_sink;
    std::atomic<bool> m_cancel{false};
    QThread* m_thread = nullptr;
    QTimer m_throttle;
    QElapsedTimer m_sinceHandOff;
    QElapsedTimer m_clock;
    std::optional<core::ProgressUpdate> m_lastProgress;
    JobOutcome m_outcome;  ///< written by the worker before the thread ends, read after
    bool m_started = false;
    bool m_finished = false;
};

}  // namespace tokenbench::ui
