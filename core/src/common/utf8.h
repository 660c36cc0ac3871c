#pragma once
/// UTF-8 decoding and encoding shared by the text featurizers. Any thread.

#include <string>

namespace tokenbench::core {

/// Decodes one UTF-8 code point at text[pos]; returns it and advances pos. Invalid bytes give
/// U+FFFD and advance by one, so broken input never stalls or reads past the end.
inline char32_t decodeUtf8(const std::string& text, size_t& pos) {
    const auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
    const unsigned char lead = byte(pos);
    if (lead < 0x80) return static_cast<char32_t>(text[pos++]);
    int extra = 0;
    char32_t cp = 0;
    if ((lead & 0xE0) == 0xC0)
        extra = 1, cp = lead & 0x1F;
    else if ((lead & 0xF0) == 0xE0)
        extra = 2, cp = lead & 0x0F;
    else if ((lead & 0xF8) == 0xF0)
        extra = 3, cp = lead & 0x07;
    else
        return ++pos, char32_t{0xFFFD};
    if (pos + static_cast<size_t>(extra) >= text.size()) return ++pos, char32_t{0xFFFD};
    for (int i = 1; i <= extra; ++i) {
        const unsigned char next = byte(pos + static_cast<size_t>(i));
        if ((next & 0xC0) != 0x80) return ++pos, char32_t{0xFFFD};
        cp = (cp << 6) | (next & 0x3F);
    }
    pos += static_cast<size_t>(extra) + 1;
    return cp;
}

inline void appendUtf8(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

inline std::string toUtf8(const std::u32string& text) {
    std::string out;
    for (char32_t cp : text) appendUtf8(out, cp);
    return out;
}

}  // namespace tokenbench::core
