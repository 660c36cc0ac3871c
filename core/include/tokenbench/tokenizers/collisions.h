#pragma once
/// Making semantic IDs unique: TIGER's extra disambiguation level, or re-assigning colliding items to
/// their nearest free last-level code. Pure functions; any thread.

#include <string>

#include "tokenbench/features/feature_matrix.h"
#include "tokenbench/tokenizers/semantic_ids.h"

namespace tokenbench::core {

enum class CollisionStrategy { ExtraLevel, Reassign, None };

[[nodiscard]] std::string toString(CollisionStrategy strategy);
/// Parses "extra-level" / "reassign" / "none"; throws std::invalid_argument otherwise.
[[nodiscard]] CollisionStrategy collisionStrategyFromString(const std::string& text);

/// `ids` with one more level whose code for item i is `level[i]` (a collision index, a popularity
/// rank). Throws std::invalid_argument when `level` does not hold one code per item.
[[nodiscard]] SemanticIds withAppendedLevel(const SemanticIds& ids, const std::vector<int32_t>& level);

/// Returns IDs where every item's tuple is unique.
/// ExtraLevel (TIGER): appends a level numbering the items of each colliding group 0, 1, 2...
///   (0 for items that do not collide).
/// Reassign: in each group the item closest to its code keeps it; the others move to the nearest
///   (by `lastLevelDistances`, items x codebookSize; any free code when empty) last-level code whose
///   tuple is free under the same prefix; items that find none get an extra level as above.
/// None: returns the input unchanged.
[[nodiscard]] SemanticIds resolveCollisions(const SemanticIds& ids, CollisionStrategy strategy,
                                            const FeatureMatrix& lastLevelDistances, int32_t codebookSize);

}  // namespace tokenbench::core
