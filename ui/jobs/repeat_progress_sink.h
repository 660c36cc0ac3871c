#pragma once
/// Progress of a repeat (one run per seed) as one job: each run reports its own 0..1, which this
/// sink turns into the share of the whole repeat, so the bar moves once from 0 to 100 %.

#include <chrono>
#include <cstdint>
#include <vector>

#include "tokenbench/progress_sink.h"

namespace tokenbench::ui {

/// Forwards every report to `next`, rescaling progress: run k of n (from runStarted) at fraction f
/// becomes (k - 1 + f) / n, its phase "seed k/n · phase", its times those of the whole repeat.
/// Remembers the runs it saw start. Job's worker thread, like the sinks it wraps.
class RepeatProgressSink final : public core::ProgressSink {
public:
    RepeatProgressSink(core::ProgressSink& next, size_t runs);

    void runStarted(int64_t runId) override;
    void progress(const core::ProgressUpdate& update) override;
    void metrics(const std::vector<core::MetricPoint>& points) override { m_next.metrics(points); }
    void codebookSnapshots(const std::vector<core::CodebookSnapshot>& snapshots) override {
        m_next.codebookSnapshots(snapshots);
    }
    void event(const core::RunEvent& event) override { m_next.event(event); }
    void artifact(const core::ArtifactRecord& artifact) override { m_next.artifact(artifact); }
    void log(const std::string& level, const std::string& message) override { m_next.log(level, message); }
    void finished(int64_t runId, core::RunStatus status, const std::string& summaryJson,
                  const std::string& message) override {
        m_next.finished(runId, status, summaryJson, message);
    }

    /// The runs started so far, in order (one per seed).
    [[nodiscard]] const std::vector<int64_t>& runIds() const { return m_runIds; }

private:
    core::ProgressSink& m_next;
    size_t m_runs;
    std::vector<int64_t> m_runIds;
    std::chrono::steady_clock::time_point m_start;
};

}  // namespace tokenbench::ui
