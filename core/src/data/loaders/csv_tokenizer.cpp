#include "data/loaders/csv_tokenizer.h"

#include "data/loaders/line_reader.h"
#include "data/loaders/text_util.h"
#include "tokenbench/data/data_error.h"

namespace tokenbench::core::detail {

namespace {

bool isPad(char c, char delimiter) {
    return (c == ' ' || c == '\t') && c != delimiter;
}

std::string_view trimPad(std::string_view text, char delimiter) {
    size_t b = 0, e = text.size();
    while (b < e && isPad(text[b], delimiter)) ++b;
    while (e > b && isPad(text[e - 1], delimiter)) --e;
    return text.substr(b, e - b);
}

}  // namespace

char detectDelimiter(std::string_view headerLine) {
    static constexpr char kCandidates[] = {',', '\t', ';', '|'};
    size_t counts[4] = {0, 0, 0, 0};
    bool inQuotes = false;
    for (const char c : headerLine) {
        if (c == '"') {
            inQuotes = !inQuotes;
        } else if (!inQuotes) {
            for (size_t k = 0; k < 4; ++k) counts[k] += c == kCandidates[k] ? 1 : 0;
        }
    }
    size_t best = 0;
    for (size_t k = 1; k < 4; ++k) {
        if (counts[k] > counts[best]) best = k;
    }
    return counts[best] == 0 ? '\0' : kCandidates[best];
}

std::string delimiterName(char delimiter) {
    switch (delimiter) {
        case '\t':
            return "tab";
        case '\0':
            return "none";
        case ' ':
            return "space";
        default:
            return std::string("'") + delimiter + "'";
    }
}

void CsvTokenizer::splitPlain(std::string_view line, std::vector<std::string_view>& fields) const {
    fields.clear();
    size_t start = 0;
    for (;;) {
        const size_t pos = m_delimiter == '\0' ? std::string_view::npos : line.find(m_delimiter, start);
        if (pos == std::string_view::npos) {
            fields.push_back(trimPad(line.substr(start), m_delimiter));
            return;
        }
        fields.push_back(trimPad(line.substr(start, pos - start), m_delimiter));
        start = pos + 1;
    }
}

void CsvTokenizer::endField() {
    size_t begin = m_fieldBegin, length = m_scratch.size() - m_fieldBegin;
    if (!m_quoted) {
        const std::string_view trimmed = trimPad(std::string_view(m_scratch).substr(begin, length), m_delimiter);
        begin = static_cast<size_t>(trimmed.data() - m_scratch.data());
        length = trimmed.size();
    }
    m_spans.emplace_back(begin, length);
    m_fieldBegin = m_scratch.size();
    m_quoted = false;
    m_afterQuote = false;
}

bool CsvTokenizer::parse(std::string_view line, const std::string& path, int64_t lineNumber) {
    for (size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (m_inQuotes) {
            if (c != '"') {
                m_scratch.push_back(c);
            } else if (i + 1 < line.size() && line[i + 1] == '"') {
                m_scratch.push_back('"');
                ++i;
            } else {
                m_inQuotes = false;
                m_afterQuote = true;
            }
        } else if (c == m_delimiter) {
            endField();
        } else if (m_afterQuote) {
            if (isPad(c, m_delimiter)) continue;
            throw DataError(path, lineNumber, static_cast<int64_t>(m_spans.size()) + 1,
                            "expected " + delimiterName(m_delimiter) + " after the closing quote of field " +
                                std::to_string(m_spans.size() + 1) + " but found '" +
                                quoteForMessage(line.substr(i, 1)) + "'");
        } else if (c == '"' && trimPad(std::string_view(m_scratch).substr(m_fieldBegin), m_delimiter).empty()) {
            m_scratch.resize(m_fieldBegin);  // spaces before an opening quote are not part of the field
            m_inQuotes = true;
            m_quoted = true;
        } else {
            m_scratch.push_back(c);  // a quote inside an unquoted field is taken literally
        }
    }
    return m_inQuotes;
}

void CsvTokenizer::collect(std::vector<std::string_view>& fields) const {
    fields.clear();
    const std::string_view all(m_scratch);
    for (const auto& [begin, length] : m_spans) fields.push_back(all.substr(begin, length));
}

bool CsvTokenizer::next(LineReader& reader, std::vector<std::string_view>& fields) {
    std::string_view line;
    do {
        if (!reader.next(line)) return false;
    } while (trim(line).empty());
    m_recordLine = reader.lineNumber();
    if (line.find('"') == std::string_view::npos) {
        splitPlain(line, fields);
        return true;
    }
    m_scratch.clear();
    m_spans.clear();
    m_fieldBegin = 0;
    m_inQuotes = m_quoted = m_afterQuote = false;
    while (parse(line, reader.path(), reader.lineNumber())) {
        // A quoted field spans lines: keep the line break, but never more than one long line's worth.
        m_scratch.push_back('\n');
        const auto field = static_cast<int64_t>(m_spans.size()) + 1;
        if (m_scratch.size() > reader.maxLineBytes()) {
            throw DataError(reader.path(), m_recordLine, field,
                            "expected a closing quote for field " + std::to_string(field) + " within " +
                                std::to_string(reader.maxLineBytes()) + " bytes but found none (unbalanced quote?)");
        }
        if (!reader.next(line)) {
            throw DataError(
                reader.path(), m_recordLine, field,
                "expected a closing quote for field " + std::to_string(field) + " but found the end of the file");
        }
    }
    endField();
    collect(fields);
    return true;
}

void CsvTokenizer::split(std::string_view line, const LineReader& reader, std::vector<std::string_view>& fields) {
    m_recordLine = reader.lineNumber();
    if (line.find('"') == std::string_view::npos) {
        splitPlain(line, fields);
        return;
    }
    m_scratch.clear();
    m_spans.clear();
    m_fieldBegin = 0;
    m_inQuotes = m_quoted = m_afterQuote = false;
    if (parse(line, reader.path(), reader.lineNumber())) {
        const auto field = static_cast<int64_t>(m_spans.size()) + 1;
        throw DataError(
            reader.path(), m_recordLine, field,
            "expected a closing quote for field " + std::to_string(field) + " but found the end of the line");
    }
    endField();
    collect(fields);
}

}  // namespace tokenbench::core::detail
