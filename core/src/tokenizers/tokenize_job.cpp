#include "tokenbench/tokenizers/tokenize_job.h"

#include <chrono>
#include <cmath>
#include <filesystem>
#include <limits>
#include <set>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "tokenbench/cancellation.h"
#include "tokenbench/data/data_error.h"
#include "tokenbench/features/feature_sets.h"
#include "tokenbench/project.h"
#include "tokenbench/registry.h"
#include "tokenbench/storage/experiment_store.h"
#include "tokenbench/storage/metrics_writer.h"
#include "tokenbench/storage/sha256.h"
#include "tokenbench/tokenizers/tokenizer.h"

namespace tokenbench::core {

namespace {

using Clock = std::chrono::steady_clock;

// Turns each health report into metric points, codebook snapshots and (once per level) a collapse
// event, so a collapsing codebook is visible while it trains, not hours later.
class HealthReporter final {
public:
    HealthReporter(int64_t runId, int32_t codebookSize, const CollapseRule& rule, ProgressSink& sink)
        : m_runId(runId), m_codebookSize(codebookSize), m_rule(rule), m_sink(sink) {}

    void report(int64_t step, const SemanticIds& codes, double reconstructionError) {
        const double now = unixTimeNow();
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
                spdlog::warn("Run {}: {}", m_runId, message);
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
    int32_t m_codebookSize;
    CollapseRule m_rule;
    ProgressSink& m_sink;
    std::set<int32_t> m_warned;
    std::vector<LevelHealth> m_lastLevels;
    double m_lastError = std::numeric_limits<double>::quiet_NaN();
};

// Records a file the run produced, with its checksum, relative to the project folder.
void addArtifact(ProgressSink& sink, const ProjectPaths& paths, int64_t runId, const std::string& kind,
                 const std::filesystem::path& file) {
    const auto relative = std::filesystem::relative(file, paths.root).string();
    sink.artifact({0, runId, kind, relative, sha256OfFile(file.string()),
                   static_cast<int64_t>(std::filesystem::file_size(file)), ""});
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

TokenizeResult runTokenizeJob(const TokenizeRequest& request, ProgressSink& sink, const std::atomic<bool>* cancel) {
    const auto start = Clock::now();
    TokenizeResult result;
    result.reconstructionError = std::numeric_limits<double>::quiet_NaN();
    std::unique_ptr<SqliteMetricsWriter> writer;
    std::unique_ptr<FanOutSink> fan;
    try {
        const ProjectPaths paths = projectPaths(request.projectDir);
        ExperimentStore store(paths.database);
        const auto dataset = store.findDataset(request.dataset);
        if (!dataset) throw std::invalid_argument("no data set named '" + request.dataset + "'");

        Registry registry;
        registerTokenizers(registry);
        const ComponentInfo& info = registry.get(request.method);
        const std::string config = validateConfig(info, request.configJson);
        const bool isImport = request.method == "import";

        // Features: a stored set by that name, else kinds built now and stored for reuse.
        std::optional<FeatureSetRecord> featureSet;
        FeatureMatrix features;
        if (!isImport) {
            featureSet = store.findFeatureSet(dataset->id, request.features);
            if (!featureSet) {
                FeatureSpec spec;
                spec.kinds = parseFeatureKinds(request.features);
                spec.dim = request.featureDim;
                spec.seed = request.seed;
                sink.log("info", "building features '" + request.features + "'");
                featureSet = createFeatureSet(store, dataset->id, "", spec);
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
        nlohmann::json runConfig = {{"method", nlohmann::json::parse(config)},
                                    {"features", request.features},
                                    {"collisions", toString(request.collisions)},
                                    {"health_interval", request.healthInterval}};
        if (isImport) runConfig["import"] = {{"path", request.importPath},
                                             {"id_kind", request.importKind == ImportedIdKind::RawId ? "raw" : "index"}};
        spec.configJson = runConfig.dump();
        spec.seed = request.seed;
        spec.dataHash = dataset->dataHash;
        spec.device = request.device;
        result.runId = store.createRun(spec);

        writer = std::make_unique<SqliteMetricsWriter>(paths.database);
        fan = std::make_unique<FanOutSink>(std::vector<ProgressSink*>{writer.get(), &sink});
        fan->runStarted(result.runId);
        spdlog::info("Run {}: {} on '{}' ({} features)", result.runId, info.id, dataset->name, result.featureSet);

        SemanticIds raw;
        FeatureMatrix lastDistances;
        std::unique_ptr<Tokenizer> tokenizer;
        if (isImport) {
            const Dataset data = store.loadDataset(dataset->id);
            raw = importSemanticIds(request.importPath, data, request.importKind, 0, &result.codebookSize);
        } else {
            tokenizer = createTokenizer(info.id, config);
            result.codebookSize = tokenizer->codebookSize();
        }
        HealthReporter health(result.runId, result.codebookSize, request.collapse, *fan);
        if (tokenizer) {
            FitContext context;
            context.seed = request.seed;
            context.device = request.device;
            context.cancel = cancel;
            context.healthInterval = request.healthInterval;
            const auto fitStart = Clock::now();
            context.progress = [&](double fraction, const std::string& phase) {
                const double elapsed = std::chrono::duration<double>(Clock::now() - fitStart).count();
                ProgressUpdate u;
                u.runId = result.runId;
                u.phase = phase;
                u.fraction = fraction;
                u.elapsedSeconds = elapsed;
                u.etaSeconds = fraction > 0.01 ? elapsed * (1.0 - fraction) / fraction : -1.0;
                fan->progress(u);
            };
            context.metrics = [&](int64_t step, int64_t epoch, const std::map<std::string, double>& values) {
                std::vector<MetricPoint> points;
                const double now = unixTimeNow();
                for (const auto& [name, value] : values) points.push_back({result.runId, step, epoch, "train", name, value, now});
                fan->metrics(points);
            };
            context.health = [&](int64_t step, const SemanticIds& codes, double error) { health.report(step, codes, error); };
            tokenizer->fit(features, context);
            throwIfCancelled(cancel);
            raw = tokenizer->encode(features);
            lastDistances = tokenizer->lastLevelDistances(features);
        }
        health.report(std::numeric_limits<int32_t>::max(), raw, health.lastError());

        const CollisionStats before = collisionStats(raw);
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

        writer->flush();  // the store's writer thread and this connection take turns on the write lock
        store.saveSemanticIds(result.runId, ids.toRows());
        if (tokenizer) {
            const auto dir = std::filesystem::path(paths.artifacts) / ("run-" + std::to_string(result.runId)) / "tokenizer";
            tokenizer->save(dir.string());
            addArtifact(*fan, paths, result.runId, "tokenizer-weights", dir / "weights.safetensors");
            addArtifact(*fan, paths, result.runId, "tokenizer-config", dir / "config.json");
        }
        result.status = RunStatus::Completed;
    } catch (const CancelledError&) {
        result.status = RunStatus::Cancelled;
        result.message = "cancelled by the user";
    } catch (const std::exception& e) {
        result.status = RunStatus::Failed;
        result.message = e.what();
        spdlog::error("Tokenizer run {} failed: {}", result.runId, e.what());
    }
    result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    if (result.runId > 0) {
        if (fan) fan->finished(result.runId, result.status, toJson(result), result.message);
        else sink.finished(result.runId, result.status, toJson(result), result.message);
    }
    if (writer) {
        writer->flush();
        if (!writer->lastError().empty()) spdlog::error("Run {}: store writes failed: {}", result.runId, writer->lastError());
    }
    if (result.runId > 0 && !fan) {
        // The run row exists but the writer never started: record the outcome directly.
        try {
            ExperimentStore store(projectPaths(request.projectDir).database);
            store.finishRun(result.runId, result.status, toJson(result), result.message);
        } catch (const std::exception& e) {
            spdlog::error("Run {}: cannot record its outcome: {}", result.runId, e.what());
        }
    }
    return result;
}

}  // namespace tokenbench::core
