#include "common/atomic_file.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

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
    // A unique name, so two writers of one target never share a temporary file.
    std::vector<char> name(m_path.begin(), m_path.end());
    const std::string suffix = ".tmp.XXXXXX";
    name.insert(name.end(), suffix.begin(), suffix.end());
    name.push_back('\0');
    m_fd = ::mkostemp(name.data(), O_CLOEXEC);
    if (m_fd < 0) fail("cannot create a temporary file beside it", errno);
    m_temporary = name.data();
    // mkstemp creates 0600; give the file the usual permissions a plain open would.
    const mode_t mask = ::umask(0);
    ::umask(mask);
    ::fchmod(m_fd, 0666 & ~mask);
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
