#pragma once
/// Unicode facts the BERT basic tokenizer needs, generated from the Unicode database by
/// scripts/gen_unicode_tables.py (core has no ICU). Read-only tables; any thread.

#include <cstddef>
#include <cstdint>

namespace tokenbench::core::unicode {

/// Classes the BERT basic tokenizer acts on; every other code point is part of a word.
enum class CharClass : uint8_t {
    Other,
    Whitespace,   ///< White_Space (tab, newline, Zs, line/paragraph separators): splits words
    Control,      ///< categories C* (and NUL, U+FFFD): removed
    Punctuation,  ///< categories P* and ASCII symbols: a token of its own
    Mark,         ///< Mn (non-spacing mark): dropped when accents are stripped
};

struct CharRange {
    char32_t first;
    char32_t last;
    CharClass cls;
};

/// A code point and what it becomes (0 to 3 code points).
struct CharMapping {
    char32_t cp;
    uint8_t length;
    char32_t out[3];
};

extern const CharRange kCharRanges[];  ///< sorted, disjoint
extern const size_t kCharRangesSize;
extern const CharMapping kLowerCase[];  ///< sorted by cp: Python's str.lower() where it differs
extern const size_t kLowerCaseSize;
extern const CharMapping kStripAccents[];  ///< sorted by cp: NFD without Mn marks, where it differs (no Hangul)
extern const size_t kStripAccentsSize;

}  // namespace tokenbench::core::unicode
