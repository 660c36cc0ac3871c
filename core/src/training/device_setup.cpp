#include "training/device_setup.h"

#include <stdexcept>

#include <ATen/autocast_mode.h>
#include <c10/core/Device.h>
#include <torch/cuda.h>

namespace tokenbench::core {

std::string resolveDevice(const std::string& requested) {
    const bool cuda = torch::cuda::is_available();
    if (requested.empty() || requested == "auto") return cuda ? "cuda" : "cpu";
    c10::Device device(c10::kCPU);
    try {
        device = c10::Device(requested);
    } catch (const c10::Error&) {
        throw std::invalid_argument("unknown device '" + requested + "' (expected auto, cpu, cuda or cuda:N)");
    }
    if (device.is_cpu()) return "cpu";
    if (!device.is_cuda()) throw std::invalid_argument("device '" + requested + "' is not supported (cpu or cuda)");
    if (!cuda)
        throw std::invalid_argument("device '" + requested +
                                    "' requested but this LibTorch has no CUDA or no GPU is present; use --device cpu");
    const int64_t count = static_cast<int64_t>(torch::cuda::device_count());
    if (device.has_index() && device.index() >= count)
        throw std::invalid_argument("device '" + requested + "' does not exist (" + std::to_string(count) +
                                    " CUDA device(s))");
    return device.str();
}

AutocastScope::AutocastScope(bool enable, const std::string& device) {
    if (!enable || device.rfind("cuda", 0) != 0) return;
    m_previous = at::autocast::is_enabled();
    at::autocast::set_autocast_gpu_dtype(at::kBFloat16);
    at::autocast::set_enabled(true);
    m_active = true;
}

AutocastScope::~AutocastScope() {
    if (!m_active) return;
    at::autocast::set_enabled(m_previous);
    at::autocast::clear_cache();
}

}  // namespace tokenbench::core
