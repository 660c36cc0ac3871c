#pragma once
// Private: a sweep's progress is its trials', rescaled, so a progress bar runs once from 0 to 100 %
// over the whole sweep instead of once per trial.
//
// Threads: the sweep's calling thread (where every trial runs), like any ProgressSink.

#include <chrono>
#include <cstdint>

#include "tokenbench/progress_sink.h"

namespace tokenbench::core {

/// Forwards every report of the trial runs to `sink`, each progress update rescaled: trial i of n
/// at fraction f reports (i - 1 + f) / n, phase "trial i/n · <phase>", and elapsed time and ETA of
/// the whole sweep since `start`.
class SweepProgressSink final : public ProgressSink {
public:
    SweepProgressSink(ProgressSink& sink, int64_t trials, std::chrono::steady_clock::time_point start)
        : m_sink(sink), m_trials(trials), m_start(start) {}

    /// The trial (1-based) whose reports follow.
    void beginTrial(int64_t index) { m_trial = index; }

    void runStarted(int64_t runId) override { m_sink.runStarted(runId); }
    void progress(const ProgressUpdate& update) override;
    void metrics(const std::vector<MetricPoint>& points) override { m_sink.metrics(points); }
    void codebookSnapshots(const std::vector<CodebookSnapshot>& s) override { m_sink.codebookSnapshots(s); }
    void event(const RunEvent& event) override { m_sink.event(event); }
    void artifact(const ArtifactRecord& artifact) override { m_sink.artifact(artifact); }
    void log(const std::string& level, const std::string& message) override { m_sink.log(level, message); }
    void finished(int64_t runId, RunStatus status, const std::string& summaryJson,
                  const std::string& message) override {
        m_sink.finished(runId, status, summaryJson, message);
    }

private:
    ProgressSink& m_sink;
    int64_t m_trials;
    int64_t m_trial = 1;
    std::chrono::steady_clock::time_point m_start;
};

}  // namespace tokenbench::core
