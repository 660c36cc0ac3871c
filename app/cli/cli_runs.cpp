// `runs list`: the project's runs with config and final figures.

#include <cstdio>
#include <iostream>

#include "cli_context.h"

namespace tokenbench::cli {

namespace {

nlohmann::json runToJson(const core::RunRecord& r) {
    nlohmann::json j = {
        {"id", r.id},
        {"kind", core::toString(r.kind)},
        {"component", r.componentId},
        {"component_version", r.componentVersion},
        {"name", r.name},
        {"dataset", r.datasetName},
        {"dataset_id", r.datasetId},
        {"status", core::toString(r.status)},
        {"seed", r.seed},
        {"device", r.device},
        {"data_hash", r.dataHash},
        {"code_version", r.codeVersion},
        {"created_at", r.createdAt},
        {"started_at", r.startedAt ? nlohmann::json(*r.startedAt) : nlohmann::json()},
        {"finished_at", r.finishedAt ? nlohmann::json(*r.finishedAt) : nlohmann::json()},
        {"config", parseStoredJson(r.configJson)},
        {"summary", parseStoredJson(r.summaryJson)},
        {"message", r.message},
    };
    if (r.featureSetId) j["feature_set_id"] = *r.featureSetId;
    if (r.tokenizerRunId) j["tokenizer_run_id"] = *r.tokenizerRunId;
    return j;
}

void printTable(const std::vector<core::RunRecord>& runs) {
    if (runs.empty()) {
        std::cout << "No runs yet.\n";
        return;
    }
    std::printf("%-5s %-10s %-16s %-20s %-10s %-24s\n", "ID", "KIND", "COMPONENT", "DATASET", "STATUS", "CREATED");
    for (const auto& r : runs) {
        std::printf("%-5lld %-10s %-16s %-20s %-10s %-24s\n", static_cast<long long>(r.id),
                    core::toString(r.kind).c_str(), r.componentId.c_str(), r.datasetName.c_str(),
                    core::toString(r.status).c_str(), r.createdAt.c_str());
    }
}

}  // namespace

void addRunsCommands(CLI::App& app, CliContext& ctx) {
    auto* runs = addCommandGroup(app, "runs", "Inspect the project's runs");
    auto* list = runs->add_subcommand("list", "List runs (creates the project on first use)");
    static std::string project;
    static bool json = false;
    addProjectOption(*list, project);
    addJsonFlag(*list, json);
    setAction(*list, ctx, [] {
        core::ProjectPaths paths;
        auto store = openProject(project, &paths);
        const auto runs = store->listRuns();
        if (json) {
            nlohmann::json out = {{"project", paths.root}, {"runs", nlohmann::json::array()}};
            for (const auto& r : runs) out["runs"].push_back(runToJson(r));
            printJson(out);
        } else {
            printTable(runs);
        }
        return kExitOk;
    });
}

}  // namespace tokenbench::cli
