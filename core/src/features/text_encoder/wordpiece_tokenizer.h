#pragma once
/// BERT's tokenizer: the basic tokenizer (clean, whitespace split, optional lower-casing and accent
/// stripping, punctuation and CJK characters as tokens of their own) followed by greedy longest-match
/// WordPiece with "##" continuations, as BERT-family sentence encoders expect. Torch-free.
///
/// Threads: immutable after construction; encode() may be called from any thread.

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace tokenbench::core {

/// Options of the basic tokenizer, from tokenizer_config.json when the folder has one.
struct WordPieceOptions final {
    bool lowerCase = true;
    bool stripAccents = true;     ///< default: same as lowerCase
    bool splitCjk = true;         ///< tokenize_chinese_chars
    int32_t maxLength = 256;      ///< tokens per text including [CLS] and [SEP]
    int32_t maxCharsPerWord = 100;
};

class WordPieceTokenizer final {
public:
    /// `vocab` holds one token per entry (its index is its id); it must contain [UNK], [CLS] and [SEP].
    /// Throws std::invalid_argument naming `source` when one is missing.
    WordPieceTokenizer(const std::vector<std::string>& vocab, WordPieceOptions options,
                       const std::string& source = "vocabulary");

    /// Reads vocab.txt (one token per line) of a model folder. Throws DataError naming the file.
    [[nodiscard]] static std::vector<std::string> readVocab(const std::string& path);

    /// The basic tokenizer's words (before WordPiece), for tests and diagnostics.
    [[nodiscard]] std::vector<std::string> basicTokens(const std::string& text) const;
    /// WordPiece pieces of the text, without [CLS]/[SEP] and without truncation.
    [[nodiscard]] std::vector<std::string> pieces(const std::string& text) const;
    /// Token ids: [CLS] pieces... [SEP], truncated to options().maxLength.
    [[nodiscard]] std::vector<int32_t> encode(const std::string& text) const;

    [[nodiscard]] const WordPieceOptions& options() const { return m_options; }
    [[nodiscard]] int32_t padId() const { return m_pad; }
    [[nodiscard]] int64_t vocabSize() const { return static_cast<int64_t>(m_vocab.size()); }

private:
    void wordPiece(const std::u32string& word, std::vector<int32_t>& ids) const;

    WordPieceOptions m_options;
    std::vector<std::string> m_vocab;
    std::unordered_map<std::string, int32_t> m_ids;
    int32_t m_unk = 0;
    int32_t m_cls = 0;
    int32_t m_sep = 0;
    int32_t m_pad = 0;
};

}  // namespace tokenbench::core
