#pragma once
/// Small text helpers shared by the loaders: UTF-8 checks, Latin-1 conversion, strict number parsing
/// and quoting of offending input for error messages. Pure functions; any thread.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tokenbench::core::detail {

/// Offset of the first byte that is not part of valid UTF-8 in `text`, or npos when all of it is valid.
/// With `allowCutTail`, a sequence cut off by the end of `text` counts as valid (for a window of a file).
[[nodiscard]] size_t findInvalidUtf8(std::string_view text, bool allowCutTail = false);

/// Appends `text`, read as Latin-1 (ISO-8859-1), to `out` as UTF-8.
void appendLatin1AsUtf8(std::string_view text, std::string& out);

/// True for bytes that never occur in a text file (NUL and C0 controls other than tab, newlines, form
/// feed and escape): the signal for "binary data".
[[nodiscard]] bool isBinaryByte(unsigned char c);

/// `text` without leading and trailing spaces and tabs.
[[nodiscard]] std::string_view trim(std::string_view text);

/// Parses all of `text` as a decimal integer (optional sign). False on anything else or overflow.
[[nodiscard]] bool parseInt64(std::string_view text, int64_t& out);

/// Parses all of `text` as a finite decimal number (optional sign, fraction, exponent).
[[nodiscard]] bool parseDouble(std::string_view text, double& out);

/// Parses a timestamp in seconds: an integer, or a finite number within the int64 range (rounded).
[[nodiscard]] bool parseTimestamp(std::string_view text, int64_t& out);

/// Like parseTimestamp, but also accepts ISO-8601 dates `YYYY-MM-DD[( |T)HH:MM[:SS[.fff]]][Z]` (UTC).
[[nodiscard]] bool parseTimestampOrDate(std::string_view text, int64_t& out);

/// Parses a rating: a finite number that fits a float.
[[nodiscard]] bool parseRating(std::string_view text, float& out);

/// A short, printable rendering of `text` for "but found '...'": at most `maxChars` characters,
/// control and invalid bytes as \xNN, "..." when cut.
[[nodiscard]] std::string quoteForMessage(std::string_view text, size_t maxChars = 40);

/// Lower-cased copy of an ASCII string (file extensions, header names).
[[nodiscard]] std::string asciiLower(std::string_view text);

/// True when `text` ends with `suffix`, ignoring ASCII case.
[[nodiscard]] bool endsWithNoCase(std::string_view text, std::string_view suffix);

/// Splits a line on spaces and tabs into `out` (cleared first); views point into `line`.
void splitWhitespace(std::string_view line, std::vector<std::string_view>& out);

}  // namespace tokenbench::core::detail
