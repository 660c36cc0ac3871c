#include "tokenbench/storage/metrics_writer.h"


#include "tokenbench/storage/database.h"
#include "tokenbench/storage/experiment_store.h"
#include "tokenbench/logging.h"

namespace tokenbench::core {

SqliteMetricsWriter::SqliteMetricsWriter(std::string dbPath)
    : m_dbPath(std::move(dbPath)), m_thread([this] { loop(); }) {}

SqliteMetricsWriter::~SqliteMetricsWriter() {
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_one();
    m_thread.join();
}

void SqliteMetricsWriter::enqueue(Write write) {
    {
        std::lock_guard lock(m_mutex);
        m_queue.push_back(std::move(write));
        ++m_enqueued;
    }
    m_wake.notify_one();
}

void SqliteMetricsWriter::runStarted(int64_t runId) {
    enqueue([runId](ExperimentStore& s) { s.markRunStarted(runId); });
}

void SqliteMetricsWriter::metrics(const std::vector<MetricPoint>& points) {
    enqueue([points](ExperimentStore& s) { s.appendMetrics(points); });
}

void SqliteMetricsWriter::codebookSnapshots(const std::vector<CodebookSnapshot>& snapshots) {
    enqueue([snapshots](ExperimentStore& s) { s.appendCodebookSnapshots(snapshots); });
}

void SqliteMetricsWriter::event(const RunEvent& event) {
    enqueue([event](ExperimentStore& s) { s.appendEvents({event}); });
}

void SqliteMetricsWriter::artifact(const ArtifactRecord& artifact) {
    enqueue([artifact](ExperimentStore& s) { s.addArtifact(artifact); });
}

void SqliteMetricsWriter::finished(int64_t runId, RunStatus status, const std::string& summaryJson,
                                   const std::string& message) {
    enqueue([=](ExperimentStore& s) { s.finishRun(runId, status, summaryJson, message); });
}

void SqliteMetricsWriter::flush() {
    std::unique_lock lock(m_mutex);
    const uint64_t target = m_enqueued;
    m_drained.wait(lock, [&] { return m_written >= target; });
}

std::string SqliteMetricsWriter::lastError() const {
    std::lock_guard lock(m_mutex);
    return m_error;
}

int64_t SqliteMetricsWriter::batchesWritten() const {
    std::lock_guard lock(m_mutex);
    return m_batches;
}

void SqliteMetricsWriter::loop() {
    std::unique_ptr<ExperimentStore> store;
    try {
        store = std::make_unique<ExperimentStore>(m_dbPath);
    } catch (const std::exception& e) {
        logError("metrics writer cannot open " + m_dbPath + ": " + e.what());
        std::lock_guard lock(m_mutex);
        m_error = e.what();
    }
    std::unique_lock lock(m_mutex);
    for (;;) {
        m_wake.wait(lock, [&] { return m_stop || !m_queue.empty(); });
        if (m_queue.empty() && m_stop) break;
        std::deque<Write> batch;
        batch.swap(m_queue);
        lock.unlock();

        std::string error;
        if (store) {
            // One transaction for the whole wake-up: a write that fails rolls back alone (savepoint),
            // the rest of the batch still commits.
            try {
                Transaction tx(store->database());
                for (auto& write : batch) {
                    try {
                        Transaction one(store->database());
                        write(*store);
                        one.commit();
                    } catch (const std::exception& e) {
                        if (error.empty()) error = e.what();
                    }
                }
                tx.commit();
            } catch (const std::exception& e) {
                error = e.what();
            }
            if (!error.empty()) logError("metrics writer: " + error);
        }

        lock.lock();
        if (!error.empty() && m_error.empty()) m_error = error;
        m_written += batch.size();
        ++m_batches;
        m_drained.notify_all();
    }
}

}  // namespace tokenbench::core
