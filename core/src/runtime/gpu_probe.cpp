#include "runtime/gpu_probe.h"

#include <dlfcn.h>

namespace tokenbench::core {

namespace {

// The few NVML entry points used, declared here: NVML's C ABI is stable and this avoids needing its
// header. nvmlMemory_t is {total, free, used} as unsigned long long.
using NvmlReturn = int;
using NvmlDevice = void*;
struct NvmlMemory {
    unsigned long long total;
    unsigned long long free;
    unsigned long long used;
};

std::vector<GpuDescription> queryNvml() {
    std::vector<GpuDescription> gpus;
    void* library = dlopen("libnvidia-ml.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!library) return gpus;
    auto symbol = [&](const char* name) { return dlsym(library, name); };
    auto init = reinterpret_cast<NvmlReturn (*)()>(symbol("nvmlInit_v2"));
    auto shutdown = reinterpret_cast<NvmlReturn (*)()>(symbol("nvmlShutdown"));
    auto count = reinterpret_cast<NvmlReturn (*)(unsigned int*)>(symbol("nvmlDeviceGetCount_v2"));
    auto handle = reinterpret_cast<NvmlReturn (*)(unsigned int, NvmlDevice*)>(symbol("nvmlDeviceGetHandleByIndex_v2"));
    auto name = reinterpret_cast<NvmlReturn (*)(NvmlDevice, char*, unsigned int)>(symbol("nvmlDeviceGetName"));
    auto memory = reinterpret_cast<NvmlReturn (*)(NvmlDevice, NvmlMemory*)>(symbol("nvmlDeviceGetMemoryInfo"));
    if (init && shutdown && count && handle && name && memory && init() == 0) {
        unsigned int devices = 0;
        if (count(&devices) == 0) {
            for (unsigned int i = 0; i < devices; ++i) {
                NvmlDevice device = nullptr;
                char text[96] = {};
                NvmlMemory bytes{};
                if (handle(i, &device) != 0 || name(device, text, sizeof(text)) != 0) continue;
                GpuDescription gpu;
                gpu.name = text;
                if (memory(device, &bytes) == 0) gpu.memoryBytes = static_cast<int64_t>(bytes.total);
                gpus.push_back(gpu);
            }
        }
        shutdown();
    }
    dlclose(library);
    return gpus;
}

}  // namespace

const std::vector<GpuDescription>& probeGpus() {
    static const std::vector<GpuDescription> gpus = queryNvml();
    return gpus;
}

}  // namespace tokenbench::core
