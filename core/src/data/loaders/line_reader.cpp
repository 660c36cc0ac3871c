#include "data/loaders/line_reader.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include <zlib.h>

#include "data/loaders/text_util.h"
#include "tokenbench/data/data_error.h"

namespace tokenbench::core::detail {

namespace {

constexpr size_t kChunk = size_t{256} << 10;

std::string hexByte(unsigned char c) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    return std::string("0x") + kHex[c >> 4] + kHex[c & 0xF];
}

}  // namespace

ByteSource::ByteSource(std::string path) : m_path(std::move(path)) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const auto status = fs::status(fs::path(m_path), ec);
    if (ec || !fs::exists(status)) throw DataError(m_path, "cannot open file: no such file");
    if (fs::is_directory(status)) throw DataError(m_path, "expected a file but found a folder");
    const auto size = fs::file_size(fs::path(m_path), ec);
    m_fileSize = ec ? 0 : static_cast<int64_t>(size);

    m_file = std::fopen(m_path.c_str(), "rb");
    if (!m_file) throw DataError(m_path, std::string("cannot open file: ") + std::strerror(errno));
    unsigned char magic[2] = {0, 0};
    const size_t got = std::fread(magic, 1, 2, m_file);
    if (got == 2 && magic[0] == 0x1F && magic[1] == 0x8B) {
        // Decided by content, not by the ".gz" name: renamed or mislabelled files still read.
        std::fclose(m_file);
        m_file = nullptr;
        gzFile gz = gzopen(m_path.c_str(), "rb");
        if (!gz) throw DataError(m_path, "cannot open gzip file");
        gzbuffer(gz, static_cast<unsigned>(kChunk));
        m_gz = gz;
    } else if (std::fseek(m_file, 0, SEEK_SET) != 0) {
        std::fclose(m_file);
        m_file = nullptr;
        throw DataError(m_path, "cannot read file: seek failed");
    }
}

ByteSource::~ByteSource() {
    if (m_file) std::fclose(m_file);
    if (m_gz) gzclose(static_cast<gzFile>(m_gz));
}

size_t ByteSource::read(char* out, size_t size, int64_t lineHint) {
    if (size == 0) return 0;
    if (m_file) {
        const size_t got = std::fread(out, 1, size, m_file);
        if (got < size && std::ferror(m_file)) {
            throw DataError(m_path, lineHint, 0, std::string("read error: ") + std::strerror(errno));
        }
        m_consumed += static_cast<int64_t>(got);
        return got;
    }
    auto* gz = static_cast<gzFile>(m_gz);
    const int got = gzread(gz, out, static_cast<unsigned>(std::min<size_t>(size, 1u << 30)));
    int errnum = Z_OK;
    const char* message = gzerror(gz, &errnum);
    if (got < 0 || (got == 0 && errnum != Z_OK)) {
        // zlib reports a stream that stops before its end marker as Z_BUF_ERROR "unexpected end of file".
        if (errnum == Z_BUF_ERROR) {
            throw DataError(m_path, lineHint, 0,
                            "expected more gzip data but the file ends early (truncated download?)");
        }
        throw DataError(m_path, lineHint, 0,
                        std::string("expected valid gzip data but found corrupt data: ") + (message ? message : ""));
    }
    return static_cast<size_t>(got);
}

int64_t ByteSource::consumed() const {
    if (m_gz) {
        const auto offset = gzoffset(static_cast<gzFile>(m_gz));
        return offset < 0 ? 0 : static_cast<int64_t>(offset);
    }
    return m_consumed;
}

void checkTextStart(const std::string& path, std::string_view head, bool strictUtf8) {
    for (size_t i = 0; i < head.size(); ++i) {
        const auto c = static_cast<unsigned char>(head[i]);
        if (isBinaryByte(c)) {
            throw DataError(
                path, "binary data, not a text file (byte " + hexByte(c) + " at offset " + std::to_string(i) + ")");
        }
    }
    if (strictUtf8) {
        const size_t bad = findInvalidUtf8(head, true);
        if (bad != std::string_view::npos) {
            throw DataError(path, "binary data, not a text file (invalid UTF-8 byte " +
                                      hexByte(static_cast<unsigned char>(head[bad])) + " at offset " +
                                      std::to_string(bad) + "; Latin-1 text must be converted to UTF-8)");
        }
    }
}

LineReader::LineReader(std::string path, size_t maxLineBytes, TextEncoding encoding)
    : m_source(std::move(path)), m_maxLine(maxLineBytes), m_encoding(encoding) {
    // Small files get a small buffer (a plain file's size is known; gzip content is not).
    const auto plainSize = static_cast<size_t>(std::max<int64_t>(m_source.fileSize(), 0)) + 1;
    m_buffer.resize(m_source.isGzip() ? kChunk : std::min(kChunk, std::max<size_t>(plainSize, 4096)));
    fill();
    if (m_end == 0) throw DataError(m_source.path(), "file is empty");
    checkTextStart(m_source.path(), std::string_view(m_buffer.data(), std::min(m_end, kBinaryCheckBytes)),
                   m_encoding == TextEncoding::Utf8);
}

void LineReader::fill() {
    if (m_begin > 0) {
        std::memmove(m_buffer.data(), m_buffer.data() + m_begin, m_end - m_begin);
        m_scan -= m_begin;
        m_end -= m_begin;
        m_begin = 0;
    }
    if (m_end == m_buffer.size()) {
        // The pending line is at most m_maxLine bytes here (next() checks first), so this cap leaves room.
        m_buffer.resize(std::max(m_buffer.size() + 1, std::min(m_buffer.size() * 2, m_maxLine + kChunk)));
    }
    const size_t got = m_source.read(m_buffer.data() + m_end, m_buffer.size() - m_end, m_line + 1);
    if (got == 0) m_eof = true;
    m_end += got;
}

bool LineReader::next(std::string_view& line) {
    for (;;) {
        const char* base = m_buffer.data();
        const void* newline = m_scan < m_end ? std::memchr(base + m_scan, '\n', m_end - m_scan) : nullptr;
        if (newline) {
            const size_t pos = static_cast<size_t>(static_cast<const char*>(newline) - base);
            ++m_line;
            if (pos - m_begin > m_maxLine) failTooLong(m_line);
            line = std::string_view(base + m_begin, pos - m_begin);
            m_begin = m_scan = pos + 1;
            return finish(line);
        }
        m_scan = m_end;
        if (m_end - m_begin > m_maxLine) failTooLong(m_line + 1);
        if (m_eof) {
            if (m_begin == m_end) return false;
            ++m_line;
            line = std::string_view(base + m_begin, m_end - m_begin);
            m_begin = m_scan = m_end;
            return finish(line);
        }
        fill();
    }
}

bool LineReader::finish(std::string_view& line) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (m_line == 1 && line.size() >= 3 && std::memcmp(line.data(), "\xEF\xBB\xBF", 3) == 0) line.remove_prefix(3);
    const size_t bad = findInvalidUtf8(line);
    if (bad != std::string_view::npos) {
        if (m_encoding == TextEncoding::Utf8OrLatin1) {
            m_converted.clear();
            appendLatin1AsUtf8(line, m_converted);
            line = m_converted;
        } else {
            fail(static_cast<int64_t>(bad) + 1, "expected UTF-8 text but found byte " +
                                                    hexByte(static_cast<unsigned char>(line[bad])) +
                                                    " (convert the file to UTF-8)");
        }
    }
    return true;
}

void LineReader::fail(int64_t column, const std::string& message) const {
    throw DataError(m_source.path(), m_line, column, message);
}

void LineReader::failTooLong(int64_t line) const {
    throw DataError(m_source.path(), line, 0,
                    "line longer than " + std::to_string(m_maxLine) + " bytes: expected a line of " +
                        (m_maxLine >= (size_t{1} << 20) ? std::to_string(m_maxLine >> 20) + " MiB"
                                                        : std::to_string(m_maxLine) + " bytes") +
                        " at most (is this the right file?)");
}

JsonInput::JsonInput(std::string path) : m_source(std::move(path)) {
    const auto plainSize = static_cast<size_t>(std::max<int64_t>(m_source.fileSize(), 0)) + 1;
    m_buffer.resize(m_source.isGzip() ? kChunk : std::min(kChunk, std::max<size_t>(plainSize, 4096)));
    if (!ensure()) throw DataError(m_source.path(), "file is empty");
    checkTextStart(m_source.path(), std::string_view(m_buffer.data(), std::min(m_end, kBinaryCheckBytes)), true);
}

bool JsonInput::ensure() {
    if (m_pos < m_end) return true;
    if (m_eof) return false;
    m_pos = 0;
    m_end = m_source.read(m_buffer.data(), m_buffer.size(), m_line);
    if (m_end == 0) m_eof = true;
    return m_end > 0;
}

void JsonInput::advance() {
    if (!ensure()) return;
    if (m_buffer[m_pos] == '\n') {
        ++m_line;
        m_column = 0;
    } else {
        ++m_column;
    }
    ++m_pos;
}

}  // namespace tokenbench::core::detail
