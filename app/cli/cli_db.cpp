// `db check`: integrity check and schema version of a project's database.

#include <iostream>

#include "cli_context.h"
#include "tokenbench/storage/migrations.h"

namespace tokenbench::cli {

void addDbCommands(CLI::App& app, CliContext& ctx) {
    auto* db = addCommandGroup(app, "db", "Maintain the project database");
    auto* check = db->add_subcommand("check", "Run SQLite's integrity check and report the schema version");
    static std::string project;
    static bool json = false;
    addProjectOption(*check, project);
    addJsonFlag(*check, json);
    setAction(*check, ctx, [] {
        core::ProjectPaths paths;
        auto store = openExistingProject(project, &paths);
        const std::string integrity = store->integrityCheck();
        const bool ok = integrity == "ok";
        const nlohmann::json out = {
            {"project", paths.root},
            {"database", paths.database},
            {"ok", ok},
            {"integrity", integrity},
            {"schema_version", store->schemaVersion()},
            {"latest_schema_version", core::latestSchemaVersion()},
            {"journal_mode", store->journalMode()},
        };
        if (json) {
            printJson(out);
        } else {
            std::cout << "database:       " << paths.database << "\n"
                      << "integrity:      " << integrity << "\n"
                      << "schema version: " << store->schemaVersion() << " (latest "
                      << core::latestSchemaVersion() << ")\n"
                      << "journal mode:   " << store->journalMode() << "\n";
        }
        if (!ok) std::cerr << "error: integrity check failed for " << paths.database << "\n";
        return ok ? kExitOk : kExitUserError;
    });
}

}  // namespace tokenbench::cli
