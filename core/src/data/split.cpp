#include "tokenbench/data/split.h"

#include <algorithm>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace tokenbench::core {

std::string toString(SplitMethod method) { return method == SplitMethod::Temporal ? "temporal" : "leave-one-out"; }

SplitMethod splitMethodFromString(const std::string& text) {
    if (text == "leave-one-out" || text == "loo") return SplitMethod::LeaveOneOut;
    if (text == "temporal") return SplitMethod::Temporal;
    throw std::invalid_argument("unknown split method '" + text + "' (expected leave-one-out or temporal)");
}

std::string toJson(const SplitConfig& c) {
    nlohmann::json j = {{"method", toString(c.method)}, {"cold_threshold", c.coldThreshold}};
    if (c.method == SplitMethod::Temporal) {
        j["valid_fraction"] = c.validFraction;
        j["test_fraction"] = c.testFraction;
    }
    if (c.newItemFraction > 0) {
        j["new_item_fraction"] = c.newItemFraction;
        j["new_item_seed"] = c.newItemSeed;
    }
    return j.dump();
}

SplitConfig splitConfigFromJson(const std::string& json) {
    try {
        const auto j = nlohmann::json::parse(json);
        SplitConfig c;
        c.method = splitMethodFromString(j.at("method").get<std::string>());
        c.coldThreshold = j.value("cold_threshold", c.coldThreshold);
        c.validFraction = j.value("valid_fraction", c.validFraction);
        c.testFraction = j.value("test_fraction", c.testFraction);
        c.newItemFraction = j.value("new_item_fraction", c.newItemFraction);
        c.newItemSeed = j.value("new_item_seed", c.newItemSeed);
        return c;
    } catch (const nlohmann::json::exception& e) {
        throw std::invalid_argument(std::string("malformed split config: ") + e.what());
    }
}

DataSplit makeSplit(const Dataset& dataset, const SplitConfig& config) {
    DataSplit split;
    split.config = config;
    if (config.newItemFraction > 0) split.newItems = selectNewItems(static_cast<int64_t>(dataset.items.size()), config);
    split.users.reserve(dataset.users.size());
    if (config.method == SplitMethod::LeaveOneOut) {
        for (const UserSequence& user : dataset.users) {
            const auto n = static_cast<int32_t>(user.items.size());
            if (n >= 3) split.users.push_back({n - 2, n - 1});
            else if (n == 2) split.users.push_back({1, 1});
            else split.users.push_back({n, n});
        }
        return split;
    }

    if (config.validFraction < 0 || config.testFraction <= 0 || config.validFraction + config.testFraction >= 1)
        throw std::invalid_argument("temporal split needs 0 <= valid, 0 < test and valid + test < 1");
    std::vector<int64_t> times;
    times.reserve(static_cast<size_t>(dataset.interactionCount()));
    for (const UserSequence& user : dataset.users) {
        if (user.timestamps.size() != user.items.size())
            throw std::invalid_argument("temporal split needs a timestamp on every interaction (user " + user.rawId + ")");
        times.insert(times.end(), user.timestamps.begin(), user.timestamps.end());
    }
    if (times.empty()) throw std::invalid_argument("temporal split of an empty data set");
    auto quantile = [&](double q) {
        const auto k = std::min(times.size() - 1, static_cast<size_t>(q * static_cast<double>(times.size())));
        std::nth_element(times.begin(), times.begin() + static_cast<std::ptrdiff_t>(k), times.end());
        return times[k];
    };
    split.validCutTime = quantile(1.0 - config.validFraction - config.testFraction);
    split.testCutTime = quantile(1.0 - config.testFraction);
    for (const UserSequence& user : dataset.users) {
        const auto& t = user.timestamps;
        const auto trainEnd = std::lower_bound(t.begin(), t.end(), split.validCutTime) - t.begin();
        const auto validEnd = std::lower_bound(t.begin(), t.end(), split.testCutTime) - t.begin();
        split.users.push_back({static_cast<int32_t>(trainEnd), static_cast<int32_t>(std::max(trainEnd, validEnd))});
    }
    return split;
}

std::vector<int64_t> trainingItemCounts(const Dataset& dataset, const DataSplit& split) {
    std::vector<int64_t> counts(dataset.items.size(), 0);
    for (size_t u = 0; u < dataset.users.size(); ++u) {
        const auto& items = dataset.users[u].items;
        for (int32_t k = 0; k < split.users[u].trainEnd; ++k) ++counts[static_cast<size_t>(items[static_cast<size_t>(k)])];
    }
    return counts;
}

SplitStats computeSplitStats(const Dataset& dataset, const DataSplit& split) {
    SplitStats stats;
    const auto counts = trainingItemCounts(dataset, split);
    const int32_t cold = split.config.coldThreshold;
    for (size_t u = 0; u < dataset.users.size(); ++u) {
        const auto& items = dataset.users[u].items;
        const UserSplit& s = split.users[u];
        stats.trainInteractions += s.trainEnd;
        for (int32_t k = s.trainEnd; k < static_cast<int32_t>(items.size()); ++k) {
            const bool isCold = counts[static_cast<size_t>(items[static_cast<size_t>(k)])] <= cold;
            if (k < s.validEnd) stats.validTargets += 1, stats.coldValidTargets += isCold;
            else stats.testTargets += 1, stats.coldTestTargets += isCold;
        }
    }
    stats.itemsWithoutTraining = std::count(counts.begin(), counts.end(), int64_t{0});
    if (!split.newItems.empty()) {
        stats.newItems = std::count(split.newItems.begin(), split.newItems.end(), true);
        for (size_t u = 0; u < dataset.users.size(); ++u) {
            const auto& items = dataset.users[u].items;
            const UserSplit& s = split.users[u];
            for (int32_t k = s.trainEnd; k < static_cast<int32_t>(items.size()); ++k)
                if (split.newItems[static_cast<size_t>(items[static_cast<size_t>(k)])])
                    ++(k < s.validEnd ? stats.newValidTargets : stats.newTestTargets);
        }
    }
    return stats;
}

std::string toJson(const SplitStats& s) {
    return nlohmann::json{{"train_interactions", s.trainInteractions},
                          {"valid_targets", s.validTargets},
                          {"test_targets", s.testTargets},
                          {"cold_valid_targets", s.coldValidTargets},
                          {"cold_test_targets", s.coldTestTargets},
                          {"items_without_training", s.itemsWithoutTraining},
                          {"new_items", s.newItems},
                          {"new_valid_targets", s.newValidTargets},
                          {"new_test_targets", s.newTestTargets},
                          {"new_item_interactions_removed", s.newItemInteractionsRemoved}}
        .dump();
}

}  // namespace tokenbench::core
