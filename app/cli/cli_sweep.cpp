// `sweep FILE`: a grid or random search over a model's parameters (see core's sweep.h for the file),
// every trial a run of one group, the best trial printed with its whole config.

#include <cstdio>
#include <iostream>

#include "cli_context.h"
#include "console_sink.h"
#include "tokenbench/experiment/sweep.h"

namespace tokenbench::cli {

namespace {

struct SweepArgs {
    std::string file;
    std::string project;
    bool json = false;
};

void printTrials(const nlohmann::json& result) {
    const std::string metric = result.value("metric", std::string());
    std::printf("%-6s %-6s %-10s %-10s %-10s %s\n", "TRIAL", "RUN", "STATUS", ("valid " + metric).c_str(), "test",
                "PARAMETERS");
    for (const auto& t : result.at("trials")) {
        const auto number = [](const nlohmann::json& v) { return v.is_number() ? v.get<double>() : 0.0; };
        std::printf("%-6d %-6lld %-10s %-10.4f %-10.4f %s\n", t.at("trial").get<int>(),
                    static_cast<long long>(t.at("run_id").get<int64_t>()), t.at("status").get<std::string>().c_str(),
                    number(t.at("valid")), number(t.at("test")), t.at("params").dump().c_str());
    }
    if (result.at("best").is_object()) {
        std::cout << "best: trial " << result.at("best").at("trial") << " (run " << result.at("best").at("run_id")
                  << "), config " << result.at("best").at("config").dump() << "\n";
    }
    if (result.value("skipped", 0) > 0) std::cout << result.at("skipped") << " trials not started: the budget ended\n";
}

}  // namespace

void addSweepCommand(CLI::App& app, CliContext& ctx) {
    static SweepArgs args;
    auto* cmd = app.add_subcommand("sweep", "Search a model's parameters (grid or random, with a budget) from a sweep "
                                            "file; prints every trial and the best");
    cmd->add_option("file", args.file, "Sweep file (.json, format tokenbench-sweep/1)")->required();
    addProjectOption(*cmd, args.project);
    addJsonFlag(*cmd, args.json);
    setAction(*cmd, ctx, [] {
        const core::SweepFile file = core::readSweepFile(args.file);
        (void)openExistingProject(args.project);
        cancelOnInterrupt();
        ConsoleSink console;
        const core::SweepResult result = core::runSweep(args.project, file, console, &interruptFlag());
        const auto out = nlohmann::json::parse(core::toJson(result));
        if (args.json) printJson(out);
        else printTrials(out);
        if (result.status == core::RunStatus::Completed) return kExitOk;
        std::cerr << "error: " << result.message << "\n";
        return kExitUserError;
    });
}

}  // namespace tokenbench::cli
