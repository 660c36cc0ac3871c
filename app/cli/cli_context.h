#pragma once
/// Shared pieces of the CLI: exit codes, the error a user can fix, output helpers, project opening.

#include <functional>
#include <iosfwd>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "tokenbench/project.h"
#include "tokenbench/storage/experiment_store.h"

namespace tokenbench::cli {

/// Process exit codes: the contract scripts rely on.
inline constexpr int kExitOk = 0;
inline constexpr int kExitUserError = 1;  ///< bad input or arguments: the message says what to fix
inline constexpr int kExitInternal = 2;   ///< a bug or an unexpected failure

/// An error the user can fix (bad path, unknown name...). Printed on stderr, exit code 1.
class UserError final : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Options every command shares, and the action the chosen subcommand registered.
struct CliContext final {
    std::string logLevel = "info";
    int threads = 0;
    std::vector<std::string> args;  ///< argv[1..], to start the other ranks of `train --nproc N`
    std::function<int()> action;  ///< set by the parsed subcommand's callback
};

/// Prints `value` as one JSON object on stdout (the only thing --json prints there).
void printJson(const nlohmann::json& value);

/// Opens the project at `dir`, creating it on first use, and attaches its log file.
std::unique_ptr<core::ExperimentStore> openProject(const std::string& dir, core::ProjectPaths* paths = nullptr);

/// Opens an existing project; UserError when `dir` holds no tokenbench.db.
std::unique_ptr<core::ExperimentStore> openExistingProject(const std::string& dir,
                                                           core::ProjectPaths* paths = nullptr);

/// Parses a JSON text stored in the database, or an empty object for "".
nlohmann::json parseStoredJson(const std::string& text);

/// Adds the command group `name` to `parent`; it needs one of its subcommands.
CLI::App* addCommandGroup(CLI::App& parent, const std::string& name, const std::string& description);

/// Adds the required `--project` option (the project folder) to `command`.
CLI::Option* addProjectOption(CLI::App& command, std::string& project);

/// Adds the `--json` flag (print one JSON object on stdout) to `command`.
CLI::Option* addJsonFlag(CLI::App& command, bool& json);

/// Adds `--new-items SHARE` and `--new-item-seed N` (brand-new items held out of training) to a
/// command that creates a data set.
void addNewItemOptions(CLI::App& command, core::SplitConfig& split);

/// Makes `action` the one main() runs when `command` is the parsed subcommand.
void setAction(CLI::App& command, CliContext& ctx, std::function<int()> action);

// Command groups; each adds its subcommands to `app` and sets ctx.action when chosen.
void addRunsCommands(CLI::App& app, CliContext& ctx);
void addDbCommands(CLI::App& app, CliContext& ctx);
void addDatasetCommands(CLI::App& app, CliContext& ctx);
void addImportCommand(CLI::App& dataset, CliContext& ctx);
void addFeaturesCommands(CLI::App& app, CliContext& ctx);
void addTokenizeCommands(CLI::App& app, CliContext& ctx);
void addExportCommands(CLI::App& app, CliContext& ctx);
void addModelExportCommand(CLI::App& exportCommand, CliContext& ctx);
void addTrainCommands(CLI::App& app, CliContext& ctx);
void addRunFileCommand(CLI::App& app, CliContext& ctx);
void addBenchCommand(CLI::App& app, CliContext& ctx);
void addCompareCommand(CLI::App& app, CliContext& ctx);
void addSweepCommand(CLI::App& app, CliContext& ctx);
void addAnalyzeCommands(CLI::App& app, CliContext& ctx);

}  // namespace tokenbench::cli
