#include "tokenbench/jobs/import_job.h"

#include <chrono>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "jobs/run_scope.h"
#include "tokenbench/data/dataset_json.h"
#include "tokenbench/storage/database.h"
#include "tokenbench/storage/experiment_store.h"
#include "tokenbench/logging.h"

namespace tokenbench::core {

ImportResult importDataset(ExperimentStore& store, const ImportRequest& request) {
    const auto start = std::chrono::steady_clock::now();
    if (request.name.empty()) throw std::invalid_argument("a data set needs a name");
    if (store.findDataset(request.name)) throw std::invalid_argument("a data set named '" + request.name + "' already exists");

    ImportResult result;
    DatasetBuilder builder;
    result.load = load(request.load, builder);
    Dataset dataset = builder.build(request.preprocess, &result.preprocess);
    if (dataset.users.empty())
        throw std::invalid_argument("no interaction is left after preprocessing (" + std::to_string(result.preprocess.rawInteractions) +
                                    " read): relax the rating threshold or the k-core");
    // Joined after preprocessing, so the counts speak of the items that are kept.
    if (!request.itemTable.path.empty()) result.itemTable = joinItemTable(dataset, request.itemTable, request.load.cancel);
    // Held-out (brand-new) items lose their training interactions before anything is stored.
    const int64_t heldOut = removeNewItemTraining(dataset, request.split);
    result.stats = computeStats(dataset);
    const DataSplit split = makeSplit(dataset, request.split);
    result.split = computeSplitStats(dataset, split);
    result.split.newItemInteractionsRemoved = heldOut;

    std::string sources;
    for (const auto& f : result.load.files) sources += (sources.empty() ? "" : ", ") + f;
    nlohmann::json config = {{"format", result.load.format},
                             {"files", result.load.files},
                             {"preprocess", nlohmann::json::parse(toJson(request.preprocess))},
                             {"split", nlohmann::json::parse(toJson(request.split))}};
    if (!request.load.attributesPath.empty()) config["attributes"] = request.load.attributesPath;
    if (!request.load.itemsPath.empty()) config["items"] = request.load.itemsPath;
    if (!request.itemTable.path.empty()) {
        const ItemTableMapping& m = request.itemTable.mapping;
        config["item_table"] = {{"path", request.itemTable.path},
                                {"id_field", m.idField},
                                {"title_field", m.titleField},
                                {"text_fields", m.textFields},
                                {"attribute_fields", m.attributeFields},
                                {"list_separator", std::string(m.listSeparator == '\0' ? 0 : 1, m.listSeparator)}};
    }

    Transaction tx(store.database());
    result.datasetId = store.saveDataset(request.name, dataset, sources, result.load.format, config.dump());
    store.saveSplit(result.datasetId, toString(request.split.method), toString(request.split.method),
                    toJson(request.split), toJson(result.split));
    tx.commit();
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    logInfo("Imported '" + request.name + "': " + std::to_string(result.stats.users) + " users, " +
            std::to_string(result.stats.items) + " items, " + std::to_string(result.stats.interactions) +
            " interactions in " + fixedDecimals(result.seconds, 2) + " s");
    return result;
}

ImportResult runImportJob(const ImportRequest& request, ProgressSink& sink, const std::atomic<bool>* cancel) {
    RunScope scope(request.projectDir, sink);
    ImportResult result;
    const JobEnd end = runGuarded(
        [&] {
            ImportRequest job = request;
            job.load.cancel = cancel;
            job.load.progress = [&sink, &scope](int64_t read, int64_t total) {
                const double fraction = total > 0 ? static_cast<double>(read) / static_cast<double>(total) : 0.0;
                // The last tenth: preprocessing and storing.
                sink.progress(progressAt(scope.startTime(), fraction * 0.9, "reading"));
            };
            result = importDataset(scope.store(), job);
        },
        "Import of '" + request.name + "'");
    result.status = end.status;
    result.message = end.message;
    return result;
}

std::string describe(const ImportResult& r, const std::string& name) {
    return "data set '" + name + "': " + std::to_string(r.stats.users) + " users, " + std::to_string(r.stats.items) +
           " items, " + std::to_string(r.stats.interactions) + " interactions";
}

std::string toJson(const ImportResult& r, const std::string& name) {
    nlohmann::json j = nlohmann::json::parse(statsToJson(r.stats, true));
    j["name"] = name;
    j["dataset_id"] = r.datasetId;
    j["format"] = r.load.format;
    if (!r.load.detectionReason.empty()) j["detection"] = r.load.detectionReason;
    j["files"] = r.load.files;
    j["lines"] = r.load.lines;
    j["preprocess"] = {{"raw_interactions", r.preprocess.rawInteractions},
                       {"dropped_by_rating", r.preprocess.droppedByRating},
                       {"dropped_repeats", r.preprocess.droppedRepeats},
                       {"dropped_by_core", r.preprocess.droppedByCore},
                       {"dropped_by_max_length", r.preprocess.droppedByMaxLength},
                       {"core_iterations", r.preprocess.coreIterations}};
    j["split"] = nlohmann::json::parse(toJson(r.split));
    if (!r.itemTable.path.empty()) {
        const ItemTableReport& t = r.itemTable;
        j["item_table"] = {{"path", t.path},
                           {"layout", t.layout},
                           {"rows", t.rows},
                           {"matched", t.matched},
                           {"unknown_ids", t.unknownIds},
                           {"missing_items", t.missingItems},
                           {"items_with_title", t.itemsWithTitle},
                           {"items_with_attributes", t.itemsWithAttributes},
                           {"unknown_examples", t.unknownExamples},
                           {"missing_examples", t.missingExamples}};
    }
    j["seconds"] = r.seconds;
    return j.dump();
}

}  // namespace tokenbench::core
