#include "tokenbench/jobs/feature_job.h"

#include <algorithm>
#include <filesystem>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "jobs/run_scope.h"
#include "tokenbench/features/feature_sets.h"
#include "tokenbench/storage/experiment_store.h"
#include "tokenbench/logging.h"
#include "tokenbench/training/run_tools.h"

namespace tokenbench::core {

SplitConfig defaultSplitConfig(ExperimentStore& store, int64_t datasetId) {
    const auto splits = store.listSplits(datasetId);
    return splits.empty() ? SplitConfig{} : splitConfigFromJson(splits.front().configJson);
}

FeatureSources projectFeatureSources(const std::string& projectDir, int64_t datasetId) {
    FeatureSources sources;
    sources.modelEmbeddings = [projectDir, datasetId](int64_t runId) {
        return modelRunItemEmbeddings(projectDir, runId, datasetId);
    };
    return sources;
}

std::string defaultFeatureSetName(const FeatureSpec& spec) {
    std::string name = joinFeatureKinds(spec.kinds);
    // Sets of two runs' tables must not collide on one name.
    if (std::find(spec.kinds.begin(), spec.kinds.end(), "model-embeddings") != spec.kinds.end())
        name += "-run" + std::to_string(spec.modelRunId);
    // Sets of two encoders must not collide either: the folder's name says which one.
    if (std::find(spec.kinds.begin(), spec.kinds.end(), "text-encoder") != spec.kinds.end() && !spec.textEncoderDir.empty())
        name += "-" + std::filesystem::path(spec.textEncoderDir).lexically_normal().filename().string();
    return name;
}

FeatureSetRecord createFeatureSet(ExperimentStore& store, int64_t datasetId, std::string name, const FeatureSpec& spec,
                                  const FeatureProgress& progress, const FeatureSources& sources) {
    const std::string kind = joinFeatureKinds(spec.kinds);
    if (name.empty()) name = defaultFeatureSetName(spec);
    if (store.findFeatureSet(datasetId, name))
        throw std::invalid_argument("a feature set named '" + name + "' already exists for this data set (choose another --name)");
    const Dataset dataset = store.loadDataset(datasetId);
    const DataSplit split = makeSplit(dataset, defaultSplitConfig(store, datasetId));
    const FeatureMatrix matrix = buildFeatures(dataset, split, spec, progress, sources);
    store.saveFeatureSet(datasetId, name, kind, matrix, toJson(spec));
    logInfo("Feature set '" + name + "' (" + kind + "): " + std::to_string(matrix.rows) + " x " + std::to_string(matrix.dim));
    return *store.findFeatureSet(datasetId, name);
}

FeatureResult runFeatureJob(const FeatureRequest& request, ProgressSink& sink, const std::atomic<bool>* cancel) {
    RunScope scope(request.projectDir, sink);
    FeatureResult result;
    const JobEnd end = runGuarded(
        [&] {
            ExperimentStore& store = scope.store();
            const auto record = store.findDataset(request.dataset);
            if (!record) throw std::invalid_argument("no data set named '" + request.dataset + "'");
            FeatureProgress progress;
            progress.cancel = cancel;
            progress.report = [&sink, &scope](double fraction, const std::string& phase) {
                sink.progress(progressAt(scope.startTime(), fraction, phase));
            };
            result.featureSet = createFeatureSet(store, record->id, request.name, request.spec, progress,
                                                 projectFeatureSources(request.projectDir, record->id));
        },
        "Feature build on '" + request.dataset + "'");
    result.status = end.status;
    result.message = end.message;
    result.seconds = scope.seconds();
    return result;
}

std::string toJson(const FeatureResult& result) {
    return nlohmann::json{{"feature_set", result.featureSet.name}, {"rows", result.featureSet.rows}, {"dim", result.featureSet.dim}}
        .dump();
}

std::string describe(const FeatureResult& result) {
    return "feature set '" + result.featureSet.name + "': " + std::to_string(result.featureSet.rows) + " × " +
           std::to_string(result.featureSet.dim);
}

}  // namespace tokenbench::core
