#include "cli_context.h"

#include <filesystem>
#include <iostream>
#include <utility>

#include "tokenbench/logging.h"

namespace tokenbench::cli {

void printJson(const nlohmann::json& value) { std::cout << value.dump(2) << std::endl; }

std::unique_ptr<core::ExperimentStore> openProject(const std::string& dir, core::ProjectPaths* paths) {
    core::ProjectPaths p;
    try {
        p = core::ensureProject(dir);
    } catch (const std::exception& e) {
        throw UserError(e.what());
    }
    core::attachProjectLog(p.logs);
    auto store = std::make_unique<core::ExperimentStore>(p.database);
    if (paths) *paths = p;
    return store;
}

std::unique_ptr<core::ExperimentStore> openExistingProject(const std::string& dir, core::ProjectPaths* paths) {
    const core::ProjectPaths p = core::projectPaths(dir);
    if (!std::filesystem::is_regular_file(p.database))
        throw UserError("no Tokenbench project at " + p.root + " (missing " + p.database + ")");
    return openProject(dir, paths);
}

nlohmann::json parseStoredJson(const std::string& text) {
    if (text.empty()) return nlohmann::json::object();
    try {
        return nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception&) {
        return text;  // keep what is there visible rather than failing a listing
    }
}

CLI::App* addCommandGroup(CLI::App& parent, const std::string& name, const std::string& description) {
    auto* group = parent.add_subcommand(name, description);
    group->require_subcommand(1);
    return group;
}

CLI::Option* addProjectOption(CLI::App& command, std::string& project) {
    return command.add_option("--project", project, "Project folder")->required();
}

CLI::Option* addJsonFlag(CLI::App& command, bool& json) {
    return command.add_flag("--json", json, "Print one JSON object on stdout");
}

void addNewItemOptions(CLI::App& command, core::SplitConfig& split) {
    command
        .add_option("--new-items", split.newItemFraction,
                    "Share of the catalogue held out of training entirely (brand-new items: none of their "
                    "interactions is trained on; they stay as validation and test targets, reported as new_items)")
        ->check(CLI::Range(0.0, 0.9));
    command.add_option("--new-item-seed", split.newItemSeed, "Which items are held out: a shuffle by this seed");
}

void setAction(CLI::App& command, CliContext& ctx, std::function<int()> action) {
    command.callback([&ctx, action = std::move(action)] { ctx.action = action; });
}

}  // namespace tokenbench::cli
