#pragma once
/// The whole import of a data set into a project: load, preprocess, split, describe, store — one
/// transaction, so a failed import leaves nothing behind. Shared by the CLI and the GUI's wizard.

#include <cstdint>
#include <string>

#include "tokenbench/data/dataset_builder.h"
#include "tokenbench/data/loaders.h"
#include "tokenbench/data/split.h"

namespace tokenbench::core {

class ExperimentStore;

/// What to import and how.
struct ImportRequest final {
    std::string name;
    LoadOptions load;
    PreprocessConfig preprocess;
    SplitConfig split;
};

/// What the import did, for the report printed or shown.
struct ImportResult final {
    int64_t datasetId = 0;
    LoadSummary load;
    PreprocessReport preprocess;
    DatasetStats stats;
    SplitStats split;
    double seconds = 0.0;
};

/// Runs the import on the calling thread (a worker in the GUI). Throws DataError for bad input,
/// std::invalid_argument for a bad request (empty name, name taken, empty result), StorageError.
ImportResult importDataset(ExperimentStore& store, const ImportRequest& request);

/// JSON report of an import: the stats keys (users, items, interactions, ...) at top level plus
/// format, detection, preprocessing, split and seconds.
[[nodiscard]] std::string toJson(const ImportResult& result, const std::string& name);

}  // namespace tokenbench::core
