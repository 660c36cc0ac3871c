// csv: any delimited file with a header line, read through LoadOptions::csv (which columns hold the user,
// item, timestamp and rating). The delimiter is detected from the header among , \t ; | unless given.
// Timestamps are numbers (seconds) or ISO-8601 dates (UTC); ratings are numbers; empty values mean none.

#include <limits>

#include "data/loaders/csv_tokenizer.h"
#include "data/loaders/line_reader.h"
#include "data/loaders/load_context.h"
#include "data/loaders/text_util.h"
#include "tokenbench/data/data_error.h"
#include "tokenbench/data/dataset_builder.h"

namespace tokenbench::core::detail {

namespace {

std::string joinNames(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "" : ", ") + quoteForMessage(n);
    return out;
}

/// Index of `name` in the header: an exact match, else the only case-insensitive match.
int columnOf(const LineReader& reader, const std::vector<std::string>& header, const std::string& name) {
    int found = -1;
    for (size_t k = 0; k < header.size(); ++k) {
        if (header[k] == name) return static_cast<int>(k);
    }
    const std::string lower = asciiLower(name);
    int matches = 0;
    for (size_t k = 0; k < header.size(); ++k) {
        if (asciiLower(header[k]) == lower) found = static_cast<int>(k), ++matches;
    }
    if (matches != 1) reader.fail(0, "column '" + quoteForMessage(name) + "' not in header: " + joinNames(header));
    return found;
}

void loadCsvFile(LoadContext& context, const std::string& path) {
    const CsvMapping& mapping = context.options().csv;
    DatasetBuilder& builder = context.builder();
    context.beginFile(path);
    LineReader reader(path, kMaxInteractionLine);
    std::string_view line;
    do {
        if (!reader.next(line)) throw DataError(path, "file is empty (only blank lines)");
    } while (trim(line).empty());
    const char delimiter = mapping.delimiter != '\0' ? mapping.delimiter : detectDelimiter(line);
    CsvTokenizer tokenizer(delimiter);
    std::vector<std::string_view> fields;
    tokenizer.split(line, reader, fields);
    const std::vector<std::string> header(fields.begin(), fields.end());

    std::vector<std::string> wanted = {mapping.user, mapping.item};
    for (const std::string* optional : {&mapping.timestamp, &mapping.rating}) {
        if (!optional->empty()) wanted.push_back(*optional);
    }
    bool severalColumns = false;
    for (const auto& name : wanted) severalColumns = severalColumns || name != wanted.front();
    if (header.size() == 1 && severalColumns) {
        reader.fail(0, "expected a header with columns " + joinNames(wanted) + " separated by " +
                           (mapping.delimiter != '\0' ? delimiterName(delimiter) : std::string("one of , tab ; |")) +
                           " but found the single column '" + quoteForMessage(header.front()) +
                           "' (wrong delimiter? name it explicitly)");
    }
    for (size_t j = 0; j < header.size(); ++j) {
        if (header[j].empty())
            reader.fail(static_cast<int64_t>(j) + 1, "expected a column name but found an empty one");
        for (size_t i = 0; i < j; ++i) {
            if (header[i] == header[j]) {
                reader.fail(static_cast<int64_t>(j) + 1, "duplicate column '" + quoteForMessage(header[j]) +
                                                             "' in header (columns " + std::to_string(i + 1) + " and " +
                                                             std::to_string(j + 1) + ")");
            }
        }
    }
    const int user = columnOf(reader, header, mapping.user);
    const int item = columnOf(reader, header, mapping.item);
    const int time = mapping.timestamp.empty() ? -1 : columnOf(reader, header, mapping.timestamp);
    const int rating = mapping.rating.empty() ? -1 : columnOf(reader, header, mapping.rating);

    int64_t lines = 0;
    while (tokenizer.next(reader, fields)) {
        context.tick(reader);
        const int64_t lineNumber = tokenizer.recordLine();
        if (fields.size() != header.size()) {
            throw DataError(path, lineNumber, 0,
                            "expected " + std::to_string(header.size()) + " fields (as in the header) separated by " +
                                delimiterName(delimiter) + " but found " + std::to_string(fields.size()));
        }
        for (const int index : {user, item}) {
            if (fields[index].empty()) {
                throw DataError(path, lineNumber, index + 1,
                                "expected an id in column '" + header[index] + "' but found an empty field");
            }
        }
        int64_t timestamp = DatasetBuilder::kNoTimestamp;
        if (time >= 0 && !fields[time].empty() && !parseTimestampOrDate(fields[time], timestamp)) {
            throw DataError(path, lineNumber, time + 1,
                            "expected a numeric timestamp (or an ISO-8601 date) in column '" + header[time] +
                                "' but found '" + quoteForMessage(fields[time]) + "'");
        }
        float value = std::numeric_limits<float>::quiet_NaN();
        if (rating >= 0 && !fields[rating].empty() && !parseRating(fields[rating], value)) {
            throw DataError(path, lineNumber, rating + 1,
                            "expected a numeric rating in column '" + header[rating] + "' but found '" +
                                quoteForMessage(fields[rating]) + "'");
        }
        builder.addInteraction(fields[user], fields[item], timestamp, value);
        ++lines;
    }
    if (lines == 0) throw DataError(path, "file has a header but no data lines");
    context.summary().lines += lines;
    context.endFile(reader.totalBytes());
}

}  // namespace

void loadCsv(LoadContext& context) {
    const LoadOptions& options = context.options();
    if (options.csv.user.empty() || options.csv.item.empty()) {
        throw DataError(options.paths.front(), "expected user and item columns in the csv mapping but found none");
    }
    context.plan(options.paths);
    for (const std::string& path : options.paths) loadCsvFile(context, path);
}

}  // namespace tokenbench::core::detail
