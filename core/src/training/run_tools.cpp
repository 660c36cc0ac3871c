// What can be done with a finished model run: evaluate it again, look at its attention, export it,
// take its item embeddings.
#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "tokenbench/eval/metric_keys.h"
#include "tokenbench/io/safetensors.h"
#include "tokenbench/storage/experiment_store.h"
#include "tokenbench/training/run_tools.h"
#include "training/model_evaluation.h"
#include "training/model_run.h"

namespace tokenbench::core {

using nlohmann::json;

EvalReport evaluateRun(const std::string& projectDir, int64_t runId, const std::string& phase, const EvalOptions& options,
                       std::map<std::string, double>* evalStats) {
    if (phase != "valid" && phase != "test")
        throw std::invalid_argument("unknown split '" + phase + "' (expected valid or test)");
    RestoredRun restored = restoreModelRun(projectDir, runId);
    const TrainingInputs& in = *restored.inputs;
    return evaluateModel(*restored.model, in.dataset, in.split, phase == "valid" ? EvalPhase::Valid : EvalPhase::Test,
                         options, nullptr, {}, evalStats);
}

ExactComparison compareWithExactRanking(const std::string& projectDir, int64_t runId, const std::string& phase,
                                        const EvalOptions& options, int64_t sampleUsers) {
    if (phase != "valid" && phase != "test")
        throw std::invalid_argument("unknown split '" + phase + "' (expected valid or test)");
    if (sampleUsers < 0) throw std::invalid_argument("the number of exact-ranking users must not be negative");
    RestoredRun restored = restoreModelRun(projectDir, runId);
    const TrainingInputs& in = *restored.inputs;
    if (!restored.model->scoresExactly())
        throw std::invalid_argument("run " + std::to_string(runId) + " (" + restored.model->id() +
                                    ") has no exact ranking: only generative models over semantic IDs have one");
    const EvalPhase evalPhase = phase == "valid" ? EvalPhase::Valid : EvalPhase::Test;
    using Clock = std::chrono::steady_clock;
    ExactComparison out;
    auto start = Clock::now();
    out.beam = evaluateModel(*restored.model, in.dataset, in.split, evalPhase, options, nullptr, {}, &out.beamStats,
                             EvalSelection{false, sampleUsers});
    out.beamSeconds = std::chrono::duration<double>(Clock::now() - start).count();
    start = Clock::now();
    out.exact = evaluateModel(*restored.model, in.dataset, in.split, evalPhase, options, nullptr, {}, nullptr,
                              EvalSelection{true, sampleUsers});
    out.exactSeconds = std::chrono::duration<double>(Clock::now() - start).count();
    out.users = out.exact.all.targets;

    std::vector<MetricPoint> points;
    const double now = unixTimeNow();
    const auto add = [&](const std::string& name, double value) {
        points.push_back({runId, 0, restored.bestEpoch, phase, name, value, now});
    };
    for (const auto& [name, value] : out.exact.all.values) add(metric_name::kExactPrefix + name, value);
    for (const auto& [name, value] : out.beam.all.values) add(metric_name::kExactBeamPrefix + name, value);
    add(std::string(metric_name::kExactPrefix) + "users", static_cast<double>(out.users));
    ExperimentStore store(projectPaths(projectDir).database);
    store.appendMetrics(points);
    return out;
}

std::vector<AttentionMap> computeAttention(const std::string& projectDir, int64_t runId, const std::string& userRawId) {
    RestoredRun restored = restoreModelRun(projectDir, runId);
    const TrainingInputs& in = *restored.inputs;
    int64_t user = -1;
    if (!userRawId.empty() && userRawId[0] == '#') {
        try {
            user = std::stoll(userRawId.substr(1));
        } catch (const std::exception&) {
            throw std::invalid_argument("user '" + userRawId + "': expected #N with a number N");
        }
        if (user < 0 || user >= static_cast<int64_t>(in.dataset.users.size()))
            throw std::invalid_argument("user index " + std::to_string(user) + " is outside 0.." +
                                        std::to_string(in.dataset.users.size() - 1));
    } else {
        for (size_t u = 0; u < in.dataset.users.size() && user < 0; ++u)
            if (in.dataset.users[u].rawId == userRawId) user = static_cast<int64_t>(u);
        if (user < 0)
            throw std::invalid_argument("no user '" + userRawId + "' in data set '" + in.datasetRecord.name +
                                        "' (give a raw user id, or #N for the N-th user)");
    }
    // The history the test target is predicted from: everything before it.
    const auto& items = in.dataset.users[static_cast<size_t>(user)].items;
    const int32_t stop = std::min<int32_t>(in.split.users[static_cast<size_t>(user)].validEnd, static_cast<int32_t>(items.size()));
    const std::vector<int32_t> history(items.begin(), items.begin() + stop);
    std::vector<AttentionMap> maps = restored.model->attention(history);
    ExperimentStore store(projectPaths(projectDir).database);
    for (AttentionMap& map : maps) {
        map.runId = runId;
        map.userIdx = user;
        store.saveAttentionMap(map);
    }
    return maps;
}

std::vector<AttentionMap> computeAttentionForItems(const std::string& projectDir, int64_t runId,
                                                  const std::vector<std::string>& itemRawIds) {
    RestoredRun restored = restoreModelRun(projectDir, runId);
    const TrainingInputs& in = *restored.inputs;
    if (itemRawIds.empty()) throw std::invalid_argument("the history is empty: give at least one item id");
    std::unordered_map<std::string, int32_t> index;
    for (size_t i = 0; i < in.dataset.items.size(); ++i) index.emplace(in.dataset.items[i].rawId, static_cast<int32_t>(i));
    std::vector<int32_t> history;
    for (const std::string& raw : itemRawIds) {
        const auto found = index.find(raw);
        if (found == index.end())
            throw std::invalid_argument("no item '" + raw + "' in data set '" + in.datasetRecord.name + "'");
        history.push_back(found->second);
    }
    std::vector<AttentionMap> maps = restored.model->attention(history);
    for (AttentionMap& map : maps) {
        map.runId = runId;
        map.userIdx = -1;
    }
    return maps;
}

std::vector<std::string> exportModelRun(const std::string& projectDir, int64_t runId, const std::string& outDir) {
    RestoredRun restored = restoreModelRun(projectDir, runId);
    const TrainingInputs& in = *restored.inputs;
    std::filesystem::create_directories(outDir);
    const std::filesystem::path root(outDir);
    restored.model->exportModel(outDir);
    std::vector<std::string> files = {(root / "weights.safetensors").string(), (root / "config.json").string()};

    // The ids a Python user needs to read the model's outputs.
    json items = json::array();
    for (const ItemInfo& item : in.dataset.items) items.push_back(item.rawId);
    json index = {{"items", items},
                  {"note", "dense item index i (row i+1 of id-based embedding tables) -> raw item id"},
                  {"run_id", runId},
                  {"dataset", in.datasetRecord.name},
                  {"data_hash", restored.run.dataHash},
                  {"best_epoch", restored.bestEpoch},
                  {"summary", json::parse(restored.run.summaryJson.empty() ? "{}" : restored.run.summaryJson)}};
    files.push_back((root / "items.json").string());
    writeTextFileAtomically(files.back(), index.dump() + "\n");
    if (in.semanticIds) {
        json ids = json::object();
        for (int64_t i = 0; i < in.semanticIds->items; ++i) {
            const int32_t* row = in.semanticIds->row(i);
            ids[in.dataset.items[static_cast<size_t>(i)].rawId] = std::vector<int32_t>(row, row + in.semanticIds->levels);
        }
        files.push_back((root / "semantic_ids.json").string());
        writeTextFileAtomically(files.back(), ids.dump() + "\n");
    }
    return files;
}

FeatureMatrix modelRunItemEmbeddings(const std::string& projectDir, int64_t runId, int64_t datasetId) {
    const std::string what = "model-embeddings: run " + std::to_string(runId);
    {
        // The cheap checks first, from the record alone.
        ExperimentStore store(projectPaths(projectDir).database, ExperimentStore::Access::ReadOnly);
        const auto run = store.findRun(runId);
        if (!run)
            throw std::invalid_argument("model-embeddings: no run with id " + std::to_string(runId) +
                                        " (`runs list` shows them)");
        if (run->kind != RunKind::Model)
            throw std::invalid_argument(what + " is a tokenizer run; give a model run (sasrec, bert4rec)");
        if (run->datasetId != datasetId) {
            std::string wanted = "id " + std::to_string(datasetId);
            for (const DatasetRecord& record : store.listDatasets())
                if (record.id == datasetId) wanted = "'" + record.name + "'";
            throw std::invalid_argument(what + " was trained on data set '" + run->datasetName + "', not " + wanted);
        }
    }
    RestoredRun restored = restoreModelRun(projectDir, runId);
    FeatureMatrix table = restored.model->itemEmbeddings();
    if (table.rows == 0)
        throw std::invalid_argument(what + " is a '" + restored.run.componentId +
                                    "' model, which has no item embedding table (use a sasrec or bert4rec run)");
    if (table.rows != static_cast<int64_t>(restored.inputs->dataset.items.size()))
        throw std::logic_error(what + ": " + std::to_string(table.rows) + " embedding rows for " +
                               std::to_string(restored.inputs->dataset.items.size()) + " items");
    return table;
}

}  // namespace tokenbench::core
