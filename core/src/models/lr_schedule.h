#pragma once
// Private: the learning-rate schedule of the generative models (TIGER, SID-GPT): linear warm-up to a
// peak, then constant, inverse square-root or half-cosine decay. Parsed from the schema keys
// learning_rate, warmup_steps, lr_schedule and decay_steps. Torch-free; any thread.

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "tokenbench/registry.h"

namespace tokenbench::core {

/// How the learning rate moves with the optimizer step after the warm-up.
enum class LrDecay { InverseSqrt, Constant, Cosine };

struct LrSchedule {
    double peak = 1e-3;
    int64_t warmupSteps = 0;
    LrDecay decay = LrDecay::Constant;
    int64_t decaySteps = 20000;  ///< cosine: steps after warm-up over which the rate falls to 0

    /// Learning rate of optimizer step `step` (1-based): linear warm-up to `peak` over `warmupSteps`,
    /// then constant, `peak * sqrt(warmupSteps / step)` (T5's and TIGER's inverse square-root decay;
    /// with no warm-up it decays from step 1) or a half cosine from `peak` to 0 over `decaySteps`
    /// (0 after them).
    [[nodiscard]] double at(int64_t step) const;
};

/// Reads learning_rate, warmup_steps, lr_schedule and decay_steps of a validated config.
[[nodiscard]] LrSchedule parseLrSchedule(const nlohmann::json& config);

/// The schema entries lr_schedule (default `defaultDecay`: "inverse-sqrt", "constant" or "cosine")
/// and decay_steps (default `defaultDecaySteps`), appended to `params`; learning_rate and warm-up stay
/// with each model, whose descriptions differ.
void appendLrScheduleParams(std::vector<ParamSpec>& params, const std::string& defaultDecay,
                            const std::string& defaultDecaySteps);

}  // namespace tokenbench::core
