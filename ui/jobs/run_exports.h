#pragma once
/// Files made from finished runs: semantic IDs as CSV/JSON and models as safetensors + JSON.

#include <cstdint>
#include <string>

#include "jobs/job.h"

namespace tokenbench::ui {

/// Writes tokenizer run `runId`'s semantic IDs to `path`: `.csv` gives "item,c1,c2,..." rows, `.json`
/// an object {raw item id: [codes]} in item order (the formats `tokenbench-cli export semantic-ids`
/// writes and the `import` tokenizer reads). Opens its own read-only store. Throws
/// std::invalid_argument with a clear message (not a tokenizer run, no IDs, bad suffix) or
/// std::runtime_error on write failure. Returns the number of items written. Worker thread.
int64_t exportSemanticIds(const std::string& dbPath, int64_t runId, const std::string& path);

/// exportSemanticIds as a job body.
[[nodiscard]] Job::Body semanticIdExportJobBody(std::string dbPath, int64_t runId, std::string path);
/// core::exportModelRun (best checkpoint → weights.safetensors, config.json, items.json) as a job body.
[[nodiscard]] Job::Body modelExportJobBody(std::string projectDir, int64_t runId, std::string outDir);

}  // namespace tokenbench::ui
