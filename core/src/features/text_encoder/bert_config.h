#pragma once
/// The fields of a BERT model's config.json that the encoder needs. Torch-free; any thread.

#include <cstdint>
#include <string>

namespace tokenbench::core {

struct BertConfig final {
    int64_t vocabSize = 0;
    int64_t hiddenSize = 0;
    int64_t numLayers = 0;
    int64_t numHeads = 0;
    int64_t intermediateSize = 0;
    int64_t maxPositions = 512;
    int64_t typeVocabSize = 2;
    double layerNormEps = 1e-12;
};

/// Reads config.json of a BERT-family model. Throws DataError naming the file and the missing or bad
/// field (also for a model type or activation the encoder does not implement).
[[nodiscard]] BertConfig readBertConfig(const std::string& path);

}  // namespace tokenbench::core
