#pragma once
/// Building feature sets for a stored data set and keeping them in the project: what the CLI's
/// `features build`, `tokenize --features`, experiment files and the GUI share.

#include <atomic>
#include <cstdint>
#include <string>

#include "tokenbench/data/split.h"
#include "tokenbench/features/featurizers.h"
#include "tokenbench/progress_sink.h"
#include "tokenbench/storage/records.h"

namespace tokenbench::core {

class ExperimentStore;

/// The split every consumer of a data set uses by default: the first one stored with it at import,
/// else leave-one-out.
[[nodiscard]] SplitConfig defaultSplitConfig(ExperimentStore& store, int64_t datasetId);

/// What createFeatureSet needs for kinds that read other runs of the project at `projectDir`:
/// model-embeddings takes the item table of a model run of `datasetId` (modelRunItemEmbeddings).
[[nodiscard]] FeatureSources projectFeatureSources(const std::string& projectDir, int64_t datasetId);

/// Loads the data set, builds `spec`'s features and stores them as `name` (kinds joined by '+' when
/// empty; "model-embeddings-runN" for model-embeddings of run N alone). Nothing is stored unless the
/// whole matrix was built. Throws std::invalid_argument when the name is taken, CancelledError when
/// progress.cancel is set. Calling thread: a worker or the CLI.
FeatureSetRecord createFeatureSet(ExperimentStore& store, int64_t datasetId, std::string name, const FeatureSpec& spec,
                                  const FeatureProgress& progress = {}, const FeatureSources& sources = {});

/// The name a feature set of `spec` gets when none is given: the kinds joined by '+', with "-runN"
/// after model-embeddings (model-embeddings-run3, attributes+model-embeddings-run3) and "-FOLDER" after
/// text-encoder (text-encoder-all-MiniLM-L6-v2).
[[nodiscard]] std::string defaultFeatureSetName(const FeatureSpec& spec);

/// What feature set to build.
struct FeatureRequest final {
    std::string projectDir;
    std::string dataset;  ///< data set name
    std::string name;     ///< feature set name; empty: defaultFeatureSetName(spec)
    FeatureSpec spec;
};

/// What came out.
struct FeatureResult final {
    RunStatus status = RunStatus::Failed;  ///< Completed, Failed or Cancelled
    std::string message;                   ///< why it failed, or "cancelled by the user"
    FeatureSetRecord featureSet;           ///< the stored set (Completed)
    double seconds = 0.0;
};

/// createFeatureSet as a job (the GUI): opens the project's store, reports progress through `sink`,
/// checks `cancel` between blocks. Never throws. Calling thread: a worker.
FeatureResult runFeatureJob(const FeatureRequest& request, ProgressSink& sink, const std::atomic<bool>* cancel);

/// JSON summary of a feature build: {"feature_set", "rows", "dim"}.
[[nodiscard]] std::string toJson(const FeatureResult& result);

/// The one-line description of a built set ("feature set 'x': 120 × 64").
[[nodiscard]] std::string describe(const FeatureResult& result);

}  // namespace tokenbench::core
