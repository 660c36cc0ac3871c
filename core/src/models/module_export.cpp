#include "models/module_export.h"

#include <filesystem>
#include <map>
#include <vector>

#include <ATen/ATen.h>

#include "common/json_file.h"
#include "tokenbench/io/safetensors.h"

namespace tokenbench::core {

void exportModule(const torch::nn::Module& module, const std::string& dir, nlohmann::json config) {
    std::filesystem::create_directories(dir);
    std::vector<TensorData> tensors;
    nlohmann::json shapes = nlohmann::json::object();
    auto add = [&](const std::string& name, const at::Tensor& value) {
        const at::Tensor cpu = value.detach().to(at::kCPU, at::kFloat).contiguous();
        std::vector<int64_t> shape(cpu.sizes().begin(), cpu.sizes().end());
        const float* data = cpu.data_ptr<float>();
        tensors.push_back(TensorData::fromFloats(name, shape, std::vector<float>(data, data + cpu.numel())));
        shapes[name] = shape;
    };
    for (const auto& item : module.named_parameters(/*recurse=*/true)) add(item.key(), item.value());
    for (const auto& item : module.named_buffers(/*recurse=*/true)) add(item.key(), item.value());
    config["format"] = "tokenbench-model-export/1";
    config["tensors"] = shapes;
    config["weights"] = "weights.safetensors";
    const std::filesystem::path root(dir);
    writeSafetensors((root / "weights.safetensors").string(), tensors,
                     {{"format", "pt"}, {"model", config.value("model", std::string())}});
    writeJsonFile((root / "config.json").string(), config);
}

}  // namespace tokenbench::core
