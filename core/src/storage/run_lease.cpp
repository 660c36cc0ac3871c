#include "storage/run_lease.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>

#include <fcntl.h>
#include <unistd.h>

#include "tokenbench/storage/database.h"

namespace tokenbench::core {

namespace {

struct LockFile {
    int fd = -1;
    std::set<int64_t> held;  ///< leases of this process
};

std::mutex& tableMutex() {
    static std::mutex mutex;
    return mutex;
}

std::map<std::string, LockFile>& table() {
    static std::map<std::string, LockFile> files;
    return files;
}

std::string lockPath(const std::string& dbPath) {
    std::error_code ec;
    const auto absolute = std::filesystem::absolute(dbPath, ec);
    return (ec ? dbPath : absolute.lexically_normal().string()) + "-runs.lock";
}

/// The process's descriptor of the lock file, opened on first use. Caller holds the mutex.
LockFile& lockFile(const std::string& path) {
    LockFile& file = table()[path];
    if (file.fd < 0) {
        file.fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
        if (file.fd < 0)
            throw StorageError(path + ": cannot open the run lock file (" + std::string(std::strerror(errno)) + ")");
    }
    return file;
}

/// Closes the descriptor once this process holds no lease in it (closing then drops nothing).
void releaseIfUnused(const std::string& path) {
    auto it = table().find(path);
    if (it == table().end() || !it->second.held.empty()) return;
    if (it->second.fd >= 0) ::close(it->second.fd);
    table().erase(it);
}

struct flock byteAt(int64_t runId, short type) {
    struct flock lock {};
    lock.l_type = type;
    lock.l_whence = SEEK_SET;
    lock.l_start = static_cast<off_t>(runId);
    lock.l_len = 1;
    return lock;
}

}  // namespace

RunLease::RunLease(const std::string& dbPath, int64_t runId) : m_key(lockPath(dbPath)), m_runId(runId) {
    std::lock_guard<std::mutex> guard(tableMutex());
    LockFile& file = lockFile(m_key);
    const std::string busy = "run " + std::to_string(runId) + " is still running in another process";
    if (file.held.count(runId)) throw StorageError(busy + " (this one)");
    struct flock lock = byteAt(runId, F_WRLCK);
    if (::fcntl(file.fd, F_SETLK, &lock) != 0) {
        const int error = errno;
        releaseIfUnused(m_key);
        if (error == EACCES || error == EAGAIN) throw StorageError(busy + "; wait for it to end or stop it first");
        throw StorageError(m_key + ": cannot lock run " + std::to_string(runId) + " (" + std::strerror(error) + ")");
    }
    file.held.insert(runId);
}

RunLease::~RunLease() {
    std::lock_guard<std::mutex> guard(tableMutex());
    auto it = table().find(m_key);
    if (it == table().end()) return;
    struct flock lock = byteAt(m_runId, F_UNLCK);
    ::fcntl(it->second.fd, F_SETLK, &lock);
    it->second.held.erase(m_runId);
    releaseIfUnused(m_key);
}

bool runLeaseHeld(const std::string& dbPath, int64_t runId) {
    const std::string key = lockPath(dbPath);
    std::lock_guard<std::mutex> guard(tableMutex());
    LockFile& file = lockFile(key);
    if (file.held.count(runId)) return true;
    struct flock lock = byteAt(runId, F_WRLCK);
    const bool ok = ::fcntl(file.fd, F_GETLK, &lock) == 0;
    releaseIfUnused(key);
    // When the lock cannot be queried, call the run live: wrongly marking a run interrupted is worse.
    return !ok || lock.l_type != F_UNLCK;
}

}  // namespace tokenbench::core
