// `run FILE`: carry out an experiment file (projects/*.json) — data set, features, tokenizers, models.

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "cli_context.h"
#include "console_sink.h"
#include "tokenbench/experiment/experiment_file.h"

namespace tokenbench::cli {

namespace {

struct RunFileArgs {
    std::string file;
    std::string project;
    std::string dataDir;
    core::ExperimentOptions options;
    bool json = false;
};

/// One line per finished model (a repeated one: mean ± 95 % CI) and per comparison, for people; the
/// JSON has everything.
void printModels(const nlohmann::json& summary) {
    std::cout << "project " << summary.value("project", std::string()) << "\n";
    for (const auto& model : summary.at("models")) {
        std::cout << "  " << model.value("name", std::string());
        if (model.contains("mean")) {
            const auto figure = [&](const char* name) {
                const auto& mean = model.at("mean");
                const auto& ci = model.at("ci95");
                std::cout << ", " << name << " " << mean.value(name, 0.0) << " ± " << ci.value(name, 0.0);
            };
            std::cout << " (" << model.value("n", 0) << " seeds, runs " << model.at("run_ids").dump() << "): test";
            figure("recall@10");
            figure("ndcg@10");
        } else {
            const auto& test = model.contains("test") ? model.at("test") : nlohmann::json::object();
            std::cout << " (run " << model.value("run_id", 0) << ")"
                      << ": test recall@10 " << test.value("recall@10", 0.0) << ", ndcg@10 " << test.value("ndcg@10", 0.0)
                      << ", " << model.value("seconds_per_epoch", 0.0) << " s/epoch";
        }
        std::cout << (model.value("reused", false) ? " (already trained)" : "") << "\n";
    }
    for (const auto& c : summary.value("comparisons", nlohmann::json::array())) {
        std::cout << "  " << c.value("b_name", std::string()) << " vs " << c.value("a_name", std::string()) << ": "
                  << c.value("metric", std::string()) << " difference " << c.value("mean_difference", 0.0)
                  << " over " << c.value("users", 0) << " users, paired t-test p = " << c.value("p_value", 1.0)
                  << ", bootstrap p = " << c.value("bootstrap_p_value", 1.0) << ", effect size "
                  << c.value("effect_size", 0.0) << "\n";
    }
}

}  // namespace

void addRunFileCommand(CLI::App& app, CliContext& ctx) {
    static RunFileArgs args;
    auto* cmd = app.add_subcommand("run", "Carry out an experiment file (see projects/): data, features, tokenizers, models");
    cmd->add_option("file", args.file, "Experiment file (.json)")->required();
    cmd->add_option("--project", args.project, "Project folder (default: ./<file name without .json>)");
    cmd->add_option("--data-dir", args.dataDir,
                    "Folder the file's data paths are relative to (default: $TOKENBENCH_DATA, else the file's folder)");
    cmd->add_option("--epochs", args.options.epochs, "Override every model's epochs (0: as in the file)")
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--max-minutes", args.options.maxMinutes, "Override every model's time budget (0: as in the file)")
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--device", args.options.device, "auto, cpu, cuda or cuda:N");
    cmd->add_flag("--retrain", args.options.retrain, "Train models again even when the project has them");
    addJsonFlag(*cmd, args.json);
    setAction(*cmd, ctx, [] {
        const core::ExperimentFile file = core::readExperimentFile(args.file);
        namespace fs = std::filesystem;
        auto& options = args.options;
        options.projectDir = args.project.empty() ? fs::path(args.file).stem().string() : args.project;
        if (!args.dataDir.empty()) options.dataDir = args.dataDir;
        else if (const char* env = std::getenv("TOKENBENCH_DATA"); env && *env) options.dataDir = env;
        else options.dataDir = fs::absolute(args.file).parent_path().string();
        (void)openProject(options.projectDir);  // creates it and attaches its log file
        cancelOnInterrupt();
        ConsoleSink console;
        const auto summary = nlohmann::json::parse(core::runExperiment(file, options, console, &interruptFlag()));
        if (args.json) printJson(summary);
        else printModels(summary);
        return kExitOk;
    });
}

}  // namespace tokenbench::cli
