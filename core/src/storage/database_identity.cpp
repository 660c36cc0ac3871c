#include "storage/database_identity.h"

#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <map>
#include <mutex>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

#include "tokenbench/storage/database.h"

namespace tokenbench::core {

namespace fs = std::filesystem;

namespace {

constexpr const char* kExpected = ": expected an SQLite database written by Tokenbench";

[[noreturn]] void refuse(const std::string& path, const std::string& problem) {
    throw StorageError(path + ": " + problem + kExpected);
}

uint32_t bigEndian32(const unsigned char* p) {
    return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}

/// Reads the first `size` bytes of `path`. The descriptor stays open for the life of the process:
/// closing any descriptor of a database file drops every POSIX lock this process holds on it, also
/// those of open SQLite connections, and a write racing with that corrupts the file (SQLite's own
/// "how to corrupt" list). One descriptor per file (device, inode), reused.
bool readHeader(const std::string& path, unsigned char* header, size_t size) {
    static std::mutex mutex;
    static std::map<std::pair<dev_t, ino_t>, int> descriptors;
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) return false;
    const std::lock_guard<std::mutex> lock(mutex);
    int& fd = descriptors[{info.st_dev, info.st_ino}];
    if (fd <= 0) fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        fd = 0;
        return false;
    }
    return ::pread(fd, header, size, 0) == static_cast<ssize_t>(size);
}

}  // namespace

void checkDatabaseFile(const std::string& path) {
    std::error_code ec;
    if (!fs::exists(path, ec)) return;
    const auto size = fs::file_size(path, ec);
    if (ec) refuse(path, "cannot read the file (" + ec.message() + ")");
    if (size == 0) return;
    // The header layout is SQLite's documented file format (https://www.sqlite.org/fileformat.html).
    unsigned char header[100] = {};
    if (!readHeader(path, header, sizeof(header)) || std::memcmp(header, "SQLite format 3\0", 16) != 0)
        refuse(path, size < sizeof(header) ? "the file is too short to be a database" : "not an SQLite database");
    uint32_t pageSize = (uint32_t(header[16]) << 8) | header[17];
    if (pageSize == 1) pageSize = 65536;
    if (pageSize < 512 || (pageSize & (pageSize - 1)) != 0) refuse(path, "damaged SQLite header (page size)");
    // The page count is valid when the change counter matches "version valid for". While a
    // write-ahead log is present the file may legitimately lag behind it, so only a file with no
    // log is held to its count.
    const uint32_t pages = bigEndian32(header + 28);
    const bool countValid = pages > 0 && bigEndian32(header + 24) == bigEndian32(header + 92);
    const auto wal = fs::file_size(path + "-wal", ec);
    const bool walPresent = !ec && wal > 0;
    if (countValid && !walPresent && size < uint64_t(pages) * pageSize)
        refuse(path, "truncated: its header counts " + std::to_string(uint64_t(pages) * pageSize) +
                         " bytes, the file has " + std::to_string(size));
}

void checkTokenbenchSchema(Database& db) {
    int64_t applicationId = 0;
    try {
        applicationId = db.queryInt("PRAGMA application_id");
        if (applicationId == kTokenbenchApplicationId) return;
        if (applicationId == 0) {
            if (db.queryInt("SELECT count(*) FROM sqlite_master") == 0) return;  // new, empty
            if (db.queryInt("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_history'") > 0)
                return;  // written by a Tokenbench before application ids
        }
    } catch (const StorageError& e) {
        refuse(db.path(), std::string("unreadable (") + e.what() + ")");
    }
    refuse(db.path(), applicationId == 0 ? "an SQLite database without Tokenbench's tables"
                                         : "an SQLite database of another program (application id " +
                                               std::to_string(applicationId) + ")");
}

}  // namespace tokenbench::core
