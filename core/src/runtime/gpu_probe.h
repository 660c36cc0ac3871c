#pragma once
// Private: names and memory of the machine's NVIDIA GPUs through NVML, loaded at run time, so a CPU
// build of LibTorch (which has no CUDA headers to ask) can still say what a GPU machine holds.

#include <cstdint>
#include <string>
#include <vector>

namespace tokenbench::core {

struct GpuDescription final {
    std::string name;           ///< "NVIDIA H100 80GB HBM3"
    int64_t memoryBytes = 0;    ///< total device memory
};

/// Every GPU NVML reports; empty when libnvidia-ml is absent or fails. Cheap after the first call.
[[nodiscard]] const std::vector<GpuDescription>& probeGpus();

}  // namespace tokenbench::core
