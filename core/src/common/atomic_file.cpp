#include "common/atomic_file.h"

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>

#include <fcntl.h>
#include <unistd.h>

#include "tokenbench/data/data_error.h"

namespace tokenbench::core {

namespace fs = std::filesystem;

namespace {

std::string folderOf(const std::string& path) {
    const fs::path parent = fs::path(path).parent_path();
    return parent.empty() ? std::string(".") : parent.string();
}

}  // namespace

AtomicFile::AtomicFile(std::string path) : m_path(std::move(path)) {
    std::error_code ec;
    fs::create_directories(folderOf(m_path), ec);
    // A name of this process and call, so two writers of one target never share a temporary file;
    // open() with 0666 gives it the permissions a plain write would (mkstemp's 0600 would not).
    static std::atomic<uint64_t> counter{0};
    for (int attempt = 0; m_fd < 0; ++attempt) {
        m_temporary = m_path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(++counter);
        m_fd = ::open(m_temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (m_fd < 0 && (errno != EEXIST || attempt > 100)) {
            const int error = errno;
            m_temporary.clear();
            fail("cannot create a temporary file beside it", error);
        }
    }
}

AtomicFile::~AtomicFile() {
    if (!m_committed) discard();
}

void AtomicFile::discard() noexcept {
    if (m_fd >= 0) ::close(m_fd);
    m_fd = -1;
    if (!m_temporary.empty()) ::unlink(m_temporary.c_str());
    m_temporary.clear();
}

void AtomicFile::fail(const std::string& what, int error) {
    discard();
    throw DataError(m_path, what + " (" + std::strerror(error) + "); the previous version of the file is unchanged");
}

void AtomicFile::write(const void* data, size_t bytes) {
    if (m_fd < 0) throw DataError(m_path, "write after the file was committed or abandoned");
    const auto* p = static_cast<const char*>(data);
    while (bytes > 0) {
        const ssize_t n = ::write(m_fd, p, bytes);
        if (n < 0) {
            if (errno == EINTR) continue;
            fail("cannot write the file", errno);
        }
        p += n;
        bytes -= static_cast<size_t>(n);
    }
}

void AtomicFile::commit() {
    if (m_fd < 0) throw DataError(m_path, "commit after the file was committed or abandoned");
    // fsync before rename: otherwise a power loss may leave the new name pointing at empty blocks.
    if (::fsync(m_fd) != 0) fail("cannot flush the file to disk", errno);
    if (::close(m_fd) != 0) {
        m_fd = -1;
        fail("cannot close the file", errno);
    }
    m_fd = -1;
    if (::rename(m_temporary.c_str(), m_path.c_str()) != 0) fail("cannot replace the file", errno);
    m_committed = true;
    // The rename itself lives in the folder: flush it so the new name survives a power loss.
    const int dir = ::open(folderOf(m_path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir >= 0) {
        ::fsync(dir);
        ::close(dir);
    }
}

void writeFileAtomically(const std::string& path, std::string_view bytes) {
    AtomicFile file(path);
    file.write(bytes);
    file.commit();
}

}  // namespace tokenbench::core
