// amazon: review files of the Amazon product data releases, one JSON object per line, plain or gzip.
//   2014 / 2018: reviewerID, asin, overall, unixReviewTime (seconds)
//   2023:        user_id, parent_asin (preferred over asin, as the meta files are keyed by it), rating,
//                timestamp (milliseconds; values below 10^11 are taken as seconds already)
// Meta (LoadOptions::attributesPath), one JSON object per line: title, description (string or list),
// brand (or details.Brand, or store), categories / category (a list of category paths, each a list,
// or a list of strings), price (number or "$12.99" text). Lines of items without a review are skipped.
// Category paths become attributes "A", "A > B", "A > B > C"; prices become buckets "<$10", "$10-25",
// "$25-50", "$50+". The 2014 meta files written as Python dict literals ({'asin': ...}) are not read:
// they fail with a message saying how to convert them.

#include <cmath>
#include <limits>
#include <unordered_set>

#include "data/loaders/json_util.h"
#include "data/loaders/line_reader.h"
#include "data/loaders/load_context.h"
#include "data/loaders/text_util.h"
#include "tokenbench/data/data_error.h"
#include "tokenbench/data/dataset_builder.h"

namespace tokenbench::core::detail {

namespace {

using nlohmann::json;

/// Timestamps this large are milliseconds (10^11 s lies in the year 5138).
constexpr int64_t kMillisecondsFrom = 100000000000LL;

/// SAX handler picking the four interaction fields from the top level of one review object; every
/// other value (review text, images, ...) is skipped without being kept.
class ReviewHandler final : public nlohmann::json_sax<json> {
public:
    enum class Key { Other, User, Item, ParentItem, Rating, Seconds, MaybeMilliseconds };

    ReviewHandler(const std::string& path, JsonTextCursor& cursor, int64_t line)
        : m_path(path), m_cursor(cursor), m_line(line) {}

    bool null() override { return scalar(ScalarKind::Null, {}); }
    bool boolean(bool) override { return scalar(ScalarKind::Other, "a boolean"); }
    bool number_integer(number_integer_t value) override { return scalar(ScalarKind::Integer, std::to_string(value)); }
    bool number_unsigned(number_unsigned_t value) override {
        return scalar(ScalarKind::Integer, std::to_string(value));
    }
    bool number_float(number_float_t, const string_t& text) override { return scalar(ScalarKind::Float, text); }
    bool string(string_t& value) override { return scalar(ScalarKind::String, value); }
    bool binary(binary_t&) override { return scalar(ScalarKind::Other, "binary data"); }
    bool start_object(std::size_t) override { return container(true); }
    bool end_object() override { return close(); }
    bool start_array(std::size_t) override { return container(false); }
    bool end_array() override { return close(); }
    bool key(string_t& name) override {
        if (m_depth != 1) return true;
        if (name == "reviewerID" || name == "user_id") {
            m_key = Key::User;
        } else if (name == "asin") {
            m_key = Key::Item;
        } else if (name == "parent_asin") {
            m_key = Key::ParentItem;
        } else if (name == "overall" || name == "rating") {
            m_key = Key::Rating;
        } else if (name == "unixReviewTime") {
            m_key = Key::Seconds;
        } else if (name == "timestamp") {
            m_key = Key::MaybeMilliseconds;
        } else {
            m_key = Key::Other;
        }
        m_keyName = name;
        return true;
    }
    bool parse_error(std::size_t position, const std::string& lastToken,
                     const nlohmann::detail::exception& error) override {
        throw DataError(m_path, m_line, static_cast<int64_t>(position), describeJsonError(lastToken, error));
    }

    /// Adds the review's interaction to `builder` and its item to `reviewed`; throws when the user or
    /// item is missing.
    void emit(DatasetBuilder& builder, std::unordered_set<std::string>& reviewed) const {
        if (!m_started) fail(0, "expected a JSON object but found nothing");
        if (!m_hasUser) fail(0, "expected a 'reviewerID' (or 'user_id') field but found none");
        if (!m_hasItem && !m_hasParent) fail(0, "expected an 'asin' (or 'parent_asin') field but found none");
        const std::string& item = m_hasParent ? m_parent : m_item;
        builder.addInteraction(m_user, item, m_time, m_rating);
        reviewed.insert(item);
    }

private:
    enum class ScalarKind { Null, Integer, Float, String, Other };

    [[noreturn]] void fail(int64_t column, const std::string& message) const {
        throw DataError(m_path, m_line, column, message);
    }
    int64_t column() const { return static_cast<int64_t>(m_cursor.consumed()); }

    bool container(bool isObject) {
        const std::string kind = isObject ? "an object" : "a list";
        if (m_depth == 0) {
            if (m_started || !isObject) fail(column(), "expected a JSON object per line but found " + kind);
            m_started = true;
        } else if (m_depth == 1 && m_key != Key::Other) {
            fail(column(), "expected a single value for '" + m_keyName + "' but found " + kind);
        }
        ++m_depth;
        return true;
    }
    bool close() {
        --m_depth;
        return true;
    }
    bool scalar(ScalarKind kind, const std::string& text) {
        if (m_depth == 0) fail(column(), "expected a JSON object per line but found '" + quoteForMessage(text) + "'");
        if (m_depth != 1 || m_key == Key::Other || kind == ScalarKind::Null) return true;
        switch (m_key) {
            case Key::User:
            case Key::Item:
            case Key::ParentItem: {
                if (kind == ScalarKind::Other || kind == ScalarKind::Float || text.empty()) {
                    fail(column(),
                         "expected an id string for '" + m_keyName + "' but found '" + quoteForMessage(text) + "'");
                }
                std::string& target = m_key == Key::User ? m_user : m_key == Key::Item ? m_item : m_parent;
                target = text;
                (m_key == Key::User ? m_hasUser : m_key == Key::Item ? m_hasItem : m_hasParent) = true;
                break;
            }
            case Key::Rating: {
                float value = 0.0f;
                const bool ok = kind == ScalarKind::Integer || kind == ScalarKind::Float || kind == ScalarKind::String;
                if (!ok || !parseRating(text, value)) {
                    fail(column(),
                         "expected a numeric rating for '" + m_keyName + "' but found '" + quoteForMessage(text) + "'");
                }
                m_rating = value;
                break;
            }
            case Key::Seconds:
            case Key::MaybeMilliseconds: {
                int64_t value = 0;
                const bool ok = kind == ScalarKind::Integer || kind == ScalarKind::Float || kind == ScalarKind::String;
                if (!ok || !parseTimestamp(text, value)) {
                    fail(column(), "expected a numeric timestamp for '" + m_keyName + "' but found '" +
                                       quoteForMessage(text) + "'");
                }
                // The 2023 release gives milliseconds.
                if (m_key == Key::MaybeMilliseconds && (value >= kMillisecondsFrom || value <= -kMillisecondsFrom)) {
                    value /= 1000;
                }
                m_time = value;
                break;
            }
            case Key::Other:
                break;
        }
        return true;
    }

    const std::string& m_path;
    JsonTextCursor& m_cursor;
    int64_t m_line;
    int m_depth = 0;
    bool m_started = false;
    Key m_key = Key::Other;
    std::string m_keyName;
    std::string m_user, m_item, m_parent;
    bool m_hasUser = false, m_hasItem = false, m_hasParent = false;
    float m_rating = std::numeric_limits<float>::quiet_NaN();
    int64_t m_time = DatasetBuilder::kNoTimestamp;
};

void loadReviews(LoadContext& context, const std::string& path, std::unordered_set<std::string>& reviewed) {
    context.beginFile(path);
    LineReader reader(path, kMaxInteractionLine);
    std::string_view line;
    int64_t lines = 0;
    while (reader.next(line)) {
        context.tick(reader);
        if (trim(line).empty()) continue;
        JsonTextCursor cursor(line);
        ReviewHandler handler(path, cursor, reader.lineNumber());
        json::sax_parse(cursor.begin(), cursor.end(), &handler);
        handler.emit(context.builder(), reviewed);
        ++lines;
    }
    if (lines == 0) throw DataError(path, "file is empty (only blank lines)");
    context.summary().lines += lines;
    context.endFile(reader.totalBytes());
}

std::string priceBucket(double price) {
    if (price < 10.0) return "<$10";
    if (price < 25.0) return "$10-25";
    if (price < 50.0) return "$25-50";
    return "$50+";
}

/// A price from a number or from text such as "$12.99", "$1,299.00" or "$10.00 - $20.00" (the first).
bool parsePrice(const json& value, double& price) {
    if (value.is_number()) {
        price = value.get<double>();
        return std::isfinite(price) && price >= 0.0;
    }
    if (!value.is_string()) return false;
    const std::string& text = value.get_ref<const std::string&>();
    std::string digits;
    bool started = false;
    for (const char c : text) {
        if ((c >= '0' && c <= '9') || c == '.') {
            digits.push_back(c);
            started = true;
        } else if (c == ',' && started) {
            continue;
        } else if (started) {
            break;
        }
    }
    return parseDouble(digits, price) && price >= 0.0;
}

std::string trimmedString(const json& value) {
    return value.is_string() ? std::string(trim(value.get_ref<const std::string&>())) : std::string();
}

void addCategories(DatasetBuilder& builder, const std::string& id, const json& categories) {
    if (!categories.is_array()) return;
    for (const json& entry : categories) {
        if (entry.is_string()) {
            const std::string name = trimmedString(entry);
            if (!name.empty()) builder.addItemAttribute(id, "category", name);
        } else if (entry.is_array()) {
            std::string path;
            for (const json& level : entry) {
                const std::string name = trimmedString(level);
                if (name.empty()) continue;
                path += (path.empty() ? "" : " > ") + name;
                builder.addItemAttribute(id, "category", path);
            }
        }
    }
}

/// Adds one meta object's side information, unless its item has no review (meta files list every
/// product of a category, most of them absent from a k-core review file: keeping them costs memory).
void addMeta(DatasetBuilder& builder, const LineReader& reader, const json& meta,
             const std::unordered_set<std::string>& reviewed) {
    if (!meta.is_object()) reader.fail(1, "expected a JSON object per line but found " + describeJsonType(meta));
    std::string id;
    for (const char* key : {"parent_asin", "asin"}) {
        const auto it = meta.find(key);
        if (it == meta.end() || it->is_null()) continue;
        id = it->is_number_integer() || it->is_number_unsigned() ? it->dump() : trimmedString(*it);
        if (id.empty())
            reader.fail(0, std::string("expected an id string for '") + key + "' but found " + describeJsonType(*it));
        break;
    }
    if (id.empty()) reader.fail(0, "expected an 'asin' (or 'parent_asin') field but found none");
    if (reviewed.count(id) == 0) return;

    if (const auto it = meta.find("title"); it != meta.end()) {
        const std::string title = trimmedString(*it);
        if (!title.empty()) builder.setItemTitle(id, title);
    }
    if (const auto it = meta.find("description"); it != meta.end()) {
        std::string text = trimmedString(*it);
        if (it->is_array()) {
            for (const json& part : *it) {
                const std::string piece = trimmedString(part);
                if (!piece.empty()) text += (text.empty() ? "" : "\n") + piece;
            }
        }
        if (!text.empty()) builder.setItemDescription(id, text);
    }
    std::string brand;
    if (const auto it = meta.find("brand"); it != meta.end()) brand = trimmedString(*it);
    if (const auto it = meta.find("details"); brand.empty() && it != meta.end() && it->is_object()) {
        for (const char* key : {"Brand", "brand"}) {
            if (const auto b = it->find(key); brand.empty() && b != it->end()) brand = trimmedString(*b);
        }
    }
    if (const auto it = meta.find("store"); brand.empty() && it != meta.end()) brand = trimmedString(*it);
    if (!brand.empty()) builder.addItemAttribute(id, "brand", brand);
    for (const char* key : {"categories", "category"}) {
        if (const auto it = meta.find(key); it != meta.end()) addCategories(builder, id, *it);
    }
    if (const auto it = meta.find("price"); it != meta.end()) {
        double price = 0.0;
        if (parsePrice(*it, price)) builder.addItemAttribute(id, "price", priceBucket(price));
    }
}

void loadMeta(LoadContext& context, const std::string& path, const std::unordered_set<std::string>& reviewed) {
    context.beginFile(path);
    LineReader reader(path, kMaxMetaLine);
    std::string_view line;
    while (reader.next(line)) {
        context.tick(reader);
        const std::string_view text = trim(line);
        if (text.empty()) continue;
        if (text.size() >= 2 && text[0] == '{' && text[1] == '\'') {
            reader.fail(2,
                        "expected JSON but found a Python dict literal ({'asin': ...}); convert the file first, "
                        "e.g. json.dumps(ast.literal_eval(line)) for each line");
        }
        json meta;
        try {
            meta = json::parse(line);
        } catch (const json::parse_error& error) {
            const auto column = static_cast<int64_t>(std::min<size_t>(error.byte, line.size() + 1));
            reader.fail(column, describeJsonError({}, error));
        } catch (const json::exception& error) {
            // Not only parse_error: a number too large for a double ("1E999") is out_of_range.
            reader.fail(0, describeJsonError({}, error));
        }
        addMeta(context.builder(), reader, meta, reviewed);
    }
    context.endFile(reader.totalBytes());
}

}  // namespace

void loadAmazon(LoadContext& context) {
    const LoadOptions& options = context.options();
    std::vector<std::string> files = options.paths;
    if (!options.attributesPath.empty()) files.push_back(options.attributesPath);
    context.plan(files);
    std::unordered_set<std::string> reviewed;
    for (const std::string& path : options.paths) loadReviews(context, path, reviewed);
    if (!options.attributesPath.empty()) loadMeta(context, options.attributesPath, reviewed);
}

}  // namespace tokenbench::core::detail
