#pragma once
/// Bounded-memory readers for the loaders: raw bytes of a plain or gzip file (ByteSource), its lines
/// (LineReader) and its characters for nlohmann's SAX parser with line/column tracking (JsonInput).
/// One reader is used by one thread (the loading thread).

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "data/loaders/char_stream_iterator.h"

namespace tokenbench::core::detail {

/// Longest accepted line of an interaction file: longer ones are surely not interaction data.
inline constexpr size_t kMaxInteractionLine = size_t{1} << 20;
/// Longest accepted line of a meta/side-information file (Amazon meta lines carry long descriptions).
inline constexpr size_t kMaxMetaLine = size_t{16} << 20;
/// Bytes at the start of a file checked for binary content.
inline constexpr size_t kBinaryCheckBytes = 1024;

/// The raw bytes of a file, transparently gunzipped when the file starts with the gzip magic bytes.
class ByteSource final {
public:
    /// Opens `path`; throws DataError naming it when it is missing, a folder or unreadable.
    explicit ByteSource(std::string path);
    ~ByteSource();
    ByteSource(const ByteSource&) = delete;
    ByteSource& operator=(const ByteSource&) = delete;

    /// Reads up to `size` bytes into `out`; returns 0 at the end. Throws DataError (naming the file and
    /// `lineHint` when not 0) on read errors and on truncated or corrupt gzip data.
    size_t read(char* out, size_t size, int64_t lineHint);
    /// Bytes of the file consumed so far (compressed bytes for gzip), for progress.
    [[nodiscard]] int64_t consumed() const;
    /// Size of the file on disk.
    [[nodiscard]] int64_t fileSize() const { return m_fileSize; }
    /// Whether the file is read through gunzip, and its path (loading thread).
    [[nodiscard]] bool isGzip() const { return m_gz != nullptr; }
    [[nodiscard]] const std::string& path() const { return m_path; }

private:
    std::string m_path;
    void* m_gz = nullptr;  // gzFile, kept opaque so that zlib.h stays out of this header
    std::FILE* m_file = nullptr;
    int64_t m_consumed = 0;
    int64_t m_fileSize = 0;
};

/// How a LineReader treats bytes that are not UTF-8.
enum class TextEncoding {
    Utf8,          ///< invalid UTF-8 is an error
    Utf8OrLatin1,  ///< a line that is not valid UTF-8 is read as Latin-1 and converted (MovieLens item files)
};

/// Checks the first bytes of a file: throws DataError "binary data, not a text file" on NUL/control bytes
/// (or invalid UTF-8 when `strictUtf8`). Loading thread.
void checkTextStart(const std::string& path, std::string_view head, bool strictUtf8);

/// Splits a file into lines, holding at most one chunk plus the longest allowed line in memory.
/// Lines come without their "\n" / "\r\n"; a UTF-8 byte-order mark on line 1 is dropped.
class LineReader final {
public:
    /// Opens `path` (plain or gzip) and checks its start: throws DataError "file is empty" or
    /// "binary data, not a text file". Loading thread.
    LineReader(std::string path, size_t maxLineBytes, TextEncoding encoding = TextEncoding::Utf8);

    /// Next line into `line` (valid until the next call); false at the end of the file. Throws DataError
    /// naming the line when it is longer than the limit (without reading the rest of it) or not UTF-8.
    bool next(std::string_view& line);
    /// 1-based number of the line last returned by next().
    [[nodiscard]] int64_t lineNumber() const { return m_line; }
    /// Raw bytes consumed so far, and the file size, for progress.
    [[nodiscard]] int64_t bytesRead() const { return m_source.consumed(); }
    [[nodiscard]] int64_t totalBytes() const { return m_source.fileSize(); }
    /// The file's path and the line length limit it was opened with (loading thread).
    [[nodiscard]] const std::string& path() const { return m_source.path(); }
    [[nodiscard]] size_t maxLineBytes() const { return m_maxLine; }

    /// Throws DataError at the current line, `column` 1-based (0: none).
    [[noreturn]] void fail(int64_t column, const std::string& message) const;

private:
    void fill();
    bool finish(std::string_view& line);
    [[noreturn]] void failTooLong(int64_t line) const;

    ByteSource m_source;
    size_t m_maxLine;
    TextEncoding m_encoding;
    std::vector<char> m_buffer;
    size_t m_begin = 0;  // start of the pending line
    size_t m_scan = 0;   // where the search for '\n' resumes
    size_t m_end = 0;    // end of valid bytes
    bool m_eof = false;
    int64_t m_line = 0;
    std::string m_converted;  // Latin-1 line converted to UTF-8
};

/// A file as a character stream for nlohmann's SAX parser, tracking the line and column of the last
/// character consumed so that JSON errors can name them. Memory: one chunk.
class JsonInput final {
public:
    /// The character range's iterator (copies share the stream).
    using Iterator = CharStreamIterator<JsonInput>;

    /// Opens `path` (plain or gzip) and checks its start like LineReader. Loading thread.
    explicit JsonInput(std::string path);
    /// The character range for nlohmann::json::sax_parse (loading thread).
    [[nodiscard]] Iterator begin() { return Iterator(this); }
    [[nodiscard]] Iterator end() { return Iterator(); }
    /// Line and column (1-based) of the last character consumed.
    [[nodiscard]] int64_t line() const { return m_line; }
    [[nodiscard]] int64_t column() const { return m_column; }
    /// Raw bytes consumed, the file size and its path, for progress and messages (loading thread).
    [[nodiscard]] int64_t bytesRead() const { return m_source.consumed(); }
    [[nodiscard]] int64_t totalBytes() const { return m_source.fileSize(); }
    [[nodiscard]] const std::string& path() const { return m_source.path(); }

private:
    friend Iterator;
    [[nodiscard]] char current() const { return m_buffer[m_pos]; }
    void next() { advance(); }
    [[nodiscard]] bool more() { return ensure(); }
    bool ensure();
    void advance();

    ByteSource m_source;
    std::vector<char> m_buffer;
    size_t m_pos = 0;
    size_t m_end = 0;
    bool m_eof = false;
    int64_t m_line = 1;
    int64_t m_column = 0;
};

}  // namespace tokenbench::core::detail
