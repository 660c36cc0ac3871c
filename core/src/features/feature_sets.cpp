#include "tokenbench/features/feature_sets.h"

#include <stdexcept>

#include <spdlog/spdlog.h>

#include "tokenbench/storage/experiment_store.h"

namespace tokenbench::core {

std::vector<std::string> parseFeatureKinds(const std::string& text) {
    std::vector<std::string> kinds;
    std::string current;
    for (char c : text + ",") {
        if (c == ',' || c == '+') {
            if (!current.empty()) kinds.push_back(current);
            current.clear();
        } else if (c != ' ') {
            current.push_back(c);
        }
    }
    if (kinds.empty()) throw std::invalid_argument("no feature kind given");
    return kinds;
}

SplitConfig defaultSplitConfig(ExperimentStore& store, int64_t datasetId) {
    const auto splits = store.listSplits(datasetId);
    return splits.empty() ? SplitConfig{} : splitConfigFromJson(splits.front().configJson);
}

FeatureSetRecord createFeatureSet(ExperimentStore& store, int64_t datasetId, std::string name, const FeatureSpec& spec,
                                  const FeatureProgress& progress) {
    std::string kind;
    for (const auto& k : spec.kinds) kind += (kind.empty() ? "" : "+") + k;
    if (name.empty()) name = kind;
    if (store.findFeatureSet(datasetId, name))
        throw std::invalid_argument("a feature set named '" + name + "' already exists for this data set (choose another --name)");
    const Dataset dataset = store.loadDataset(datasetId);
    const DataSplit split = makeSplit(dataset, defaultSplitConfig(store, datasetId));
    const FeatureMatrix matrix = buildFeatures(dataset, split, spec, progress);
    store.saveFeatureSet(datasetId, name, kind, matrix, toJson(spec));
    spdlog::info("Feature set '{}' ({}): {} x {}", name, kind, matrix.rows, matrix.dim);
    return *store.findFeatureSet(datasetId, name);
}

}  // namespace tokenbench::core
