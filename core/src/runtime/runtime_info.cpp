#include "tokenbench/runtime.h"

#include "runtime/gpu_probe.h"

#include <dlfcn.h>
#include <link.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <string>
#include <thread>

#include <torch/torch.h>

namespace tokenbench::core {

namespace {

// The shared object LibTorch's BLAS calls land in: Debian's LibTorch links libblas.so.3, which the
// alternatives system points at OpenBLAS, BLIS, ATLAS or the slow reference BLAS.
std::string loadedBlasLibrary() {
    std::string found;
    dl_iterate_phdr(
        [](dl_phdr_info* info, size_t, void* data) -> int {
            const std::string name = info->dlpi_name ? info->dlpi_name : "";
            const std::string base = name.substr(name.find_last_of('/') + 1);
            if (base.find("blas") != std::string::npos || base.find("mkl_rt") != std::string::npos ||
                base.find("blis") != std::string::npos) {
                char resolved[PATH_MAX];
                *static_cast<std::string*>(data) = realpath(name.c_str(), resolved) ? resolved : name;
                return 1;
            }
            return 0;
        },
        &found);
    return found;
}

// OpenBLAS's DYNAMIC_ARCH reads the CPU model; on some virtual machines that name no known model it
// falls back to its Prescott (SSE3) kernels even when the CPU has AVX2 or AVX-512, and every matrix
// product runs 3-5 times slower (measured: 16-20 against 50 and 76 GFLOPS per core). It reads
// OPENBLAS_CORETYPE only when it loads, so all we can do is say so.
std::string blasKernelHint() {
    using CoreFn = char* (*)();
    const auto core = reinterpret_cast<CoreFn>(dlsym(RTLD_DEFAULT, "openblas_get_corename"));
    if (!core || std::getenv("OPENBLAS_CORETYPE")) return {};
    const std::string name = core();
#if defined(__x86_64__) || defined(__i386__)
    if ((name == "Prescott" || name == "Core2" || name == "Nehalem") && __builtin_cpu_supports("avx2"))
        return std::string(" - slow kernels: OpenBLAS chose ") + name + " on a CPU with AVX2; start with OPENBLAS_CORETYPE=" +
               (__builtin_cpu_supports("avx512f") ? "SkylakeX" : "Haswell") + " for 3-5x faster matrix products";
#endif
    return {};
}

std::string describeBlas() {
    std::string library = loadedBlasLibrary();
    using ConfigFn = char* (*)();
    if (auto config = reinterpret_cast<ConfigFn>(dlsym(RTLD_DEFAULT, "openblas_get_config"))) {
        std::string text = config();
        const bool pthread = library.find("pthread") != std::string::npos;
        return text + (pthread ? " (pthread)" : "") + (library.empty() ? "" : " at " + library) + blasKernelHint();
    }
    if (library.find("/blas/") != std::string::npos)
        return "reference BLAS at " + library + " (slow: install libopenblas0-pthread)";
    if (library.empty()) return "built into LibTorch (MKL or none)";
    return library;
}

// OpenBLAS runs its own thread pool; keep it the size of LibTorch's so the two do not oversubscribe.
void setBlasThreads(int threads) {
    using SetFn = void (*)(int);
    if (auto set = reinterpret_cast<SetFn>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) set(threads);
}

// Training allocates and frees the same large activation buffers every batch. glibc serves blocks above
// its mmap threshold with fresh mmap()s, so each batch page-faults and zeroes its memory again (a
// quarter of TIGER's CPU time was the kernel clearing pages). Serving them from the heap and keeping
// freed memory lets the next batch reuse it.
void keepFreedMemory() {
#if defined(__GLIBC__)
    mallopt(M_MMAP_THRESHOLD, 32 << 20);  // glibc's largest allowed value on 64-bit
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
#endif
}

}  // namespace

int defaultThreadCount(int reserve) {
    if (const char* env = std::getenv("TOKENBENCH_THREADS")) {
        const int value = std::atoi(env);
        if (value > 0) return value;
    }
    const int hardware = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    return std::max(1, hardware - reserve);
}

RuntimeInfo configureRuntime(int threads) {
    const int count = threads > 0 ? threads : defaultThreadCount();
    keepFreedMemory();
    setComputeThreads(count);
    return runtimeInfo();
}

void setComputeThreads(int threads) {
    const int count = std::max(1, threads);
    torch::set_num_threads(count);
    setBlasThreads(count);
}

RuntimeInfo runtimeInfo() {
    RuntimeInfo info;
    info.torchVersion = TORCH_VERSION;
    info.blas = describeBlas();
    info.intraOpThreads = torch::get_num_threads();
    info.hardwareThreads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    info.cudaAvailable = torch::cuda::is_available();
    info.cudaDevices = info.cudaAvailable ? static_cast<int>(torch::cuda::device_count()) : 0;
    for (const GpuDescription& gpu : probeGpus()) {
        info.gpuNames.push_back(gpu.name);
        info.gpuMemoryBytes.push_back(gpu.memoryBytes);
    }
    return info;
}

std::string describe(const RuntimeInfo& info) {
    std::string text = "LibTorch " + info.torchVersion + ", BLAS: " + info.blas + ", " +
                       std::to_string(info.intraOpThreads) + " intra-op thread(s) of " +
                       std::to_string(info.hardwareThreads) + " CPUs, CUDA: ";
    text += info.cudaAvailable ? std::to_string(info.cudaDevices) + " device(s)" : "none";
    for (size_t i = 0; i < info.gpuNames.size(); ++i)
        text += ", GPU " + std::to_string(i) + ": " + info.gpuNames[i] + " (" +
                std::to_string(info.gpuMemoryBytes[i] >> 30) + " GiB)";
    return text;
}

}  // namespace tokenbench::core
