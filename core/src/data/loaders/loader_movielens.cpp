// movielens: the GroupLens releases as downloaded.
//   ratings: ratings.dat (ML-1M/10M, `user::item::rating::timestamp`), ratings.csv (ML-20M/25M/latest,
//            header userId,movieId,rating,timestamp), u.data and its splits (ML-100K, tab-separated).
//   items:   movies.dat (`id::title::genre|genre`), movies.csv (movieId,title,genres), u.item
//            (`|`-separated, Latin-1, 19 genre flags named by a sibling u.genre or the fixed ML-100K list).
// Ids must be integers, ratings and timestamps numbers. Item files may be Latin-1 (ML-100K, ML-1M): a
// line that is not valid UTF-8 is read as Latin-1 and converted.

#include <algorithm>
#include <limits>

#include "data/loaders/csv_tokenizer.h"
#include "data/loaders/line_reader.h"
#include "data/loaders/load_context.h"
#include "data/loaders/text_util.h"
#include "tokenbench/data/data_error.h"
#include "tokenbench/data/dataset_builder.h"

namespace tokenbench::core::detail {

namespace {

enum class RatingsKind { Dat, Csv, Tab };
enum class ItemsKind { Dat, Csv, Pipe };

const std::vector<std::string>& ml100kGenres() {
    static const std::vector<std::string> kGenres = {"unknown",   "Action",   "Adventure",   "Animation", "Children's",
                                                     "Comedy",    "Crime",    "Documentary", "Drama",     "Fantasy",
                                                     "Film-Noir", "Horror",   "Musical",     "Mystery",   "Romance",
                                                     "Sci-Fi",    "Thriller", "War",         "Western"};
    return kGenres;
}

/// Splits on every occurrence of `separator` (a string, for "::").
void splitOn(std::string_view line, std::string_view separator, std::vector<std::string_view>& out) {
    out.clear();
    size_t start = 0;
    for (;;) {
        const size_t pos = line.find(separator, start);
        if (pos == std::string_view::npos) {
            out.push_back(trim(line.substr(start)));
            return;
        }
        out.push_back(trim(line.substr(start, pos - start)));
        start = pos + separator.size();
    }
}

/// Splits on runs of spaces and tabs.

/// Checks one record's fields where `line` is the line it started on.
class FieldChecker final {
public:
    FieldChecker(const std::string& path, int64_t line) : m_path(path), m_line(line) {}
    void id(std::string_view value, size_t index, const char* what) const {
        int64_t parsed = 0;
        if (!parseInt64(value, parsed)) fail(index, std::string("an integer ") + what, value);
    }
    float rating(std::string_view value, size_t index) const {
        float parsed = 0.0f;
        if (!parseRating(value, parsed)) fail(index, "a numeric rating", value);
        return parsed;
    }
    int64_t timestamp(std::string_view value, size_t index) const {
        int64_t parsed = 0;
        if (!parseTimestamp(value, parsed)) fail(index, "a numeric timestamp", value);
        return parsed;
    }
    [[noreturn]] void fail(size_t index, const std::string& expected, std::string_view found) const {
        throw DataError(m_path, m_line, static_cast<int64_t>(index) + 1,
                        "expected " + expected + " in field " + std::to_string(index + 1) + " but found '" +
                            quoteForMessage(found) + "'");
    }

private:
    const std::string& m_path;
    int64_t m_line;
};

int findColumn(const std::vector<std::string>& header, std::string_view name) {
    const std::string lower = asciiLower(name);
    for (size_t k = 0; k < header.size(); ++k) {
        if (asciiLower(header[k]) == lower) return static_cast<int>(k);
    }
    return -1;
}

std::string joinNames(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
    return out;
}

/// Reads a CSV header with the tokenizer; throws when the file has none.
std::vector<std::string> readCsvHeader(LineReader& reader, CsvTokenizer& tokenizer) {
    std::vector<std::string_view> fields;
    if (!tokenizer.next(reader, fields)) throw DataError(reader.path(), "file is empty (only blank lines)");
    return std::vector<std::string>(fields.begin(), fields.end());
}

int requireColumn(const LineReader& reader, const std::vector<std::string>& header, std::string_view name) {
    const int index = findColumn(header, name);
    if (index < 0) {
        throw DataError(reader.path(), reader.lineNumber(), 0,
                        "column '" + std::string(name) + "' not in header: " + joinNames(header));
    }
    return index;
}

void loadRatings(LoadContext& context, const std::string& path) {
    DatasetBuilder& builder = context.builder();
    context.beginFile(path);
    LineReader reader(path, kMaxInteractionLine);
    const std::string name = asciiLower(fileNameOf(path));
    RatingsKind kind = endsWithNoCase(name, ".csv")   ? RatingsKind::Csv
                       : endsWithNoCase(name, ".dat") ? RatingsKind::Dat
                                                      : RatingsKind::Tab;
    std::vector<std::string_view> fields;
    int user = 0, item = 1, rating = 2, time = 3;
    CsvTokenizer tokenizer(',');
    if (kind == RatingsKind::Csv) {
        const std::vector<std::string> header = readCsvHeader(reader, tokenizer);
        user = requireColumn(reader, header, "userId");
        item = requireColumn(reader, header, "movieId");
        rating = findColumn(header, "rating");
        time = findColumn(header, "timestamp");
    }
    bool decided = kind != RatingsKind::Tab;
    int64_t lines = 0;
    std::string_view line;
    for (;;) {
        int64_t lineNumber = 0;
        if (kind == RatingsKind::Csv) {
            if (!tokenizer.next(reader, fields)) break;
            lineNumber = tokenizer.recordLine();
        } else {
            if (!reader.next(line)) break;
            if (trim(line).empty()) continue;
            lineNumber = reader.lineNumber();
            if (!decided) {
                // u.data splits may have any name: "::" in the first line means the .dat layout.
                kind = line.find("::") != std::string_view::npos ? RatingsKind::Dat : RatingsKind::Tab;
                decided = true;
            }
            if (kind == RatingsKind::Dat) {
                splitOn(line, "::", fields);
                if (fields.size() != 4) {
                    reader.fail(0, "expected 4 '::'-separated fields (user::item::rating::timestamp) but found " +
                                       std::to_string(fields.size()));
                }
            } else {
                splitWhitespace(line, fields);
                if (fields.size() != 3 && fields.size() != 4) {
                    reader.fail(0, "expected 3 or 4 tab-separated fields (user, item, rating, timestamp) but found " +
                                       std::to_string(fields.size()) + " in '" + quoteForMessage(line) + "'");
                }
            }
        }
        context.tick(reader);
        const FieldChecker check(path, lineNumber);
        const auto needed = static_cast<size_t>(std::max({user, item, rating, time})) + 1;
        if (fields.size() < needed && kind == RatingsKind::Csv) {
            throw DataError(
                path, lineNumber, 0,
                "expected at least " + std::to_string(needed) + " fields but found " + std::to_string(fields.size()));
        }
        check.id(fields[user], user, "user id");
        check.id(fields[item], item, "item id");
        float value = std::numeric_limits<float>::quiet_NaN();
        if (rating >= 0 && static_cast<size_t>(rating) < fields.size()) value = check.rating(fields[rating], rating);
        int64_t timestamp = DatasetBuilder::kNoTimestamp;
        if (time >= 0 && static_cast<size_t>(time) < fields.size()) timestamp = check.timestamp(fields[time], time);
        builder.addInteraction(fields[user], fields[item], timestamp, value);
        ++lines;
    }
    if (lines == 0) {
        throw DataError(path, kind == RatingsKind::Csv ? "file has a header but no data lines"
                                                       : "file is empty (only blank lines)");
    }
    context.summary().lines += lines;
    context.endFile(reader.totalBytes());
}

void addGenres(DatasetBuilder& builder, std::string_view id, std::string_view genres) {
    while (!genres.empty()) {
        const size_t bar = genres.find('|');
        const std::string_view genre = trim(genres.substr(0, bar));
        if (!genre.empty() && genre != "(no genres listed)") builder.addItemAttribute(id, "genre", genre);
        genres = bar == std::string_view::npos ? std::string_view() : genres.substr(bar + 1);
    }
}

/// Genre names of u.genre (`name|index` lines), or the fixed ML-100K list when there is no such file.
std::vector<std::string> readGenreNames(LoadContext& context, const std::string& path) {
    if (!isFile(path)) return ml100kGenres();
    context.beginFile(path);
    LineReader reader(path, kMaxMetaLine, TextEncoding::Utf8OrLatin1);
    std::vector<std::string> names;
    std::vector<std::string_view> fields;
    std::string_view line;
    while (reader.next(line)) {
        if (trim(line).empty()) continue;
        splitOn(line, "|", fields);
        int64_t index = 0;
        if (fields.size() != 2 || !parseInt64(fields[1], index) || index < 0 || index >= 4096) {
            reader.fail(0, "expected 'genre|index' with an index below 4096 but found '" + quoteForMessage(line) + "'");
        }
        if (names.size() <= static_cast<size_t>(index)) names.resize(static_cast<size_t>(index) + 1);
        names[static_cast<size_t>(index)] = std::string(fields[0]);
    }
    for (size_t k = 0; k < names.size(); ++k) {
        if (names[k].empty()) names[k] = "genre " + std::to_string(k);
    }
    if (names.empty()) throw DataError(path, "file has no data lines");
    context.endFile(reader.totalBytes());
    return names;
}

void loadItems(LoadContext& context, const std::string& path) {
    DatasetBuilder& builder = context.builder();
    const ItemsKind kind = endsWithNoCase(path, ".csv")   ? ItemsKind::Csv
                           : endsWithNoCase(path, ".dat") ? ItemsKind::Dat
                                                          : ItemsKind::Pipe;
    std::vector<std::string> genreNames;
    if (kind == ItemsKind::Pipe) genreNames = readGenreNames(context, joinPath(folderOf(path), "u.genre"));
    context.beginFile(path);
    LineReader reader(path, kMaxMetaLine, TextEncoding::Utf8OrLatin1);
    CsvTokenizer tokenizer(',');
    int idColumn = 0, titleColumn = 1, genresColumn = 2;
    if (kind == ItemsKind::Csv) {
        const std::vector<std::string> header = readCsvHeader(reader, tokenizer);
        idColumn = requireColumn(reader, header, "movieId");
        titleColumn = requireColumn(reader, header, "title");
        genresColumn = findColumn(header, "genres");
    }
    std::vector<std::string_view> fields;
    std::string_view line;
    for (;;) {
        int64_t lineNumber = 0;
        if (kind == ItemsKind::Csv) {
            if (!tokenizer.next(reader, fields)) break;
            lineNumber = tokenizer.recordLine();
            const auto needed = static_cast<size_t>(std::max({idColumn, titleColumn, genresColumn})) + 1;
            if (fields.size() < needed) {
                throw DataError(path, lineNumber, 0,
                                "expected at least " + std::to_string(needed) + " fields but found " +
                                    std::to_string(fields.size()));
            }
        } else {
            if (!reader.next(line)) break;
            if (trim(line).empty()) continue;
            lineNumber = reader.lineNumber();
            if (kind == ItemsKind::Dat) {
                const size_t first = line.find("::");
                const size_t last = line.rfind("::");
                if (first == std::string_view::npos || first == last) {
                    reader.fail(0, "expected 'movieId::title::genres' but found '" + quoteForMessage(line) + "'");
                }
                fields = {trim(line.substr(0, first)), trim(line.substr(first + 2, last - first - 2)),
                          trim(line.substr(last + 2))};
            } else {
                splitOn(line, "|", fields);
                const size_t expected = 5 + genreNames.size();
                if (fields.size() != expected) {
                    reader.fail(0, "expected " + std::to_string(expected) +
                                       " '|'-separated fields (id|title|release date|video release date|URL|" +
                                       std::to_string(genreNames.size()) + " genre flags) but found " +
                                       std::to_string(fields.size()));
                }
            }
        }
        context.tick(reader);
        const FieldChecker check(path, lineNumber);
        const std::string_view id = fields[idColumn];
        check.id(id, idColumn, "movie id");
        if (!fields[titleColumn].empty()) builder.setItemTitle(id, fields[titleColumn]);
        if (kind == ItemsKind::Pipe) {
            for (size_t g = 0; g < genreNames.size(); ++g) {
                const std::string_view flag = fields[5 + g];
                if (flag == "1") {
                    builder.addItemAttribute(id, "genre", genreNames[g]);
                } else if (flag != "0") {
                    check.fail(5 + g, "a genre flag 0 or 1", flag);
                }
            }
        } else if (genresColumn >= 0) {
            addGenres(builder, id, fields[genresColumn]);
        }
    }
    context.endFile(reader.totalBytes());
}

/// The ratings file for `path`: the file itself, or in a folder ratings.dat, ratings.csv or u.data.
std::string resolveRatings(const std::string& path) {
    if (!isFolder(path)) return path;
    for (const char* name : {"ratings.dat", "ratings.csv", "u.data"}) {
        const std::string candidate = joinPath(path, name);
        if (isFile(candidate)) return candidate;
    }
    throw DataError(path, "expected ratings.dat, ratings.csv or u.data in the folder but found none");
}

/// The item file next to `ratings` that matches its release, or "" when there is none.
std::string siblingItems(const std::string& ratings) {
    const std::string folder = folderOf(ratings);
    std::vector<const char*> order = {"u.item", "movies.dat", "movies.csv"};
    if (endsWithNoCase(ratings, ".dat")) order = {"movies.dat", "movies.csv", "u.item"};
    if (endsWithNoCase(ratings, ".csv")) order = {"movies.csv", "movies.dat", "u.item"};
    for (const char* name : order) {
        const std::string candidate = joinPath(folder, name);
        if (isFile(candidate)) return candidate;
    }
    return {};
}

}  // namespace

void loadMovielens(LoadContext& context) {
    const LoadOptions& options = context.options();
    std::vector<std::string> ratings;
    for (const std::string& path : options.paths) ratings.push_back(resolveRatings(path));
    const std::string items = options.itemsPath.empty() ? siblingItems(ratings.front()) : options.itemsPath;
    std::vector<std::string> files = ratings;
    if (!items.empty()) files.push_back(items);
    context.plan(files);
    for (const std::string& path : ratings) loadRatings(context, path);
    if (!items.empty()) loadItems(context, items);
}

}  // namespace tokenbench::core::detail
