#pragma once
// Private: files that are either wholly the old version or wholly the new one. An AtomicFile writes
// to a temporary file next to the target, and commit() flushes it to disk and renames it over the
// target; any failure on the way (a full disk, a file size limit) removes the temporary file and
// throws a DataError naming the target, so the previous file stays intact and usable.
//
// Threads: an AtomicFile is used by one thread; different targets may be written concurrently.

#include <cstddef>
#include <string>
#include <string_view>

namespace tokenbench::core {

/// See file comment. Non-copyable; destroying an uncommitted file removes its temporary file.
class AtomicFile final {
public:
    /// Creates the target's folder when missing and opens a fresh temporary file beside the target.
    explicit AtomicFile(std::string path);
    ~AtomicFile();
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    /// Appends bytes; throws DataError (naming the target) on any write error.
    void write(const void* data, size_t bytes);
    void write(std::string_view text) { write(text.data(), text.size()); }
    /// fsyncs the data, renames the temporary file over the target and fsyncs the folder.
    void commit();
    [[nodiscard]] const std::string& path() const { return m_path; }

private:
    [[noreturn]] void fail(const std::string& what, int error);
    void discard() noexcept;

    std::string m_path;
    std::string m_temporary;
    int m_fd = -1;
    bool m_committed = false;
};

/// Writes `bytes` to `path` through an AtomicFile.
void writeFileAtomically(const std::string& path, std::string_view bytes);

}  // namespace tokenbench::core
