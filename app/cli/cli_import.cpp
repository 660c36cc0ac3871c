// `dataset import`: load files of any supported format into a project as a new data set.

#include <iostream>

#include "cli_context.h"
#include "tokenbench/jobs/import_job.h"

namespace tokenbench::cli {

namespace {

struct ImportArgs {
    std::string project;
    core::ImportRequest request;
    std::string split = "leave-one-out";
    std::string delimiter;
    std::string textFields;
    std::string attributeFields;
    std::string attributeSeparator;
    double minRating = 0.0;
    bool hasMinRating = false;
    bool json = false;
};

void printReport(const nlohmann::json& r) {
    std::cout << "data set:      " << r.at("name").get<std::string>() << " (format " << r.at("format").get<std::string>()
              << ")\n";
    if (r.contains("detection")) std::cout << "detected:      " << r.at("detection").get<std::string>() << "\n";
    std::cout << "users:         " << r.at("users") << "\n"
              << "items:         " << r.at("items") << "\n"
              << "interactions:  " << r.at("interactions") << "\n"
              << "density:       " << r.at("density") << "\n"
              << "sequence len.: " << r.at("sequence_length").dump() << "\n"
              << "preprocessing: " << r.at("preprocess").dump() << "\n"
              << "split:         " << r.at("split").dump() << "\n";
    if (r.contains("item_table")) {
        const auto& t = r.at("item_table");
        std::cout << "item table:    " << t.at("rows") << " rows, " << t.at("matched") << " matched, "
                  << t.at("unknown_ids") << " unknown ids, " << t.at("missing_items") << " items missing; "
                  << t.at("items_with_title") << " items with a title, " << t.at("items_with_attributes")
                  << " with attribute names\n";
        if (!t.at("unknown_examples").empty()) std::cout << "  unknown ids: " << t.at("unknown_examples").dump() << "\n";
        if (!t.at("missing_examples").empty()) std::cout << "  missing:     " << t.at("missing_examples").dump() << "\n";
    }
    std::cout << "attributes:    " << r.at("attributes") << "\n"
              << "seconds:       " << r.at("seconds") << "\n";
}

}  // namespace

void addImportCommand(CLI::App& dataset, CliContext& ctx) {
    static ImportArgs args;
    auto& load = args.request.load;
    auto& pre = args.request.preprocess;
    auto* cmd = dataset.add_subcommand("import", "Import interaction files as a new data set");
    addProjectOption(*cmd, args.project);
    cmd->add_option("--name", args.request.name, "Data set name")->required();
    cmd->add_option("--format", load.format, "seqtxt, recbole, movielens, amazon, csv, lcrec or auto")
        ->check(CLI::IsMember({"auto", "seqtxt", "recbole", "movielens", "amazon", "csv", "lcrec"}));
    cmd->add_option("paths", load.paths, "Interaction file(s), or a folder for recbole and lcrec")->required();
    cmd->add_option("--attributes", load.attributesPath, "seqtxt: item2attributes.json; amazon: meta JSON lines");
    cmd->add_option("--items", load.itemsPath, "movielens: movies file; recbole: .item file; lcrec: .item.json (default: the sibling)");
    auto& table = args.request.itemTable;
    cmd->add_option("--item-table", table.path,
                    "Item table joined to the items: JSON lines or CSV with a header, one row per item");
    cmd->add_option("--item-id-field", table.mapping.idField, "item table: field holding the item id")
        ->capture_default_str();
    cmd->add_option("--title-field", table.mapping.titleField, "item table: field holding the title ('' for none)")
        ->capture_default_str();
    cmd->add_option("--text-fields", args.textFields,
                    "item table: comma-separated fields joined into the description");
    cmd->add_option("--attribute-fields", args.attributeFields,
                    "item table: comma-separated fields of attribute names (a list, or a string)");
    cmd->add_option("--attribute-separator", args.attributeSeparator,
                    "item table: one character splitting a string of attribute names (default: no split)");
    cmd->add_option("--user-column", load.csv.user, "csv: user column");
    cmd->add_option("--item-column", load.csv.item, "csv: item column");
    cmd->add_option("--time-column", load.csv.timestamp, "csv: timestamp column");
    cmd->add_option("--rating-column", load.csv.rating, "csv: rating column");
    cmd->add_option("--delimiter", args.delimiter, "csv: one character, or 'tab' (default: detect)");
    cmd->add_option("--min-rating", args.minRating, "Drop interactions rated below this")->each([](const std::string&) {
        args.hasMinRating = true;
    });
    cmd->add_option("--user-core", pre.userCore, "Keep users with at least N interactions (iterative k-core)")
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--item-core", pre.itemCore, "Keep items with at least N interactions (iterative k-core)")
        ->check(CLI::NonNegativeNumber);
    cmd->add_flag("--dedupe-consecutive", pre.removeConsecutiveRepeats, "Drop immediate repeats of the same item");
    cmd->add_option("--max-length", pre.maxHistoryLength, "Keep each user's most recent N interactions (0: all)")
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--split", args.split, "leave-one-out or temporal")->check(CLI::IsMember({"leave-one-out", "temporal"}));
    cmd->add_option("--valid-fraction", args.request.split.validFraction, "temporal split: validation share")
        ->check(CLI::Range(0.0, 0.9));
    cmd->add_option("--test-fraction", args.request.split.testFraction, "temporal split: test share")
        ->check(CLI::Range(0.0, 0.9));
    cmd->add_option("--cold-threshold", args.request.split.coldThreshold,
                    "Targets with at most N training interactions count as cold")
        ->check(CLI::NonNegativeNumber);
    addNewItemOptions(*cmd, args.request.split);
    addJsonFlag(*cmd, args.json);
    setAction(*cmd, ctx, [] {
        if (args.hasMinRating) args.request.preprocess.minRating = args.minRating;
        if (args.delimiter == "tab") args.request.load.csv.delimiter = '\t';
        else if (args.delimiter.size() == 1) args.request.load.csv.delimiter = args.delimiter[0];
        else if (!args.delimiter.empty()) throw UserError("--delimiter takes one character or 'tab'");
        args.request.split.method = core::splitMethodFromString(args.split);
        auto& mapping = args.request.itemTable.mapping;
        mapping.textFields = core::splitFieldList(args.textFields);
        mapping.attributeFields = core::splitFieldList(args.attributeFields);
        if (args.attributeSeparator.size() > 1) throw UserError("--attribute-separator takes one character");
        if (!args.attributeSeparator.empty()) mapping.listSeparator = args.attributeSeparator[0];
        if (args.request.itemTable.path.empty() &&
            (!args.textFields.empty() || !args.attributeFields.empty() || !args.attributeSeparator.empty()))
            throw UserError("--text-fields, --attribute-fields and --attribute-separator need --item-table");
        auto store = openProject(args.project);
        const auto result = core::importDataset(*store, args.request);
        const auto report = nlohmann::json::parse(core::toJson(result, args.request.name));
        if (args.json) printJson(report);
        else printReport(report);
        return kExitOk;
    });
}

}  // namespace tokenbench::cli
