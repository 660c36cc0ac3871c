#pragma once
// Private: what a model run trains on (data set, split, semantic IDs) and how to get a stored run's
// model back from its best checkpoint. Shared by the engine (new and resumed runs) and the eval,
// attention and export tools. Torch-free.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "tokenbench/data/dataset.h"
#include "tokenbench/data/split.h"
#include "tokenbench/models/recommender.h"
#include "tokenbench/project.h"
#include "tokenbench/registry.h"
#include "tokenbench/storage/records.h"
#include "tokenbench/tokenizers/semantic_ids.h"
#include "training/job_settings.h"

namespace tokenbench::core {

class ExperimentStore;

/// The inputs of a model run. Owns the data the Recommender's TrainingData points into.
struct TrainingInputs final {
    DatasetRecord datasetRecord;
    Dataset dataset;
    DataSplit split;
    std::optional<SemanticIds> semanticIds;

    [[nodiscard]] TrainingData view() const { return {&dataset, &split, semanticIds ? &*semanticIds : nullptr}; }
};

/// Loads a data set (by id), its default split and, when tokenizerRunId > 0, that tokenizer run's
/// semantic IDs. Checks that the tokenizer run belongs to the data set, finished and covers every
/// item; and that a model that needs semantic IDs gets them. Throws std::invalid_argument naming
/// what is wrong and how to fix it.
[[nodiscard]] TrainingInputs loadTrainingInputs(ExperimentStore& store, int64_t datasetId, int64_t tokenizerRunId,
                                                const ComponentInfo& model);

/// <project>/artifacts/run-N/checkpoints
[[nodiscard]] std::string checkpointDir(const ProjectPaths& paths, int64_t runId);

/// A stored model run brought back: its record, settings, inputs and the model at its best
/// checkpoint (on the run's device when available, else the CPU).
struct RestoredRun final {
    RunRecord run;
    JobSettings settings;
    std::unique_ptr<TrainingInputs> inputs;  ///< heap: the model points into it
    std::unique_ptr<Recommender> model;
    int64_t bestEpoch = 0;
};

/// Throws std::invalid_argument for an unknown run, a tokenizer run, or a run without checkpoints.
[[nodiscard]] RestoredRun restoreModelRun(const std::string& projectDir, int64_t runId);

}  // namespace tokenbench::core
