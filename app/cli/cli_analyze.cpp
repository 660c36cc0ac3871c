// `analyze ids`: which properties of a project's semantic IDs go with the NDCG@10 of the models
// trained on them (Spearman rank correlation over tokenizer runs).

#include <cmath>
#include <cstdio>

#include "cli_context.h"
#include "tokenbench/training/id_quality_report.h"

namespace tokenbench::cli {

namespace {

struct AnalyzeArgs {
    std::string project;
    core::IdQualityOptions options;
    bool json = false;
};

/// The metrics the table shows as columns: the headline figures, not every level and depth.
bool inTable(const std::string& metric) {
    return metric == "perplexity/l0" || metric == "utilization/l0" || metric == "collision_rate" ||
           metric == "reconstruction_error" || metric == "attribute_purity" || metric == "cooccurrence_purity";
}

std::string cell(double value) {
    if (!std::isfinite(value)) return "-";
    char text[32];
    std::snprintf(text, sizeof text, "%.4g", value);
    return text;
}

void printText(const core::IdQualityReport& report) {
    if (report.runs.empty()) {
        std::printf("no completed tokenizer run has completed model runs with a test NDCG@10\n");
        return;
    }
    std::printf("%-6s %-16s", "run", "method");
    for (const auto& [name, value] : report.runs.front().metrics)
        if (inTable(name)) std::printf(" %14s", name.c_str());
    std::printf(" %10s %s\n", "ndcg@10", "models");
    for (const core::IdQualityRow& row : report.runs) {
        std::printf("%-6lld %-16s", static_cast<long long>(row.runId), row.method.c_str());
        for (const auto& [name, value] : report.runs.front().metrics) {
            if (!inTable(name)) continue;
            double own = std::nan("");
            for (const auto& [key, v] : row.metrics)
                if (key == name) own = v;
            std::printf(" %14s", cell(own).c_str());
        }
        std::printf(" %10s %zu\n", cell(row.ndcg10).c_str(), row.modelRuns.size());
    }
    std::printf("\nSpearman correlation with NDCG@10 (over tokenizer runs):\n");
    for (const core::MetricCorrelation& c : report.correlations) {
        if (c.correlation.spearman)
            std::printf("  %-26s %+.3f  (n = %lld)\n", c.metric.c_str(), *c.correlation.spearman,
                        static_cast<long long>(c.correlation.n));
        else
            std::printf("  %-26s   -     (n = %lld; %s)\n", c.metric.c_str(), static_cast<long long>(c.correlation.n),
                        c.correlation.note.c_str());
    }
}

}  // namespace

void addAnalyzeCommands(CLI::App& app, CliContext& ctx) {
    static AnalyzeArgs args;
    auto* group = addCommandGroup(app, "analyze", "Analyses across the runs of a project");
    auto* ids = group->add_subcommand(
        "ids", "Which ID properties predict downstream quality: each tokenizer metric against the NDCG@10 of "
               "the models trained on those IDs, with Spearman correlations");
    addProjectOption(*ids, args.project);
    ids->add_option("--model", args.options.model, "Only model runs of this model id (e.g. tiger); default every model");
    ids->add_option("--dataset", args.options.dataset, "Only runs on this data set");
    addJsonFlag(*ids, args.json);
    setAction(*ids, ctx, [] {
        auto store = openExistingProject(args.project);
        const core::IdQualityReport report = core::analyzeIdQuality(*store, args.options);
        if (args.json) printJson(nlohmann::json::parse(core::toJson(report)));
        else printText(report);
        return kExitOk;
    });
}

}  // namespace tokenbench::cli
