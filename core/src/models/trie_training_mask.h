#pragma once
// Private: constrained sequence learning (MSCGRec): each level's training softmax is normalised only
// over the codes the prefix trie allows after the true prefix, so no probability mass is spent on IDs
// that no item has. Worker thread.

#include <cstdint>
#include <vector>

#include <ATen/core/Tensor.h>

#include "models/prefix_trie.h"

namespace tokenbench::core {

/// Additive logit masks for `rows` true tuples `targets` (rows x levels codes, row-major): a
/// rows x levels x `width` float tensor on the CPU, 0 at column offsets[l] + c for each code c the trie
/// allows after the row's first l codes, -inf everywhere else (so other levels' columns are blocked
/// too). Throws std::invalid_argument when a target tuple is no item's.
[[nodiscard]] at::Tensor trieTrainingMask(const PrefixTrie& trie, const int32_t* targets, int64_t rows,
                                          const std::vector<int64_t>& offsets, int64_t width);

}  // namespace tokenbench::core
