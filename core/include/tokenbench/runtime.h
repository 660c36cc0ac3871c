#pragma once
/// Compute runtime set-up: LibTorch thread count, BLAS in use, devices. Torch-free interface.

#include <cstdint>
#include <string>
#include <vector>

namespace tokenbench::core {

/// What the process computes with, for the start-up log line, the status bar and run records.
struct RuntimeInfo final {
    std::string torchVersion;   ///< "1.13.1"
    std::string blas;           ///< library LibTorch's BLAS calls resolve to ("OpenBLAS 0.3.21 (pthread) at /usr/...")
    int intraOpThreads = 1;     ///< LibTorch intra-op threads after configureRuntime
    int hardwareThreads = 1;    ///< logical CPUs
    bool cudaAvailable = false;
    int cudaDevices = 0;
    std::vector<std::string> gpuNames;     ///< NVIDIA GPUs on the machine (NVML), whether or not LibTorch has CUDA
    std::vector<int64_t> gpuMemoryBytes;   ///< total memory of each
};

/// Thread count to use when the user set none: `TOKENBENCH_THREADS` when set, else all logical
/// CPUs minus `reserve` (the GUI keeps one for the UI thread), at least 1.
[[nodiscard]] int defaultThreadCount(int reserve = 0);

/// Sets LibTorch's intra-op thread count (`threads` <= 0 means defaultThreadCount()), makes the C
/// allocator keep freed memory for reuse (no page faults on every batch), and returns what
/// the process now computes with. Call once at start-up from the main thread, before any job starts.
RuntimeInfo configureRuntime(int threads);

/// Sets LibTorch's and the BLAS's intra-op thread counts (at least 1) without logging: for code that
/// runs its own threads for a while (see batch shards). Affects the whole process.
void setComputeThreads(int threads);

/// Current runtime figures without changing anything. Any thread.
[[nodiscard]] RuntimeInfo runtimeInfo();

/// One line for logs: "LibTorch 1.13.1, BLAS: OpenBLAS ..., 2 threads, CUDA: none".
[[nodiscard]] std::string describe(const RuntimeInfo& info);

}  // namespace tokenbench::core
