#include "training/model_run.h"

#include <filesystem>

#include "tokenbench/jobs/feature_job.h"
#include "tokenbench/registry.h"
#include "tokenbench/storage/experiment_store.h"
#include "training/checkpoint_state.h"
#include "training/device_setup.h"

namespace tokenbench::core {

TrainingInputs loadTrainingInputs(ExperimentStore& store, int64_t datasetId, int64_t tokenizerRunId,
                                  const ComponentInfo& model) {
    TrainingInputs inputs;
    for (const DatasetRecord& record : store.listDatasets())
        if (record.id == datasetId) inputs.datasetRecord = record;
    if (inputs.datasetRecord.id == 0) throw std::invalid_argument("no data set with id " + std::to_string(datasetId));
    const std::string& name = inputs.datasetRecord.name;
    if (model.needsSemanticIds && tokenizerRunId <= 0)
        throw std::invalid_argument("model '" + model.id + "' generates semantic IDs: give a tokenizer run of data set '" +
                                    name + "' (--tokenizer RUN_ID; `runs list` shows them)");
    inputs.dataset = store.loadDataset(datasetId);
    inputs.split = makeSplit(inputs.dataset, defaultSplitConfig(store, datasetId));
    if (tokenizerRunId > 0) {
        const auto run = store.findRun(tokenizerRunId);
        if (!run) throw std::invalid_argument("no run with id " + std::to_string(tokenizerRunId));
        if (run->kind != RunKind::Tokenizer)
            throw std::invalid_argument("run " + std::to_string(tokenizerRunId) + " is not a tokenizer run");
        if (run->datasetId != datasetId)
            throw std::invalid_argument("tokenizer run " + std::to_string(tokenizerRunId) + " belongs to data set '" +
                                        run->datasetName + "', not '" + name + "'");
        if (run->status != RunStatus::Completed)
            throw std::invalid_argument("tokenizer run " + std::to_string(tokenizerRunId) + " is " +
                                        toString(run->status) + ", not completed");
        inputs.semanticIds = SemanticIds::fromRows(store.semanticIds(tokenizerRunId));
        if (inputs.semanticIds->items != static_cast<int64_t>(inputs.dataset.items.size()))
            throw std::invalid_argument("tokenizer run " + std::to_string(tokenizerRunId) + " has " +
                                        std::to_string(inputs.semanticIds->items) + " semantic IDs for " +
                                        std::to_string(inputs.dataset.items.size()) + " items");
    }
    return inputs;
}

std::string checkpointDir(const ProjectPaths& paths, int64_t runId) {
    return (std::filesystem::path(paths.artifacts) / ("run-" + std::to_string(runId)) / "checkpoints").string();
}

RestoredRun restoreModelRun(const std::string& projectDir, int64_t runId) {
    const ProjectPaths paths = projectPaths(projectDir);
    ExperimentStore store(paths.database);
    RestoredRun restored;
    const auto run = store.findRun(runId);
    if (!run) throw std::invalid_argument("no run with id " + std::to_string(runId));
    if (run->kind != RunKind::Model)
        throw std::invalid_argument("run " + std::to_string(runId) + " is a tokenizer run, not a model run");
    restored.run = *run;
    // A run trained on a GPU is evaluated on the CPU when this machine has none.
    std::string device = run->device;
    try {
        device = resolveDevice(device);
    } catch (const std::invalid_argument&) {
        device = "cpu";
    }
    restored.settings = settingsFromRun(run->componentId, run->configJson, run->tokenizerRunId.value_or(0), run->seed, device);
    Registry registry;
    registerModels(registry);
    restored.inputs = std::make_unique<TrainingInputs>(
        loadTrainingInputs(store, run->datasetId, restored.settings.tokenizerRunId, registry.get(run->componentId)));
    const CheckpointFolder folder(checkpointDir(paths, runId));
    const auto state = folder.load();
    if (!state || state->bestFile.empty())
        throw std::invalid_argument("run " + std::to_string(runId) + " has no checkpoint with a validation result (status " +
                                    toString(run->status) + ")");
    restored.model = createModel(run->componentId, restored.settings.modelConfigJson);
    restored.model->prepare(restored.inputs->view(), run->seed, device);
    restored.model->load(folder.path(state->bestFile));
    restored.bestEpoch = state->bestEpoch;
    return restored;
}

}  // namespace tokenbench::core
