#include "hierarchy/hierarchy_data.h"

#include <exception>

#include "tokenbench/storage/experiment_store.h"

namespace tokenbench::ui {

HierarchyLoad loadHierarchy(const std::string& dbPath, int64_t runId, const std::string& purityField) {
    HierarchyLoad load;
    load.runId = runId;
    try {
        core::ExperimentStore store(dbPath, core::ExperimentStore::Access::ReadOnly);
        const auto run = store.findRun(runId);
        if (!run) throw std::invalid_argument("there is no run #" + std::to_string(runId));
        if (run->kind != core::RunKind::Tokenizer) throw std::invalid_argument("run #" + std::to_string(runId) + " is not a tokenizer run");
        const auto rows = store.semanticIds(runId);
        if (rows.empty()) {
            throw std::invalid_argument("run #" + std::to_string(runId) + " has no semantic IDs (status " +
                                        core::toString(run->status) + ")");
        }
        auto data = std::make_shared<HierarchyData>();
        data->runId = runId;
        data->dataset = store.loadDataset(run->datasetId);
        if (data->dataset.items.size() != rows.size()) {
            throw std::invalid_argument("run #" + std::to_string(runId) + " has " + std::to_string(rows.size()) +
                                        " IDs for " + std::to_string(data->dataset.items.size()) + " items");
        }
        // The tree refers to data->dataset, which stays at this address inside the shared object.
        data->tree = std::make_unique<core::TokenHierarchy>(core::SemanticIds::fromRows(rows), data->dataset, purityField);
        for (int32_t depth = 1; depth <= data->tree->levels(); ++depth)
            data->purityByLevel.push_back({data->tree->meanPurity(depth), data->tree->chancePurity(depth)});
        load.data = std::move(data);
    } catch (const std::exception& error) {
        load.error = QString::fromStdString(error.what());
    } catch (...) {
        load.error = QStringLiteral("unknown error");
    }
    return load;
}

}  // namespace tokenbench::ui
