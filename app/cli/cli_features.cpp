// `features build|list`: item feature matrices of a stored data set.

#include <chrono>
#include <iostream>

#include "cli_context.h"
#include "tokenbench/features/feature_sets.h"
#include "tokenbench/jobs/feature_job.h"

namespace tokenbench::cli {

namespace {

struct FeatureArgs {
    std::string project;
    std::string dataset;
    std::string kinds;
    std::string name;
    std::string textFields;
    bool json = false;
    core::FeatureSpec spec;
};

std::vector<std::string> splitList(const std::string& text) {
    std::vector<std::string> out;
    std::string current;
    for (char c : text + ",") {
        if (c == ',') {
            if (!current.empty()) out.push_back(current);
            current.clear();
        } else {
            current.push_back(c);
        }
    }
    return out;
}

int64_t requireDatasetId(core::ExperimentStore& store, const std::string& name) {
    if (auto record = store.findDataset(name)) return record->id;
    throw UserError("no data set named '" + name + "' in this project (see `dataset list`)");
}

nlohmann::json featureSetJson(const core::FeatureSetRecord& r) {
    return {{"feature_set_id", r.id}, {"name", r.name},  {"kind", r.kind},
            {"rows", r.rows},         {"dim", r.dim},    {"created_at", r.createdAt},
            {"config", parseStoredJson(r.configJson)}};
}

}  // namespace

void addFeaturesCommands(CLI::App& app, CliContext& ctx) {
    static FeatureArgs args;
    auto* features = addCommandGroup(app, "features", "Build and list item feature sets");

    auto* build = features->add_subcommand("build", "Build an item feature matrix and store it");
    addProjectOption(*build, args.project);
    build->add_option("--dataset", args.dataset, "Data set name")->required();
    build->add_option("--kind", args.kinds,
                      "text, text-encoder, attributes, cooccurrence, embeddings, model-embeddings; several (a,b or a+b) "
                      "concatenate")
        ->required();
    build->add_option("--dim", args.spec.dim, "Dimensions per block (SVD rank)")->check(CLI::Range(1, 4096));
    build->add_option("--name", args.name,
                      "Feature set name (default: the kinds joined by '+', then -runN with model-embeddings)");
    build->add_option("--seed", args.spec.seed, "Seed of the randomized SVD");
    build->add_option("--text-fields", args.textFields,
                      "text, text-encoder: title, description, attributes or an attribute field (comma list)");
    build->add_option("--model-dir", args.spec.textEncoderDir,
                      "text-encoder: a sentence-transformers model folder (BERT family: config.json, model.safetensors, "
                      "vocab.txt); never downloaded");
    build->add_option("--min-df", args.spec.minDocumentFrequency, "text: minimum document frequency of a term");
    build->add_option("--window", args.spec.window, "cooccurrence: pairs within N positions")->check(CLI::Range(1, 1000));
    build->add_option("--embeddings", args.spec.embeddingsPath, "embeddings: .npy, .safetensors or .csv file");
    build->add_option("--embeddings-ids", args.spec.embeddingsIdsPath, "embeddings: raw item id per row (text file)");
    build->add_option("--run", args.spec.modelRunId,
                      "model-embeddings: model run (sasrec, bert4rec) of this data set whose item embedding table "
                      "is taken")
        ->check(CLI::PositiveNumber);
    build->add_option("--weights", args.spec.weights, "concat: weight per kind");
    addJsonFlag(*build, args.json);
    setAction(*build, ctx, [] {
        args.spec.kinds = core::parseFeatureKinds(args.kinds);
        if (!args.textFields.empty()) args.spec.textFields = splitList(args.textFields);
        auto store = openExistingProject(args.project);
        const auto start = std::chrono::steady_clock::now();
        const int64_t datasetId = requireDatasetId(*store, args.dataset);
        const auto record = core::createFeatureSet(*store, datasetId, args.name, args.spec, {},
                                                   core::projectFeatureSources(args.project, datasetId));
        auto out = featureSetJson(record);
        out["seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (args.json) printJson(out);
        else std::cout << "feature set '" << record.name << "' (" << record.kind << "): " << record.rows << " x " << record.dim
                       << " in " << out["seconds"].get<double>() << " s\n";
        return kExitOk;
    });

    auto* list = features->add_subcommand("list", "List the feature sets of a project");
    addProjectOption(*list, args.project);
    list->add_option("--dataset", args.dataset, "Only this data set");
    addJsonFlag(*list, args.json);
    setAction(*list, ctx, [] {
        auto store = openExistingProject(args.project);
        std::optional<int64_t> datasetId;
        if (!args.dataset.empty()) datasetId = requireDatasetId(*store, args.dataset);
        nlohmann::json out = {{"feature_sets", nlohmann::json::array()}};
        for (const auto& r : store->listFeatureSets(datasetId)) {
            if (args.json) out["feature_sets"].push_back(featureSetJson(r));
            else std::cout << r.id << "\t" << r.name << "\t" << r.kind << "\t" << r.rows << " x " << r.dim << "\n";
        }
        if (args.json) printJson(out);
        return kExitOk;
    });
}

}  // namespace tokenbench::cli
