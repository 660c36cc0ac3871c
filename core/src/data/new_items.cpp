// Brand-new items: a seeded share of the catalogue held out of training entirely, so that a model
// can be evaluated on items it has never seen (TIGER's cold-start protocol).
#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "common/seeded_random.h"
#include "tokenbench/data/split.h"

namespace tokenbench::core {

std::vector<bool> selectNewItems(int64_t itemCount, const SplitConfig& config) {
    if (!(config.newItemFraction >= 0 && config.newItemFraction < 1))
        throw std::invalid_argument("new-item share must be in [0, 1), got " + std::to_string(config.newItemFraction));
    std::vector<bool> held(static_cast<size_t>(std::max<int64_t>(0, itemCount)), false);
    const auto count = static_cast<int64_t>(std::llround(config.newItemFraction * static_cast<double>(itemCount)));
    if (count <= 0) return held;
    // Partial Fisher-Yates with our own generator: the choice depends on the seed and size only.
    std::vector<int64_t> order(static_cast<size_t>(itemCount));
    std::iota(order.begin(), order.end(), int64_t{0});
    uint64_t state = config.newItemSeed ^ 0x6e65772d6974656dULL;  // "new-item": keeps it apart from other seeded streams
    for (int64_t i = 0; i < count; ++i) {
        const auto j = i + static_cast<int64_t>(splitmix64(state) % static_cast<uint64_t>(itemCount - i));
        std::swap(order[static_cast<size_t>(i)], order[static_cast<size_t>(j)]);
        held[static_cast<size_t>(order[static_cast<size_t>(i)])] = true;
    }
    return held;
}

namespace {

/// Drops the held-out items at training positions of one pass of the split; returns how many.
int64_t dropTrainingPositions(Dataset& dataset, const SplitConfig& config, const std::vector<bool>& held) {
    const DataSplit split = makeSplit(dataset, config);
    int64_t removed = 0;
    for (size_t u = 0; u < dataset.users.size(); ++u) {
        UserSequence& user = dataset.users[u];
        const auto trainEnd = static_cast<size_t>(split.users[u].trainEnd);
        size_t out = 0;
        for (size_t k = 0; k < user.items.size(); ++k) {
            if (k < trainEnd && held[static_cast<size_t>(user.items[k])]) {
                ++removed;
                continue;
            }
            user.items[out] = user.items[k];
            if (!user.timestamps.empty()) user.timestamps[out] = user.timestamps[k];
            if (!user.ratings.empty()) user.ratings[out] = user.ratings[k];
            ++out;
        }
        user.items.resize(out);
        if (!user.timestamps.empty()) user.timestamps.resize(out);
        if (!user.ratings.empty()) user.ratings.resize(out);
    }
    return removed;
}

}  // namespace

int64_t removeNewItemTraining(Dataset& dataset, const SplitConfig& config) {
    if (config.newItemFraction <= 0) return 0;
    const std::vector<bool> held = selectNewItems(static_cast<int64_t>(dataset.items.size()), config);
    // A shorter sequence moves its cut (leave-one-out of a 2-item user, temporal quantiles): a held-out
    // validation target may become a training position, so repeat until no pass removes anything.
    int64_t removed = 0;
    for (int64_t pass = dropTrainingPositions(dataset, config, held); pass > 0;
         pass = dropTrainingPositions(dataset, config, held))
        removed += pass;
    dataset.users.erase(std::remove_if(dataset.users.begin(), dataset.users.end(),
                                       [](const UserSequence& user) { return user.items.empty(); }),
                        dataset.users.end());
    return removed;
}

}  // namespace tokenbench::core
