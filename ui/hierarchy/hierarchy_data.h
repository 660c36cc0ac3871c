#pragma once
/// A tokenizer run's token hierarchy together with the data set it describes, built off the UI
/// thread and then only read.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <QString>

#include "tokenbench/data/dataset.h"
#include "tokenbench/tokenizers/token_hierarchy.h"

namespace tokenbench::ui {

/// Owns the data set the hierarchy refers to (TokenHierarchy keeps a reference), so both live and
/// die together. Immutable after loading; const queries from the UI thread.
struct HierarchyData final {
    /// Mean purity of one level's nodes and what a random deal of items into them gives.
    struct LevelPurity final {
        double mean = 0.0;
        double chance = 0.0;
    };

    int64_t runId = 0;
    core::Dataset dataset;
    std::unique_ptr<core::TokenHierarchy> tree;
    std::vector<LevelPurity> purityByLevel;  ///< index 0: level 1
};

/// Result of loading: data or an error message.
struct HierarchyLoad final {
    int64_t runId = 0;
    std::shared_ptr<const HierarchyData> data;
    QString error;
};

/// Reads the run's semantic IDs and its data set through a read-only store of its own, builds the
/// hierarchy (`purityField` as TokenHierarchy takes it) and its purity by level. Never throws.
/// Worker thread.
[[nodiscard]] HierarchyLoad loadHierarchy(const std::string& dbPath, int64_t runId, const std::string& purityField = {});

}  // namespace tokenbench::ui
