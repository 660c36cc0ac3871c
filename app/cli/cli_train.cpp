// `train` a recommender, `eval` a finished model run again, show its `attention` for a user, and
// `export model` for Python.

#include <iostream>

#include "cli_context.h"
#include "console_sink.h"
#include "data_parallel_launch.h"
#include "repeat_options.h"
#include "schema_options.h"
#include "tokenbench/models/recommender.h"
#include "tokenbench/jobs/run_settings.h"
#include "tokenbench/jobs/train_job.h"
#include "tokenbench/training/run_tools.h"

namespace tokenbench::cli {

namespace {

struct TrainArgs {
    std::string project;
    core::TrainRequest request;
    std::vector<int32_t> ks = {5, 10, 20};
    bool json = false;
    SchemaOptions options;
    SchemaOptions settings;  ///< run settings (runSettingsSchema)
    RepeatOptions repeat;
    DataParallelOptions parallel;
};

struct EvalArgs {
    std::string project;
    int64_t run = 0;
    std::string split = "test";
    bool excludeHistory = false;
    int32_t coldThreshold = 5;
    std::vector<int32_t> ks = {5, 10, 20};
    bool json = false;
    bool exact = false;
    int64_t exactUsers = 500;
};

struct AttentionArgs {
    std::string project;
    int64_t run = 0;
    std::string user;
    std::vector<std::string> items;
    bool json = false;
};

struct ExportModelArgs {
    std::string project;
    int64_t run = 0;
    std::string out;
};

void addEvalOptions(CLI::App& cmd, std::vector<int32_t>& ks, bool& excludeHistory, int32_t& coldThreshold) {
    cmd.add_option("--ks", ks, "Cut-offs K of Recall@K and NDCG@K")->delimiter(',')->check(CLI::Range(1, 100000));
    cmd.add_flag("--exclude-history", excludeHistory,
                 "Remove the user's history items from the ranking (off: the papers' protocol)");
    cmd.add_option("--cold-threshold", coldThreshold, "A test item is cold with at most this many training interactions")
        ->check(CLI::NonNegativeNumber);
}

}  // namespace

void addTrainCommands(CLI::App& app, CliContext& ctx) {
    static TrainArgs args;
    static core::Registry registry;
    core::registerModels(registry);
    auto& r = args.request;
    auto* cmd = app.add_subcommand("train", "Train a recommender, validate every epoch, test at the best checkpoint");
    addProjectOption(*cmd, args.project);
    cmd->add_option("--dataset", r.dataset, "Data set name (not needed with --resume)");
    cmd->add_option("--model", r.model, "Model")
        ->check(CLI::IsMember(componentIds(registry, core::ComponentKind::Model)));
    cmd->add_option("--tokenizer", r.tokenizerRunId, "Tokenizer run whose semantic IDs a generative model uses");
    args.settings.addChecked(*cmd, core::runSettingsInfo());
    cmd->add_option("--name", r.name, "Run label");
    auto* resume = cmd->add_option("--resume", r.resumeRunId, "Continue this model run from its last checkpoint");
    args.repeat.addTo(*cmd);
    resume->excludes("--seeds")->excludes("--repeats");
    addEvalOptions(*cmd, args.ks, r.eval.excludeHistory, r.eval.coldThreshold);
    addJsonFlag(*cmd, args.json);
    addDataParallelOptions(*cmd, args.parallel);
    args.options.addTo(*cmd, registry.list(core::ComponentKind::Model));
    setAction(*cmd, ctx, [&ctx] {
        auto& req = args.request;
        req.projectDir = args.project;
        (void)openExistingProject(args.project);
        try {
            core::applyRunSettings(args.settings.configFor(core::runSettingsInfo()), req);
        } catch (const core::ConfigError& e) {
            throw UserError(e.what());
        }
        if (req.resumeRunId <= 0) {
            if (req.model.empty()) throw UserError("--model is required (or --resume RUN_ID)");
            if (req.dataset.empty()) throw UserError("--dataset is required (or --resume RUN_ID)");
            req.configJson = args.options.configFor(registry.get(req.model));
        }
        req.eval.ks = args.ks;
        if (args.repeat.wanted()) {
            if (wantsDataParallel(args.parallel))
                throw UserError("--seeds/--repeats train one process per run: leave out --nproc/--world-size");
            return runRepeatedCommand(&core::runRepeatedTrainJob, req, args.repeat.seedsFrom(req.seed), args.json);
        }
        if (wantsDataParallel(args.parallel)) return runDataParallelTrain(req, args.parallel, ctx, args.json);
        return runJobCommand(&core::runTrainJob, req, args.json);
    });

    static EvalArgs eval;
    auto* ev = app.add_subcommand("eval", "Evaluate a model run's best checkpoint again (full ranking)");
    addProjectOption(*ev, eval.project);
    ev->add_option("--run", eval.run, "Model run id")->required();
    ev->add_option("--split", eval.split, "valid or test")->check(CLI::IsMember({"valid", "test"}));
    addEvalOptions(*ev, eval.ks, eval.excludeHistory, eval.coldThreshold);
    ev->add_flag("--exact", eval.exact,
                 "Generative models: also rank by exact scores (every item by its whole ID's log-likelihood) and "
                 "print them as 'exact' beside the beam's figures on the same users ('exact_beam'); stored with the run");
    ev->add_option("--exact-users", eval.exactUsers,
                   "Targets the exact ranking uses, evenly spaced over all (0: all; each costs about as many "
                   "decoder rows as the ID trie has inner nodes)")
        ->check(CLI::NonNegativeNumber);
    addJsonFlag(*ev, eval.json);
    setAction(*ev, ctx, [] {
        (void)openExistingProject(eval.project);
        core::EvalOptions options;
        options.ks = eval.ks;
        options.excludeHistory = eval.excludeHistory;
        options.coldThreshold = eval.coldThreshold;
        std::map<std::string, double> stats;
        const auto report = core::evaluateRun(eval.project, eval.run, eval.split, options, &stats);
        auto out = nlohmann::json::parse(core::toJson(report));
        out["run_id"] = eval.run;
        out["split"] = eval.split;
        for (const auto& [name, value] : stats) out[name] = value;
        if (eval.exact) {
            const core::ExactComparison exact =
                core::compareWithExactRanking(eval.project, eval.run, eval.split, options, eval.exactUsers);
            out["exact"] = nlohmann::json::parse(core::toJson(exact.exact));
            out["exact"]["users"] = exact.users;
            out["exact"]["seconds"] = exact.exactSeconds;
            out["exact_beam"] = nlohmann::json::parse(core::toJson(exact.beam));
            out["exact_beam"]["users"] = exact.users;
            out["exact_beam"]["seconds"] = exact.beamSeconds;
            for (const auto& [name, value] : exact.beamStats) out["exact_beam"][name] = value;
        }
        if (eval.json) printJson(out);
        else std::cout << out.dump(2) << "\n";
        return kExitOk;
    });

    static AttentionArgs att;
    auto* at = app.add_subcommand(
        "attention", "Attention weights of a model run for one user's history (stored in the run) or a typed history");
    addProjectOption(*at, att.project);
    at->add_option("--run", att.run, "Model run id")->required();
    auto* user = at->add_option("--user", att.user, "Raw user id, or #N for the N-th user");
    auto* items = at->add_option("--items", att.items, "A history of raw item ids, oldest first (not stored)")
                      ->delimiter(',');
    user->excludes(items);
    addJsonFlag(*at, att.json);
    setAction(*at, ctx, [] {
        (void)openExistingProject(att.project);
        if (att.user.empty() && att.items.empty())
            throw std::invalid_argument("attention: give --user U or --items A,B,C");
        const auto maps = att.items.empty() ? core::computeAttention(att.project, att.run, att.user)
                                            : core::computeAttentionForItems(att.project, att.run, att.items);
        nlohmann::json list = nlohmann::json::array();
        for (const auto& map : maps) {
            list.push_back({{"layer", map.layer}, {"head", map.head}, {"rows", map.rows}, {"cols", map.cols},
                            {"labels", core::positionTexts(map)}, {"weights", map.weights}});
        }
        nlohmann::json out = {{"run_id", att.run},
                              {"user", att.user},
                              {"user_index", maps.empty() ? -1 : maps.front().userIdx},
                              {"maps", list}};
        if (!att.items.empty()) out["items"] = att.items;
        if (att.json) {
            printJson(out);
        } else {
            for (const auto& map : maps) {
                std::cout << "layer " << map.layer << " head " << map.head << " (" << map.rows << " x " << map.cols
                          << "): last position attends most to ";
                const auto* last = map.weights.data() + static_cast<size_t>(map.rows - 1) * map.cols;
                const auto best = std::max_element(last, last + map.cols) - last;
                std::cout << core::positionText(map.positions[static_cast<size_t>(best)]) << " (" << last[best] << ")\n";
            }
            if (maps.empty()) std::cout << "the model has no attention (or the user has no history)\n";
        }
        return kExitOk;
    });
}

void addModelExportCommand(CLI::App& exportCommand, CliContext& ctx) {
    static ExportModelArgs args;
    auto* cmd = exportCommand.add_subcommand(
        "model", "Write a model run's best weights (safetensors), config.json and item ids for Python");
    addProjectOption(*cmd, args.project);
    cmd->add_option("--run", args.run, "Model run id")->required();
    cmd->add_option("--out", args.out, "Output folder")->required();
    setAction(*cmd, ctx, [] {
        (void)openExistingProject(args.project);
        const auto files = core::exportModelRun(args.project, args.run, args.out);
        for (const auto& file : files) std::cerr << "wrote " << file << "\n";
        return kExitOk;
    });
}

}  // namespace tokenbench::cli
