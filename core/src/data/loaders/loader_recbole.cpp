// recbole: RecBole atomic files. Tab-separated, first line a typed header `name:type` with types token,
// token_seq, float, float_seq (token_seq / float_seq values are space-separated). The .inter file gives
// interactions through its user_id, item_id, timestamp and rating fields; the optional .item file gives
// titles (movie_title / title) and attributes (every other token / token_seq field, named by its field).

#include <algorithm>
#include <filesystem>
#include <limits>
#include <system_error>

#include "data/loaders/line_reader.h"
#include "data/loaders/load_context.h"
#include "data/loaders/text_util.h"
#include "tokenbench/data/data_error.h"
#include "tokenbench/data/dataset_builder.h"

namespace tokenbench::core::detail {

namespace {

enum class FieldType { Token, TokenSeq, Float, FloatSeq };

struct Field {
    std::string name;
    FieldType type;
};

/// Splits on tabs exactly (RecBole's field separator); values are taken as they are apart from trimming.
void splitTabs(std::string_view line, std::vector<std::string_view>& out) {
    out.clear();
    size_t start = 0;
    for (;;) {
        const size_t pos = line.find('\t', start);
        if (pos == std::string_view::npos) {
            out.push_back(trim(line.substr(start)));
            return;
        }
        out.push_back(trim(line.substr(start, pos - start)));
        start = pos + 1;
    }
}

std::string listNames(const std::vector<Field>& fields) {
    std::string names;
    for (const Field& f : fields) names += (names.empty() ? "" : ", ") + f.name;
    return names;
}

/// Reads the typed header (first non-blank line).
std::vector<Field> readHeader(LineReader& reader) {
    std::string_view line;
    do {
        if (!reader.next(line)) throw DataError(reader.path(), "file is empty (only blank lines)");
    } while (trim(line).empty());
    std::vector<std::string_view> parts;
    splitTabs(line, parts);
    std::vector<Field> fields;
    for (size_t k = 0; k < parts.size(); ++k) {
        const auto column = static_cast<int64_t>(k) + 1;
        const std::string_view part = parts[k];
        const size_t colon = part.rfind(':');
        if (colon == std::string_view::npos || colon == 0) {
            reader.fail(column, "expected a typed header field 'name:type' but found '" + quoteForMessage(part) +
                                    "' (is this a RecBole atomic file?)");
        }
        const std::string_view typeName = part.substr(colon + 1);
        Field field{std::string(trim(part.substr(0, colon))), FieldType::Token};
        if (typeName == "token") {
            field.type = FieldType::Token;
        } else if (typeName == "token_seq") {
            field.type = FieldType::TokenSeq;
        } else if (typeName == "float") {
            field.type = FieldType::Float;
        } else if (typeName == "float_seq") {
            field.type = FieldType::FloatSeq;
        } else {
            reader.fail(column, "expected a field type token, token_seq, float or float_seq but found '" +
                                    quoteForMessage(typeName) + "'");
        }
        for (size_t j = 0; j < fields.size(); ++j) {
            if (fields[j].name == field.name) {
                reader.fail(column, "duplicate field '" + quoteForMessage(field.name) + "' in header (fields " +
                                        std::to_string(j + 1) + " and " + std::to_string(column) + ")");
            }
        }
        fields.push_back(std::move(field));
    }
    return fields;
}

int findField(const std::vector<Field>& fields, std::string_view name) {
    for (size_t k = 0; k < fields.size(); ++k) {
        if (fields[k].name == name) return static_cast<int>(k);
    }
    return -1;
}

int requireField(const LineReader& reader, const std::vector<Field>& fields, std::string_view name) {
    const int index = findField(fields, name);
    if (index < 0) {
        throw DataError(reader.path(), reader.lineNumber(), 0,
                        "expected a field '" + std::string(name) + "' in the header but found: " + listNames(fields));
    }
    return index;
}

/// Splits a data line and checks its field count and every float field; throws naming the field.
void splitRecord(const LineReader& reader, std::string_view line, const std::vector<Field>& fields,
                 std::vector<std::string_view>& values) {
    splitTabs(line, values);
    if (values.size() != fields.size()) {
        reader.fail(0, "expected " + std::to_string(fields.size()) + " tab-separated fields (" + listNames(fields) +
                           ") but found " + std::to_string(values.size()));
    }
    for (size_t k = 0; k < fields.size(); ++k) {
        const FieldType type = fields[k].type;
        if (type != FieldType::Float && type != FieldType::FloatSeq) continue;
        std::string_view rest = values[k];
        while (!rest.empty()) {
            const size_t space = type == FieldType::FloatSeq ? rest.find(' ') : std::string_view::npos;
            const std::string_view piece = rest.substr(0, space);
            double value = 0.0;
            if (!piece.empty() && !parseDouble(piece, value)) {
                reader.fail(static_cast<int64_t>(k) + 1, "expected a number in field '" + fields[k].name +
                                                             "' but found '" + quoteForMessage(piece) + "'");
            }
            rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
        }
    }
}

void loadInter(LoadContext& context, const std::string& path) {
    DatasetBuilder& builder = context.builder();
    context.beginFile(path);
    LineReader reader(path, kMaxInteractionLine);
    const std::vector<Field> fields = readHeader(reader);
    const int user = requireField(reader, fields, "user_id");
    const int item = requireField(reader, fields, "item_id");
    const int time = findField(fields, "timestamp");
    const int rating = findField(fields, "rating");
    std::vector<std::string_view> values;
    std::string_view line;
    int64_t lines = 0;
    while (reader.next(line)) {
        context.tick(reader);
        if (trim(line).empty()) continue;
        splitRecord(reader, line, fields, values);
        for (const int index : {user, item}) {
            if (values[index].empty()) {
                reader.fail(index + 1, "expected an id in field '" + fields[index].name + "' but found an empty field");
            }
        }
        int64_t timestamp = DatasetBuilder::kNoTimestamp;
        if (time >= 0 && !values[time].empty() && !parseTimestamp(values[time], timestamp)) {
            reader.fail(time + 1,
                        "expected a timestamp in field 'timestamp' but found '" + quoteForMessage(values[time]) + "'");
        }
        float value = std::numeric_limits<float>::quiet_NaN();
        if (rating >= 0 && !values[rating].empty() && !parseRating(values[rating], value)) {
            reader.fail(rating + 1,
                        "expected a rating in field 'rating' but found '" + quoteForMessage(values[rating]) + "'");
        }
        builder.addInteraction(values[user], values[item], timestamp, value);
        ++lines;
    }
    if (lines == 0) throw DataError(path, "file has a header but no data lines");
    context.summary().lines += lines;
    context.endFile(reader.totalBytes());
}

void loadItems(LoadContext& context, const std::string& path) {
    DatasetBuilder& builder = context.builder();
    context.beginFile(path);
    LineReader reader(path, kMaxMetaLine);
    const std::vector<Field> fields = readHeader(reader);
    const int item = requireField(reader, fields, "item_id");
    int title = findField(fields, "movie_title");
    if (title < 0) title = findField(fields, "title");
    std::vector<std::string_view> values;
    std::string_view line;
    while (reader.next(line)) {
        context.tick(reader);
        if (trim(line).empty()) continue;
        splitRecord(reader, line, fields, values);
        const std::string_view id = values[item];
        if (id.empty()) reader.fail(item + 1, "expected an id in field 'item_id' but found an empty field");
        for (size_t k = 0; k < fields.size(); ++k) {
            const auto index = static_cast<int>(k);
            if (index == item || values[k].empty()) continue;
            if (index == title) {
                builder.setItemTitle(id, values[k]);
            } else if (fields[k].type == FieldType::Token) {
                builder.addItemAttribute(id, fields[k].name, values[k]);
            } else if (fields[k].type == FieldType::TokenSeq) {
                std::string_view rest = values[k];
                while (!rest.empty()) {
                    const size_t space = rest.find(' ');
                    const std::string_view piece = rest.substr(0, space);
                    if (!piece.empty()) builder.addItemAttribute(id, fields[k].name, piece);
                    rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
                }
            }
        }
    }
    context.endFile(reader.totalBytes());
}

/// The .inter file for `path`: the file itself, or in a folder `<folder name>.inter` (or its only .inter).
std::string resolveInter(const std::string& path) {
    if (!isFolder(path)) return path;
    const std::string named = joinPath(path, fileNameOf(path) + ".inter");
    if (isFile(named)) return named;
    std::vector<std::string> found;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(path, ec)) {
        if (entry.is_regular_file(ec) && endsWithNoCase(entry.path().filename().string(), ".inter")) {
            found.push_back(entry.path().string());
        }
    }
    std::sort(found.begin(), found.end());
    if (found.size() == 1) return found.front();
    if (found.empty()) throw DataError(path, "expected a RecBole .inter file in the folder but found none");
    std::string names;
    for (const auto& f : found) names += (names.empty() ? "" : ", ") + fileNameOf(f);
    throw DataError(path, "expected one .inter file in the folder but found several: " + names + " (name one)");
}

}  // namespace

void loadRecbole(LoadContext& context) {
    const LoadOptions& options = context.options();
    std::vector<std::string> inters, items, files;
    for (const std::string& path : options.paths) inters.push_back(resolveInter(path));
    if (!options.itemsPath.empty()) {
        items.push_back(options.itemsPath);
    } else {
        for (const std::string& inter : inters) {
            std::string stem = inter;
            if (endsWithNoCase(stem, ".inter")) stem.resize(stem.size() - 6);
            const std::string item = stem + ".item";
            if (isFile(item) && std::find(items.begin(), items.end(), item) == items.end()) items.push_back(item);
        }
    }
    files = inters;
    files.insert(files.end(), items.begin(), items.end());
    context.plan(files);
    for (const std::string& inter : inters) loadInter(context, inter);
    for (const std::string& item : items) loadItems(context, item);
}

}  // namespace tokenbench::core::detail
