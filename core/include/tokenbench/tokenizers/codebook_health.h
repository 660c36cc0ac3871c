#pragma once
/// Codebook health: per-level utilization, perplexity, entropy, dead codes; collision statistics.
/// What users watch to catch a collapsing codebook while it trains. Pure functions; any thread.

#include <cstdint>
#include <vector>

#include "tokenbench/tokenizers/semantic_ids.h"

namespace tokenbench::core {

/// One level's figures.
struct LevelHealth final {
    int32_t level = 0;
    int32_t codebookSize = 0;
    int32_t usedCodes = 0;
    double utilization = 0.0;  ///< usedCodes / codebookSize
    double entropy = 0.0;      ///< of the code distribution, in nats
    double perplexity = 0.0;   ///< exp(entropy): the effective number of codes in use (1 = collapsed)
    int32_t deadCodes = 0;     ///< codes no item uses
    std::vector<int64_t> usage;  ///< [code] = items on it
};

/// Collision statistics of full code tuples.
struct CollisionStats final {
    double collisionRate = 0.0;   ///< share of items whose tuple is shared with another item
    int64_t uniqueIds = 0;        ///< distinct tuples
    int64_t maxGroup = 0;         ///< size of the largest group of items sharing one tuple
};

/// Health of every level of `ids` with `codebookSize` codes each.
[[nodiscard]] std::vector<LevelHealth> levelHealth(const SemanticIds& ids, int32_t codebookSize);
[[nodiscard]] CollisionStats collisionStats(const SemanticIds& ids);

/// A level counts as collapsed when its perplexity falls under this share of the codebook size
/// or under `minPerplexity` absolute (whichever is larger).
struct CollapseRule final {
    double minPerplexity = 2.0;
    double minPerplexityShare = 0.02;
};
[[nodiscard]] bool isCollapsed(const LevelHealth& level, const CollapseRule& rule = {});

}  // namespace tokenbench::core
