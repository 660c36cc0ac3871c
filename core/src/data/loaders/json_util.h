#pragma once
/// Helpers for the JSON-based loaders (item2attributes.json, Amazon reviews and meta). Include only in
/// .cpp files: it pulls in nlohmann/json. Pure functions; loading thread.

#include <cstddef>
#include <iterator>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace tokenbench::core::detail {

/// A piece of text as nlohmann SAX input that knows how many bytes the parser has consumed, so that a
/// handler can name the column where it rejects a value.
class JsonTextCursor final {
public:
    /// Input iterator; copies share the cursor (nlohmann copies iterators).
    class Iterator final {
    public:
        using iterator_category = std::input_iterator_tag;
        using value_type = char;
        using difference_type = std::ptrdiff_t;
        using pointer = const char*;
        using reference = char;

        Iterator() = default;
        explicit Iterator(JsonTextCursor* cursor) : m_cursor(cursor) {}
        char operator*() const { return m_cursor->m_text[m_cursor->m_pos]; }
        Iterator& operator++() {
            ++m_cursor->m_pos;
            return *this;
        }
        bool operator==(const Iterator& other) const { return atEnd() == other.atEnd(); }
        bool operator!=(const Iterator& other) const { return !(*this == other); }

    private:
        bool atEnd() const { return m_cursor == nullptr || m_cursor->m_pos >= m_cursor->m_text.size(); }
        JsonTextCursor* m_cursor = nullptr;
    };

    explicit JsonTextCursor(std::string_view text) : m_text(text) {}
    [[nodiscard]] Iterator begin() { return Iterator(this); }
    [[nodiscard]] Iterator end() { return Iterator(); }
    /// Bytes consumed by the parser so far (the 1-based column of the last one read).
    [[nodiscard]] size_t consumed() const { return m_pos; }

private:
    std::string_view m_text;
    size_t m_pos = 0;
};

/// "expected valid JSON but found '<token>' (<what nlohmann says went wrong>)" for a parse error
/// (without the "but found" part when `lastToken` is empty).
[[nodiscard]] std::string describeJsonError(const std::string& lastToken, const nlohmann::detail::exception& error);

/// Name of a JSON value's kind for messages ("a string", "a list", "null").
[[nodiscard]] std::string describeJsonType(const nlohmann::json& value);

}  // namespace tokenbench::core::detail
