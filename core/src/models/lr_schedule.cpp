// The generative models' learning-rate schedule and its schema entries.
#include "models/lr_schedule.h"

#include <algorithm>
#include <cmath>

#include <nlohmann/json.hpp>

#include "models/builtin_models.h"

namespace tokenbench::core {

double LrSchedule::at(int64_t step) const {
    const double s = static_cast<double>(std::max<int64_t>(step, 1));
    const double warmup = static_cast<double>(warmupSteps);
    if (s < warmup) return peak * s / warmup;
    if (decay == LrDecay::Constant) return peak;
    if (decay == LrDecay::Cosine) {
        const double done = std::min(1.0, (s - warmup) / static_cast<double>(std::max<int64_t>(decaySteps, 1)));
        return peak * 0.5 * (1.0 + std::cos(M_PI * done));
    }
    return peak * std::sqrt(std::max(warmup, 1.0) / s);
}

LrSchedule parseLrSchedule(const nlohmann::json& config) {
    LrSchedule schedule;
    schedule.peak = config.at("learning_rate").get<double>();
    schedule.warmupSteps = config.at("warmup_steps").get<int64_t>();
    const std::string decay = config.at("lr_schedule").get<std::string>();
    schedule.decay = decay == "constant" ? LrDecay::Constant
                     : decay == "cosine" ? LrDecay::Cosine
                                         : LrDecay::InverseSqrt;
    schedule.decaySteps = config.at("decay_steps").get<int64_t>();
    return schedule;
}

void appendLrScheduleParams(std::vector<ParamSpec>& params, const std::string& defaultDecay,
                            const std::string& defaultDecaySteps) {
    params.push_back(choiceParam("lr_schedule", "LR schedule", defaultDecay, {"inverse-sqrt", "constant", "cosine"},
                                 "After warm-up: peak * sqrt(warmup / step) (TIGER's paper), constant, or a half "
                                 "cosine to 0 over decay_steps"));
    params.push_back(numberParam("decay_steps", "Decay steps", ParamType::Int, defaultDecaySteps, 1, 100000000,
                                 "cosine schedule: optimizer steps after warm-up until the rate reaches 0"));
}

}  // namespace tokenbench::core
