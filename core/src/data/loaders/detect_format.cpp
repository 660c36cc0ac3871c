// detectFormat: picks a loader from the first path's name and first lines, and says why.
// Order: folders (RecBole .inter, MovieLens ratings) → names (.inter, ratings.dat, u.data, ratings.csv
// with a userId header, .json[l][.gz]) → content (a JSON object line, "::" lines, a delimited header,
// u.data-like tab lines, whitespace-separated id lines).

#include <filesystem>
#include <system_error>

#include "data/loaders/csv_tokenizer.h"
#include "data/loaders/json_util.h"
#include "data/loaders/line_reader.h"
#include "data/loaders/load_context.h"
#include "data/loaders/text_util.h"
#include "tokenbench/data/data_error.h"
#include "tokenbench/data/loaders.h"

namespace tokenbench::core {

namespace {

using detail::asciiLower;
using detail::endsWithNoCase;
using detail::LineReader;

constexpr int kSampleLines = 20;

std::vector<std::string_view> splitWhitespace(std::string_view line) {
    std::vector<std::string_view> out;
    detail::splitWhitespace(line, out);
    return out;
}

bool isInteger(std::string_view text) {
    int64_t value = 0;
    return detail::parseInt64(text, value);
}

bool isNumber(std::string_view text) {
    double value = 0.0;
    return detail::parseDouble(text, value);
}

/// An id token of a seqtxt line: letters, digits and _ - . : only.
bool isIdToken(std::string_view text) {
    for (const char c : text) {
        const bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
                        c == '-' || c == '.' || c == ':';
        if (!ok) return false;
    }
    return !text.empty();
}

/// Fields of a delimited line, surrounding quotes removed (good enough to recognise a header).
std::vector<std::string> splitFields(const std::string& line, char delimiter) {
    std::vector<std::string> out;
    size_t start = 0;
    for (;;) {
        const size_t pos = line.find(delimiter, start);
        std::string_view field =
            detail::trim(std::string_view(line).substr(start, pos == std::string::npos ? pos : pos - start));
        if (field.size() >= 2 && field.front() == '"' && field.back() == '"') field = field.substr(1, field.size() - 2);
        out.emplace_back(field);
        if (pos == std::string::npos) break;
        start = pos + 1;
    }
    return out;
}

/// The first non-blank lines of a file (copied: the reader's views do not outlive it).
std::vector<std::string> sampleLines(const std::string& path, size_t maxLine, int count) {
    LineReader reader(path, maxLine);
    std::vector<std::string> lines;
    std::string_view line;
    while (static_cast<int>(lines.size()) < count && reader.next(line)) {
        if (!detail::trim(line).empty()) lines.emplace_back(line);
    }
    if (lines.empty()) throw DataError(path, "file is empty (only blank lines)");
    return lines;
}

/// "amazon" when `line` is a JSON object with review fields; the reason names them.
bool isAmazonReview(const std::string& line, std::string& why) {
    const nlohmann::json first = nlohmann::json::parse(line, nullptr, false);
    if (!first.is_object()) return false;
    if (first.contains("reviewerID") && first.contains("asin")) {
        why = "its first line is a JSON object with the reviewerID and asin fields of Amazon reviews (2014/2018)";
        return true;
    }
    if (first.contains("user_id") && (first.contains("parent_asin") || first.contains("asin"))) {
        why = "its first line is a JSON object with the user_id and parent_asin fields of Amazon reviews (2023)";
        return true;
    }
    return false;
}

std::string detectFolder(const std::string& path, std::string& why) {
    const std::string name = detail::fileNameOf(path);
    std::error_code ec;
    std::string inter;
    for (const auto& entry : std::filesystem::directory_iterator(path, ec)) {
        if (entry.is_regular_file(ec) && endsWithNoCase(entry.path().filename().string(), ".inter.json")) {
            why = "lcrec: the folder '" + name + "' holds the LC-Rec interaction file '" +
                  entry.path().filename().string() + "'";
            return "lcrec";
        }
    }
    for (const auto& entry : std::filesystem::directory_iterator(path, ec)) {
        if (entry.is_regular_file(ec) && endsWithNoCase(entry.path().filename().string(), ".inter")) {
            inter = entry.path().filename().string();
            break;
        }
    }
    if (!inter.empty()) {
        why = "recbole: the folder '" + name + "' holds the RecBole atomic file '" + inter + "'";
        return "recbole";
    }
    for (const char* ratings : {"ratings.dat", "ratings.csv", "u.data"}) {
        if (detail::isFile(detail::joinPath(path, ratings))) {
            why =
                std::string("movielens: the folder '") + name + "' holds the MovieLens ratings file '" + ratings + "'";
            return "movielens";
        }
    }
    throw DataError(path,
                    "cannot detect the format of the folder: expected an LC-Rec NAME.inter.json, a RecBole .inter file or MovieLens "
                    "ratings.dat / ratings.csv / u.data in it");
}

std::string detectFile(const std::string& path, std::string& why) {
    if (!detail::isFile(path)) {
        if (!std::filesystem::exists(std::filesystem::path(path)))
            throw DataError(path, "cannot open file: no such file");
        throw DataError(path, "expected a regular file");
    }
    std::string name = asciiLower(detail::fileNameOf(path));
    const std::string shown = detail::fileNameOf(path);
    if (endsWithNoCase(name, ".gz")) name.resize(name.size() - 3);

    if (endsWithNoCase(name, ".inter.json")) {
        why = "lcrec: '" + shown + "' is named like an LC-Rec/LETTER interaction file (NAME.inter.json)";
        return "lcrec";
    }
    for (const char* side : {".item.json", ".index.json"}) {
        if (endsWithNoCase(name, side)) {
            throw DataError(path, "cannot load '" + shown + "' alone: it is an LC-Rec/LETTER side file; load the " +
                                      "NAME.inter.json next to it (an .index.json goes to tokenize --method import)");
        }
    }
    if (endsWithNoCase(name, ".inter")) {
        why = "recbole: '" + shown + "' has the .inter extension of RecBole atomic files";
        return "recbole";
    }
    const bool ml100kSplit =
        name.size() >= 7 && name[0] == 'u' && name[2] == '.' && (name.substr(3) == "base" || name.substr(3) == "test");
    if (name == "ratings.dat" || name == "u.data" || ml100kSplit) {
        why = "movielens: '" + shown + "' is the name of a MovieLens ratings file";
        return "movielens";
    }

    for (const char* side : {"u.item", "u.user", "u.genre", "u.occupation", "movies.dat", "movies.csv", "users.dat"}) {
        if (name == side) {
            throw DataError(path, "cannot load '" + shown +
                                      "' alone: it is a MovieLens side file; load the ratings file (the items are "
                                      "found next to it)");
        }
    }

    const std::vector<std::string> lines = sampleLines(path, detail::kMaxInteractionLine, kSampleLines);
    const std::string& first = lines.front();
    const bool typedHeader = first.find(":token") != std::string::npos || first.find(":float") != std::string::npos;
    for (const char* side : {".item", ".user", ".kg", ".link", ".net"}) {
        if (typedHeader && endsWithNoCase(name, side)) {
            throw DataError(path, std::string("cannot load '") + shown + "' alone: a RecBole " + side +
                                      " file holds side information; load the .inter file (or its folder)");
        }
    }
    const bool jsonName = endsWithNoCase(name, ".json") || endsWithNoCase(name, ".jsonl");
    if (jsonName || detail::trim(first).substr(0, 1) == "{") {
        std::string reviewWhy;
        if (isAmazonReview(first, reviewWhy)) {
            why = "amazon: " + reviewWhy;
            return "amazon";
        }
        if (jsonName) {
            throw DataError(path, 1, 0,
                            "cannot detect the format: expected a JSON object with reviewerID/asin or "
                            "user_id/parent_asin fields (Amazon reviews) on the first line but found '" +
                                detail::quoteForMessage(first) +
                                "' (a meta or attribute file goes in the "
                                "attributes option)");
        }
    }

    // "::"-separated lines of four numbers: the ratings.dat layout under another name.
    bool datLayout = true;
    for (const std::string& line : lines) {
        std::vector<std::string_view> parts;
        size_t start = 0;
        for (;;) {
            const size_t pos = line.find("::", start);
            parts.push_back(
                detail::trim(std::string_view(line).substr(start, pos == std::string::npos ? pos : pos - start)));
            if (pos == std::string::npos) break;
            start = pos + 2;
        }
        datLayout = datLayout && parts.size() == 4 && isInteger(parts[0]) && isInteger(parts[1]) && isNumber(parts[2]);
    }
    if (datLayout) {
        why = "movielens: its lines are 'user::item::rating::timestamp' as in MovieLens ratings.dat";
        return "movielens";
    }

    const char delimiter = detail::detectDelimiter(first);
    const bool csvName = endsWithNoCase(name, ".csv") || endsWithNoCase(name, ".tsv");
    if (delimiter != '\0') {
        std::vector<std::string> names = splitFields(first, delimiter);
        bool anyName = false;
        for (const auto& n : names) anyName = anyName || (!n.empty() && !isNumber(n));
        // Sequences separated by tabs vary in length from line to line; a table's rows do not.
        bool sameWidth = true;
        for (const std::string& line : lines)
            sameWidth = sameWidth && splitFields(line, delimiter).size() == names.size();
        if (names.size() >= 2 && anyName && (csvName || delimiter != '\t' || sameWidth)) {
            if (name == "ratings.csv" && first.find("userId") != std::string::npos &&
                first.find("movieId") != std::string::npos) {
                why = "movielens: '" + shown + "' is a MovieLens ratings.csv with a userId,movieId header";
                return "movielens";
            }
            std::string header;
            for (const auto& n : names) header += (header.empty() ? "" : ", ") + detail::quoteForMessage(n);
            why = "csv: '" + shown + "' starts with a header line (" + header + ") separated by " +
                  detail::delimiterName(delimiter);
            return "csv";
        }
    }
    if (csvName) {
        throw DataError(path, 1, 0,
                        "cannot detect the format: expected a header line of column names but found '" +
                            detail::quoteForMessage(first) + "' (the csv format needs a header)");
    }

    // Tab-separated "user item rating timestamp" numbers: the u.data layout under another name.
    bool dataLayout = true;
    for (const std::string& line : lines) {
        const auto parts = splitWhitespace(line);
        dataLayout = dataLayout && line.find('\t') != std::string::npos && parts.size() == 4 && isInteger(parts[0]) &&
                     isInteger(parts[1]) && isNumber(parts[2]) && isInteger(parts[3]) && parts[3].size() >= 9;
    }
    if (dataLayout) {
        why = "movielens: its lines are tab-separated 'user item rating timestamp' numbers as in MovieLens u.data";
        return "movielens";
    }

    bool seqLayout = true, integers = true;
    for (const std::string& line : lines) {
        const auto parts = splitWhitespace(line);
        seqLayout = seqLayout && parts.size() >= 2;
        for (const auto& part : parts) {
            seqLayout = seqLayout && isIdToken(part);
            integers = integers && isInteger(part);
        }
    }
    if (seqLayout) {
        why = "seqtxt: its first " + std::to_string(lines.size()) + " lines are whitespace-separated " +
              (integers ? "integer ids" : "ids") + " (a user followed by its items)";
        return "seqtxt";
    }
    throw DataError(path,
                    "cannot detect the format: expected RecBole .inter, MovieLens ratings, Amazon review "
                    "JSON lines, a delimited file with a header or whitespace-separated id lines but found '" +
                        detail::quoteForMessage(first) + "' on the first line; name the format explicitly");
}

}  // namespace

std::string detectFormat(const std::vector<std::string>& paths, std::string* reason) {
    if (paths.empty()) throw DataError("", "no input files given");
    std::string why;
    const std::string& path = paths.front();
    const std::string format = detail::isFolder(path) ? detectFolder(path, why) : detectFile(path, why);
    if (reason) *reason = why;
    return format;
}

}  // namespace tokenbench::core
