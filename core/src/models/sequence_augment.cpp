#include "models/sequence_augment.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "common/seeded_random.h"

namespace tokenbench::core {

namespace {

/// Uniform in [0, n), n > 0.
int64_t below(int64_t n, uint64_t& state) { return static_cast<int64_t>(splitmix64(state) % static_cast<uint64_t>(n)); }

int64_t share(double ratio, size_t n) { return static_cast<int64_t>(std::floor(ratio * static_cast<double>(n))); }

}  // namespace

std::vector<int64_t> cropView(const std::vector<int64_t>& items, double ratio, uint64_t& state) {
    const auto n = static_cast<int64_t>(items.size());
    const int64_t keep = std::clamp<int64_t>(share(ratio, items.size()), 1, std::max<int64_t>(1, n));
    const int64_t start = below(n - keep + 1, state);
    return {items.begin() + start, items.begin() + start + keep};
}

std::vector<int64_t> maskView(const std::vector<int64_t>& items, double ratio, int64_t maskToken, uint64_t& state) {
    std::vector<int64_t> view = items;
    std::vector<int64_t> positions(items.size());
    for (size_t i = 0; i < positions.size(); ++i) positions[i] = static_cast<int64_t>(i);
    const int64_t masked = std::min<int64_t>(share(ratio, items.size()), static_cast<int64_t>(items.size()));
    // A partial Fisher-Yates shuffle picks the masked positions without repeats.
    for (int64_t i = 0; i < masked; ++i) {
        std::swap(positions[static_cast<size_t>(i)],
                  positions[static_cast<size_t>(i + below(static_cast<int64_t>(positions.size()) - i, state))]);
        view[static_cast<size_t>(positions[static_cast<size_t>(i)])] = maskToken;
    }
    return view;
}

std::vector<int64_t> reorderView(const std::vector<int64_t>& items, double ratio, uint64_t& state) {
    std::vector<int64_t> view = items;
    const auto n = static_cast<int64_t>(items.size());
    const int64_t length = std::min(share(ratio, items.size()), n);
    if (length < 2) return view;
    const int64_t start = below(n - length + 1, state);
    for (int64_t i = length; i > 1; --i)
        std::swap(view[static_cast<size_t>(start + i - 1)], view[static_cast<size_t>(start + below(i, state))]);
    return view;
}

std::vector<int64_t> augmentedView(const std::vector<int64_t>& items, const AugmentRatios& ratios, int64_t maskToken,
                                   uint64_t& state) {
    switch (below(3, state)) {
        case 0: return cropView(items, ratios.crop, state);
        case 1: return maskView(items, ratios.mask, maskToken, state);
        default: return reorderView(items, ratios.reorder, state);
    }
}

}  // namespace tokenbench::core
