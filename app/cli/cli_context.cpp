#include "cli_context.h"

#include <filesystem>
#include <iostream>

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

}  // namespace tokenbench::cli
