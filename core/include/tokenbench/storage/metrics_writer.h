#pragma once
/// The store's writer thread for running jobs: a ProgressSink that queues reports and writes them on
/// its own thread, through its own connection, one transaction per wake-up.

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "tokenbench/progress_sink.h"

namespace tokenbench::core {

class ExperimentStore;

/// Persists metrics, codebook snapshots, events, artifacts and run status as they happen, so a crash
/// or kill loses nothing that was committed. Sink methods (worker thread) only enqueue; flush() and
/// the destructor (owner thread) wait for the queue to be written.
class SqliteMetricsWriter final : public ProgressSink {
public:
    /// Opens its own read-write connection to `dbPath` on the writer thread.
    explicit SqliteMetricsWriter(std::string dbPath);
    /// Writes what is queued, then stops the thread.
    ~SqliteMetricsWriter() override;
    SqliteMetricsWriter(const SqliteMetricsWriter&) = delete;
    SqliteMetricsWriter& operator=(const SqliteMetricsWriter&) = delete;

    void runStarted(int64_t runId) override;
    void metrics(const std::vector<MetricPoint>& points) override;
    void codebookSnapshots(const std::vector<CodebookSnapshot>& snapshots) override;
    void event(const RunEvent& event) override;
    void artifact(const ArtifactRecord& artifact) override;
    void finished(int64_t runId, RunStatus status, const std::string& summaryJson,
                  const std::string& message) override;

    /// Blocks until everything queued before the call is committed. Any thread but the writer's.
    void flush();
    /// First write error seen (empty when none). Writes after an error are still attempted.
    [[nodiscard]] std::string lastError() const;
    /// Number of transactions committed so far (a batch per wake-up).
    [[nodiscard]] int64_t batchesWritten() const;

private:
    using Write = std::function<void(ExperimentStore&)>;
    void enqueue(Write write);
    void loop();

    std::string m_dbPath;
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    std::condition_variable m_drained;
    std::deque<Write> m_queue;
    uint64_t m_enqueued = 0;
    uint64_t m_written = 0;
    int64_t m_batches = 0;
    bool m_stop = false;
    std::string m_error;
    std::thread m_thread;
};

}  // namespace tokenbench::core
