#pragma once
/// Observer of a job (import, features, tokenize, train). Only the jobs call it, through their run
/// scope (core/src/jobs/run_scope.h); models, tokenizers and loaders never log or touch storage.
///
/// Threads: every method is called on the job's worker thread and must not block (queue and return).

#include <cstdint>
#include <string>
#include <vector>

#include "tokenbench/storage/records.h"

namespace tokenbench::core {

/// Where a job stands, for progress bars and ETAs.
struct ProgressUpdate final {
    int64_t runId = 0;
    std::string phase;        ///< "train", "valid", "test", "fit"...
    int64_t step = 0;         ///< global optimisation step
    int64_t epoch = 0;
    int64_t epochs = 0;       ///< planned epochs, 0 when unknown
    double fraction = 0.0;    ///< 0..1 of the whole job
    double elapsedSeconds = 0.0;
    double etaSeconds = -1.0; ///< -1 when unknown
};

/// Receives a job's reports. Default implementations ignore everything, so a sink overrides only
/// what it consumes.
class ProgressSink {
public:
    virtual ~ProgressSink() = default;
    virtual void runStarted(int64_t runId) {}
    virtual void progress(const ProgressUpdate& update) {}
    virtual void metrics(const std::vector<MetricPoint>& points) {}
    virtual void codebookSnapshots(const std::vector<CodebookSnapshot>& snapshots) {}
    virtual void event(const RunEvent& event) {}
    virtual void artifact(const ArtifactRecord& artifact) {}
    virtual void log(const std::string& level, const std::string& message) {}
    /// Last call of a run: status Completed, Failed or Cancelled, summary JSON, reason.
    virtual void finished(int64_t runId, RunStatus status, const std::string& summaryJson,
                          const std::string& message) {}
};

/// Forwards every report to several sinks in order (the store writer, the Qt bridge...). The sinks
/// must outlive it.
class FanOutSink final : public ProgressSink {
public:
    explicit FanOutSink(std::vector<ProgressSink*> sinks) : m_sinks(std::move(sinks)) {}
    void runStarted(int64_t runId) override { for (auto* s : m_sinks) s->runStarted(runId); }
    void progress(const ProgressUpdate& u) override { for (auto* s : m_sinks) s->progress(u); }
    void metrics(const std::vector<MetricPoint>& p) override { for (auto* s : m_sinks) s->metrics(p); }
    void codebookSnapshots(const std::vector<CodebookSnapshot>& c) override {
        for (auto* s : m_sinks) s->codebookSnapshots(c);
    }
    void event(const RunEvent& e) override { for (auto* s : m_sinks) s->event(e); }
    void artifact(const ArtifactRecord& a) override { for (auto* s : m_sinks) s->artifact(a); }
    void log(const std::string& level, const std::string& m) override { for (auto* s : m_sinks) s->log(level, m); }
    void finished(int64_t runId, RunStatus status, const std::string& summary, const std::string& m) override {
        for (auto* s : m_sinks) s->finished(runId, status, summary, m);
    }

private:
    std::vector<ProgressSink*> m_sinks;
};

}  // namespace tokenbench::core
