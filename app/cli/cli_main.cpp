// tokenbench-cli: the headless entry point. Parses the command line, sets up logging and the
// compute runtime, runs one command and maps failures to exit codes (0 ok, 1 user error, 2 internal).

#include <csignal>
#include <iostream>

#include <spdlog/spdlog.h>

#include "cli_context.h"
#include "tokenbench/cancellation.h"
#include "tokenbench/data/data_error.h"
#include "tokenbench/logging.h"
#include "tokenbench/runtime.h"
#include "tokenbench/storage/database.h"
#include "tokenbench/version.h"

using namespace tokenbench;

namespace {

/// Prints an error the user can fix on stderr; returns its exit code.
int reportUserError(const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return cli::kExitUserError;
}

}  // namespace

int main(int argc, char** argv) {
    // Past RLIMIT_FSIZE a write should fail with EFBIG (reported, the previous file kept) rather than
    // kill the process with SIGXFSZ.
    std::signal(SIGXFSZ, SIG_IGN);
    cli::CliContext ctx;
    CLI::App app{"Tokenbench: semantic tokenization and generative recommendation, headless.", "tokenbench-cli"};
    app.set_version_flag("--version", std::string("tokenbench-cli ") + versionString() + " (" + gitCommit() + ")");
    app.option_defaults()->always_capture_default();
    app.add_option("--log-level", ctx.logLevel, "trace, debug, info, warn, error, critical or off")
        ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}));
    app.add_option("--threads", ctx.threads, "LibTorch intra-op threads (0: all CPUs or $TOKENBENCH_THREADS)")
        ->check(CLI::NonNegativeNumber);
    app.require_subcommand(1);
    cli::addRunsCommands(app, ctx);
    cli::addDbCommands(app, ctx);
    cli::addDatasetCommands(app, ctx);
    cli::addFeaturesCommands(app, ctx);
    cli::addTokenizeCommands(app, ctx);
    cli::addExportCommands(app, ctx);
    cli::addTrainCommands(app, ctx);
    cli::addRunFileCommand(app, ctx);
    cli::addBenchCommand(app, ctx);
    cli::addCompareCommand(app, ctx);
    cli::addSweepCommand(app, ctx);
    cli::addAnalyzeCommands(app, ctx);

    ctx.args.assign(argv + 1, argv + argc);
    try {
        app.parse(argc, argv);
    } catch (const CLI::Success& e) {
        return app.exit(e);  // --help, --help-all or --version: prints on stdout, exit 0
    } catch (const CLI::ParseError& e) {
        std::cerr << "error: " << e.what() << "\nRun with --help for usage.\n";
        return cli::kExitUserError;
    }

    try {
        core::initLogging(ctx.logLevel);
        const core::RuntimeInfo runtime = core::configureRuntime(ctx.threads);
        spdlog::info("Tokenbench {} ({}), {}", versionString(), gitCommit(), core::describe(runtime));
        if (!ctx.action) {
            std::cerr << "error: no command given\n";
            return cli::kExitUserError;
        }
        return ctx.action();
    } catch (const core::DataError& e) {
        return reportUserError(e);
    } catch (const std::invalid_argument& e) {
        return reportUserError(e);  // bad requests (unknown names, impossible options) from core
    } catch (const core::CancelledError&) {
        std::cerr << "cancelled\n";
        return cli::kExitUserError;
    } catch (const cli::UserError& e) {
        return reportUserError(e);
    } catch (const core::StorageError& e) {
        return reportUserError(e);  // unreadable, foreign or newer databases: the message names the file
    } catch (const std::exception& e) {
        std::cerr << "internal error: " << e.what() << "\n";
        return cli::kExitInternal;
    } catch (...) {
        std::cerr << "internal error: unknown exception\n";
        return cli::kExitInternal;
    }
}
