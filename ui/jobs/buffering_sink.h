#pragma once
/// The Qt side's ProgressSink: collects a job's reports in a locked buffer on the worker thread and
/// announces (once per hand-off) that there is something to take.

#include <functional>
#include <mutex>

#include "jobs/job_reports.h"
#include "tokenbench/progress_sink.h"

namespace tokenbench::ui {

/// Sink methods run on the job's worker thread and only append under a short lock, so the job never
/// waits for the UI. `notify` is called (worker thread) when the buffer turns non-empty; the UI then
/// calls take() at its own pace, which keeps the UI's work at most one batch per hand-off however
/// fast the job reports.
class BufferingSink final : public core::ProgressSink {
public:
    explicit BufferingSink(std::function<void()> notify) : m_notify(std::move(notify)) {}

    void runStarted(int64_t runId) override;
    void progress(const core::ProgressUpdate& update) override;
    void metrics(const std::vector<core::MetricPoint>& points) override;
    void codebookSnapshots(const std::vector<core::CodebookSnapshot>& snapshots) override;
    void event(const core::RunEvent& event) override;
    void artifact(const core::ArtifactRecord& artifact) override;
    void log(const std::string& level, const std::string& message) override;
    void finished(int64_t runId, core::RunStatus status, const std::string& summaryJson,
                  const std::string& message) override;

    /// Moves out what arrived since the last call (UI thread). The run id stays known afterwards.
    [[nodiscard]] JobReports take();
    /// Run id reported by runStarted, 0 before. Any thread.
    [[nodiscard]] int64_t runId() const;

private:
    /// Runs `append` under the lock and notifies when the buffer was empty before.
    template <typename Append>
    void add(Append&& append);

    std::function<void()> m_notify;
    mutable std::mutex m_mutex;
    JobReports m_buffer;
    bool m_pending = false;  ///< a notification was sent and take() has not run since
};

}  // namespace tokenbench::ui
