// lcrec: the layout of LC-Rec, LETTER and related generative-recommendation releases.
//   NAME.inter.json  {"user": [item, item, ...], ...}   items in chronological order, ids ints or strings
//   NAME.item.json   {"item": {"title", "description", "brand", "categories"}, ...}   (optional sibling)
// Both are read with a SAX parser, so users keep the file's order and memory stays small. Categories are
// one comma-separated string (or a list) of names; brand is one name.

#include "data/loaders/json_util.h"
#include "data/loaders/line_reader.h"
#include "data/loaders/load_context.h"
#include "data/loaders/text_util.h"
#include "tokenbench/data/data_error.h"
#include "tokenbench/data/dataset_builder.h"

#include <filesystem>
#include <system_error>

namespace tokenbench::core::detail {

namespace {

constexpr std::string_view kInterSuffix = ".inter.json";

/// Base of the SAX handlers: every callback the handler does not expect fails with the position.
class StrictHandler : public nlohmann::json_sax<nlohmann::json> {
public:
    explicit StrictHandler(JsonInput& input) : m_input(input) {}

    bool parse_error(std::size_t, const std::string& lastToken, const nlohmann::detail::exception& error) override {
        throw DataError(m_input.path(), m_input.line(), m_input.column(), describeJsonError(lastToken, error));
    }
    bool binary(binary_t&) override { return scalar("binary data", {}, false); }
    bool null() override { return scalar("null", {}, false); }
    bool boolean(bool value) override { return scalar("a boolean", value ? "true" : "false", false); }
    bool number_integer(number_integer_t value) override { return scalar("a number", std::to_string(value), true); }
    bool number_unsigned(number_unsigned_t value) override { return scalar("a number", std::to_string(value), true); }
    bool number_float(number_float_t, const string_t& text) override { return scalar("a number", text, false); }
    bool string(string_t& value) override { return scalar("a string", value, true); }

protected:
    /// A scalar arrived; `idLike` for strings and integers.
    virtual bool scalar(const char* kind, const std::string& text, bool idLike) = 0;
    [[noreturn]] void fail(const std::string& message) const {
        throw DataError(m_input.path(), m_input.line(), m_input.column(), message);
    }
    JsonInput& m_input;
};

/// NAME.inter.json: an object of user → list of item ids.
class InterHandler final : public StrictHandler {
public:
    InterHandler(JsonInput& input, LoadContext& context) : StrictHandler(input), m_context(context) {}

    bool start_object(std::size_t) override {
        if (m_depth != 0) fail("expected a list of item ids for user '" + quoteForMessage(m_user) + "' but found an object");
        m_depth = 1;
        return true;
    }
    bool end_object() override {
        m_depth = 0;
        return true;
    }
    bool key(string_t& user) override {
        m_context.tick(m_input);
        m_user = user;
        if (trim(m_user).empty()) fail("expected a user id but found an empty key");
        ++m_users;
        return true;
    }
    bool start_array(std::size_t) override {
        if (m_depth == 0) fail("expected an object {\"user\": [item, ...], ...} but found a list");
        if (m_depth == 2) fail("expected item ids for user '" + quoteForMessage(m_user) + "' but found a nested list");
        m_depth = 2;
        return true;
    }
    bool end_array() override {
        m_depth = 1;
        return true;
    }
    [[nodiscard]] int64_t users() const { return m_users; }

private:
    bool scalar(const char* kind, const std::string& text, bool idLike) override {
        if (m_depth == 0) fail(std::string("expected an object {\"user\": [item, ...], ...} but found ") + kind);
        if (m_depth == 1) fail("expected a list of item ids for user '" + quoteForMessage(m_user) + "' but found " + kind);
        if (!idLike || trim(text).empty()) {
            fail("expected an item id (an integer or a string) for user '" + quoteForMessage(m_user) + "' but found " +
                 (text.empty() ? std::string(kind) : "'" + quoteForMessage(text) + "'"));
        }
        m_context.builder().addInteraction(m_user, trim(text));
        return true;
    }

    LoadContext& m_context;
    int m_depth = 0;
    std::string m_user;
    int64_t m_users = 0;
};

/// NAME.item.json: an object of item → {title, description, brand, categories}.
class ItemHandler final : public StrictHandler {
public:
    ItemHandler(JsonInput& input, LoadContext& context) : StrictHandler(input), m_context(context) {}

    bool start_object(std::size_t) override {
        if (m_depth == 1 || m_depth == 0) {
            ++m_depth;
            return true;
        }
        if (m_depth == 2 && m_field != Field::Other) fail(expectedFor() + " but found an object");
        ++m_depth;
        return true;
    }
    bool end_object() override {
        --m_depth;
        return true;
    }
    bool start_array(std::size_t) override {
        if (m_depth == 0) fail("expected an object {\"item\": {\"title\": ...}, ...} but found a list");
        if (m_depth == 1) fail("expected an object of fields for item '" + quoteForMessage(m_item) + "' but found a list");
        if (m_depth == 2 && m_field != Field::Other && m_field != Field::Categories)
            fail(expectedFor() + " but found a list");
        ++m_depth;
        return true;
    }
    bool end_array() override {
        --m_depth;
        return true;
    }
    bool key(string_t& name) override {
        if (m_depth == 1) {
            m_context.tick(m_input);
            m_item = trim(name);
            if (m_item.empty()) fail("expected an item id but found an empty key");
        } else if (m_depth == 2) {
            m_keyName = name;
            m_field = name == "title"         ? Field::Title
                      : name == "description" ? Field::Description
                      : name == "brand"       ? Field::Brand
                      : name == "categories"  ? Field::Categories
                                              : Field::Other;
        }
        return true;
    }

private:
    enum class Field { Other, Title, Description, Brand, Categories };

    std::string expectedFor() const {
        return "expected " + std::string(m_field == Field::Categories ? "a string or list of category names" : "a string") +
               " for '" + m_keyName + "' of item '" + quoteForMessage(m_item) + "'";
    }
    bool scalar(const char* kind, const std::string& text, bool) override {
        if (m_depth == 0) fail(std::string("expected an object {\"item\": {\"title\": ...}, ...} but found ") + kind);
        if (m_depth == 1) fail("expected an object of fields for item '" + quoteForMessage(m_item) + "' but found " + kind);
        if (m_field == Field::Other || std::string_view(kind) == "null") return true;
        const bool inList = m_depth == 3;
        if (m_depth > 3 || std::string_view(kind) != "a string") fail(expectedFor() + " but found " + kind);
        DatasetBuilder& builder = m_context.builder();
        const std::string_view value = trim(text);
        switch (m_field) {
            case Field::Title:
                if (!value.empty()) builder.setItemTitle(m_item, value);
                break;
            case Field::Description:
                if (!value.empty()) builder.setItemDescription(m_item, value);
                break;
            case Field::Brand:
                if (!value.empty()) builder.addItemAttribute(m_item, "brand", value);
                break;
            case Field::Categories:
                if (inList) {
                    if (!value.empty()) builder.addItemAttribute(m_item, "category", value);
                } else {
                    addCategories(value);
                }
                break;
            case Field::Other:
                break;
        }
        return true;
    }
    void addCategories(std::string_view text) {
        size_t start = 0;
        for (;;) {
            const size_t pos = text.find(',', start);
            const std::string_view name = trim(text.substr(start, pos == std::string_view::npos ? pos : pos - start));
            if (!name.empty()) m_context.builder().addItemAttribute(m_item, "category", name);
            if (pos == std::string_view::npos) return;
            start = pos + 1;
        }
    }

    LoadContext& m_context;
    int m_depth = 0;
    std::string m_item;
    std::string m_keyName;
    Field m_field = Field::Other;
};

/// The .inter.json named by `path`, itself or the only one in the folder it names.
std::string interFile(const std::string& path) {
    if (!isFolder(path)) {
        if (!endsWithNoCase(fileNameOf(path), kInterSuffix))
            throw DataError(path, "expected an LC-Rec interaction file named NAME.inter.json (or its folder)");
        return path;
    }
    std::string found;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(path, ec)) {
        const std::string name = entry.path().filename().string();
        if (!entry.is_regular_file(ec) || !endsWithNoCase(name, kInterSuffix)) continue;
        if (!found.empty())
            throw DataError(path, "expected one NAME.inter.json in the folder but found '" + fileNameOf(found) +
                                      "' and '" + name + "'; name the file");
        found = entry.path().string();
    }
    if (found.empty()) throw DataError(path, "expected an LC-Rec NAME.inter.json in the folder but found none");
    return found;
}

/// NAME.inter.json → NAME + suffix, in the same folder.
std::string lcrecSibling(const std::string& interPath, const std::string& suffix) {
    return interPath.substr(0, interPath.size() - kInterSuffix.size()) + suffix;
}

}  // namespace

void loadLcrec(LoadContext& context) {
    const LoadOptions& options = context.options();
    if (options.paths.size() != 1)
        throw DataError(options.paths.front(), "the lcrec format reads one NAME.inter.json (or its folder)");
    const std::string inter = interFile(options.paths.front());
    std::string items = options.itemsPath;
    if (items.empty() && isFile(lcrecSibling(inter, ".item.json"))) items = lcrecSibling(inter, ".item.json");
    std::vector<std::string> files = {inter};
    if (!items.empty()) files.push_back(items);
    context.plan(files);

    context.beginFile(inter);
    JsonInput interInput(inter);
    InterHandler interHandler(interInput, context);
    nlohmann::json::sax_parse(interInput.begin(), interInput.end(), &interHandler);
    if (context.builder().interactionCount() == 0)
        throw DataError(inter, "expected users with item lists but found no interaction");
    context.summary().lines += interHandler.users();
    context.endFile(interInput.totalBytes());

    if (items.empty()) return;
    context.beginFile(items);
    JsonInput itemInput(items);
    ItemHandler itemHandler(itemInput, context);
    nlohmann::json::sax_parse(itemInput.begin(), itemInput.end(), &itemHandler);
    context.endFile(itemInput.totalBytes());
}

}  // namespace tokenbench::core::detail
