// Item tables (JSON lines or CSV with a header) joined to a loaded data set's items. The whole file
// is read and checked before the data set is touched, so a bad row leaves the data set as it was.

#include "tokenbench/data/item_table.h"

#include <algorithm>
#include <unordered_map>

#include "data/loaders/csv_tokenizer.h"
#include "data/loaders/json_util.h"
#include "data/loaders/line_reader.h"
#include "data/loaders/load_context.h"
#include "data/loaders/text_util.h"
#include "tokenbench/cancellation.h"
#include "tokenbench/data/data_error.h"

namespace tokenbench::core {

namespace {

using detail::LineReader;
using detail::quoteForMessage;
using nlohmann::json;

constexpr size_t kExamples = 5;

/// One row of the table, reduced to what the join needs.
struct Row final {
    std::string title;
    std::string description;
    std::vector<AttributeValue> attributes;
};

/// Collects rows by id, rejecting duplicates, and counts those the data set does not know.
class RowCollector final {
public:
    RowCollector(const Dataset& dataset, ItemTableReport& report) : m_report(report) {
        m_itemIndex.reserve(dataset.items.size());
        for (size_t i = 0; i < dataset.items.size(); ++i)
            m_itemIndex.emplace(dataset.items[i].rawId, static_cast<int32_t>(i));
        m_rows.resize(dataset.items.size());
        m_rowLine.assign(dataset.items.size(), 0);
    }

    /// Item index of `id`, or -1 when the data set has no such item (counted). Throws on a duplicate.
    int32_t accept(const std::string& path, int64_t line, int64_t column, const std::string& id) {
        ++m_report.rows;
        const auto [seen, fresh] = m_seenLine.emplace(id, line);
        if (!fresh) {
            throw DataError(path, line, column,
                            "item '" + quoteForMessage(id) + "' appears twice (first on line " +
                                std::to_string(seen->second) + "): expected one row per item");
        }
        const auto it = m_itemIndex.find(id);
        if (it == m_itemIndex.end()) {
            ++m_report.unknownIds;
            if (m_report.unknownExamples.size() < kExamples) m_report.unknownExamples.push_back(id);
            return -1;
        }
        ++m_report.matched;
        m_rowLine[static_cast<size_t>(it->second)] = line;
        return it->second;
    }

    Row& row(int32_t item) { return m_rows[static_cast<size_t>(item)]; }
    [[nodiscard]] bool has(size_t item) const { return m_rowLine[item] > 0; }
    std::vector<Row>& rows() { return m_rows; }

private:
    ItemTableReport& m_report;
    std::unordered_map<std::string, int32_t> m_itemIndex;
    std::unordered_map<std::string, int64_t> m_seenLine;
    std::vector<Row> m_rows;
    std::vector<int64_t> m_rowLine;  // line of an item's row, 0 while none
};

/// Appends the names in `text` to `out`: one name, or the pieces between separators (trimmed).
void addNames(const std::string& field, std::string_view text, char separator, std::vector<AttributeValue>& out) {
    if (separator == '\0') {
        const std::string_view name = detail::trim(text);
        if (!name.empty()) out.push_back({field, std::string(name)});
        return;
    }
    size_t start = 0;
    for (;;) {
        const size_t pos = text.find(separator, start);
        const std::string_view name = detail::trim(text.substr(start, pos == std::string_view::npos ? pos : pos - start));
        if (!name.empty()) out.push_back({field, std::string(name)});
        if (pos == std::string_view::npos) return;
        start = pos + 1;
    }
}

void appendText(std::string& description, std::string_view text) {
    const std::string_view piece = detail::trim(text);
    if (piece.empty()) return;
    if (!description.empty()) description += '\n';
    description += piece;
}

/// A JSON scalar as text: strings as they are, numbers as written; other kinds fail.
std::string scalarText(const LineReader& reader, const json& value, const std::string& field, const char* expected) {
    if (value.is_string()) return value.get<std::string>();
    if (value.is_number_integer() || value.is_number_unsigned() || value.is_number_float()) return value.dump();
    reader.fail(0, "expected " + std::string(expected) + " for '" + quoteForMessage(field) + "' but found " +
                       detail::describeJsonType(value));
}

void readJsonLines(const std::string& path, const ItemTableMapping& mapping, RowCollector& rows,
                   const std::atomic<bool>* cancel) {
    LineReader reader(path, detail::kMaxMetaLine);
    std::string_view line;
    int64_t count = 0;
    while (reader.next(line)) {
        if (++count % detail::kProgressEveryLines == 0) throwIfCancelled(cancel);
        if (detail::trim(line).empty()) continue;
        json object;
        try {
            object = json::parse(line);
        } catch (const json::parse_error& error) {
            reader.fail(static_cast<int64_t>(std::min<size_t>(error.byte, line.size() + 1)),
                        detail::describeJsonError({}, error));
        } catch (const json::exception& error) {
            reader.fail(0, detail::describeJsonError({}, error));
        }
        if (!object.is_object())
            reader.fail(1, "expected a JSON object per line but found " + detail::describeJsonType(object));
        const auto id = object.find(mapping.idField);
        if (id == object.end() || id->is_null())
            reader.fail(0, "expected an item id field '" + quoteForMessage(mapping.idField) + "' but found none");
        const std::string idText(detail::trim(scalarText(reader, *id, mapping.idField, "an id string")));
        if (idText.empty()) reader.fail(0, "expected an item id in '" + quoteForMessage(mapping.idField) + "' but found an empty one");
        const int32_t item = rows.accept(path, reader.lineNumber(), 0, idText);
        Row scratch;
        Row& row = item >= 0 ? rows.row(item) : scratch;  // unknown rows are still checked
        if (!mapping.titleField.empty()) {
            if (const auto t = object.find(mapping.titleField); t != object.end() && !t->is_null())
                row.title = std::string(detail::trim(scalarText(reader, *t, mapping.titleField, "a string")));
        }
        for (const std::string& field : mapping.textFields) {
            if (field == mapping.titleField) continue;
            const auto t = object.find(field);
            if (t == object.end() || t->is_null()) continue;
            if (t->is_array()) {
                for (const json& part : *t) appendText(row.description, scalarText(reader, part, field, "text"));
            } else {
                appendText(row.description, scalarText(reader, *t, field, "text or a list of text"));
            }
        }
        for (const std::string& field : mapping.attributeFields) {
            const auto a = object.find(field);
            if (a == object.end() || a->is_null()) continue;
            if (a->is_array()) {
                for (const json& part : *a) {
                    addNames(field, scalarText(reader, part, field, "a list of names"), '\0', row.attributes);
                }
            } else {
                addNames(field, scalarText(reader, *a, field, "a name or a list of names"), mapping.listSeparator,
                         row.attributes);
            }
        }
    }
}

int columnOf(const LineReader& reader, const std::vector<std::string>& header, const std::string& name,
             const char* role) {
    for (size_t k = 0; k < header.size(); ++k) {
        if (header[k] == name) return static_cast<int>(k);
    }
    std::string names;
    for (const auto& h : header) names += (names.empty() ? "" : ", ") + quoteForMessage(h);
    reader.fail(0, std::string("expected the ") + role + " column '" + quoteForMessage(name) +
                       "' in the header but found: " + names);
}

void readCsv(const std::string& path, const ItemTableMapping& mapping, RowCollector& rows,
             const std::atomic<bool>* cancel) {
    LineReader reader(path, detail::kMaxMetaLine);
    std::string_view line;
    do {
        if (!reader.next(line)) throw DataError(path, "file is empty (only blank lines)");
    } while (detail::trim(line).empty());
    const char delimiter = mapping.delimiter != '\0' ? mapping.delimiter : detail::detectDelimiter(line);
    detail::CsvTokenizer tokenizer(delimiter == '\0' ? ',' : delimiter);
    std::vector<std::string_view> fields;
    tokenizer.split(line, reader, fields);
    const std::vector<std::string> header(fields.begin(), fields.end());
    const int id = columnOf(reader, header, mapping.idField, "item id");
    const int title = mapping.titleField.empty() ? -1 : columnOf(reader, header, mapping.titleField, "title");
    std::vector<int> text;
    for (const std::string& field : mapping.textFields) {
        if (field != mapping.titleField) text.push_back(columnOf(reader, header, field, "text"));
    }
    std::vector<int> attributes;
    for (const std::string& field : mapping.attributeFields)
        attributes.push_back(columnOf(reader, header, field, "attribute"));

    int64_t count = 0;
    while (tokenizer.next(reader, fields)) {
        if (++count % detail::kProgressEveryLines == 0) throwIfCancelled(cancel);
        const int64_t lineNumber = tokenizer.recordLine();
        if (fields.size() != header.size()) {
            throw DataError(path, lineNumber, 0,
                            "expected " + std::to_string(header.size()) + " fields (as in the header) separated by " +
                                detail::delimiterName(tokenizer.delimiter()) + " but found " +
                                std::to_string(fields.size()));
        }
        const std::string idText(detail::trim(fields[static_cast<size_t>(id)]));
        if (idText.empty())
            throw DataError(path, lineNumber, id + 1, "expected an item id in column '" + header[id] + "' but found an empty field");
        const int32_t item = rows.accept(path, lineNumber, id + 1, idText);
        if (item < 0) continue;
        Row& row = rows.row(item);
        if (title >= 0) row.title = std::string(detail::trim(fields[static_cast<size_t>(title)]));
        for (const int k : text) appendText(row.description, fields[static_cast<size_t>(k)]);
        for (size_t a = 0; a < attributes.size(); ++a) {
            addNames(mapping.attributeFields[a], fields[static_cast<size_t>(attributes[a])], mapping.listSeparator,
                     row.attributes);
        }
    }
}

bool isCsvName(const std::string& path) {
    return detail::endsWithNoCase(path, ".csv") || detail::endsWithNoCase(path, ".tsv") ||
           detail::endsWithNoCase(path, ".csv.gz") || detail::endsWithNoCase(path, ".tsv.gz");
}

/// JSON lines when the name says so (.jsonl, .json, .ndjson); otherwise unless the name says CSV or
/// the first non-blank character is not '{'.
bool looksLikeJsonLines(const std::string& path) {
    if (isCsvName(path)) return false;
    for (const char* suffix : {".jsonl", ".json", ".ndjson", ".jsonl.gz", ".json.gz"})
        if (detail::endsWithNoCase(path, suffix)) return true;
    LineReader reader(path, detail::kMaxMetaLine);
    std::string_view line;
    while (reader.next(line)) {
        const std::string_view text = detail::trim(line);
        if (!text.empty()) return text.front() == '{';
    }
    throw DataError(path, "file is empty (only blank lines)");
}

/// Replaces the attributes of the items the table names, then drops vocabulary entries nothing uses.
void applyRows(Dataset& dataset, RowCollector& rows, ItemTableReport& report) {
    std::unordered_map<std::string, int32_t> index;
    std::vector<AttributeValue> vocab = dataset.attributeVocab;
    for (size_t a = 0; a < vocab.size(); ++a) index.emplace(vocab[a].field + '\x1f' + vocab[a].name, static_cast<int32_t>(a));
    for (size_t i = 0; i < dataset.items.size(); ++i) {
        if (!rows.has(i)) {
            ++report.missingItems;
            if (report.missingExamples.size() < kExamples) report.missingExamples.push_back(dataset.items[i].rawId);
            continue;
        }
        Row& row = rows.rows()[i];
        ItemInfo& item = dataset.items[i];
        if (!row.title.empty()) item.title = std::move(row.title);
        if (!row.description.empty()) item.description = std::move(row.description);
        if (row.attributes.empty()) continue;
        ++report.itemsWithAttributes;
        item.attributes.clear();
        for (AttributeValue& value : row.attributes) {
            const auto [it, fresh] = index.emplace(value.field + '\x1f' + value.name, static_cast<int32_t>(vocab.size()));
            if (fresh) vocab.push_back(std::move(value));
            if (std::find(item.attributes.begin(), item.attributes.end(), it->second) == item.attributes.end())
                item.attributes.push_back(it->second);
        }
    }
    std::vector<int32_t> remap(vocab.size(), -1);
    for (const ItemInfo& item : dataset.items) {
        for (const int32_t a : item.attributes) remap[static_cast<size_t>(a)] = 0;
    }
    dataset.attributeVocab.clear();
    for (size_t a = 0; a < vocab.size(); ++a) {
        if (remap[a] < 0) continue;
        remap[a] = static_cast<int32_t>(dataset.attributeVocab.size());
        dataset.attributeVocab.push_back(std::move(vocab[a]));
    }
    for (ItemInfo& item : dataset.items) {
        for (int32_t& a : item.attributes) a = remap[static_cast<size_t>(a)];
        std::sort(item.attributes.begin(), item.attributes.end());
        if (!item.title.empty()) ++report.itemsWithTitle;
    }
}

}  // namespace

std::vector<std::string> splitFieldList(const std::string& text) {
    std::vector<std::string> out;
    size_t start = 0;
    for (;;) {
        const size_t pos = text.find(',', start);
        const std::string_view name =
            detail::trim(std::string_view(text).substr(start, pos == std::string::npos ? pos : pos - start));
        if (!name.empty()) out.emplace_back(name);
        if (pos == std::string::npos) return out;
        start = pos + 1;
    }
}

ItemTableReport joinItemTable(Dataset& dataset, const ItemTableOptions& options, const std::atomic<bool>* cancel) {
    ItemTableReport report;
    report.path = options.path;
    if (options.path.empty()) throw DataError("", "no item table given");
    if (options.mapping.idField.empty()) throw DataError(options.path, "the item table needs an item id field");
    RowCollector rows(dataset, report);
    if (looksLikeJsonLines(options.path)) {
        report.layout = "jsonl";
        readJsonLines(options.path, options.mapping, rows, cancel);
    } else {
        report.layout = "csv";
        readCsv(options.path, options.mapping, rows, cancel);
    }
    if (report.rows == 0) throw DataError(options.path, "the item table has no rows");
    if (report.matched == 0) {
        std::string examples;
        for (const auto& id : report.unknownExamples) examples += (examples.empty() ? "'" : ", '") + quoteForMessage(id) + "'";
        const std::string dataIds = dataset.items.empty() ? std::string("none")
                                                          : "'" + quoteForMessage(dataset.items.front().rawId) + "'";
        throw DataError(options.path, "none of the " + std::to_string(report.rows) + " rows names an item of the data set (ids " +
                                          examples + "; the data set's ids look like " + dataIds +
                                          "): expected the ids of the interaction files in field '" +
                                          quoteForMessage(options.mapping.idField) + "'");
    }
    applyRows(dataset, rows, report);
    return report;
}

}  // namespace tokenbench::core
