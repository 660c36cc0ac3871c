// BERT basic tokenizer + WordPiece, matching the reference BertTokenizer(Fast) for BERT-family
// sentence encoders: normalise (clean, CJK, strip accents, lower case), split, then WordPiece.
#include "features/text_encoder/wordpiece_tokenizer.h"

#include <algorithm>
#include <fstream>
#include <stdexcept>

#include "common/utf8.h"
#include "features/text_encoder/unicode_tables.h"
#include "tokenbench/data/data_error.h"

namespace tokenbench::core {

namespace {

using unicode::CharClass;
using unicode::CharMapping;

CharClass classOf(char32_t cp) {
    const auto* begin = unicode::kCharRanges;
    const auto* end = begin + unicode::kCharRangesSize;
    const auto* it = std::upper_bound(begin, end, cp, [](char32_t c, const unicode::CharRange& r) { return c < r.first; });
    if (it == begin) return CharClass::Other;
    --it;
    return cp <= it->last ? it->cls : CharClass::Other;
}

const CharMapping* findMapping(const CharMapping* table, size_t size, char32_t cp) {
    const auto* end = table + size;
    const auto* it = std::lower_bound(table, end, cp, [](const CharMapping& m, char32_t c) { return m.cp < c; });
    return it != end && it->cp == cp ? it : nullptr;
}

/// The CJK Unified Ideograph blocks that BERT surrounds with spaces (not Hangul or kana).
bool isCjk(char32_t cp) {
    return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x20000 && cp <= 0x2A6DF) ||
           (cp >= 0x2A700 && cp <= 0x2B73F) || (cp >= 0x2B740 && cp <= 0x2B81F) || (cp >= 0x2B820 && cp <= 0x2CEAF) ||
           (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
}

/// NFD without non-spacing marks. Hangul syllables decompose arithmetically (Unicode 3.12) into jamo.
void appendStripped(char32_t cp, std::u32string& out) {
    if (cp >= 0xAC00 && cp <= 0xD7A3) {
        const char32_t s = cp - 0xAC00;
        out += static_cast<char32_t>(0x1100 + s / 588);
        out += static_cast<char32_t>(0x1161 + (s % 588) / 28);
        if (s % 28 != 0) out += static_cast<char32_t>(0x11A7 + s % 28);
        return;
    }
    if (classOf(cp) == CharClass::Mark) return;
    if (const CharMapping* m = findMapping(unicode::kStripAccents, unicode::kStripAccentsSize, cp)) {
        out.append(m->out, m->length);
        return;
    }
    out += cp;
}

void appendLower(char32_t cp, std::u32string& out) {
    if (cp < 0x80) {
        out += (cp >= 'A' && cp <= 'Z') ? cp + 32 : cp;
        return;
    }
    if (const CharMapping* m = findMapping(unicode::kLowerCase, unicode::kLowerCaseSize, cp)) {
        out.append(m->out, m->length);
        return;
    }
    out += cp;
}

int32_t requireToken(const std::unordered_map<std::string, int32_t>& ids, const std::string& token,
                     const std::string& source) {
    const auto it = ids.find(token);
    if (it == ids.end()) throw std::invalid_argument(source + ": the vocabulary has no " + token + " token");
    return it->second;
}

}  // namespace

WordPieceTokenizer::WordPieceTokenizer(const std::vector<std::string>& vocab, WordPieceOptions options,
                                       const std::string& source)
    : m_options(options), m_vocab(vocab) {
    if (m_options.maxLength < 2)
        throw std::invalid_argument(source + ": max sequence length must be >= 2 (room for [CLS] and [SEP])");
    m_ids.reserve(vocab.size());
    // A repeated token keeps its last line, as the reference vocabulary loader does.
    for (size_t i = 0; i < vocab.size(); ++i) m_ids.insert_or_assign(vocab[i], static_cast<int32_t>(i));
    m_unk = requireToken(m_ids, "[UNK]", source);
    m_cls = requireToken(m_ids, "[CLS]", source);
    m_sep = requireToken(m_ids, "[SEP]", source);
    const auto pad = m_ids.find("[PAD]");
    m_pad = pad == m_ids.end() ? 0 : pad->second;
}

std::vector<std::string> WordPieceTokenizer::readVocab(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw DataError(path, "cannot open the vocabulary (expected vocab.txt, one WordPiece token a line)");
    std::vector<std::string> vocab;
    std::string line;
    while (std::getline(in, line)) {
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.pop_back();
        vocab.push_back(line);
    }
    if (in.bad()) throw DataError(path, "cannot read the vocabulary");
    if (vocab.empty()) throw DataError(path, "the vocabulary is empty");
    return vocab;
}

std::vector<std::string> WordPieceTokenizer::basicTokens(const std::string& text) const {
    // Normalise first (clean, CJK spacing, accents, case), then split on whitespace and punctuation.
    std::u32string normal;
    std::u32string stripped;
    size_t pos = 0;
    while (pos < text.size()) {
        const char32_t cp = decodeUtf8(text, pos);
        const CharClass cls = classOf(cp);
        if (cls == CharClass::Control) continue;
        if (cls == CharClass::Whitespace) {
            normal += U' ';
            continue;
        }
        if (m_options.splitCjk && isCjk(cp)) {
            normal += U' ';
            normal += cp;
            normal += U' ';
            continue;
        }
        stripped.clear();
        if (m_options.stripAccents)
            appendStripped(cp, stripped);
        else
            stripped += cp;
        for (char32_t c : stripped) {
            if (m_options.lowerCase)
                appendLower(c, normal);
            else
                normal += c;
        }
    }
    std::vector<std::string> words;
    std::u32string current;
    const auto flush = [&] {
        if (!current.empty()) words.push_back(toUtf8(current));
        current.clear();
    };
    for (char32_t cp : normal) {
        const CharClass cls = cp == U' ' ? CharClass::Whitespace : classOf(cp);
        if (cls == CharClass::Whitespace) {
            flush();
        } else if (cls == CharClass::Punctuation) {
            flush();
            current += cp;
            flush();
        } else {
            current += cp;
        }
    }
    flush();
    return words;
}

void WordPieceTokenizer::wordPiece(const std::u32string& word, std::vector<int32_t>& ids) const {
    if (static_cast<int64_t>(word.size()) > m_options.maxCharsPerWord) {
        ids.push_back(m_unk);
        return;
    }
    const size_t mark = ids.size();
    size_t start = 0;
    std::string candidate;
    while (start < word.size()) {
        // Greedy longest match: the longest vocabulary entry starting here, "##" after the first piece.
        size_t end = word.size();
        int32_t found = -1;
        while (end > start) {
            candidate = start > 0 ? "##" : "";
            for (size_t i = start; i < end; ++i) appendUtf8(candidate, word[i]);
            const auto it = m_ids.find(candidate);
            if (it != m_ids.end()) {
                found = it->second;
                break;
            }
            --end;
        }
        if (found < 0) {
            ids.resize(mark);
            ids.push_back(m_unk);
            return;
        }
        ids.push_back(found);
        start = end;
    }
}

std::vector<std::string> WordPieceTokenizer::pieces(const std::string& text) const {
    std::vector<int32_t> ids;
    for (const std::string& word : basicTokens(text)) {
        std::u32string chars;
        size_t pos = 0;
        while (pos < word.size()) chars += decodeUtf8(word, pos);
        wordPiece(chars, ids);
    }
    std::vector<std::string> out;
    out.reserve(ids.size());
    for (int32_t id : ids) out.push_back(m_vocab[static_cast<size_t>(id)]);
    return out;
}

std::vector<int32_t> WordPieceTokenizer::encode(const std::string& text) const {
    std::vector<int32_t> ids = {m_cls};
    const auto limit = static_cast<size_t>(m_options.maxLength - 1);  // room for [SEP]
    for (const std::string& word : basicTokens(text)) {
        if (ids.size() >= limit) break;
        std::u32string chars;
        size_t pos = 0;
        while (pos < word.size()) chars += decodeUtf8(word, pos);
        wordPiece(chars, ids);
    }
    if (ids.size() > limit) ids.resize(limit);
    ids.push_back(m_sep);
    return ids;
}

}  // namespace tokenbench::core
