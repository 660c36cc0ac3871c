#include "jobs/run_scope.h"

#include <filesystem>


#include "tokenbench/cancellation.h"
#include "tokenbench/storage/experiment_store.h"
#include "tokenbench/storage/metrics_writer.h"
#include "tokenbench/storage/sha256.h"
#include "storage/run_lease.h"
#include "tokenbench/logging.h"

namespace tokenbench::core {

ProgressUpdate progressAt(std::chrono::steady_clock::time_point start, double fraction, const std::string& phase) {
    ProgressUpdate update;
    update.phase = phase;
    update.fraction = fraction;
    update.elapsedSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    update.etaSeconds = fraction > 0.01 ? update.elapsedSeconds * (1.0 - fraction) / fraction : -1.0;
    return update;
}

JobEnd runGuarded(const std::function<void()>& body, const std::string& what) {
    JobEnd end;
    try {
        body();
        end.status = RunStatus::Completed;
    } catch (const CancelledError&) {
        end.status = RunStatus::Cancelled;
        end.message = "cancelled by the user";
    } catch (const std::exception& e) {
        end.status = RunStatus::Failed;
        end.message = e.what();
        logError(std::string(what) + " failed: " + e.what());
    } catch (...) {
        end.status = RunStatus::Failed;
        end.message = "unknown error";
        logError(std::string(what) + " failed: unknown error");
    }
    return end;
}

RunScope::RunScope(const std::string& projectDir, ProgressSink& sink)
    : m_start(std::chrono::steady_clock::now()), m_paths(projectPaths(projectDir)), m_caller(sink) {}

RunScope::~RunScope() {
    if (!m_finished && m_runId > 0) finish(RunStatus::Failed, "{}", "the job ended without an outcome");
    // The writer (flushed by finish) goes before the lease: the outcome is stored while we own the run.
    m_fan.reset();
    m_writer.reset();
    m_lease.reset();
}

ExperimentStore& RunScope::store() {
    if (!m_store) m_store = std::make_unique<ExperimentStore>(m_paths.database);
    return *m_store;
}

double RunScope::seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
}

int64_t RunScope::create(const RunSpec& spec) {
    m_runId = store().createRun(spec, [this](int64_t id) { m_lease = std::make_unique<RunLease>(m_paths.database, id); });
    return m_runId;
}

void RunScope::adopt(int64_t runId) {
    m_lease = std::make_unique<RunLease>(m_paths.database, runId);
    m_runId = runId;
}

void RunScope::start() {
    if (m_fan) return;
    m_writer = std::make_unique<SqliteMetricsWriter>(m_paths.database);
    m_fan = std::make_unique<FanOutSink>(std::vector<ProgressSink*>{m_writer.get(), &m_caller});
    m_fan->runStarted(m_runId);
}

ProgressSink& RunScope::sink() { return m_fan ? static_cast<ProgressSink&>(*m_fan) : m_caller; }

void RunScope::flush() {
    if (m_writer) m_writer->flush();
}

void RunScope::addArtifact(const std::string& kind, const std::string& file) {
    const auto relative = std::filesystem::relative(file, m_paths.root).string();
    sink().artifact({0, m_runId, kind, relative, sha256OfFile(file), static_cast<int64_t>(std::filesystem::file_size(file)), ""});
}

void RunScope::finish(RunStatus status, const std::string& summaryJson, const std::string& message) {
    if (m_finished) return;
    m_finished = true;
    if (m_runId <= 0) return;
    sink().finished(m_runId, status, summaryJson, message);
    if (m_writer) {
        m_writer->flush();
        if (!m_writer->lastError().empty())
            logError("Run " + std::to_string(m_runId) + ": store writes failed: " + m_writer->lastError());
        return;
    }
    // The run row exists but the writer never started: record the outcome directly.
    try {
        store().finishRun(m_runId, status, summaryJson, message);
    } catch (const std::exception& e) {
        logError("Run " + std::to_string(m_runId) + ": cannot record its outcome: " + e.what());
    }
}

}  // namespace tokenbench::core
