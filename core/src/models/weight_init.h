#pragma once
// Private: the initialisation the sequence models share, drawn from a seeded generator so a run's
// seed fixes it: Xavier-normal matrices (as the reference PyTorch ports), zero biases, unit
// LayerNorm gains. Callers zero their padding rows afterwards.

#include <ATen/core/Generator.h>
#include <torch/nn/module.h>

namespace tokenbench::core {

void resetXavierNormal(torch::nn::Module& module, at::Generator& generator);

}  // namespace tokenbench::core
