#pragma once
/// RFC-4180 record splitting on top of LineReader: quoted fields ("" for a quote, delimiters and line
/// breaks inside quotes), unquoted fields trimmed of surrounding spaces. Used on the loading thread.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tokenbench::core::detail {

class LineReader;

/// The delimiter a header line uses: the most frequent of , \t ; | outside quotes; '\0' when none occurs.
[[nodiscard]] char detectDelimiter(std::string_view headerLine);

/// Human name of a delimiter for messages ("','", "tab").
[[nodiscard]] std::string delimiterName(char delimiter);

/// Splits delimited records; the fields stay valid until the next call.
class CsvTokenizer final {
public:
    explicit CsvTokenizer(char delimiter) : m_delimiter(delimiter) {}

    /// Reads the next non-blank record from `reader` (pulling more lines while a quote is open) into
    /// `fields`; false at the end. Throws DataError on an unclosed quote or text after a closing quote.
    bool next(LineReader& reader, std::vector<std::string_view>& fields);
    /// Splits `line`, already read from `reader` (a header), without pulling further lines.
    void split(std::string_view line, const LineReader& reader, std::vector<std::string_view>& fields);
    /// Line on which the last record started (its fields may continue on later lines).
    [[nodiscard]] int64_t recordLine() const { return m_recordLine; }
    [[nodiscard]] char delimiter() const { return m_delimiter; }

private:
    /// Parses `line` into m_scratch/m_spans; returns true when a quote is still open at its end.
    bool parse(std::string_view line, const std::string& path, int64_t lineNumber);
    void endField();
    void splitPlain(std::string_view line, std::vector<std::string_view>& fields) const;
    void collect(std::vector<std::string_view>& fields) const;

    char m_delimiter;
    int64_t m_recordLine = 0;
    std::string m_scratch;                           // unescaped text of a quoted record
    std::vector<std::pair<size_t, size_t>> m_spans;  // (offset, length) of each field in m_scratch
    // Parser state, kept across continuation lines of one record.
    size_t m_fieldBegin = 0;
    bool m_inQuotes = false;
    bool m_quoted = false;
    bool m_afterQuote = false;
};

}  // namespace tokenbench::core::detail
