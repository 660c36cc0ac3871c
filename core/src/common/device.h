#pragma once
// Private: the torch device named by a run's "device" setting, shared by the torch models and the
// RQ-VAE tokenizer. Any thread.

#include <string>

#include <c10/core/Device.h>

namespace tokenbench::core {

/// "cpu", "cuda", "cuda:1" ("" = cpu). Throws std::invalid_argument, prefixed with `owner`, for an
/// unknown device or CUDA without CUDA.
[[nodiscard]] at::Device parseDevice(const std::string& text, const std::string& owner);

}  // namespace tokenbench::core
