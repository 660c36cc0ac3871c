#pragma once
/// The whole import of a data set into a project: load, preprocess, split, describe, store — one
/// transaction, so a failed import leaves nothing behind. Shared by the CLI, the GUI's wizard and
/// experiment files.

#include <atomic>
#include <cstdint>
#include <string>

#include "tokenbench/data/dataset_builder.h"
#include "tokenbench/data/item_table.h"
#include "tokenbench/data/loaders.h"
#include "tokenbench/data/split.h"
#include "tokenbench/progress_sink.h"
#include "tokenbench/storage/records.h"

namespace tokenbench::core {

class ExperimentStore;

/// What to import and how.
struct ImportRequest final {
    std::string projectDir;  ///< runImportJob only: the project to import into
    std::string name;
    LoadOptions load;
    ItemTableOptions itemTable;  ///< joined to the loaded items when its path is set
    PreprocessConfig preprocess;
    SplitConfig split;
};

/// What the import did, for the report printed or shown.
struct ImportResult final {
    RunStatus status = RunStatus::Failed;  ///< runImportJob: Completed, Failed or Cancelled
    std::string message;                   ///< why it failed, or "cancelled by the user"
    int64_t datasetId = 0;
    LoadSummary load;
    PreprocessReport preprocess;
    ItemTableReport itemTable;  ///< empty path when no item table was joined
    DatasetStats stats;
    SplitStats split;
    double seconds = 0.0;
};

/// Runs the import into an open store on the calling thread. Throws DataError for bad input,
/// std::invalid_argument for a bad request (empty name, name taken, empty result), StorageError,
/// CancelledError when request.load.cancel is set.
ImportResult importDataset(ExperimentStore& store, const ImportRequest& request);

/// The import as a job (the GUI's wizard): opens the project's store, reports bytes read as progress
/// through `sink` and checks `cancel` between lines. Never throws: the outcome is in status/message.
/// Calling thread: a worker.
ImportResult runImportJob(const ImportRequest& request, ProgressSink& sink, const std::atomic<bool>* cancel);

/// JSON report of an import: the stats keys (users, items, interactions, ...) at top level plus
/// format, detection, preprocessing, split and seconds.
[[nodiscard]] std::string toJson(const ImportResult& result, const std::string& name);

/// The one-line description of a finished import ("data set 'x': 3 users, 5 items, 12 interactions").
[[nodiscard]] std::string describe(const ImportResult& result, const std::string& name);

}  // namespace tokenbench::core
