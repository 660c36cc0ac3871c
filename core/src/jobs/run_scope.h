#pragma once
// Private: the one lifecycle every job runs through. A RunScope opens the project's store, creates
// (or adopts) the run row, fans reports out to the store's writer thread and the caller's sink, and
// finishes the run exactly once on every path: success, failure, cancel or an exception.
//
// Threads: a scope lives on the job's calling thread (the GUI's job thread, the CLI's main thread).

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "tokenbench/progress_sink.h"
#include "tokenbench/project.h"
#include "tokenbench/storage/records.h"

namespace tokenbench::core {

class ExperimentStore;
class SqliteMetricsWriter;
class RunLease;

/// How a guarded body ended: Completed, Cancelled (CancelledError) or Failed (any other exception,
/// whose text becomes the message).
struct JobEnd final {
    RunStatus status = RunStatus::Failed;
    std::string message;
};

/// A ProgressUpdate for a job `fraction` (0..1) done since `start`, with an ETA extrapolated from it.
[[nodiscard]] ProgressUpdate progressAt(std::chrono::steady_clock::time_point start, double fraction,
                                        const std::string& phase);

/// Runs `body`, turning CancelledError into Cancelled ("cancelled by the user") and any other
/// exception into Failed with its text (logged as "<what> failed: ..."). Never throws.
JobEnd runGuarded(const std::function<void()>& body, const std::string& what);

/// See file comment. Non-copyable; the destructor finishes a run left unfinished as Failed.
class RunScope final {
public:
    /// For the project at `projectDir` (its store is opened on first use, so a bad folder fails
    /// inside the job's guard); `sink` receives every report besides the store.
    RunScope(const std::string& projectDir, ProgressSink& sink);
    ~RunScope();
    RunScope(const RunScope&) = delete;
    RunScope& operator=(const RunScope&) = delete;

    [[nodiscard]] const ProjectPaths& paths() const { return m_paths; }
    [[nodiscard]] ExperimentStore& store();
    /// 0 until create() or adopt().
    [[nodiscard]] int64_t runId() const { return m_runId; }
    /// Seconds since the scope was opened.
    [[nodiscard]] double seconds() const;
    [[nodiscard]] std::chrono::steady_clock::time_point startTime() const { return m_start; }

    /// Creates the run row and takes its lease (see storage/run_lease.h) in the same transaction;
    /// the run now exists and will be finished by finish() or the destructor.
    int64_t create(const RunSpec& spec);
    /// Takes an existing run (a resume) as this scope's run, with its lease. Throws StorageError
    /// when the run is still running in another process.
    void adopt(int64_t runId);
    /// Starts the store's writer thread and reports runStarted through it and the caller's sink.
    void start();
    /// Where reports go: the fan-out (writer + caller) once started, else the caller's sink alone.
    [[nodiscard]] ProgressSink& sink();
    /// Waits until every report queued so far is in the store (before this thread writes itself).
    void flush();
    /// Records a file the run produced, with its checksum, relative to the project folder.
    void addArtifact(const std::string& kind, const std::string& file);
    /// Reports the outcome to the sinks and the store, once; later calls do nothing. A run that was
    /// never created reports nothing.
    void finish(RunStatus status, const std::string& summaryJson, const std::string& message);

private:
    std::chrono::steady_clock::time_point m_start;
    ProjectPaths m_paths;
    ProgressSink& m_caller;
    std::unique_ptr<ExperimentStore> m_store;
    std::unique_ptr<RunLease> m_lease;  ///< released after the outcome is in the store
    std::unique_ptr<SqliteMetricsWriter> m_writer;
    std::unique_ptr<FanOutSink> m_fan;
    int64_t m_runId = 0;
    bool m_finished = false;
};

}  // namespace tokenbench::core
