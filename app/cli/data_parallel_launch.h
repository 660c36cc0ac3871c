#pragma once
/// `train` across processes: `--nproc N` starts N ranks on this machine (this process is rank 0),
/// or, as with torchrun, a user starts one process per rank with --rank, --world-size,
/// --master-addr and --master-port. Rank 0 trains, validates and writes the store; the others only
/// train (core::runTrainWorker).

#include <CLI/CLI.hpp>

#include "cli_context.h"
#include "tokenbench/jobs/train_job.h"

namespace tokenbench::cli {

struct DataParallelOptions final {
    int nproc = 1;
    int rank = 0;
    int worldSize = 1;
    std::string masterAddr = "127.0.0.1";
    int masterPort = 0;  ///< 0: a free port (with --nproc) or 29500
    double timeoutMinutes = 30.0;
};

/// Adds --nproc, --rank, --world-size, --master-addr, --master-port and --dist-timeout to `train`.
void addDataParallelOptions(CLI::App& command, DataParallelOptions& options);

/// Whether the options ask for more than one process.
[[nodiscard]] bool wantsDataParallel(const DataParallelOptions& options);

/// Runs `request` as the options say (see file comment) and returns the exit code.
int runDataParallelTrain(core::TrainRequest request, const DataParallelOptions& options, const CliContext& ctx,
                         bool json);

}  // namespace tokenbench::cli
