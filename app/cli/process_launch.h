#pragma once
/// Starting the other ranks of `train --nproc N`: copies of this program, one per rank, that join
/// the data-parallel group over loopback. Linux/POSIX only (as the c10d backends).

#include <string>
#include <sys/types.h>
#include <vector>

namespace tokenbench::cli {

/// A free TCP port on 127.0.0.1 for the group's rendezvous (asked of the kernel, then released).
[[nodiscard]] int freeLoopbackPort();

/// Starts this program (/proc/self/exe) with `args` (argv[1..]); its stdout goes to /dev/null (the
/// caller's stdout carries rank 0's output alone), its stderr is the caller's. Throws
/// std::runtime_error when it cannot start.
[[nodiscard]] pid_t startSelf(const std::vector<std::string>& args);

/// Waits for `pids`; when `stop` is set, sends each SIGTERM first. Returns one line per process
/// that did not exit 0 ("rank 1 (pid 1234) exited with 1"), empty when all did; `firstRank` is
/// the rank of pids[0].
[[nodiscard]] std::vector<std::string> reapRanks(const std::vector<pid_t>& pids, int firstRank, bool stop);

}  // namespace tokenbench::cli
