#include "models/weight_init.h"

#include <cmath>
#include <string>

#include <ATen/ATen.h>
#include <torch/utils.h>

namespace tokenbench::core {

void resetXavierNormal(torch::nn::Module& module, at::Generator& generator) {
    torch::NoGradGuard noGrad;
    const at::TensorOptions cpu = at::TensorOptions().dtype(at::kFloat);
    for (auto& item : module.named_parameters()) {
        at::Tensor& p = item.value();
        const std::string& name = item.key();
        const bool isBias = name.size() >= 4 && name.compare(name.size() - 4, 4, "bias") == 0;
        if (isBias) {
            p.zero_();
        } else if (p.dim() < 2) {
            p.fill_(1.0);  // LayerNorm gains
        } else {
            const double std = std::sqrt(2.0 / static_cast<double>(p.size(0) + p.size(1)));
            p.copy_(at::empty(p.sizes(), cpu).normal_(0.0, std, generator));
        }
    }
}

}  // namespace tokenbench::core
