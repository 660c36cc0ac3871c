#pragma once
/// A BERT-family sentence encoder (all-MiniLM, BGE, E5 and the like) loaded from a sentence-transformers
/// model folder the user supplies: config.json, model.safetensors, vocab.txt, optional
/// tokenizer_config.json, sentence_bert_config.json, modules.json and the pooling module's config.json.
/// Nothing is ever downloaded. Torch-free header (pimpl).
///
/// Threads: load on any thread; encode() on one worker thread at a time (LibTorch's intra-op pool).

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tokenbench/features/featurizers.h"

namespace tokenbench::core {

/// What a loaded encoder is, for specs and messages.
struct TextEncoderInfo final {
    std::string folder;
    std::string name;        ///< the folder's base name
    int64_t dim = 0;         ///< embedding width
    int32_t maxSeqLength = 256;
    std::string pooling;     ///< "mean", "cls" or "max"
    bool normalize = false;  ///< a Normalize module: rows have unit L2 norm
    bool lowerCase = true;
};

class SentenceEncoder final {
public:
    /// Reads the folder. Throws DataError naming the file and the missing tensor / field, or
    /// std::invalid_argument when the folder does not exist.
    explicit SentenceEncoder(const std::string& folder);
    ~SentenceEncoder();
    SentenceEncoder(const SentenceEncoder&) = delete;
    SentenceEncoder& operator=(const SentenceEncoder&) = delete;

    [[nodiscard]] const TextEncoderInfo& info() const;
    /// Token ids of one text as the encoder sees it: [CLS] ... [SEP], truncated.
    [[nodiscard]] std::vector<int32_t> tokenize(const std::string& text) const;
    /// One row per text. Texts are batched by token length (less padding); `progress` is told after
    /// every batch and its cancel flag checked before each (CancelledError).
    [[nodiscard]] FeatureMatrix encode(const std::vector<std::string>& texts, const FeatureProgress& progress = {},
                                       int32_t batchSize = 32) const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace tokenbench::core
