#pragma once
/// Where a training process stands in a data-parallel group (torch's c10d: Gloo on the CPU, NCCL on
/// CUDA when the LibTorch build has it), as torchrun names it. Plain types: the CLI fills it, the
/// engine builds the group. worldSize 1 is ordinary single-process training.

#include <string>

namespace tokenbench::core {

struct DistributedSettings final {
    int rank = 0;                          ///< 0 validates, checkpoints and writes the store
    int worldSize = 1;                     ///< processes in the group
    std::string masterAddr = "127.0.0.1";  ///< rank 0's rendezvous address (c10d TCPStore)
    int masterPort = 29500;
    double timeoutMinutes = 30.0;  ///< a collective waiting longer fails the run (a hung rank); rank 0's
                                   ///< validation must fit inside it
    double joinSeconds = 120.0;    ///< every rank must join the rendezvous within this time

    [[nodiscard]] bool active() const { return worldSize > 1; }
};

/// Whether this LibTorch build can run data-parallel groups (built with c10d and Gloo headers).
[[nodiscard]] bool dataParallelAvailable();

}  // namespace tokenbench::core
