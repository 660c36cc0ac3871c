#pragma once
// Private: which runs have a live owner. A process running a job holds a lease on its run: an
// advisory lock (fcntl F_SETLK) on one byte, at the run's id, of a side file "<database>-runs.lock".
// The kernel drops the lock when the process dies however it dies (kill -9 included), so a run
// whose status says running but whose lease is free was interrupted; the store marks such runs
// when it opens the project.
//
// POSIX record locks belong to the process and closing any descriptor of the file drops them all,
// so each lock file is opened once per process and the leases this process holds are remembered
// beside it (a process never sees its own locks through F_GETLK).
//
// Threads: any; the process-wide table is guarded by a mutex.

#include <cstdint>
#include <string>

namespace tokenbench::core {

/// The lease of one run, held from construction to destruction.
class RunLease final {
public:
    /// Takes the lease of `runId` in the project whose database is `dbPath`. Throws StorageError
    /// when a live process (this one included) holds it already.
    RunLease(const std::string& dbPath, int64_t runId);
    ~RunLease();
    RunLease(const RunLease&) = delete;
    RunLease& operator=(const RunLease&) = delete;

    [[nodiscard]] int64_t runId() const { return m_runId; }

private:
    std::string m_key;
    int64_t m_runId;
};

/// Whether a live process, this one included, holds the lease of `runId`.
[[nodiscard]] bool runLeaseHeld(const std::string& dbPath, int64_t runId);

}  // namespace tokenbench::core
