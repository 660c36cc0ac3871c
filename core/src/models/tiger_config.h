#pragma once
// Private: TIGER's typed configuration (parsed from a config validated against tigerInfo()'s schema)
// and its learning-rate schedule. Torch-free; any thread.

#include <cstdint>
#include <string>

namespace tokenbench::core {

/// How the learning rate moves with the optimizer step.
enum class TigerSchedule { InverseSqrt, Constant, Cosine };

/// The sizes of a TIGER network, shared by the config and the module's options (TigerOptions).
struct TigerSizes {
    int64_t hidden = 128;
    int64_t encoderLayers = 4;
    int64_t decoderLayers = 4;
    int64_t heads = 4;
    int64_t feedForward = 1024;
    double dropout = 0.1;
    int64_t maxItems = 20;       ///< history items the encoder sees (x levels tokens)
    int64_t userBuckets = 2000;  ///< hashed user tokens; 0 = none
};

/// The validated config, typed: the network's sizes and the training and decoding settings.
struct TigerConfig final : TigerSizes {
    std::string json;  ///< the complete validated config, for checkpoints and exports
    int64_t beamSize = 20;
    int64_t batchSize = 256;
    double learningRate = 1e-3;
    int64_t warmupSteps = 1000;
    TigerSchedule schedule = TigerSchedule::InverseSqrt;
    int64_t decaySteps = 20000;  ///< cosine: steps after warm-up over which the rate falls to 0
    double labelSmoothing = 0.0; ///< share of each level's target mass spread over the level's codes
    double weightDecay = 0.01;
    bool constrained = true;
    bool constrainedTraining = false;  ///< softmax of each level over the trie's allowed codes only
    int64_t batchShards = 2;           ///< see TorchRecommender::batchShards

    /// Learning rate of optimizer step `step` (1-based): linear warm-up to `learningRate` over
    /// `warmupSteps`, then constant, `learningRate * sqrt(warmupSteps / step)` (T5's and TIGER's
    /// inverse square-root decay; with no warm-up it decays from step 1) or a half cosine from
    /// `learningRate` to 0 over `decaySteps` (0 after them).
    [[nodiscard]] double learningRateAt(int64_t step) const;
};

/// Reads a config that validateConfig(tigerInfo(), ...) returned. Throws ConfigError when `heads`
/// does not divide `hidden`.
[[nodiscard]] TigerConfig parseTigerConfig(const std::string& configJson);

}  // namespace tokenbench::core
