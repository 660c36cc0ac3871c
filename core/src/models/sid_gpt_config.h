#pragma once
// Private: the typed configuration of SID-GPT, the decoder-only generative recommender (parsed from
// a config validated against sidGptInfo()'s schema). Torch-free; any thread.

#include <cstdint>
#include <string>

#include "models/lr_schedule.h"

namespace tokenbench::core {

/// The sizes of a SID-GPT network, shared by the config and the module's options (SidGptOptions).
struct SidGptSizes {
    int64_t hidden = 128;
    int64_t layers = 4;
    int64_t heads = 4;
    int64_t feedForward = 512;
    double dropout = 0.1;
    int64_t maxItems = 20;  ///< history items the model reads (x levels tokens)
};

/// The validated config, typed: the network's sizes and the training and decoding settings.
struct SidGptConfig final : SidGptSizes {
    std::string json;  ///< the complete validated config, for checkpoints and exports
    int64_t beamSize = 20;
    int64_t batchSize = 128;
    LrSchedule lr{1e-3, 100, LrDecay::Constant, 20000};  ///< learning_rate, warmup_steps, lr_schedule, decay_steps
    double weightDecay = 0.01;
    bool constrained = true;
    bool constrainedTraining = false;  ///< softmax of each level over the trie's allowed codes only
    int64_t batchShards = 1;           ///< see TorchRecommender::batchShards

    /// Learning rate of optimizer step `step` (1-based); see LrSchedule::at.
    [[nodiscard]] double learningRateAt(int64_t step) const { return lr.at(step); }
};

/// Reads a config that validateConfig(sidGptInfo(), ...) returned. Throws ConfigError when `heads`
/// does not divide `hidden`.
[[nodiscard]] SidGptConfig parseSidGptConfig(const std::string& configJson);

}  // namespace tokenbench::core
