#include "data/loaders/text_util.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

namespace tokenbench::core::detail {

namespace {

/// Length of the valid UTF-8 sequence at `i`, 0 when invalid or cut off.
size_t utf8SequenceLength(const unsigned char* p, size_t n, size_t i, bool* cut) {
    const unsigned char c = p[i];
    if (c < 0x80) return 1;
    size_t len = 0;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
    } else {
        return 0;
    }
    // The second byte's range excludes overlong forms, surrogates and code points above U+10FFFF.
    unsigned char lo = 0x80, hi = 0xBF;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
    for (size_t k = 1; k < len; ++k) {
        if (i + k >= n) {
            if (cut) *cut = true;
            return 0;
        }
        const unsigned char d = p[i + k];
        const bool ok = k == 1 ? (d >= lo && d <= hi) : (d >= 0x80 && d <= 0xBF);
        if (!ok) return 0;
    }
    return len;
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
int64_t daysFromCivil(int64_t y, int64_t m, int64_t d) {
    y -= m <= 2 ? 1 : 0;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const int64_t yoe = y - era * 400;
    const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

bool digits(std::string_view s, size_t pos, size_t count, int64_t& out) {
    if (pos + count > s.size()) return false;
    out = 0;
    for (size_t k = 0; k < count; ++k) {
        const char c = s[pos + k];
        if (c < '0' || c > '9') return false;
        out = out * 10 + (c - '0');
    }
    return true;
}

}  // namespace

size_t findInvalidUtf8(std::string_view text, bool allowCutTail) {
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    const size_t n = text.size();
    size_t i = 0;
    while (i < n) {
        // ASCII fast path, eight bytes at a time: interaction files are almost all ASCII.
        while (i + 8 <= n) {
            uint64_t word;
            std::memcpy(&word, p + i, 8);
            if (word & 0x8080808080808080ULL) break;
            i += 8;
        }
        if (i >= n) break;
        if (p[i] < 0x80) {
            ++i;
            continue;
        }
        bool cut = false;
        const size_t len = utf8SequenceLength(p, n, i, &cut);
        if (len == 0) return cut && allowCutTail ? std::string_view::npos : i;
        i += len;
    }
    return std::string_view::npos;
}

void appendLatin1AsUtf8(std::string_view text, std::string& out) {
    out.reserve(out.size() + text.size() + text.size() / 8);
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (c < 0x80) {
            out.push_back(ch);
        } else {
            out.push_back(static_cast<char>(0xC0 | (c >> 6)));
            out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
        }
    }
}

bool isBinaryByte(unsigned char c) {
    return c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v' && c != 0x1B;
}

std::string_view trim(std::string_view text) {
    size_t b = 0, e = text.size();
    while (b < e && (text[b] == ' ' || text[b] == '\t')) ++b;
    while (e > b && (text[e - 1] == ' ' || text[e - 1] == '\t')) --e;
    return text.substr(b, e - b);
}

bool parseInt64(std::string_view text, int64_t& out) {
    if (!text.empty() && text.front() == '+') text.remove_prefix(1);
    if (text.empty() || text.front() == '+') return false;
    const char* end = text.data() + text.size();
    const auto result = std::from_chars(text.data(), end, out);
    return result.ec == std::errc() && result.ptr == end;
}

bool parseDouble(std::string_view text, double& out) {
    if (!text.empty() && text.front() == '+') text.remove_prefix(1);
    if (text.empty() || text.front() == '+') return false;
    // from_chars also takes "inf", "nan": only finite values are numbers here.
    const char* end = text.data() + text.size();
    const auto result = std::from_chars(text.data(), end, out, std::chars_format::general);
    return result.ec == std::errc() && result.ptr == end && std::isfinite(out);
}

bool parseTimestamp(std::string_view text, int64_t& out) {
    if (parseInt64(text, out)) return true;
    double value = 0.0;
    // 9.2e18 keeps the conversion below inside int64 (converting a larger double is undefined).
    if (!parseDouble(text, value) || std::fabs(value) > 9.2e18) return false;
    out = static_cast<int64_t>(std::llround(value));
    return true;
}

bool parseTimestampOrDate(std::string_view text, int64_t& out) {
    if (parseTimestamp(text, out)) return true;
    int64_t y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
    if (!digits(text, 0, 4, y) || text.size() < 10 || text[4] != '-' || !digits(text, 5, 2, mo) || text[7] != '-' ||
        !digits(text, 8, 2, d)) {
        return false;
    }
    if (mo < 1 || mo > 12 || d < 1 || d > 31) return false;
    size_t pos = 10;
    if (pos < text.size() && (text[pos] == 'T' || text[pos] == ' ')) {
        if (!digits(text, pos + 1, 2, h) || pos + 3 >= text.size() || text[pos + 3] != ':' ||
            !digits(text, pos + 4, 2, mi)) {
            return false;
        }
        pos += 6;
        if (pos < text.size() && text[pos] == ':') {
            if (!digits(text, pos + 1, 2, s)) return false;
            pos += 3;
            if (pos < text.size() && text[pos] == '.') {
                ++pos;
                const size_t start = pos;
                while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
                if (pos == start) return false;
            }
        }
        if (h > 23 || mi > 59 || s > 60) return false;
    }
    if (pos < text.size() && text[pos] == 'Z') ++pos;
    if (pos != text.size()) return false;
    out = daysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
    return true;
}

bool parseRating(std::string_view text, float& out) {
    double value = 0.0;
    if (!parseDouble(text, value) || std::fabs(value) > std::numeric_limits<float>::max()) return false;
    out = static_cast<float>(value);
    return true;
}

std::string quoteForMessage(std::string_view text, size_t maxChars) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    const size_t n = text.size();
    std::string out;
    size_t chars = 0, i = 0;
    while (i < n && chars < maxChars) {
        const size_t len = p[i] < 0x20 || p[i] == 0x7F ? 0 : utf8SequenceLength(p, n, i, nullptr);
        if (len == 0) {
            out += "\\x";
            out.push_back(kHex[p[i] >> 4]);
            out.push_back(kHex[p[i] & 0xF]);
            ++i;
        } else {
            out.append(text.substr(i, len));
            i += len;
        }
        ++chars;
    }
    if (i < n) out += "...";
    return out;
}

std::string asciiLower(std::string_view text) {
    std::string out(text);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

bool endsWithNoCase(std::string_view text, std::string_view suffix) {
    return text.size() >= suffix.size() && asciiLower(text.substr(text.size() - suffix.size())) == asciiLower(suffix);
}

void splitWhitespace(std::string_view line, std::vector<std::string_view>& out) {
    out.clear();
    size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
        if (i >= line.size()) break;
        const size_t start = i;
        while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
        out.push_back(line.substr(start, i - start));
    }
}

}  // namespace tokenbench::core::detail
