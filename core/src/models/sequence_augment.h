#pragma once
// Private: CL4SRec's sequence augmentations (Xie et al., "Contrastive Learning for Sequential
// Recommendation", ICDE 2022), the views a contrastive sequence model compares:
//  - crop: a random contiguous run of max(1, floor(crop * n)) items;
//  - mask: floor(mask * n) random positions replaced by the mask token;
//  - reorder: a random contiguous run of floor(reorder * n) items shuffled in place.
// Each view applies one of the three, chosen uniformly. Ratios default to ICLRec's Beauty settings
// (crop 0.2, mask 0.7, reorder 0.2). Everything random comes from the caller's splitmix64 state, so
// (seed, epoch) fixes every view. Torch-free; any thread.

#include <cstdint>
#include <vector>

namespace tokenbench::core {

/// The augmentation ratios, each in [0, 1].
struct AugmentRatios final {
    double crop = 0.2;
    double mask = 0.7;
    double reorder = 0.2;
};

/// One augmented view of `items` (ids, oldest first; not empty). `maskToken` replaces masked items.
[[nodiscard]] std::vector<int64_t> augmentedView(const std::vector<int64_t>& items, const AugmentRatios& ratios,
                                                 int64_t maskToken, uint64_t& state);

/// The three augmentations, for tests.
[[nodiscard]] std::vector<int64_t> cropView(const std::vector<int64_t>& items, double ratio, uint64_t& state);
[[nodiscard]] std::vector<int64_t> maskView(const std::vector<int64_t>& items, double ratio, int64_t maskToken,
                                            uint64_t& state);
[[nodiscard]] std::vector<int64_t> reorderView(const std::vector<int64_t>& items, double ratio, uint64_t& state);

}  // namespace tokenbench::core
