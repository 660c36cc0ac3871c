// Carrying out an experiment file step by step; see tokenbench/experiment/experiment_file.h.
#include <chrono>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "tokenbench/cancellation.h"
#include "tokenbench/experiment/experiment_file.h"
#include "tokenbench/features/feature_sets.h"
#include "tokenbench/jobs/feature_job.h"
#include "tokenbench/jobs/run_settings.h"
#include "tokenbench/jobs/tokenize_job.h"
#include "tokenbench/jobs/train_job.h"
#include "tokenbench/project.h"
#include "tokenbench/storage/experiment_store.h"
#include "tokenbench/tokenizers/collisions.h"

namespace tokenbench::core {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

/// The newest completed run of `kind` with label `name` on the data set, if any.
std::optional<RunRecord> completedRun(ExperimentStore& store, RunKind kind, int64_t datasetId, const std::string& name) {
    std::optional<RunRecord> found;
    for (const RunRecord& run : store.listRuns())
        if (run.kind == kind && run.datasetId == datasetId && run.name == name && run.status == RunStatus::Completed &&
            (!found || run.id > found->id))
            found = run;
    return found;
}

/// Import paths resolved against the data folder; a missing file says where to get the data.
ImportRequest resolveImport(const ExperimentFile& file, const std::string& dataDir) {
    ImportRequest request = file.import;
    auto resolve = [&](std::string& path) {
        if (path.empty()) return;
        const fs::path full = fs::path(path).is_absolute() ? fs::path(path) : fs::path(dataDir) / path;
        if (!fs::exists(full)) {
            std::string message = "data file " + full.string() + " not found (data folder: " + dataDir + ")";
            if (!file.download.empty()) message += ". " + file.download;
            message += ". Pass the folder that holds it with --data-dir.";
            throw std::invalid_argument(message);
        }
        path = full.string();
    };
    for (std::string& path : request.load.paths) resolve(path);
    resolve(request.load.attributesPath);
    resolve(request.load.itemsPath);
    return request;
}

/// The summary entry of a finished step's run, named; a cancelled run cancels the experiment and a
/// failed one fails it with the run's message.
template <class Result>
json completedEntry(const Result& result, const std::string& kind, const std::string& name) {
    if (result.status == RunStatus::Cancelled) throw CancelledError();
    if (result.status != RunStatus::Completed)
        throw std::invalid_argument(kind + " '" + name + "' failed: " + result.message);
    json entry = json::parse(toJson(result));
    entry["name"] = name;
    return entry;
}

}  // namespace

std::string runExperiment(const ExperimentFile& file, const ExperimentOptions& options, ProgressSink& sink,
                          const std::atomic<bool>* cancel) {
    const auto start = std::chrono::steady_clock::now();
    const ProjectPaths paths = ensureProject(options.projectDir);
    ExperimentStore store(paths.database);
    json summary = {{"experiment", file.name}, {"project", paths.root}};

    // Data set.
    auto dataset = store.findDataset(file.datasetName);
    if (!dataset) {
        sink.log("info", "creating data set '" + file.datasetName + "'");
        if (file.synthetic) {
            (void)storeSyntheticDataset(store, file.datasetName, file.syntheticConfig);
        } else {
            ImportRequest request = resolveImport(file, options.dataDir);
            request.load.cancel = cancel;
            (void)importDataset(store, request);
        }
        dataset = store.findDataset(file.datasetName);
    }
    summary["dataset"] = {{"name", dataset->name}, {"id", dataset->id}, {"stats", json::parse(dataset->statsJson)}};

    // Feature sets.
    json features = json::array();
    for (const ExperimentFeatures& f : file.features) {
        throwIfCancelled(cancel);
        auto record = store.findFeatureSet(dataset->id, f.name);
        if (!record) {
            sink.log("info", "building features '" + f.name + "' (" + f.kinds + ")");
            FeatureSpec spec;
            spec.kinds = parseFeatureKinds(f.kinds);
            spec.dim = f.dim;
            spec.modelRunId = f.modelRunId;
            record = createFeatureSet(store, dataset->id, f.name, spec, {},
                                      projectFeatureSources(paths.root, dataset->id));
        }
        features.push_back({{"name", record->name}, {"id", record->id}, {"dim", record->dim}});
    }
    summary["features"] = features;

    // Tokenizers, then models; each reused when a completed run of that name exists.
    std::map<std::string, int64_t> tokenizerRuns;
    json tokenizers = json::array();
    for (const ExperimentTokenizer& t : file.tokenizers) {
        throwIfCancelled(cancel);
        if (const auto run = completedRun(store, RunKind::Tokenizer, dataset->id, t.name)) {
            tokenizerRuns[t.name] = run->id;
            tokenizers.push_back({{"name", t.name}, {"run_id", run->id}, {"reused", true}});
            continue;
        }
        TokenizeRequest request;
        request.projectDir = paths.root;
        request.dataset = dataset->name;
        request.features = t.features;
        request.method = t.method;
        request.configJson = t.configJson;
        request.seed = t.seed;
        request.name = t.name;
        request.collisions = collisionStrategyFromString(t.collisions);
        sink.log("info", "tokenizer '" + t.name + "' (" + t.method + ")");
        const TokenizeResult result = runTokenizeJob(request, sink, cancel);
        tokenizers.push_back(completedEntry(result, "tokenizer", t.name));
        tokenizerRuns[t.name] = result.runId;
    }
    summary["tokenizers"] = tokenizers;

    json models = json::array();
    for (const ExperimentModel& m : file.models) {
        throwIfCancelled(cancel);
        if (!options.retrain) {
            if (const auto run = completedRun(store, RunKind::Model, dataset->id, m.name)) {
                json entry = json::parse(run->summaryJson.empty() ? "{}" : run->summaryJson);
                entry["name"] = m.name;
                entry["reused"] = true;
                models.push_back(entry);
                continue;
            }
        }
        TrainRequest request;
        request.projectDir = paths.root;
        request.dataset = dataset->name;
        request.model = m.model;
        request.configJson = m.configJson;
        request.tokenizerRunId = m.tokenizer.empty() ? 0 : tokenizerRuns.at(m.tokenizer);
        applyRunSettings(m.runSettingsJson, request);
        if (options.epochs > 0) request.epochs = options.epochs;
        if (options.maxMinutes > 0) request.maxMinutes = options.maxMinutes;
        request.device = options.device;
        request.name = m.name;
        sink.log("info", "model '" + m.name + "' (" + m.model + ")");
        models.push_back(completedEntry(runTrainJob(request, sink, cancel), "model", m.name));
    }
    summary["models"] = models;
    summary["seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return summary.dump();
}

}  // namespace tokenbench::core
