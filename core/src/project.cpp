#include "tokenbench/project.h"

#include <filesystem>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "tokenbench/data/synthetic.h"
#include "tokenbench/storage/database.h"
#include "tokenbench/storage/experiment_store.h"
#include "tokenbench/logging.h"

namespace fs = std::filesystem;

namespace tokenbench::core {

ProjectPaths projectPaths(const std::string& dir) {
    const fs::path root = fs::absolute(fs::path(dir)).lexically_normal();
    // "a/b/" normalises to "a/b/" with an empty filename; drop it so names stay clean.
    const fs::path clean = root.has_filename() ? root : root.parent_path();
    return {clean.string(), (clean / "tokenbench.db").string(), (clean / "artifacts").string(),
            (clean / "logs").string()};
}

ProjectPaths ensureProject(const std::string& dir) {
    if (dir.empty()) throw std::runtime_error("no project folder given");
    const ProjectPaths paths = projectPaths(dir);
    std::error_code ec;
    if (fs::exists(paths.root, ec) && !fs::is_directory(paths.root, ec))
        throw std::runtime_error("project path " + paths.root + " exists and is not a folder");
    for (const std::string& folder : {paths.root, paths.artifacts, paths.logs}) {
        fs::create_directories(folder, ec);
        if (ec) throw std::runtime_error("cannot create folder " + folder + ": " + ec.message());
    }
    return paths;
}

int64_t storeSyntheticDataset(ExperimentStore& store, const std::string& name, const SyntheticConfig& config,
                              const SplitConfig* split) {
    SyntheticData data = generateSynthetic(config);
    nlohmann::json configJson = {{"generator", "synthetic"},
                                 {"seed", config.seed},
                                 {"users", config.users},
                                 {"items", config.items},
                                 {"branching", config.branching}};
    if (!split) return store.saveDataset(name, data.dataset, "built-in synthetic generator", "synthetic", configJson.dump());
    const int64_t heldOut = removeNewItemTraining(data.dataset, *split);
    SplitStats stats = computeSplitStats(data.dataset, makeSplit(data.dataset, *split));
    stats.newItemInteractionsRemoved = heldOut;
    configJson["split"] = nlohmann::json::parse(toJson(*split));
    Transaction tx(store.database());
    const int64_t id =
        store.saveDataset(name, data.dataset, "built-in synthetic generator", "synthetic", configJson.dump());
    store.saveSplit(id, toString(split->method), toString(split->method), toJson(*split), toJson(stats));
    tx.commit();
    return id;
}

ProjectPaths ensureDemoProject(const std::string& dir) {
    const ProjectPaths paths = ensureProject(dir);
    ExperimentStore store(paths.database);
    if (store.findDataset(kDemoDatasetName)) return paths;

    const SyntheticConfig config;
    logInfo("Generating the demo data set (" + std::to_string(config.users) + " users, " + std::to_string(config.items) +
            " items) in " + paths.root);
    try {
        (void)storeSyntheticDataset(store, kDemoDatasetName, config);
    } catch (const std::exception&) {
        // Another process may have created it between our check and insert; that is success too.
        if (!store.findDataset(kDemoDatasetName)) throw;
    }
    return paths;
}

}  // namespace tokenbench::core
