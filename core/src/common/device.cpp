#include "common/device.h"

#include <stdexcept>

#include <c10/util/Exception.h>
#include <torch/cuda.h>

namespace tokenbench::core {

at::Device parseDevice(const std::string& text, const std::string& owner) {
    try {
        at::Device device(text.empty() ? std::string("cpu") : text);
        if (device.is_cuda() && !torch::cuda::is_available())
            throw std::invalid_argument(owner + ": device '" + text + "' requested but CUDA is not available");
        return device;
    } catch (const c10::Error&) {
        throw std::invalid_argument(owner + ": unknown device '" + text + "'");
    }
}

}  // namespace tokenbench::core
