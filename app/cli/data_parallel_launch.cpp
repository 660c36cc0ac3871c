// `train --nproc N` and torchrun-style ranks: see data_parallel_launch.h.
#include "data_parallel_launch.h"

#include <algorithm>
#include <iostream>
#include <thread>

#include "console_sink.h"
#include "process_launch.h"
#include "tokenbench/logging.h"
#include "tokenbench/runtime.h"

namespace tokenbench::cli {

namespace {

/// argv of the other ranks: this command line without --nproc, --json and the global --threads
/// (each rank gets its share of the CPUs), with the rank's place in the group.
std::vector<std::string> rankArgs(const std::vector<std::string>& args, int threads, int rank, int worldSize,
                                  int port, const DataParallelOptions& options) {
    std::vector<std::string> out = {"--threads", std::to_string(threads)};
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        const bool withValue = arg == "--nproc" || arg == "--threads" || arg == "--master-port" ||
                               arg == "--master-addr" || arg == "--rank" || arg == "--world-size";
        if (withValue) {
            ++i;
            continue;
        }
        if (arg == "--json" || arg.rfind("--nproc=", 0) == 0 || arg.rfind("--threads=", 0) == 0 ||
            arg.rfind("--master-port=", 0) == 0 || arg.rfind("--master-addr=", 0) == 0 ||
            arg.rfind("--rank=", 0) == 0 || arg.rfind("--world-size=", 0) == 0)
            continue;
        out.push_back(arg);
    }
    for (const auto& [flag, value] : {std::pair<std::string, std::string>{"--rank", std::to_string(rank)},
                                      {"--world-size", std::to_string(worldSize)},
                                      {"--master-addr", options.masterAddr},
                                      {"--master-port", std::to_string(port)}}) {
        out.push_back(flag);
        out.push_back(value);
    }
    return out;
}

}  // namespace

void addDataParallelOptions(CLI::App& command, DataParallelOptions& options) {
    auto* nproc = command.add_option("--nproc", options.nproc,
                                     "Data-parallel processes on this machine (this one is rank 0): each trains on "
                                     "its share of every batch, gradients are summed over c10d (Gloo on CPU, NCCL on "
                                     "CUDA); rank 0 validates and writes the store")
                      ->check(CLI::Range(1, 256));
    auto* rank = command.add_option("--rank", options.rank, "This process's rank, when each rank is started by hand")
                     ->check(CLI::NonNegativeNumber);
    auto* world = command.add_option("--world-size", options.worldSize, "Ranks in the group (with --rank)")
                      ->check(CLI::Range(1, 4096));
    command.add_option("--master-addr", options.masterAddr, "Rank 0's address for the rendezvous");
    command.add_option("--master-port", options.masterPort,
                       "Rank 0's rendezvous port (0: a free one with --nproc, else 29500)")
        ->check(CLI::Range(0, 65535));
    command.add_option("--dist-timeout", options.timeoutMinutes,
                       "Minutes a rank waits for the others before the run fails (must cover rank 0's validation)")
        ->check(CLI::Range(0.05, 1440.0));
    nproc->excludes(rank)->excludes(world);
    rank->needs(world);
}

bool wantsDataParallel(const DataParallelOptions& options) { return options.nproc > 1 || options.worldSize > 1; }

int runDataParallelTrain(core::TrainRequest request, const DataParallelOptions& options, const CliContext& ctx,
                         bool json) {
    auto& group = request.distributed;
    group.masterAddr = options.masterAddr;
    group.timeoutMinutes = options.timeoutMinutes;
    if (options.worldSize > 1) {  // started by hand (or by --nproc below): one rank
        if (options.rank >= options.worldSize)
            throw UserError("--rank " + std::to_string(options.rank) + " must be below --world-size " +
                            std::to_string(options.worldSize));
        group.rank = options.rank;
        group.worldSize = options.worldSize;
        group.masterPort = options.masterPort > 0 ? options.masterPort : 29500;
        if (group.rank > 0) {
            core::runTrainWorker(request);
            return kExitOk;
        }
        return runJobCommand(&core::runTrainJob, request, json);
    }
    if (!core::dataParallelAvailable())
        throw UserError("--nproc needs data-parallel support, which this build lacks (LibTorch's c10d with the "
                        "Gloo headers; Debian: libgloo-dev)");
    // --nproc N: the CPUs are shared out, so N ranks do not oversubscribe the machine.
    const int cpus = static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
    const int threads = ctx.threads > 0 ? ctx.threads : std::max(1, cpus / options.nproc);
    (void)core::configureRuntime(threads);
    group.rank = 0;
    group.worldSize = options.nproc;
    group.masterPort = options.masterPort > 0 ? options.masterPort : freeLoopbackPort();
    std::vector<pid_t> ranks;
    for (int r = 1; r < options.nproc; ++r)
        ranks.push_back(startSelf(rankArgs(ctx.args, threads, r, options.nproc, group.masterPort, options)));
    core::logInfo("data-parallel: " + std::to_string(options.nproc) + " ranks, " + std::to_string(threads) +
                  " threads each, rendezvous on " + group.masterAddr + ":" + std::to_string(group.masterPort));
    int code = kExitInternal;
    try {
        code = runJobCommand(&core::runTrainJob, request, json);
    } catch (...) {
        (void)reapRanks(ranks, 1, true);
        throw;
    }
    // A failed rank 0 may leave the others waiting at the rendezvous: stop them.
    for (const std::string& failure : reapRanks(ranks, 1, code != kExitOk))
        std::cerr << "data-parallel: " << failure << "\n";
    return code;
}

}  // namespace tokenbench::cli
