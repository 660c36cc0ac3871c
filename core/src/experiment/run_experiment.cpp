// Carrying out an experiment file step by step; see tokenbench/experiment/experiment_file.h.
#include <chrono>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "tokenbench/cancellation.h"
#include "tokenbench/experiment/experiment_file.h"
#include "tokenbench/features/feature_sets.h"
#include "tokenbench/jobs/feature_job.h"
#include "tokenbench/jobs/repeat_job.h"
#include "tokenbench/jobs/run_settings.h"
#include "tokenbench/jobs/tokenize_job.h"
#include "tokenbench/jobs/train_job.h"
#include "tokenbench/project.h"
#include "tokenbench/storage/experiment_store.h"
#include "tokenbench/tokenizers/collisions.h"
#include "tokenbench/training/run_comparison.h"

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
    resolve(request.itemTable.path);
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

/// A model the project already trained under the file's name: its summary entry and run id(s). A
/// model with seeds is reused when a completed run exists for every seed ("NAME seed S").
struct ReusedModel {
    json entry;
    std::vector<int64_t> runIds;
};

std::optional<ReusedModel> reusedModel(ExperimentStore& store, int64_t datasetId, const ExperimentModel& m) {
    if (m.seeds.empty()) {
        const auto run = completedRun(store, RunKind::Model, datasetId, m.name);
        if (!run) return std::nullopt;
        json entry = json::parse(run->summaryJson.empty() ? "{}" : run->summaryJson);
        entry["name"] = m.name;
        entry["reused"] = true;
        return ReusedModel{entry, {run->id}};
    }
    std::vector<RunRecord> runs;
    for (const uint64_t seed : m.seeds) {
        const auto run = completedRun(store, RunKind::Model, datasetId, m.name + " seed " + std::to_string(seed));
        if (!run) return std::nullopt;
        runs.push_back(*run);
    }
    ReusedModel reused;
    json mean = json::object();
    json ci95 = json::object();
    for (const auto& [figure, interval] : summarizeRuns(runs)) {
        mean[figure] = interval.mean;
        ci95[figure] = interval.ci95;
    }
    for (const auto& run : runs) reused.runIds.push_back(run.id);
    reused.entry = {{"name", m.name}, {"reused", true}, {"seeds", m.seeds}, {"run_ids", reused.runIds},
                    {"n", runs.size()},  {"mean", mean},   {"ci95", ci95}};
    return reused;
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
    std::map<std::string, std::vector<int64_t>> modelRuns;  // name -> its run(s), for the comparisons
    for (const ExperimentModel& m : file.models) {
        throwIfCancelled(cancel);
        if (!options.retrain) {
            if (auto reused = reusedModel(store, dataset->id, m)) {
                modelRuns[m.name] = reused->runIds;
                models.push_back(reused->entry);
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
        request.eval.excludeHistory = m.excludeHistory || options.excludeHistory;
        request.name = m.name;
        sink.log("info", "model '" + m.name + "' (" + m.model + ")");
        if (m.seeds.empty()) {
            const TrainResult result = runTrainJob(request, sink, cancel);
            models.push_back(completedEntry(result, "model", m.name));
            modelRuns[m.name] = {result.runId};
            continue;
        }
        const RepeatResult repeat = runRepeatedTrainJob(request, m.seeds, sink, cancel);
        json entry = completedEntry(repeat, "model", m.name);
        for (const auto& run : entry.at("runs")) modelRuns[m.name].push_back(run.at("run_id").get<int64_t>());
        entry["run_ids"] = modelRuns[m.name];
        models.push_back(entry);
    }
    summary["models"] = models;

    json comparisons = json::array();
    for (const ExperimentComparison& c : file.comparisons) {
        throwIfCancelled(cancel);
        sink.log("info", "comparing '" + c.a + "' with '" + c.b + "' (" + c.metric + ", paired over users)");
        json entry = json::parse(toJson(compareRuns(paths.root, modelRuns.at(c.a), modelRuns.at(c.b), c.metric, c.split)));
        entry["a_name"] = c.a;
        entry["b_name"] = c.b;
        comparisons.push_back(entry);
    }
    summary["comparisons"] = comparisons;
    summary["models"] = models;
    summary["seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return summary.dump();
}

}  // namespace tokenbench::core
