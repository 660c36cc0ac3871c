// seqtxt: whitespace-separated id lines as S3-Rec/SASRec distribute them, plus item2attributes.json.
//
// Layout rule: a line is `user item [item ...]` (the user's items in chronological order). When every
// line has exactly two tokens and some user id occurs on several lines, the file is the pair-per-line
// variant (`user item`, in chronological order); otherwise it is one sequence per user. Both layouts
// turn into the same interactions (each line's items appended to its user, in file order), so the
// stream needs no look-ahead; the layout found is reported in LoadSummary::layout.
//
// Strictness: every non-blank line needs at least two tokens, and a token may not contain any of
// , ; | " { } [ ] or control characters (those mean a CSV or JSON file read with the wrong format).

#include <array>

#include "data/loaders/json_util.h"
#include "data/loaders/line_reader.h"
#include "data/loaders/load_context.h"
#include "data/loaders/text_util.h"
#include "tokenbench/data/data_error.h"
#include "tokenbench/data/dataset_builder.h"

namespace tokenbench::core::detail {

namespace {

enum : uint8_t { kOther = 0, kSpace = 1, kBad = 2 };

constexpr std::array<uint8_t, 256> makeClasses() {
    std::array<uint8_t, 256> classes{};
    for (int c = 0; c < 0x20; ++c) classes[c] = kBad;
    classes[0x7F] = kBad;
    classes[' '] = kSpace;
    classes['\t'] = kSpace;
    for (const char c : {',', ';', '|', '"', '{', '}', '[', ']'}) classes[static_cast<unsigned char>(c)] = kBad;
    return classes;
}
constexpr std::array<uint8_t, 256> kClasses = makeClasses();

std::string badTokenHint(std::string_view token) {
    if (token.find(',') != std::string_view::npos || token.find(';') != std::string_view::npos ||
        token.find('|') != std::string_view::npos) {
        return " (a delimited file? use the csv or movielens format)";
    }
    if (token.find('{') != std::string_view::npos || token.find('"') != std::string_view::npos) {
        return " (a JSON file? item2attributes.json goes in the attributes option, review JSON uses the amazon format)";
    }
    return "";
}

/// SAX handler for item2attributes.json: {"item": [attribute, ...], ...}. Throws DataError naming the
/// line and column where the structure departs from that.
class AttributeHandler final : public nlohmann::json_sax<nlohmann::json> {
public:
    AttributeHandler(JsonInput& input, LoadContext& context) : m_input(input), m_context(context) {}

    bool null() override { return scalar({}, "null"); }
    bool boolean(bool value) override { return scalar(value ? "true" : "false", "a boolean"); }
    bool number_integer(number_integer_t value) override { return scalar(std::to_string(value), "a number"); }
    bool number_unsigned(number_unsigned_t value) override { return scalar(std::to_string(value), "a number"); }
    bool number_float(number_float_t, const string_t& text) override { return scalar(text, "a number"); }
    bool string(string_t& value) override { return scalar(value, "a string"); }
    bool binary(binary_t&) override { return scalar({}, "binary data"); }
    bool start_object(std::size_t) override {
        if (m_depth != 0) fail("a list of attributes for item '" + quoteForMessage(m_item) + "'", "an object");
        m_depth = 1;
        return true;
    }
    bool key(string_t& value) override {
        m_item = value;
        m_context.tick(m_input);
        return true;
    }
    bool end_object() override {
        m_depth = 0;
        return true;
    }
    bool start_array(std::size_t) override {
        if (m_depth == 0) fail("an object {\"item id\": [attribute, ...]}", "a list");
        if (m_depth == 2) fail("attribute values for item '" + quoteForMessage(m_item) + "'", "a nested list");
        m_depth = 2;
        return true;
    }
    bool end_array() override {
        m_depth = 1;
        return true;
    }
    bool parse_error(std::size_t, const std::string& lastToken, const nlohmann::detail::exception& error) override {
        throw DataError(m_input.path(), m_input.line(), m_input.column(), describeJsonError(lastToken, error));
    }

private:
    bool scalar(const std::string& text, const char* kind) {
        if (m_depth == 0) fail("an object {\"item id\": [attribute, ...]}", kind);
        if (m_depth == 1) fail("a list of attributes for item '" + quoteForMessage(m_item) + "'", kind);
        if (!text.empty()) m_context.builder().addItemAttribute(m_item, "attribute", text);
        return true;
    }
    [[noreturn]] void fail(const std::string& expected, const std::string& found) const {
        throw DataError(m_input.path(), m_input.line(), m_input.column(),
                        "expected " + expected + " but found " + found);
    }

    JsonInput& m_input;
    LoadContext& m_context;
    int m_depth = 0;
    std::string m_item;
};

void loadAttributes(LoadContext& context, const std::string& path) {
    context.beginFile(path);
    JsonInput input(path);
    AttributeHandler handler(input, context);
    nlohmann::json::sax_parse(input.begin(), input.end(), &handler);
    context.endFile(input.totalBytes());
}

}  // namespace

void loadSeqtxt(LoadContext& context) {
    const LoadOptions& options = context.options();
    DatasetBuilder& builder = context.builder();
    std::vector<std::string> files = options.paths;
    if (!options.attributesPath.empty()) files.push_back(options.attributesPath);
    context.plan(files);

    bool everyLineIsPair = true;
    int64_t dataLines = 0;
    const size_t usersBefore = builder.userCount();
    for (const std::string& path : options.paths) {
        context.beginFile(path);
        LineReader reader(path, kMaxInteractionLine);
        int64_t fileLines = 0;
        std::string_view line;
        while (reader.next(line)) {
            context.tick(reader);
            const auto* bytes = reinterpret_cast<const unsigned char*>(line.data());
            const size_t n = line.size();
            std::string_view user;
            int64_t tokens = 0;
            size_t i = 0;
            for (;;) {
                while (i < n && kClasses[bytes[i]] == kSpace) ++i;
                if (i >= n) break;
                const size_t start = i;
                bool bad = false;
                while (i < n && kClasses[bytes[i]] != kSpace) bad |= kClasses[bytes[i++]] == kBad;
                const std::string_view token = line.substr(start, i - start);
                if (bad) {
                    reader.fail(static_cast<int64_t>(start) + 1, "expected whitespace-separated ids but found '" +
                                                                     quoteForMessage(token) + "'" +
                                                                     badTokenHint(token));
                }
                if (tokens++ == 0) {
                    user = token;
                } else {
                    builder.addInteraction(user, token);
                }
            }
            if (tokens == 0) continue;  // blank line
            if (tokens == 1) {
                reader.fail(static_cast<int64_t>(user.data() - line.data()) + 1,
                            "expected a user id followed by at least one item id but found only '" +
                                quoteForMessage(user) + "'");
            }
            everyLineIsPair = everyLineIsPair && tokens == 2;
            ++fileLines;
        }
        if (fileLines == 0) throw DataError(path, "file is empty (only blank lines)");
        dataLines += fileLines;
        context.summary().lines += fileLines;
        context.endFile(reader.totalBytes());
    }
    const bool userRepeats = static_cast<size_t>(dataLines) > builder.userCount() - usersBefore;
    context.summary().layout = everyLineIsPair && userRepeats ? "pairs" : "sequences";

    if (!options.attributesPath.empty()) loadAttributes(context, options.attributesPath);
}

}  // namespace tokenbench::core::detail
