#pragma once
// Private: writes a torch module as a Python-loadable export, weights.safetensors (every parameter
// and buffer under its module path, float32, contiguous) plus config.json. Shared by every model's
// exportModel so the layout is one convention.

#include <string>

#include <nlohmann/json.hpp>
#include <torch/nn/module.h>

namespace tokenbench::core {

/// Writes `dir`/weights.safetensors and `dir`/config.json (`config` plus "format" and "tensors":
/// name -> shape). Creates `dir`. Throws std::runtime_error naming the file on I/O failure.
void exportModule(const torch::nn::Module& module, const std::string& dir, nlohmann::json config);

}  // namespace tokenbench::core
