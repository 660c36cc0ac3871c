// `bench`: trains each model on the synthetic set and, when its files are present, Amazon Beauty;
// prints quality (full-ranking test metrics) and seconds per epoch. Quality and speed targets live
// here, not in unit tests.

#include <cstdlib>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <set>
#include <sstream>

#include "bench_presets.h"
#include "cli_context.h"
#include "console_sink.h"
#include "tokenbench/experiment/experiment_file.h"
#include "tokenbench/runtime.h"

namespace tokenbench::cli {

namespace {

struct BenchArgs {
    std::string dataDir;
    std::string project = "tokenbench-bench";
    std::vector<std::string> datasets = {"synthetic", "beauty"};
    std::vector<std::string> models;
    core::ExperimentOptions options;
    bool json = false;
};

std::string fixed(double value, int digits) {
    std::ostringstream out;
    out << std::fixed << std::setprecision(digits) << value;
    return out.str();
}

void printTable(const std::string& dataset, const nlohmann::json& summary) {
    std::cout << "\n" << dataset << " (" << summary.at("dataset").at("stats").value("users", 0) << " users, "
              << summary.at("dataset").at("stats").value("items", 0) << " items), full ranking, test split\n";
    std::cout << std::left << std::setw(18) << "model" << std::right << std::setw(8) << "epochs" << std::setw(10)
              << "s/epoch" << std::setw(9) << "eval s" << std::setw(10) << "R@10" << std::setw(10) << "N@10"
              << std::setw(10) << "R@20" << std::setw(12) << "cold N@10" << std::setw(10) << "invalid" << "\n";
    for (const auto& m : summary.at("models")) {
        const auto test = m.value("test", nlohmann::json::object());
        const auto cold = m.value("test_cold", nlohmann::json::object());
        std::cout << std::left << std::setw(18) << m.value("name", std::string()) << std::right << std::setw(8)
                  << m.value("epochs", 0) << std::setw(10) << fixed(m.value("seconds_per_epoch", 0.0), 2) << std::setw(9)
                  << fixed(m.value("eval_seconds", 0.0), 2) << std::setw(10) << fixed(test.value("recall@10", 0.0), 4)
                  << std::setw(10) << fixed(test.value("ndcg@10", 0.0), 4) << std::setw(10)
                  << fixed(test.value("recall@20", 0.0), 4) << std::setw(12) << fixed(cold.value("ndcg@10", 0.0), 4)
                  << std::setw(10) << (m.contains("invalid_id_rate") ? fixed(m.at("invalid_id_rate").get<double>(), 4) : "-")
                  << "\n";
    }
}

}  // namespace

void addBenchCommand(CLI::App& app, CliContext& ctx) {
    static BenchArgs args;
    auto* cmd = app.add_subcommand("bench", "Benchmark every model: quality and seconds per epoch (synthetic; Beauty when present)");
    cmd->add_option("--data-dir", args.dataDir,
                    "Folder holding amazon-beauty/ (default: $TOKENBENCH_DATA, else ../shared/data)");
    cmd->add_option("--project", args.project, "Scratch project folder (data sets and tokenizers are reused across runs)");
    cmd->add_option("--datasets", args.datasets, "synthetic, beauty")->delimiter(',');
    cmd->add_option("--models", args.models, "Only these model names of the presets (e.g. sasrec-reference,tiger)")
        ->delimiter(',');
    cmd->add_option("--epochs", args.options.epochs, "Override every model's epochs")->check(CLI::NonNegativeNumber);
    cmd->add_option("--max-minutes", args.options.maxMinutes, "Override every model's time budget")
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--device", args.options.device, "auto, cpu, cuda or cuda:N");
    cmd->add_flag("--exclude-history", args.options.excludeHistory,
                  "Rank without each user's history items, for every model (the protocol of RecTools-based "
                  "benchmarks such as eSASRec; off: the papers' protocol)");
    addJsonFlag(*cmd, args.json);
    setAction(*cmd, ctx, [] {
        namespace fs = std::filesystem;
        std::string dataDir = args.dataDir;
        if (dataDir.empty()) {
            const char* env = std::getenv("TOKENBENCH_DATA");
            dataDir = env && *env ? env : "../shared/data";
        }
        args.options.projectDir = args.project;
        args.options.dataDir = dataDir;
        args.options.retrain = true;
        (void)openProject(args.project);
        cancelOnInterrupt();
        const std::set<std::string> wanted(args.datasets.begin(), args.datasets.end());
        const std::set<std::string> onlyModels(args.models.begin(), args.models.end());
        nlohmann::json out = {{"runtime", core::describe(core::runtimeInfo())}, {"results", nlohmann::json::object()}};
        for (const BenchPreset& preset : benchPresets()) {
            if (!wanted.count(preset.dataset)) continue;
            if (!preset.requiredFile.empty() && !fs::exists(fs::path(dataDir) / preset.requiredFile)) {
                std::cerr << preset.dataset << ": skipped, " << (fs::path(dataDir) / preset.requiredFile).string()
                          << " not found (--data-dir)\n";
                out["results"][preset.dataset] = {{"skipped", "data not found in " + dataDir}};
                continue;
            }
            core::ExperimentFile file = core::parseExperiment(preset.json, "bench preset " + preset.dataset);
            if (!onlyModels.empty()) {
                std::vector<core::ExperimentModel> kept;
                for (const auto& m : file.models)
                    if (onlyModels.count(m.name)) kept.push_back(m);
                file.models = kept;
            }
            ConsoleSink console;
            const auto summary = nlohmann::json::parse(core::runExperiment(file, args.options, console, &interruptFlag()));
            out["results"][preset.dataset] = summary;
            if (!args.json) printTable(preset.dataset, summary);
        }
        if (args.json) printJson(out);
        else std::cout << "\n" << out.at("runtime").get<std::string>() << "\n";
        return kExitOk;
    });
}

}  // namespace tokenbench::cli
