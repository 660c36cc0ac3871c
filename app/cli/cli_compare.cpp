// `compare`: two model runs, or two groups of seeded runs, user by user on the same split, with a
// paired t-test, a paired bootstrap and the effect size.

#include <cstdio>
#include <iostream>

#include "cli_context.h"
#include "tokenbench/training/run_comparison.h"

namespace tokenbench::cli {

namespace {

struct CompareArgs {
    std::string project;
    std::vector<std::string> runs;
    std::vector<int64_t> groups;
    std::string metric = "ndcg@10";
    std::string split = "test";
    int64_t bootstrap = 10000;
    bool json = false;
};

/// "12" or "12+13+14" (a side of several runs, averaged user by user).
std::vector<int64_t> parseSide(const std::string& text) {
    std::vector<int64_t> ids;
    size_t begin = 0;
    while (begin <= text.size()) {
        const size_t end = std::min(text.find('+', begin), text.size());
        const std::string part = text.substr(begin, end - begin);
        try {
            size_t used = 0;
            const long long id = std::stoll(part, &used);
            if (used != part.size() || id <= 0) throw std::invalid_argument(part);
            ids.push_back(id);
        } catch (const std::exception&) {
            throw UserError("--runs: '" + text + "' is not a run id or ids joined by '+' (e.g. 4 or 4+5+6)");
        }
        begin = end + 1;
    }
    return ids;
}

std::vector<int64_t> groupRuns(core::ExperimentStore& store, int64_t groupId) {
    if (!store.findRunGroup(groupId)) throw UserError("no run group with id " + std::to_string(groupId));
    auto runs = store.groupRuns(groupId);
    std::vector<int64_t> completed;
    for (const int64_t id : runs) {
        const auto run = store.findRun(id);
        if (run && run->status == core::RunStatus::Completed) completed.push_back(id);
    }
    if (completed.empty()) throw UserError("run group " + std::to_string(groupId) + " has no completed run");
    return completed;
}

void printText(const core::RunComparison& c) {
    const auto side = [&](const char* name, const core::ComparedSide& s) {
        std::printf("%s: runs", name);
        for (const int64_t id : s.runs) std::printf(" %lld", static_cast<long long>(id));
        std::printf("  %s %.4f", c.metric.c_str(), s.overRuns.mean);
        if (s.overRuns.n > 1) std::printf(" ± %.4f (95%% CI over %lld runs)", s.overRuns.ci95,
                                          static_cast<long long>(s.overRuns.n));
        std::printf("\n");
    };
    side("A", c.a);
    side("B", c.b);
    const auto& p = c.paired;
    std::printf("B - A over %lld users: %+.4f (95%% CI %+.4f .. %+.4f)\n", static_cast<long long>(p.n),
                p.meanDifference, p.differenceLow, p.differenceHigh);
    std::printf("paired t-test: t = %.3f, p = %.3g; paired bootstrap (%lld samples): p = %.3g; effect size d_z = %.3f\n",
                p.tStatistic, p.pValue, static_cast<long long>(p.bootstrapSamples), p.bootstrapPValue, p.effectSize);
}

}  // namespace

void addCompareCommand(CLI::App& app, CliContext& ctx) {
    static CompareArgs args;
    auto* cmd = app.add_subcommand(
        "compare", "Paired significance test of two model runs (or groups of seeds) over the users of one split");
    addProjectOption(*cmd, args.project);
    auto* runs = cmd->add_option("--runs", args.runs,
                                 "Two sides A,B: run ids, or several joined by '+' to average seeds (4+5+6,7+8+9)")
                     ->delimiter(',')
                     ->expected(2);
    auto* groups =
        cmd->add_option("--groups", args.groups, "Two run groups A,B (e.g. from train --repeats): their completed runs")
            ->delimiter(',')
            ->expected(2);
    runs->excludes(groups);
    cmd->add_option("--metric", args.metric, "Per-user metric: ndcg@K, recall@K or mrr");
    cmd->add_option("--split", args.split, "test or valid")->check(CLI::IsMember({"valid", "test"}));
    cmd->add_option("--bootstrap", args.bootstrap, "Bootstrap resamples (0: none)")->check(CLI::Range(0, 1000000));
    addJsonFlag(*cmd, args.json);
    setAction(*cmd, ctx, [] {
        std::vector<int64_t> a;
        std::vector<int64_t> b;
        {
            auto store = openExistingProject(args.project);
            if (!args.groups.empty()) {
                a = groupRuns(*store, args.groups[0]);
                b = groupRuns(*store, args.groups[1]);
            } else if (!args.runs.empty()) {
                a = parseSide(args.runs[0]);
                b = parseSide(args.runs[1]);
            } else {
                throw UserError("give --runs A,B or --groups A,B");
            }
        }
        const core::RunComparison comparison =
            core::compareRuns(args.project, a, b, args.metric, args.split, args.bootstrap);
        if (args.json) printJson(nlohmann::json::parse(core::toJson(comparison)));
        else printText(comparison);
        return kExitOk;
    });
}

}  // namespace tokenbench::cli
