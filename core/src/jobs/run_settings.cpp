#include "tokenbench/jobs/run_settings.h"

#include <nlohmann/json.hpp>

namespace tokenbench::core {

const std::vector<ParamSpec>& runSettingsSchema() {
    static const std::vector<ParamSpec> schema = {
        {"epochs", "Epochs", ParamType::Int, "50", 1.0, 1000000.0, {}, "Most epochs to train; early stopping may end sooner."},
        {"patience", "Patience", ParamType::Int, "5", 0.0, 1000000.0, {},
         "Validations without improvement before stopping (0: never stop early)."},
        {"max_minutes", "Time budget (min)", ParamType::Float, "0", 0.0, 1000000.0, {},
         "Wall-clock budget for training and validation, in minutes (0: none)."},
        {"valid_metric", "Best by", ParamType::Choice, "ndcg@10", {}, {},
         {"ndcg@10", "recall@10", "ndcg@5", "recall@5", "ndcg@20", "recall@20", "mrr"},
         "Validation metric that picks the best epoch."},
        {"eval_every", "Validate every", ParamType::Int, "1", 1.0, 1000000.0, {}, "Validate every N epochs (and at the last)."},
        {"seed", "Seed", ParamType::Int, "42", 0.0, 2147483647.0, {}, "Random seed (every random source derives from it)."},
        {"device", "Device", ParamType::String, "auto", {}, {}, {}, "auto (CUDA when available), cpu, cuda or cuda:N."},
        {"mixed_precision", "Mixed precision", ParamType::Bool, "false", {}, {}, {}, "bfloat16 autocast on CUDA; ignored on CPU."},
    };
    return schema;
}

const ComponentInfo& runSettingsInfo() {
    static const ComponentInfo info = [] {
        ComponentInfo i;
        i.id = "run-settings";
        i.displayName = "Run settings";
        i.params = runSettingsSchema();
        return i;
    }();
    return info;
}

void applyRunSettings(const std::string& settingsJson, TrainRequest& request) {
    const nlohmann::json s = nlohmann::json::parse(validateConfig(runSettingsInfo(), settingsJson));
    request.epochs = s.at("epochs").get<int64_t>();
    request.patience = s.at("patience").get<int64_t>();
    request.maxMinutes = s.at("max_minutes").get<double>();
    request.validMetric = s.at("valid_metric").get<std::string>();
    request.evalEvery = s.at("eval_every").get<int64_t>();
    request.seed = s.at("seed").get<uint64_t>();
    request.device = s.at("device").get<std::string>();
    request.mixedPrecision = s.at("mixed_precision").get<bool>();
}

std::string runSettingsJson(const TrainRequest& request) {
    return nlohmann::json{{"epochs", request.epochs},
                          {"patience", request.patience},
                          {"max_minutes", request.maxMinutes},
                          {"valid_metric", request.validMetric},
                          {"eval_every", request.evalEvery},
                          {"seed", request.seed},
                          {"device", request.device},
                          {"mixed_precision", request.mixedPrecision}}
        .dump();
}

}  // namespace tokenbench::core
