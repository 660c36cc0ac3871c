#pragma once
// Private: a model's learned item codes (cove) stored as a tokenizer run, so that the codebook and
// hierarchy views, `export semantic-ids` and TIGER use them like any tokenizer's IDs. The codes are
// written to a CSV file and read back by the tokenize job's "import" method: collision resolution,
// codebook health and storage are those of every other tokenizer run, in one place.
//
// Threads: called on the training job's thread, after the model run's figures are flushed.

#include <atomic>
#include <cstdint>
#include <string>

#include "models/item_code_source.h"
#include "tokenbench/progress_sink.h"

namespace tokenbench::core {

/// Where the codes came from and where to put them.
struct LearnedCodesRequest final {
    std::string projectDir;
    std::string dataset;    ///< data set name
    int64_t modelRunId = 0;
    std::string modelId;    ///< the model's registry id, for the run's name
    std::string file;       ///< the CSV to write (an artifact of the model run)
    uint64_t seed = 0;
};

/// Writes `codes` to request.file ("item,c1,...": dense item index, then one code per level) and
/// runs the tokenize job on it; `caller` receives its log lines only (it reports on the model run).
/// Returns the tokenizer run's id. Throws std::runtime_error with the job's message when it fails,
/// CancelledError when it was cancelled.
int64_t storeLearnedCodes(const LearnedCodesRequest& request, const LearnedItemCodes& codes, ProgressSink& caller,
                          const std::atomic<bool>* cancel);

}  // namespace tokenbench::core
