// Stored figures win over recomputed ones: a run's summary holds what the tokenizer saw before
// collisions were resolved (a "reassign" resolution changes stored last-level codes), and its
// reconstruction error, which the codes alone cannot give.

#include "tokenbench/training/id_quality_report.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "tokenbench/data/split.h"
#include "tokenbench/jobs/feature_job.h"
#include "tokenbench/storage/experiment_store.h"
#include "tokenbench/storage/run_summary.h"

namespace tokenbench::core {

namespace {

using nlohmann::json;

constexpr const char* kNdcg10 = "ndcg@10";

/// A data set with its training interactions, loaded once for all runs on it.
struct LoadedData final {
    Dataset dataset;
    TrainingInteractions interactions;
};

const LoadedData& loadedData(ExperimentStore& store, int64_t datasetId,
                             std::map<int64_t, std::unique_ptr<LoadedData>>& cache) {
    auto& slot = cache[datasetId];
    if (!slot) {
        slot = std::make_unique<LoadedData>();
        slot->dataset = store.loadDataset(datasetId);
        const DataSplit split = makeSplit(slot->dataset, defaultSplitConfig(store, datasetId));
        slot->interactions = trainingInteractions(slot->dataset, split);  // points into slot->dataset
    }
    return *slot;
}

int32_t codebookSizeOf(const TokenizerSummary& summary, const SemanticIds& ids, int32_t levels) {
    if (summary.codebookSize && *summary.codebookSize > 0) return static_cast<int32_t>(*summary.codebookSize);
    int32_t largest = 0;
    for (int64_t i = 0; i < ids.items; ++i)
        for (int32_t l = 0; l < levels; ++l) largest = std::max(largest, ids.at(i, l));
    return largest + 1;
}

void setMetric(std::vector<IdMetric>& metrics, const std::string& name, double value) {
    const auto it = std::find_if(metrics.begin(), metrics.end(), [&](const IdMetric& m) { return m.first == name; });
    if (it != metrics.end()) it->second = value;
}

/// The figures of one tokenizer run: computed from its codes, then overridden by what it stored.
std::vector<IdMetric> runMetrics(ExperimentStore& store, const RunRecord& run, const LoadedData& data) {
    const SemanticIds ids = SemanticIds::fromRows(store.semanticIds(run.id));
    if (ids.items == 0) throw std::invalid_argument("tokenizer run " + std::to_string(run.id) + " has no stored IDs");
    const TokenizerSummary summary = parseTokenizerSummary(run.summaryJson).value_or(TokenizerSummary{});
    IdMetricInputs in;
    in.ids = &ids;
    in.tokenizerLevels = tokenizerLevelCount(run.summaryJson, run.configJson, ids.levels);
    in.codebookSize = codebookSizeOf(summary, ids, in.tokenizerLevels);
    in.dataset = &data.dataset;
    in.interactions = &data.interactions;
    std::vector<IdMetric> metrics = idMetricsFromCodes(in);
    for (size_t l = 0; l < summary.perplexity.size(); ++l) setMetric(metrics, "perplexity/l" + std::to_string(l), summary.perplexity[l]);
    for (size_t l = 0; l < summary.utilization.size(); ++l)
        setMetric(metrics, "utilization/l" + std::to_string(l), summary.utilization[l]);
    if (summary.collisionRate) setMetric(metrics, "collision_rate", *summary.collisionRate);
    const auto collision = std::find_if(metrics.begin(), metrics.end(), [](const IdMetric& m) { return m.first == "collision_rate"; });
    const double error = summary.reconstructionError.value_or(std::numeric_limits<double>::quiet_NaN());
    metrics.insert(collision + 1, {"reconstruction_error", error});
    return metrics;
}

nlohmann::ordered_json number(double value) { return std::isfinite(value) ? nlohmann::ordered_json(value) : nlohmann::ordered_json(); }

}  // namespace

IdQualityReport analyzeIdQuality(ExperimentStore& store, const IdQualityOptions& options) {
    IdQualityReport report;
    report.options = options;
    std::optional<int64_t> datasetId;
    if (!options.dataset.empty()) {
        const auto dataset = store.findDataset(options.dataset);
        if (!dataset) throw std::invalid_argument("no data set named '" + options.dataset + "'");
        datasetId = dataset->id;
    }
    const std::vector<RunRecord> runs = store.listRuns();
    // Completed model runs with a test NDCG@10, by the tokenizer run whose IDs they trained on.
    std::map<int64_t, std::vector<std::pair<const RunRecord*, double>>> models;
    for (const RunRecord& run : runs) {
        if (run.kind != RunKind::Model || run.status != RunStatus::Completed || !run.tokenizerRunId) continue;
        if (!options.model.empty() && run.componentId != options.model) continue;
        const auto summary = parseTrainSummary(run.summaryJson);
        const double ndcg = summary ? summary->test.value(kNdcg10) : std::numeric_limits<double>::quiet_NaN();
        if (std::isfinite(ndcg)) models[*run.tokenizerRunId].emplace_back(&run, ndcg);
    }
    std::map<int64_t, std::unique_ptr<LoadedData>> cache;
    for (const RunRecord& run : runs) {
        if (run.kind != RunKind::Tokenizer || run.status != RunStatus::Completed) continue;
        if (datasetId && run.datasetId != *datasetId) continue;
        const auto trained = models.find(run.id);
        if (trained == models.end()) continue;
        IdQualityRow row;
        row.runId = run.id;
        row.method = run.componentId;
        row.name = run.name;
        row.dataset = run.datasetName;
        row.metrics = runMetrics(store, run, loadedData(store, run.datasetId, cache));
        std::map<std::string, std::pair<double, int>> byModel;
        double sum = 0.0;
        for (const auto& [model, ndcg] : trained->second) {
            row.modelRuns.emplace_back(model->id, model->componentId);
            row.modelNdcg.push_back(ndcg);
            sum += ndcg;
            auto& [modelSum, count] = byModel[model->componentId];
            modelSum += ndcg;
            ++count;
        }
        row.ndcg10 = sum / static_cast<double>(trained->second.size());
        for (const auto& [model, totals] : byModel) row.ndcgByModel[model] = totals.first / totals.second;
        report.runs.push_back(std::move(row));
    }
    std::sort(report.runs.begin(), report.runs.end(), [](const IdQualityRow& a, const IdQualityRow& b) { return a.runId < b.runId; });
    report.correlations = correlateWithNdcg(report.runs);
    return report;
}

std::string toJson(const IdQualityReport& report) {
    nlohmann::ordered_json out;
    out["tokenizer_runs"] = nlohmann::ordered_json::array();
    for (const IdQualityRow& row : report.runs) {
        nlohmann::ordered_json r;
        r["run_id"] = row.runId;
        r["method"] = row.method;
        r["name"] = row.name;
        r["dataset"] = row.dataset;
        for (const auto& [name, value] : row.metrics) r[name] = number(value);
        r[kNdcg10] = number(row.ndcg10);
        r["ndcg@10_by_model"] = nlohmann::ordered_json::object();
        for (const auto& [model, value] : row.ndcgByModel) r["ndcg@10_by_model"][model] = number(value);
        r["model_runs"] = nlohmann::ordered_json::array();
        for (size_t k = 0; k < row.modelRuns.size(); ++k)
            r["model_runs"].push_back(
                {{"run_id", row.modelRuns[k].first}, {"model", row.modelRuns[k].second}, {kNdcg10, number(row.modelNdcg[k])}});
        out["tokenizer_runs"].push_back(std::move(r));
    }
    out["correlations"] = nlohmann::ordered_json::object();
    for (const MetricCorrelation& c : report.correlations) {
        nlohmann::ordered_json entry;
        entry["spearman"] = c.correlation.spearman ? nlohmann::ordered_json(*c.correlation.spearman) : nlohmann::ordered_json();
        entry["n"] = c.correlation.n;
        if (!c.correlation.note.empty()) entry["note"] = c.correlation.note;
        out["correlations"][c.metric] = std::move(entry);
    }
    if (!report.options.model.empty()) out["model"] = report.options.model;
    if (!report.options.dataset.empty()) out["dataset"] = report.options.dataset;
    return out.dump();
}

}  // namespace tokenbench::core
