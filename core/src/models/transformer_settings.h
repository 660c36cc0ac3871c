#pragma once
// Private: the settings SASRec and BERT4Rec share, under the same keys in both schemas ("hidden",
// "blocks", "heads", "dropout", "max_length", "batch_size", "learning_rate", "weight_decay"), read
// once for both. Torch-free; any thread.

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tokenbench/registry.h"

namespace tokenbench::core {

/// See file comment.
struct TransformerSettings {
    std::string json;  ///< the complete validated config, for exports
    int64_t hidden = 64;
    int64_t blocks = 2;
    int64_t heads = 1;
    double dropout = 0.2;
    int64_t maxLength = 50;
    int64_t batchSize = 128;
    double learningRate = 1e-3;
    double weightDecay = 0.0;

    /// The sizes a checkpoint must match, named for the mismatch error by kCheckpointSizeNames.
    [[nodiscard]] std::vector<int64_t> checkpointSizes() const { return {hidden, blocks, heads, maxLength}; }
    static constexpr const char* kCheckpointSizeNames = "hidden, blocks, heads, max_length";

    /// Copies the network sizes into a module's options (SasRecOptions, Bert4RecOptions).
    template <typename Options>
    void fillOptions(Options& options) const {
        options.hidden = hidden;
        options.blocks = blocks;
        options.heads = heads;
        options.maxLength = maxLength;
        options.dropout = dropout;
    }
};

/// Throws ConfigError naming `model` when `heads` does not divide `hidden` (every attention model's
/// rule: each head gets hidden / heads of the width).
inline void checkHeadsDivideHidden(const std::string& model, int64_t hidden, int64_t heads) {
    if (hidden % heads != 0)
        throw ConfigError(model + ": 'hidden' = " + std::to_string(hidden) +
                          " must be divisible by 'heads' = " + std::to_string(heads));
}

/// Reads the shared keys of `j`, a config validated against `model`'s schema (`configJson` is its
/// text). Throws ConfigError naming `model` when 'heads' does not divide 'hidden'.
inline TransformerSettings parseTransformerSettings(const nlohmann::json& j, const std::string& configJson,
                                                    const std::string& model) {
    TransformerSettings settings;
    settings.json = configJson;
    settings.hidden = j.at("hidden").get<int64_t>();
    settings.blocks = j.at("blocks").get<int64_t>();
    settings.heads = j.at("heads").get<int64_t>();
    settings.dropout = j.at("dropout").get<double>();
    settings.maxLength = j.at("max_length").get<int64_t>();
    settings.batchSize = j.at("batch_size").get<int64_t>();
    settings.learningRate = j.at("learning_rate").get<double>();
    settings.weightDecay = j.at("weight_decay").get<double>();
    checkHeadsDivideHidden(model, settings.hidden, settings.heads);
    return settings;
}

}  // namespace tokenbench::core
