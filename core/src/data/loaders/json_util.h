#pragma once
/// Helpers for the JSON-based loaders (item2attributes.json, Amazon reviews and meta). Include only in
/// .cpp files: it pulls in nlohmann/json. Pure functions; loading thread.

#include <cstddef>
#include <iterator>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "data/loaders/char_stream_iterator.h"

namespace tokenbench::core::detail {

/// A piece of text as nlohmann SAX input that knows how many bytes the parser has consumed, so that a
/// handler can name the column where it rejects a value.
class JsonTextCursor final {
public:
    using Iterator = CharStreamIterator<JsonTextCursor>;

    explicit JsonTextCursor(std::string_view text) : m_text(text) {}
    [[nodiscard]] Iterator begin() { return Iterator(this); }
    [[nodiscard]] Iterator end() { return Iterator(); }
    /// Bytes consumed by the parser so far (the 1-based column of the last one read).
    [[nodiscard]] size_t consumed() const { return m_pos; }

private:
    friend Iterator;
    [[nodiscard]] char current() const { return m_text[m_pos]; }
    void next() { ++m_pos; }
    [[nodiscard]] bool more() const { return m_pos < m_text.size(); }

    std::string_view m_text;
    size_t m_pos = 0;
};

/// "expected valid JSON but found '<token>' (<what nlohmann says went wrong>)" for a parse error
/// (without the "but found" part when `lastToken` is empty).
[[nodiscard]] std::string describeJsonError(const std::string& lastToken, const nlohmann::detail::exception& error);

/// Name of a JSON value's kind for messages ("a string", "a list", "null").
[[nodiscard]] std::string describeJsonType(const nlohmann::json& value);

}  // namespace tokenbench::core::detail
