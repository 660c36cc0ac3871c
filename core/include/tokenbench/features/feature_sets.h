#pragma once
/// Building feature sets for a stored data set and keeping them in the project: what the CLI's
/// `features build`, `tokenize --features` and the GUI share.

#include <cstdint>
#include <string>

#include "tokenbench/data/split.h"
#include "tokenbench/features/featurizers.h"
#include "tokenbench/storage/records.h"

namespace tokenbench::core {

class ExperimentStore;

/// Splits "attributes+cooccurrence" or "text,attributes" into kinds (both separators accepted).
[[nodiscard]] std::vector<std::string> parseFeatureKinds(const std::string& text);

/// The split every consumer of a data set uses by default: the first one stored with it at import,
/// else leave-one-out.
[[nodiscard]] SplitConfig defaultSplitConfig(ExperimentStore& store, int64_t datasetId);

/// Loads the data set, builds `spec`'s features and stores them as `name` (kinds joined by '+' when
/// empty). Throws std::invalid_argument when the name is taken. Calling thread: a worker or the CLI.
FeatureSetRecord createFeatureSet(ExperimentStore& store, int64_t datasetId, std::string name, const FeatureSpec& spec,
                                  const FeatureProgress& progress = {});

}  // namespace tokenbench::core
