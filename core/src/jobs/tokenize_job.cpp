#include "tokenbench/jobs/tokenize_job.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <limits>
#include <set>

#include <nlohmann/json.hpp>

#include "tokenbench/cancellation.h"
#include "tokenbench/data/data_error.h"
#include "jobs/run_scope.h"
#include "tokenbench/features/feature_sets.h"
#include "tokenbench/jobs/feature_job.h"
#include "tokenbench/registry.h"
#include "tokenbench/storage/experiment_store.h"
#include "tokenbench/storage/run_summary.h"
#include "tokenbench/tokenizers/tokenizer.h"
#include "tokenbench/logging.h"

namespace tokenbench::core {

namespace {


// Turns each health report into metric points, codebook snapshots and (once per level) a collapse
// event, so a collapsing codebook is visible while it trains, not hours later.
class HealthReporter final {
public:
    /// The codebook size is read from `tokenizer` at each report (a method may learn it in fit()).
    HealthReporter(int64_t runId, const Tokenizer& tokenizer, const CollapseRule& rule, ProgressSink& sink)
        : m_runId(runId), m_tokenizer(tokenizer), m_rule(rule), m_sink(sink) {}

    void report(int64_t step, const SemanticIds& codes, double reconstructionError) {
        const double now = unixTimeNow();
        m_codebookSize = m_tokenizer.codebookSize();
        const auto levels = levelHealth(codes, m_codebookSize);
        std::vector<MetricPoint> points;
        std::vector<CodebookSnapshot> snapshots;
        auto add = [&](const std::string& name, double value) { points.push_back({m_runId, step, 0, "train", name, value, now}); };
        for (const LevelHealth& h : levels) {
            const std::string suffix = "/l" + std::to_string(h.level);
            add("utilization" + suffix, h.utilization);
            add("perplexity" + suffix, h.perplexity);
            add("entropy" + suffix, h.entropy);
            add("dead_codes" + suffix, h.deadCodes);
            snapshots.push_back({m_runId, step, h.level, h.usage});
            if (isCollapsed(h, m_rule) && m_warned.insert(h.level).second) {
                const std::string message = "codebook collapse at level " + std::to_string(h.level + 1) +
                                            ": perplexity " + std::to_string(h.perplexity) + " of " +
                                            std::to_string(m_codebookSize) + " codes (" + std::to_string(h.usedCodes) +
                                            " used) at step " + std::to_string(step);
                logWarn("Run " + std::to_string(m_runId) + ": " + message);
                m_sink.event({m_runId, now, "warning", "collapse", message});
            }
        }
        if (codes.levels > 0) add("collision_rate", collisionStats(codes).collisionRate);
        if (std::isfinite(reconstructionError)) add("reconstruction_error", reconstructionError);
        m_sink.metrics(points);
        m_sink.codebookSnapshots(snapshots);
        m_lastLevels = levels;
        m_lastError = reconstructionError;
    }

    [[nodiscard]] const std::vector<LevelHealth>& lastLevels() const { return m_lastLevels; }
    [[nodiscard]] double lastError() const { return m_lastError; }
    [[nodiscard]] const std::set<int32_t>& collapsedLevels() const { return m_warned; }

private:
    int64_t m_runId;
    const Tokenizer& m_tokenizer;
    int32_t m_codebookSize = 0;
    CollapseRule m_rule;
    ProgressSink& m_sink;
    std::set<int32_t> m_warned;
    std::vector<LevelHealth> m_lastLevels;
    double m_lastError = std::numeric_limits<double>::quiet_NaN();
};

/// The first `levels` levels of `ids` (all of them when `levels` is out of range).
SemanticIds leadingLevels(const SemanticIds& ids, int32_t levels) {
    if (levels <= 0 || levels >= ids.levels) return ids;
    SemanticIds out;
    out.items = ids.items;
    out.levels = levels;
    out.codes.reserve(static_cast<size_t>(ids.items * levels));
    for (int64_t i = 0; i < ids.items; ++i) out.codes.insert(out.codes.end(), ids.row(i), ids.row(i) + levels);
    return out;
}

/// The IDs of tokenizer run `runId` for a method built on other runs: a completed tokenizer run on
/// `datasetId`, cut to its own levels (its collision level dropped).
StoredTokenizerIds storedRunIds(ExperimentStore& store, int64_t datasetId, int64_t runId) {
    const std::string name = "run " + std::to_string(runId);
    const auto run = store.findRun(runId);
    if (!run) throw std::invalid_argument("no run with id " + std::to_string(runId));
    if (run->kind != RunKind::Tokenizer) throw std::invalid_argument(name + " is a model run, not a tokenizer run");
    if (run->status != RunStatus::Completed)
        throw std::invalid_argument(name + " is " + toString(run->status) + "; only completed tokenizer runs can be joined");
    if (run->datasetId != datasetId)
        throw std::invalid_argument(name + " tokenized data set '" + run->datasetName + "', not this one");
    const SemanticIds stored = SemanticIds::fromRows(store.semanticIds(runId));
    if (stored.items == 0) throw std::invalid_argument(name + " has no stored IDs");
    const int32_t levels = tokenizerLevelCount(run->summaryJson, run->configJson, stored.levels);
    StoredTokenizerIds out;
    out.method = run->componentId;
    out.ids.items = stored.items;
    out.ids.levels = levels;
    for (int64_t i = 0; i < stored.items; ++i) out.ids.codes.insert(out.ids.codes.end(), stored.row(i), stored.row(i) + levels);
    const auto summary = parseTokenizerSummary(run->summaryJson);
    if (summary && summary->codebookSize && *summary->codebookSize > 0) {
        out.codebookSize = static_cast<int32_t>(*summary->codebookSize);
    } else {
        for (const int32_t code : out.ids.codes) out.codebookSize = std::max(out.codebookSize, code + 1);
    }
    return out;
}

}  // namespace

std::string toJson(const TokenizeResult& r) {
    nlohmann::json j = {{"run_id", r.runId},
                        {"status", toString(r.status)},
                        {"items", r.items},
                        {"levels", r.levels},
                        {"codebook_size", r.codebookSize},
                        {"unique_ids", r.uniqueIds},
                        {"collision_rate", r.collisionRate},
                        {"max_collision_group", r.maxCollisionGroup},
                        {"utilization", r.utilization},
                        {"perplexity", r.perplexity},
                        {"collapsed_levels", r.collapsedLevels},
                        {"feature_set", r.featureSet},
                        {"seconds", r.seconds}};
    j["reconstruction_error"] = std::isfinite(r.reconstructionError) ? nlohmann::json(r.reconstructionError) : nlohmann::json();
    if (!r.message.empty()) j["message"] = r.message;
    return j.dump();
}

TokenizeResult runTokenizeJob(const TokenizeRequest& request, ProgressSink& callerSink, const std::atomic<bool>* cancel) {
    TokenizeResult result;
    result.reconstructionError = std::numeric_limits<double>::quiet_NaN();
    RunScope scope(request.projectDir, callerSink);
    const JobEnd end = runGuarded([&] {
        ExperimentStore& store = scope.store();
        const auto dataset = store.findDataset(request.dataset);
        if (!dataset) throw std::invalid_argument("no data set named '" + request.dataset + "'");

        Registry registry;
        registerTokenizers(registry);
        const ComponentInfo& info = registry.get(request.method);
        const std::string config = validateConfig(info, request.configJson);

        // Features: a stored set by that name, else kinds built now and stored for reuse.
        std::optional<FeatureSetRecord> featureSet;
        FeatureMatrix features;
        if (info.needsFeatures) {
            if (request.features.empty()) throw std::invalid_argument("'" + info.id + "' needs item features: give a feature set or kinds");
            featureSet = store.findFeatureSet(dataset->id, request.features);
            if (!featureSet) {
                FeatureSpec spec;
                spec.kinds = parseFeatureKinds(request.features);
                spec.dim = request.featureDim;
                spec.seed = request.seed;
                callerSink.log("info", "building features '" + request.features + "'");
                featureSet = createFeatureSet(store, dataset->id, "", spec, {},
                                              projectFeatureSources(request.projectDir, dataset->id));
            }
            features = store.loadFeatureMatrix(featureSet->id);
            result.featureSet = featureSet->name;
        }

        RunSpec spec;
        spec.kind = RunKind::Tokenizer;
        spec.componentId = info.id;
        spec.componentVersion = info.version;
        spec.name = request.name;
        spec.datasetId = dataset->id;
        if (featureSet) spec.featureSetId = featureSet->id;
        const nlohmann::json runConfig = {{"method", nlohmann::json::parse(config)},
                                          {"features", request.features},
                                          {"collisions", toString(request.collisions)},
                                          {"health_interval", request.healthInterval}};
        spec.configJson = runConfig.dump();
        spec.seed = request.seed;
        spec.groupId = request.groupId;
        spec.dataHash = dataset->dataHash;
        spec.device = request.device;
        result.runId = scope.create(spec);
        scope.start();
        ProgressSink& sink = scope.sink();
        logInfo("Run " + std::to_string(result.runId) + ": " + info.id + " on '" + dataset->name + "' (" + result.featureSet +
                " features)");

        // The training side of the data set: the catalogue and every user's training interactions.
        const Dataset data = store.loadDataset(dataset->id);
        const DataSplit split = makeSplit(data, defaultSplitConfig(store, dataset->id));
        const TrainingInteractions interactions = trainingInteractions(data, split);

        const std::unique_ptr<Tokenizer> tokenizer = createTokenizer(info.id, config);
        HealthReporter health(result.runId, *tokenizer, request.collapse, sink);
        FitContext context;
        context.interactions = &interactions;
        context.seed = request.seed;
        context.device = request.device;
        context.cancel = cancel;
        context.healthInterval = request.healthInterval;
        context.tokenizerRunIds = [&](int64_t runId) { return storedRunIds(store, dataset->id, runId); };
        // The same reader as the `model-embeddings` feature kind, so both check the run alike.
        context.modelItemEmbeddings = projectFeatureSources(request.projectDir, dataset->id).modelEmbeddings;
        const auto fitStart = std::chrono::steady_clock::now();
        context.progress = [&](double fraction, const std::string& phase) {
            ProgressUpdate u = progressAt(fitStart, fraction, phase);
            u.runId = result.runId;
            sink.progress(u);
        };
        context.metrics = [&](int64_t step, int64_t epoch, const std::map<std::string, double>& values) {
            std::vector<MetricPoint> points;
            const double now = unixTimeNow();
            for (const auto& [name, value] : values) points.push_back({result.runId, step, epoch, "train", name, value, now});
            sink.metrics(points);
        };
        context.health = [&](int64_t step, const SemanticIds& codes, double error) { health.report(step, codes, error); };
        tokenizer->fit(features, context);
        throwIfCancelled(cancel);
        const SemanticIds raw = tokenizer->encode(features);
        const FeatureMatrix lastDistances = tokenizer->lastLevelDistances(features);
        result.codebookSize = tokenizer->codebookSize();
        // Health and collisions before resolution over the codebook levels only: a popularity token
        // would read as a collapsed level and hide the quantizer's collisions.
        const SemanticIds coded = leadingLevels(raw, tokenizer->codebookLevels());
        health.report(std::numeric_limits<int32_t>::max(), coded, health.lastError());

        const CollisionStats before = collisionStats(coded);
        result.items = raw.items;
        result.collisionRate = before.collisionRate;
        result.maxCollisionGroup = before.maxGroup;
        for (const LevelHealth& h : health.lastLevels()) {
            result.utilization.push_back(h.utilization);
            result.perplexity.push_back(h.perplexity);
        }
        result.collapsedLevels.assign(health.collapsedLevels().begin(), health.collapsedLevels().end());
        result.reconstructionError = health.lastError();
        const SemanticIds ids = resolveCollisions(raw, request.collisions, lastDistances, result.codebookSize);
        result.levels = ids.levels;
        result.uniqueIds = collisionStats(ids).uniqueIds;

        scope.flush();  // the store's writer thread and this connection take turns on the write lock
        store.saveSemanticIds(result.runId, ids.toRows());
        const auto dir = std::filesystem::path(scope.paths().artifacts) / ("run-" + std::to_string(result.runId)) / "tokenizer";
        tokenizer->save(dir.string());
        scope.addArtifact("tokenizer-weights", (dir / "weights.safetensors").string());
        scope.addArtifact("tokenizer-config", (dir / "config.json").string());
    }, "Tokenizer run");
    result.runId = scope.runId();
    result.status = end.status;
    result.message = end.message;
    result.seconds = scope.seconds();
    scope.finish(result.status, toJson(result), result.message);
    return result;
}

}  // namespace tokenbench::core
