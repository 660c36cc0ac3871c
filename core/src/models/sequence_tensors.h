#pragma once
// Private: small tensor conversions the sequence models share: left-padded id batches, and
// attention probabilities turned into typed attention maps.

#include <cstdint>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

#include "tokenbench/data/dataset.h"
#include "tokenbench/models/attention_map.h"

namespace tokenbench::core {

/// B x T int64 on `device`, T the longest sequence; shorter rows are left-padded with 0, so every
/// sequence ends in the last column.
[[nodiscard]] at::Tensor leftPaddedBatch(const std::vector<std::vector<int64_t>>& sequences, const c10::Device& device);

/// One map per layer and head from per-layer attention tensors of a single sequence
/// (1 x heads x N x N each), over the sequence's N typed positions.
[[nodiscard]] std::vector<AttentionMap> toAttentionMaps(const std::vector<at::Tensor>& attentions,
                                                        const std::vector<AttentionPosition>& positions);

/// The label of dense item `item` on axes: its raw id, else its index.
[[nodiscard]] std::string itemLabel(const Dataset& dataset, int32_t item);

}  // namespace tokenbench::core
