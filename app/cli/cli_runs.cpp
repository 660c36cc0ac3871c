// `runs list`: the project's runs with config and final figures; `runs groups`: repeats and sweeps
// with the mean ± 95 % CI of their runs' figures.

#include <cstdio>
#include <iostream>

#include "cli_context.h"
#include "tokenbench/jobs/repeat_job.h"

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
    if (r.groupId) j["group_id"] = *r.groupId;
    return j;
}

/// The figures a group's table line shows, when its runs have them.
constexpr const char* kHeadlineFigures[] = {"ndcg@10", "recall@10", "collision_rate", "reconstruction_error"};

nlohmann::json groupToJson(const core::RunGroupRecord& g, const std::vector<core::RunRecord>& runs) {
    nlohmann::json ids = nlohmann::json::array();
    for (const auto& run : runs) ids.push_back(run.id);
    nlohmann::json mean = nlohmann::json::object();
    nlohmann::json ci95 = nlohmann::json::object();
    int64_t completed = 0;
    for (const auto& [name, interval] : core::summarizeRuns(runs)) {
        mean[name] = interval.mean;
        ci95[name] = interval.ci95;
        completed = std::max(completed, interval.n);
    }
    return {{"id", g.id},     {"kind", g.kind}, {"label", g.label},        {"config", parseStoredJson(g.configJson)},
            {"runs", ids},    {"n", completed}, {"created_at", g.createdAt}, {"mean", mean},
            {"ci95", ci95}};
}

std::vector<core::RunRecord> runsOfGroup(const std::vector<core::RunRecord>& all, int64_t groupId) {
    std::vector<core::RunRecord> out;
    for (const auto& run : all) {
        if (run.groupId == groupId) out.push_back(run);
    }
    return out;
}

void printGroups(const std::vector<core::RunGroupRecord>& groups, const std::vector<core::RunRecord>& all) {
    if (groups.empty()) {
        std::cout << "No run groups yet (train or tokenize with --seeds / --repeats, or run a sweep).\n";
        return;
    }
    for (const auto& g : groups) {
        const auto runs = runsOfGroup(all, g.id);
        std::printf("group %lld (%s) %s: %zu runs", static_cast<long long>(g.id), g.kind.c_str(), g.label.c_str(),
                    runs.size());
        const auto figures = core::summarizeRuns(runs);
        for (const char* name : kHeadlineFigures) {
            const auto it = figures.find(name);
            if (it == figures.end()) continue;
            std::printf("  %s %.4f ± %.4f (n=%lld)", name, it->second.mean, it->second.ci95,
                        static_cast<long long>(it->second.n));
        }
        std::printf("\n");
    }
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

    auto* groups = runs->add_subcommand("groups", "List run groups (repeats, sweeps): mean ± 95 % CI of their figures");
    static std::string groupsProject;
    static bool groupsJson = false;
    addProjectOption(*groups, groupsProject);
    addJsonFlag(*groups, groupsJson);
    setAction(*groups, ctx, [] {
        auto store = openExistingProject(groupsProject);
        const auto all = store->listRuns();
        const auto list = store->listRunGroups();
        if (groupsJson) {
            nlohmann::json out = {{"groups", nlohmann::json::array()}};
            for (const auto& g : list) out["groups"].push_back(groupToJson(g, runsOfGroup(all, g.id)));
            printJson(out);
        } else {
            printGroups(list, all);
        }
        return kExitOk;
    });
}

}  // namespace tokenbench::cli
