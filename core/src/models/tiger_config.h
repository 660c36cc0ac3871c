#pragma once
// Private: TIGER's typed configuration (parsed from a config validated against tigerInfo()'s schema)
// and its learning-rate schedule. Torch-free; any thread.

#include <cstdint>
#include <string>

#include "models/lr_schedule.h"

namespace tokenbench::core {

/// The sizes of a TIGER network, shared by the config and the module's options (TigerOptions).
struct TigerSizes {
    int64_t hidden = 128;
    int64_t encoderLayers = 2;
    int64_t decoderLayers = 2;
    int64_t heads = 4;
    int64_t feedForward = 512;
    double dropout = 0.15;
    int64_t maxItems = 20;    ///< history items the encoder sees (x levels tokens)
    int64_t userBuckets = 0;  ///< hashed user tokens; 0 = none
};

/// The validated config, typed: the network's sizes and the training and decoding settings.
struct TigerConfig final : TigerSizes {
    std::string json;  ///< the complete validated config, for checkpoints and exports
    int64_t beamSize = 20;
    int64_t batchSize = 256;
    LrSchedule lr{1e-3, 300, LrDecay::Cosine, 14000};  ///< learning_rate, warmup_steps, lr_schedule, decay_steps
    double labelSmoothing = 0.0; ///< share of each level's target mass spread over the level's codes
    double weightDecay = 1e-4;
    bool constrained = true;
    bool constrainedTraining = false;  ///< softmax of each level over the trie's allowed codes only
    int64_t batchShards = 2;           ///< see TorchRecommender::batchShards

    /// Learning rate of optimizer step `step` (1-based); see LrSchedule::at.
    [[nodiscard]] double learningRateAt(int64_t step) const { return lr.at(step); }
};

/// Reads a config that validateConfig(tigerInfo(), ...) returned. Throws ConfigError when `heads`
/// does not divide `hidden`.
[[nodiscard]] TigerConfig parseTigerConfig(const std::string& configJson);

}  // namespace tokenbench::core
