// `tokenize`: train a tokenizer on item features and store the semantic IDs; `export semantic-ids`.

#include <fstream>
#include <iostream>

#include "cli_context.h"
#include "console_sink.h"
#include "repeat_options.h"
#include "schema_options.h"
#include "tokenbench/io/safetensors.h"
#include "tokenbench/storage/experiment_store.h"
#include "tokenbench/tokenizers/semantic_ids.h"
#include "tokenbench/jobs/tokenize_job.h"
#include "tokenbench/tokenizers/tokenizer.h"

namespace tokenbench::cli {

namespace {

struct TokenizeArgs {
    std::string project;
    core::TokenizeRequest request;
    int levels = 0;
    int codebookSize = 0;
    std::string collisions = "extra-level";
    bool json = false;
    SchemaOptions options;
    RepeatOptions repeat;
};

struct ExportArgs {
    std::string project;
    int64_t run = 0;
    std::string out;
};

void writeSemanticIds(const std::string& path, const core::Dataset& dataset, const std::vector<std::vector<int32_t>>& ids) {
    const bool json = path.size() >= 5 && path.substr(path.size() - 5) == ".json";
    const bool csv = path.size() >= 4 && path.substr(path.size() - 4) == ".csv";
    if (!json && !csv) throw UserError("--out must end in .csv or .json: " + path);
    if (ids.size() != dataset.items.size())
        throw UserError("the run has " + std::to_string(ids.size()) + " IDs for " + std::to_string(dataset.items.size()) + " items");
    std::string text;
    if (json) {
        nlohmann::ordered_json out = nlohmann::ordered_json::object();
        for (size_t i = 0; i < ids.size(); ++i) out[dataset.items[i].rawId] = ids[i];
        text = out.dump() + "\n";
    } else {
        text = "item";
        for (size_t l = 0; l < (ids.empty() ? 0 : ids[0].size()); ++l) text += ",c" + std::to_string(l + 1);
        text += "\n";
        for (size_t i = 0; i < ids.size(); ++i) {
            const std::string& raw = dataset.items[i].rawId;
            const bool quote = raw.find_first_of(",\"\n") != std::string::npos;
            std::string escaped;
            for (char c : raw) escaped += (c == '"') ? std::string("\"\"") : std::string(1, c);
            text += quote ? "\"" + escaped + "\"" : raw;
            for (int32_t c : ids[i]) text += "," + std::to_string(c);
            text += "\n";
        }
    }
    core::writeTextFileAtomically(path, text);
}

}  // namespace

void addTokenizeCommands(CLI::App& app, CliContext& ctx) {
    static TokenizeArgs args;
    static core::Registry registry;
    core::registerTokenizers(registry);
    auto& r = args.request;
    auto* cmd = app.add_subcommand("tokenize", "Train a tokenizer and store semantic IDs for every item");
    addProjectOption(*cmd, args.project);
    cmd->add_option("--dataset", r.dataset, "Data set name")->required();
    cmd->add_option("--features", r.features, "Stored feature set, or kinds to build (e.g. attributes+cooccurrence)");
    cmd->add_option("--feature-dim", r.featureDim, "Dims per block when features are built here")->check(CLI::Range(1, 4096));
    cmd->add_option("--method", r.method, "Tokenizer")
        ->required()
        ->check(CLI::IsMember(componentIds(registry, core::ComponentKind::Tokenizer)));
    cmd->add_option("--levels", args.levels, "Code levels (tuple length)")->check(CLI::Range(1, 8));
    cmd->add_option("--codebook-size", args.codebookSize, "Codes per level")->check(CLI::Range(2, 65536));
    cmd->add_option("--seed", r.seed, "Random seed");
    cmd->add_option("--device", r.device, "cpu, cuda or cuda:N");
    cmd->add_option("--name", r.name, "Run label");
    cmd->add_option("--collisions", args.collisions, "extra-level (TIGER), reassign (nearest free code) or none")
        ->check(CLI::IsMember({"extra-level", "reassign", "none"}));
    cmd->add_option("--health-interval", r.healthInterval, "Steps between codebook health reports (0: method default)");
    args.repeat.addTo(*cmd);
    addJsonFlag(*cmd, args.json);
    args.options.addTo(*cmd, registry.list(core::ComponentKind::Tokenizer), {"levels", "codebook_size"});
    setAction(*cmd, ctx, [] {
        auto& req = args.request;
        req.projectDir = args.project;
        (void)openExistingProject(args.project);
        req.collisions = core::collisionStrategyFromString(args.collisions);
        const core::ComponentInfo& info = registry.get(req.method);
        if (info.needsFeatures && req.features.empty()) throw UserError("--features is required (a feature set or kinds)");
        std::map<std::string, std::string> fixed;
        if (args.levels > 0) fixed["levels"] = std::to_string(args.levels);
        if (args.codebookSize > 0) fixed["codebook_size"] = std::to_string(args.codebookSize);
        req.configJson = args.options.configFor(info, fixed);
        if (args.repeat.wanted())
            return runRepeatedCommand(&core::runRepeatedTokenizeJob, req, args.repeat.seedsFrom(req.seed), args.json);
        return runJobCommand(&core::runTokenizeJob, req, args.json);
    });
}

void addExportCommands(CLI::App& app, CliContext& ctx) {
    static ExportArgs args;
    auto* exp = addCommandGroup(app, "export", "Export results of a run");
    auto* ids = exp->add_subcommand("semantic-ids", "Write raw item id -> codes of a tokenizer run (.csv or .json)");
    addProjectOption(*ids, args.project);
    ids->add_option("--run", args.run, "Tokenizer run id")->required();
    ids->add_option("--out", args.out, "Output file (.csv or .json)")->required();
    setAction(*ids, ctx, [] {
        auto store = openExistingProject(args.project);
        const auto run = store->findRun(args.run);
        if (!run) throw UserError("no run with id " + std::to_string(args.run));
        if (run->kind != core::RunKind::Tokenizer) throw UserError("run " + std::to_string(args.run) + " is not a tokenizer run");
        const auto codes = store->semanticIds(args.run);
        if (codes.empty()) throw UserError("run " + std::to_string(args.run) + " has no semantic IDs (status " + core::toString(run->status) + ")");
        writeSemanticIds(args.out, store->loadDataset(run->datasetId), codes);
        std::cerr << "wrote " << codes.size() << " semantic IDs to " << args.out << "\n";
        return kExitOk;
    });
    addModelExportCommand(*exp, ctx);
}

}  // namespace tokenbench::cli
