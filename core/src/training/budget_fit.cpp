#include "tokenbench/training/budget_fit.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <vector>

#include <nlohmann/json.hpp>

#include "tokenbench/logging.h"

namespace tokenbench::core {

using nlohmann::json;

namespace {

/// Share of the budget one epoch may take: about three epochs with their validations.
constexpr double kEpochShare = 0.3;
constexpr int64_t kMinHidden = 32;
constexpr int64_t kMinLength = 20;
const char* const kLayerKeys[] = {"blocks", "layers", "encoder_layers", "decoder_layers"};

bool hasInt(const ComponentInfo& info, const json& config, const std::string& key) {
    for (const ParamSpec& spec : info.params) {
        if (spec.key == key) return spec.type == ParamType::Int && config.contains(key);
    }
    return false;
}

int64_t minimumOf(const ComponentInfo& info, const std::string& key, int64_t fallback) {
    for (const ParamSpec& spec : info.params) {
        if (spec.key == key && spec.min) return std::max(fallback, static_cast<int64_t>(*spec.min));
    }
    return fallback;
}

/// The rule-of-thumb compute of one epoch (see header); only the keys the model has count.
double compute(const ComponentInfo& info, const json& c) {
    double layers = 0.0;
    for (const char* key : kLayerKeys) {
        if (hasInt(info, c, key)) layers += c.at(key).get<double>();
    }
    if (layers == 0.0) layers = 1.0;
    const double hidden = hasInt(info, c, "hidden") ? c.at("hidden").get<double>() : 1.0;
    const double ff = hasInt(info, c, "feed_forward") ? c.at("feed_forward").get<double>() : hidden;
    const double length = hasInt(info, c, "max_length") ? c.at("max_length").get<double>() : 1.0;
    return layers * hidden * (hidden + ff) * length;
}

}  // namespace

std::optional<BudgetProposal> proposeBudgetConfig(const ComponentInfo& info, const std::string& configJson,
                                                  double epochSeconds, double budgetSeconds) {
    if (budgetSeconds <= 0.0 || epochSeconds <= budgetSeconds * kEpochShare) return std::nullopt;
    BudgetProposal out;
    out.epochSeconds = epochSeconds;
    out.budgetSeconds = budgetSeconds;
    out.minutesNeeded = std::ceil(epochSeconds / kEpochShare / 60.0);
    const json original = json::parse(configJson);
    json config = original;
    const double before = compute(info, original);
    const double target = budgetSeconds * kEpochShare / epochSeconds;  // compute ratio that would fit
    const auto ratio = [&] { return compute(info, config) / before; };

    // One shrinking move per kind, tried in this order until the estimate fits or nothing shrinks.
    const int64_t heads = hasInt(info, config, "heads") ? config.at("heads").get<int64_t>() : 1;
    const std::vector<std::function<bool()>> moves = {
        [&] {
            bool moved = false;
            for (const char* key : kLayerKeys) {
                if (hasInt(info, config, key) && config.at(key).get<int64_t>() > minimumOf(info, key, 1)) {
                    config[key] = config.at(key).get<int64_t>() - 1;
                    moved = true;
                }
            }
            return moved;
        },
        [&] {
            if (!hasInt(info, config, "feed_forward") || !hasInt(info, config, "hidden")) return false;
            const int64_t ff = config.at("feed_forward").get<int64_t>();
            if (ff / 2 < 2 * config.at("hidden").get<int64_t>()) return false;
            config["feed_forward"] = ff / 2;
            return true;
        },
        [&] {
            if (!hasInt(info, config, "hidden")) return false;
            const int64_t half = config.at("hidden").get<int64_t>() / 2;
            if (half < std::max(minimumOf(info, "hidden", kMinHidden), kMinHidden) || half % heads != 0) return false;
            config["hidden"] = half;
            return true;
        },
        [&] {
            if (!hasInt(info, config, "max_length")) return false;
            const int64_t half = config.at("max_length").get<int64_t>() / 2;
            if (half < std::max(minimumOf(info, "max_length", kMinLength), kMinLength)) return false;
            config["max_length"] = half;
            return true;
        },
    };
    bool moved = true;
    while (ratio() > target && moved) {
        moved = false;
        for (const auto& move : moves) {
            if (ratio() <= target) break;
            moved = move() || moved;
        }
    }
    for (const auto& [key, value] : config.items()) {
        if (original.at(key) != value) out.changes[key] = value.dump();
    }
    out.speedup = before / compute(info, config);
    out.fits = ratio() <= target;
    return out;
}

std::string describe(const BudgetProposal& p) {
    std::string text = "an epoch takes about " + fixedDecimals(p.epochSeconds / 60.0, 1) + " min (timed over " +
                       std::to_string(p.timedSteps) + " of " + std::to_string(p.epochSteps) +
                       " steps) against a budget of " + fixedDecimals(p.budgetSeconds / 60.0, 1) + " min";
    if (!p.changes.empty()) {
        std::string flags;
        for (const auto& [key, value] : p.changes) {
            std::string flag = key;
            std::replace(flag.begin(), flag.end(), '_', '-');
            flags += " --" + flag + " " + value;
        }
        text += ". A CPU-sized configuration:" + flags + " (about " + fixedDecimals(p.speedup, 1) +
                "x less compute per epoch, estimated from layers and widths" +
                (p.fits ? ")" : "; still more than the budget allows)");
        text += "; or a budget of about " + fixedDecimals(p.minutesNeeded, 0) + " min (--max-minutes)";
    } else {
        text += ". Give it about " + fixedDecimals(p.minutesNeeded, 0) + " min (--max-minutes) or a GPU";
    }
    return text;
}

std::string toJson(const BudgetProposal& p) {
    json config = json::object();
    for (const auto& [key, value] : p.changes) config[key] = json::parse(value);
    return json{{"estimated_epoch_seconds", p.epochSeconds},
                {"budget_seconds", p.budgetSeconds},
                {"timed_steps", p.timedSteps},
                {"epoch_steps", p.epochSteps},
                {"config", config},
                {"estimated_speedup", p.speedup},
                {"fits", p.fits},
                {"minutes_needed", p.minutesNeeded}}
        .dump();
}

}  // namespace tokenbench::core
