// Reading semantic IDs made by other pipelines: JSON {"item": [codes]} (codes may be LC-Rec tokens
// "<a_12>", as in NAME.index.json) or CSV, checked against the
// data set so every error names the file, the line (CSV) or the item, and what was expected.
#include "tokenbench/tokenizers/import_ids.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <sstream>
#include <unordered_map>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "tokenbench/data/data_error.h"

namespace tokenbench::core {

namespace {

using nlohmann::json;

constexpr size_t kMissingExamples = 5;

std::string trimmed(const std::string& text) {
    size_t begin = 0;
    size_t end = text.size();
    while (begin < end && std::isspace(static_cast<unsigned char>(text[begin]))) ++begin;
    while (end > begin && std::isspace(static_cast<unsigned char>(text[end - 1]))) --end;
    return text.substr(begin, end - begin);
}

bool allDigits(const std::string& text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool looksNumeric(const std::string& text) {
    if (text.empty()) return false;
    char* end = nullptr;
    std::strtod(text.c_str(), &end);
    return end == text.c_str() + text.size();
}

std::vector<std::string> splitWhitespace(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    std::string token;
    while (in >> token) out.push_back(token);
    return out;
}

/// One CSV line into fields: `delimiter`-separated, double-quoted fields may hold delimiters ("" = ").
std::vector<std::string> splitCsv(const std::string& line, char delimiter) {
    std::vector<std::string> fields;
    std::string field;
    bool quoted = false;
    for (size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quoted) {
            if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
                field += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == delimiter) {
            fields.push_back(trimmed(field));
            field.clear();
        } else {
            field += c;
        }
    }
    fields.push_back(trimmed(field));
    return fields;
}

/// Gathers tuples, checks them against the data set and each other, and builds the SemanticIds.
class IdCollector final {
public:
    IdCollector(std::string path, const std::vector<ItemInfo>& items, ImportedIdKind kind, int32_t codebookSize)
        : m_path(std::move(path)), m_items(items), m_kind(kind), m_codebookSize(codebookSize) {
        m_rows.resize(items.size());
        m_seenAt.assign(items.size(), -1);
        if (kind == ImportedIdKind::RawId) {
            m_byRaw.reserve(items.size());
            for (size_t i = 0; i < items.size(); ++i)
                m_byRaw.emplace(items[i].rawId, static_cast<int32_t>(i));
        }
    }

    /// Throws DataError at `line` (0 for JSON, where the message names the item).
    [[noreturn]] void fail(int64_t line, int64_t column, const std::string& message) const {
        throw DataError(m_path, line, column, message);
    }

    /// The dense index `name` refers to. `line` is the CSV line (or the JSON line when known).
    int32_t resolve(const std::string& name, int64_t line) const {
        if (m_kind == ImportedIdKind::DenseIndex) {
            const auto items = static_cast<int64_t>(m_items.size());
            if (!allDigits(name) || name.size() > 18 || std::stoll(name) >= items)
                fail(line, 1, "item index '" + name + "' is not an integer in [0, " + std::to_string(items) + ")");
            return static_cast<int32_t>(std::stoll(name));
        }
        const auto it = m_byRaw.find(name);
        if (it == m_byRaw.end()) fail(line, 1, "unknown item '" + name + "': it is not in the data set");
        return it->second;
    }

    /// Adds `codes` (as text tokens, CSV) for item `name`; `firstColumn` is the field of the first code.
    void addTokens(const std::string& name, const std::vector<std::string>& tokens, int64_t line, int64_t firstColumn,
                   bool oneField) {
        std::vector<int32_t> codes;
        codes.reserve(tokens.size());
        for (size_t level = 0; level < tokens.size(); ++level) {
            const std::string& token = tokens[level];
            const int64_t column = oneField ? firstColumn : firstColumn + static_cast<int64_t>(level);
            const std::string where =
                "item '" + name + "', level " + std::to_string(level + 1) + ": code '" + token + "'";
            const bool negative = !token.empty() && token[0] == '-';
            const std::string digits =
                negative ? token.substr(1) : (!token.empty() && token[0] == '+' ? token.substr(1) : token);
            if (!allDigits(digits)) {
                if (looksNumeric(token)) fail(line, column, where + " is not an integer");
                fail(line, column, where + " is not a number (expected a non-negative integer)");
            }
            if (negative && digits.find_first_not_of('0') != std::string::npos)
                fail(line, column, where + " is negative");
            const long long value = digits.size() > 12 ? std::numeric_limits<long long>::max() : std::stoll(digits);
            codes.push_back(checkRange(value, line, column, where));
        }
        add(name, std::move(codes), line);
    }

    /// Adds a JSON tuple for item `name`.
    void addJson(const std::string& name, const json& value, int64_t line) {
        std::vector<int32_t> codes;
        if (value.is_string()) {
            const std::vector<std::string> tokens = splitWhitespace(value.get<std::string>());
            addTokens(name, tokens, line, 0, true);
            return;
        }
        if (!value.is_array()) fail(line, 0, "item '" + name + "': expected an array of codes, got " + value.dump());
        for (size_t level = 0; level < value.size(); ++level) {
            const json& code = value[level];
            const std::string where =
                "item '" + name + "', level " + std::to_string(level + 1) + ": code " + code.dump();
            long long v = 0;
            if (code.is_number_unsigned()) {
                v = code.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<long long>::max())
                        ? std::numeric_limits<long long>::max()
                        : static_cast<long long>(code.get<uint64_t>());
            } else if (code.is_number_integer()) {
                v = code.get<long long>();
            } else if (code.is_number_float()) {
                const double d = code.get<double>();
                if (!std::isfinite(d) || std::floor(d) != d) fail(line, 0, where + " is not an integer");
                v = std::fabs(d) > 9e18 ? (d < 0 ? -1 : std::numeric_limits<long long>::max())
                                        : static_cast<long long>(d);
            } else if (code.is_string()) {
                v = tokenCode(name, level, code.get<std::string>(), line);
            } else {
                fail(line, 0, where + " is not a number (expected a non-negative integer or a token like \"<a_12>\")");
            }
            if (v < 0) fail(line, 0, where + " is negative");
            codes.push_back(checkRange(v, line, 0, where));
        }
        add(name, std::move(codes), line);
    }

    SemanticIds finish(int32_t* codebookSizeOut) const {
        if (m_entries == 0) fail(0, 0, "the file holds no semantic IDs");
        std::vector<std::string> missing;
        int64_t missingCount = 0;
        for (size_t i = 0; i < m_rows.size(); ++i) {
            if (m_seenAt[i] >= 0) continue;
            ++missingCount;
            if (missing.size() < kMissingExamples)
                missing.push_back(m_kind == ImportedIdKind::RawId ? m_items[i].rawId : std::to_string(i));
        }
        if (missingCount > 0) {
            std::string examples;
            for (const auto& m : missing) examples += (examples.empty() ? "'" : ", '") + m + "'";
            fail(0, 0,
                 std::to_string(missingCount) + " of " + std::to_string(m_rows.size()) +
                     " items of the data set have no semantic ID, e.g. " + examples);
        }
        SemanticIds ids;
        ids.items = static_cast<int64_t>(m_rows.size());
        ids.levels = m_levels < 0 ? 0 : m_levels;
        ids.codes.reserve(m_rows.size() * static_cast<size_t>(ids.levels));
        for (const auto& row : m_rows) ids.codes.insert(ids.codes.end(), row.begin(), row.end());
        if (codebookSizeOut) *codebookSizeOut = m_maxCode + 1;
        return ids;
    }

private:
    /// The code of an LC-Rec token "<a_12>": letters naming the level, '_', the code. Every item must
    /// use the same letters at a level, so that "<b_3>" in the first place is caught.
    long long tokenCode(const std::string& name, size_t level, const std::string& token, int64_t line) {
        const std::string where = "item '" + name + "', level " + std::to_string(level + 1) + ": token '" + token + "'";
        const size_t underscore = token.rfind('_');
        const bool shaped = token.size() >= 5 && token.front() == '<' && token.back() == '>' &&
                            underscore != std::string::npos && underscore > 1 && underscore + 2 < token.size();
        const std::string prefix = shaped ? token.substr(1, underscore - 1) : std::string();
        const std::string digits = shaped ? token.substr(underscore + 1, token.size() - underscore - 2) : std::string();
        if (!shaped || !allDigits(digits))
            fail(line, 0, where + " is not a semantic-ID token (expected the form \"<a_12>\": level letters, '_', a code)");
        if (m_tokenPrefixes.size() <= level) m_tokenPrefixes.resize(level + 1);
        std::string& expected = m_tokenPrefixes[level];
        if (expected.empty()) {
            expected = prefix;
        } else if (prefix != expected) {
            fail(line, 0, where + " has the level prefix '" + prefix + "', expected \"<" + expected +
                              "_N>\" as the first item has at this level");
        }
        return digits.size() > 12 ? std::numeric_limits<long long>::max() : std::stoll(digits);
    }

    int32_t checkRange(long long value, int64_t line, int64_t column, const std::string& where) const {
        if (m_codebookSize > 0 && value >= m_codebookSize)
            fail(line, column,
                 where + " is out of range: the codebook has " + std::to_string(m_codebookSize) + " codes (0.." +
                     std::to_string(m_codebookSize - 1) + ")");
        if (value > std::numeric_limits<int32_t>::max()) fail(line, column, where + " is out of range (over 2^31 - 1)");
        return static_cast<int32_t>(value);
    }

    void add(const std::string& name, std::vector<int32_t> codes, int64_t line) {
        const int32_t item = resolve(name, line);
        if (m_seenAt[static_cast<size_t>(item)] >= 0) {
            const int64_t first = m_seenAt[static_cast<size_t>(item)];
            fail(line, 1,
                 "item '" + name + "' is covered twice" +
                     (first > 0 ? " (first on line " + std::to_string(first) + ")" : std::string()));
        }
        if (codes.empty()) fail(line, 0, "item '" + name + "' has no codes");
        if (m_levels < 0) {
            m_levels = static_cast<int32_t>(codes.size());
            m_firstItem = name;
        } else if (static_cast<int32_t>(codes.size()) != m_levels) {
            fail(line, 0,
                 "item '" + name + "' has " + std::to_string(codes.size()) + " codes, expected " +
                     std::to_string(m_levels) + " like item '" + m_firstItem +
                     "' (all semantic IDs must have the same length)");
        }
        for (const int32_t c : codes) m_maxCode = std::max(m_maxCode, c);
        m_seenAt[static_cast<size_t>(item)] = std::max<int64_t>(line, 0);
        m_rows[static_cast<size_t>(item)] = std::move(codes);
        ++m_entries;
    }

    std::string m_path;
    const std::vector<ItemInfo>& m_items;
    ImportedIdKind m_kind;
    int32_t m_codebookSize;
    std::unordered_map<std::string, int32_t> m_byRaw;
    std::vector<std::vector<int32_t>> m_rows;
    std::vector<int64_t> m_seenAt;  ///< line an item was read from (0 for JSON), -1 while unseen
    int32_t m_levels = -1;
    std::string m_firstItem;
    int32_t m_maxCode = -1;
    int64_t m_entries = 0;
    std::vector<std::string> m_tokenPrefixes;  ///< per level, the letters of "<a_12>" tokens seen first
};

int64_t lineAt(const std::string& text, size_t offset) {
    return 1 +
           std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(std::min(offset, text.size())), '\n');
}

void readJson(const std::string& path, const std::string& text, IdCollector& collector) {
    // Keys of the top-level object in file order: nlohmann keeps only the last of duplicate keys, so
    // the callback sees them first; their lines are found by searching the text in order.
    std::vector<std::string> keys;
    json document;
    try {
        document = json::parse(text, [&keys](int depth, json::parse_event_t event, json& parsed) {
            if (event == json::parse_event_t::key && depth == 1) keys.push_back(parsed.get<std::string>());
            return true;
        });
    } catch (const json::parse_error& e) {
        const int64_t line = e.byte > 0 ? lineAt(text, e.byte - 1) : 0;
        throw DataError(path, line, 0, std::string("not valid JSON: ") + e.what());
    }
    if (!document.is_object())
        throw DataError(
            path, "expected a JSON object {\"item\": [c1, c2, ...], ...}, got " + std::string(document.type_name()));
    std::unordered_map<std::string, int> seen;
    size_t cursor = 0;
    for (const std::string& key : keys) {
        const size_t at = text.find(json(key).dump(), cursor);
        int64_t line = 0;
        if (at != std::string::npos) {
            line = lineAt(text, at);
            cursor = at + 1;
        }
        if (++seen[key] > 1) collector.fail(line, 0, "item '" + key + "' is covered twice (the key appears again)");
        collector.addJson(key, document[key], line);
    }
}

void readCsv(const std::string& text, IdCollector& collector) {
    std::istringstream in(text);
    std::string raw;
    int64_t lineNumber = 0;
    bool first = true;
    char delimiter = ',';
    while (std::getline(in, raw)) {
        ++lineNumber;
        if (!raw.empty() && raw.back() == '\r') raw.pop_back();
        const std::string line = trimmed(raw);
        if (line.empty()) continue;
        if (first) delimiter = line.find(',') == std::string::npos && line.find('\t') != std::string::npos ? '\t' : ',';
        std::vector<std::string> fields = splitCsv(line, delimiter);
        if (fields.size() < 2)
            collector.fail(lineNumber, 0,
                           "expected an item followed by its codes (item,c1,c2,... or item,\"c1 c2 c3\")");
        // item,"c1 c2 c3" (also item,[c1, c2, c3]) holds the whole tuple in one field.
        std::vector<std::string> tokens;
        const bool oneField = fields.size() == 2;
        if (oneField) {
            std::string tuple = fields[1];
            if (tuple.size() >= 2 && tuple.front() == '[' && tuple.back() == ']') {
                tuple = tuple.substr(1, tuple.size() - 2);
                std::replace(tuple.begin(), tuple.end(), ',', ' ');
            }
            tokens = splitWhitespace(tuple);
        } else {
            tokens.assign(fields.begin() + 1, fields.end());
        }
        if (first) {
            first = false;
            // A header ("item,c1,c2" or "item_id,semantic_id") has no numeric code field.
            if (std::none_of(tokens.begin(), tokens.end(), looksNumeric)) continue;
        }
        collector.addTokens(fields[0], tokens, lineNumber, 2, oneField);
    }
}

}  // namespace

SemanticIds importSemanticIds(const std::string& path, const Dataset& dataset, ImportedIdKind kind,
                              int32_t codebookSize, int32_t* codebookSizeOut) {
    return importSemanticIds(path, dataset.items, kind, codebookSize, codebookSizeOut);
}

SemanticIds importSemanticIds(const std::string& path, const std::vector<ItemInfo>& items, ImportedIdKind kind,
                              int32_t codebookSize, int32_t* codebookSizeOut) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw DataError(path, "cannot open the file");
    std::stringstream buffer;
    buffer << in.rdbuf();
    std::string text = buffer.str();
    if (text.size() >= 3 && static_cast<unsigned char>(text[0]) == 0xEF &&
        static_cast<unsigned char>(text[1]) == 0xBB && static_cast<unsigned char>(text[2]) == 0xBF)
        text.erase(0, 3);
    const size_t start = text.find_first_not_of(" \t\r\n");
    if (start == std::string::npos)
        throw DataError(path, "the file is empty (expected JSON {\"item\": [codes]} or CSV item,c1,c2,...)");

    IdCollector collector(path, items, kind, codebookSize);
    if (text[start] == '{' || text[start] == '[')
        readJson(path, text, collector);
    else
        readCsv(text, collector);
    return collector.finish(codebookSizeOut);
}

}  // namespace tokenbench::core
