#include "tokenbench/data/dataset.h"

#include <algorithm>
#include <functional>
#include <vector>

namespace tokenbench::core {

int64_t Dataset::interactionCount() const {
    int64_t total = 0;
    for (const UserSequence& user : users) {
        total += static_cast<int64_t>(user.items.size());
    }
    return total;
}

DatasetStats computeStats(const Dataset& dataset) {
    DatasetStats stats;
    stats.users = static_cast<int64_t>(dataset.users.size());
    stats.items = static_cast<int64_t>(dataset.items.size());
    stats.interactions = dataset.interactionCount();
    stats.attributes = static_cast<int64_t>(dataset.attributeVocab.size());
    if (stats.users > 0 && stats.items > 0) {
        stats.density = static_cast<double>(stats.interactions) /
                        (static_cast<double>(stats.users) * static_cast<double>(stats.items));
    }

    // Ids outside the catalogue are not counted: loaders should never produce them, and the
    // summary must not crash on a malformed set it is asked to describe.
    stats.itemPopularity.assign(dataset.items.size(), 0);
    std::vector<int64_t> lengths;
    lengths.reserve(dataset.users.size());
    for (const UserSequence& user : dataset.users) {
        lengths.push_back(static_cast<int64_t>(user.items.size()));
        for (int32_t item : user.items) {
            if (item >= 0 && static_cast<int64_t>(item) < stats.items) {
                ++stats.itemPopularity[static_cast<size_t>(item)];
            }
        }
    }
    std::sort(stats.itemPopularity.begin(), stats.itemPopularity.end(), std::greater<>());

    if (lengths.empty()) {
        return stats;
    }
    std::sort(lengths.begin(), lengths.end());
    stats.minSequenceLength = lengths.front();
    stats.maxSequenceLength = lengths.back();
    stats.meanSequenceLength =
        static_cast<double>(stats.interactions) / static_cast<double>(stats.users);
    const size_t mid = lengths.size() / 2;
    stats.medianSequenceLength =
        lengths.size() % 2 == 1
            ? static_cast<double>(lengths[mid])
            : (static_cast<double>(lengths[mid - 1]) + static_cast<double>(lengths[mid])) / 2.0;
    stats.sequenceLengthHistogram.assign(static_cast<size_t>(stats.maxSequenceLength) + 1, 0);
    for (int64_t length : lengths) {
        ++stats.sequenceLengthHistogram[static_cast<size_t>(length)];
    }
    return stats;
}

}  // namespace tokenbench::core
