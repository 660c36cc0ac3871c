// `dataset generate|list|stats`: data sets stored in a project.

#include <chrono>
#include <iostream>

#include "cli_context.h"
#include "tokenbench/data/dataset_json.h"
#include "tokenbench/data/synthetic.h"

namespace tokenbench::cli {

namespace {

struct DatasetArgs {
    std::string project;
    std::string name;
    bool json = false;
    core::SyntheticConfig synthetic;
    core::SplitConfig split;
};

void printStats(const std::string& name, const core::DatasetStats& s) {
    std::cout << "data set:      " << name << "\n"
              << "users:         " << s.users << "\n"
              << "items:         " << s.items << "\n"
              << "interactions:  " << s.interactions << "\n"
              << "density:       " << s.density << "\n"
              << "sequence len.: min " << s.minSequenceLength << ", median " << s.medianSequenceLength << ", mean "
              << s.meanSequenceLength << ", max " << s.maxSequenceLength << "\n"
              << "attributes:    " << s.attributes << "\n";
}

nlohmann::json statsJson(core::ExperimentStore& store, const core::DatasetRecord& record) {
    nlohmann::json j = nlohmann::json::parse(core::statsToJson(core::statsFromJson(record.statsJson), true));
    j["name"] = record.name;
    j["id"] = record.id;
    j["format"] = record.format;
    j["source"] = record.source;
    j["data_hash"] = record.dataHash;
    j["created_at"] = record.createdAt;
    j["config"] = parseStoredJson(record.configJson);
    j["splits"] = nlohmann::json::array();
    for (const auto& split : store.listSplits(record.id))
        j["splits"].push_back({{"name", split.name}, {"config", parseStoredJson(split.configJson)},
                               {"stats", parseStoredJson(split.statsJson)}});
    return j;
}

core::DatasetRecord requireDataset(core::ExperimentStore& store, const std::string& name) {
    if (auto record = store.findDataset(name)) return *record;
    std::string known;
    for (const auto& d : store.listDatasets()) known += (known.empty() ? "" : ", ") + d.name;
    throw UserError("no data set named '" + name + "' (known: " + (known.empty() ? "none" : known) + ")");
}

}  // namespace

void addDatasetCommands(CLI::App& app, CliContext& ctx) {
    static DatasetArgs args;
    auto* dataset = addCommandGroup(app, "dataset", "Create and inspect data sets");

    auto* generate = dataset->add_subcommand("generate", "Store a synthetic data set (deterministic by seed)");
    addProjectOption(*generate, args.project);
    generate->add_option("--name", args.name, "Data set name")->required();
    generate->add_option("--users", args.synthetic.users, "Number of users")->check(CLI::Range(1, 10'000'000));
    generate->add_option("--items", args.synthetic.items, "Number of items")->check(CLI::Range(1, 10'000'000));
    generate->add_option("--seed", args.synthetic.seed, "Random seed");
    generate->add_option("--branching", args.synthetic.branching, "Children per node at each category level")
        ->expected(1, 6)
        ->check(CLI::Range(1, 1000));
    addNewItemOptions(*generate, args.split);
    addJsonFlag(*generate, args.json);
    setAction(*generate, ctx, [] {
        auto store = openProject(args.project);
        if (store->findDataset(args.name)) throw UserError("a data set named '" + args.name + "' already exists");
        const auto start = std::chrono::steady_clock::now();
        (void)core::storeSyntheticDataset(*store, args.name, args.synthetic,
                                          args.split.newItemFraction > 0 ? &args.split : nullptr);
        const auto record = requireDataset(*store, args.name);
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (args.json) {
            auto out = statsJson(*store, record);
            out["seconds"] = seconds;
            printJson(out);
        } else {
            printStats(record.name, core::statsFromJson(record.statsJson));
        }
        return kExitOk;
    });

    addImportCommand(*dataset, ctx);

    auto* list = dataset->add_subcommand("list", "List the project's data sets");
    addProjectOption(*list, args.project);
    addJsonFlag(*list, args.json);
    setAction(*list, ctx, [] {
        auto store = openExistingProject(args.project);
        const auto records = store->listDatasets();
        if (args.json) {
            nlohmann::json out = {{"datasets", nlohmann::json::array()}};
            for (const auto& r : records) out["datasets"].push_back(statsJson(*store, r));
            printJson(out);
        } else if (records.empty()) {
            std::cout << "No data sets yet.\n";
        } else {
            for (const auto& r : records) {
                const auto s = core::statsFromJson(r.statsJson);
                std::cout << r.name << "\t" << r.format << "\t" << s.users << " users\t" << s.items << " items\t"
                          << s.interactions << " interactions\n";
            }
        }
        return kExitOk;
    });

    auto* stats = dataset->add_subcommand("stats", "Print a data set's statistics");
    addProjectOption(*stats, args.project);
    stats->add_option("--name", args.name, "Data set name")->required();
    addJsonFlag(*stats, args.json);
    setAction(*stats, ctx, [] {
        auto store = openExistingProject(args.project);
        const auto record = requireDataset(*store, args.name);
        if (args.json) printJson(statsJson(*store, record));
        else printStats(record.name, core::statsFromJson(record.statsJson));
        if (!args.json) {
            for (const auto& split : store->listSplits(record.id)) std::cout << "split " << split.name << ": " << split.statsJson << "\n";
        }
        return kExitOk;
    });
}

}  // namespace tokenbench::cli
