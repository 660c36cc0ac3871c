#pragma once
// Private: the popularity-ordered final token of graph RQ-VAE IDs (MMGRec): items sharing a code
// prefix are told apart by their training popularity, the most popular getting 0. Any thread.

#include <cstdint>
#include <vector>

#include "tokenbench/tokenizers/semantic_ids.h"

namespace tokenbench::core {

/// `ids` with one more level: an item's rank among the items with the same codes, by `popularity`
/// (one count per item) descending, ties by item index. Every resulting ID is unique.
/// Throws std::invalid_argument when `popularity` has another length than ids.items.
[[nodiscard]] SemanticIds appendPopularityToken(const SemanticIds& ids, const std::vector<int32_t>& popularity);

}  // namespace tokenbench::core
