#pragma once
/// JSON forms of data-set figures, as stored in the experiment store and printed by the CLI.

#include <string>

#include "tokenbench/data/dataset.h"

namespace tokenbench::core {

/// Serialises stats. Keys: users, items, interactions, density, sequence_length{min,max,mean,median},
/// attributes, sequence_length_histogram, item_popularity. `compact` drops the two arrays.
[[nodiscard]] std::string statsToJson(const DatasetStats& stats, bool compact = false);
/// Parses what statsToJson wrote; throws std::invalid_argument on malformed text.
[[nodiscard]] DatasetStats statsFromJson(const std::string& json);

}  // namespace tokenbench::core
