#pragma once
/// A project is a folder: `tokenbench.db` (the experiment store), `artifacts/`, `logs/`.

#include <cstdint>
#include <string>

#include "tokenbench/data/split.h"
#include "tokenbench/data/synthetic.h"

namespace tokenbench::core {

class ExperimentStore;

/// Paths of a project folder. Plain value; any thread.
struct ProjectPaths final {
    std::string root;
    std::string database;   ///< root/tokenbench.db
    std::string artifacts;  ///< root/artifacts
    std::string logs;       ///< root/logs
};

/// Paths for a project rooted at `dir` (absolute, normalised). Touches nothing on disk.
[[nodiscard]] ProjectPaths projectPaths(const std::string& dir);

/// Creates the folder layout when missing (first use) and returns its paths. The database itself is
/// created and migrated by ExperimentStore. Throws std::runtime_error naming the folder on failure.
ProjectPaths ensureProject(const std::string& dir);

/// Name the demo data set is stored under in the demo project.
inline constexpr const char* kDemoDatasetName = "demo-synthetic";

/// Generates a synthetic data set and stores it under `name` with its generator config; returns its id.
/// With `split` given, stores that split (held-out items lose their training interactions first);
/// otherwise the data set gets the default leave-one-out split.
int64_t storeSyntheticDataset(ExperimentStore& store, const std::string& name, const SyntheticConfig& config,
                              const SplitConfig* split = nullptr);

/// Makes sure `dir` is a project holding the synthetic demo data set (generated with the default
/// SyntheticConfig on first use). Returns its paths. Called at GUI start-up on a worker or at once
/// (it takes well under a second).
ProjectPaths ensureDemoProject(const std::string& dir);

}  // namespace tokenbench::core
