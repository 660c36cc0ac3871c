#include "training/job_settings.h"

#include <algorithm>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "tokenbench/jobs/run_settings.h"
#include "tokenbench/models/recommender.h"
#include "tokenbench/registry.h"

namespace tokenbench::core {

using nlohmann::json;

void checkValidMetric(const std::string& metric, const EvalOptions& options) {
    std::string known = "mrr";
    if (metric == "mrr") return;
    for (const int32_t k : options.ks) {
        for (const char* name : {"recall@", "ndcg@"}) {
            const std::string candidate = name + std::to_string(k);
            if (metric == candidate) return;
            known += ", " + candidate;
        }
    }
    throw std::invalid_argument("unknown validation metric '" + metric + "' (expected one of " + known + ")");
}

JobSettings settingsFromRequest(const TrainRequest& request, const std::string& resolvedDevice) {
    Registry registry;
    registerModels(registry);
    const ComponentInfo& info = registry.get(request.model);
    JobSettings s;
    s.model = info.id;
    s.modelConfigJson = validateConfig(info, request.configJson);
    s.tokenizerRunId = request.tokenizerRunId;
    TrainRequest ranges = request;  // epochs, patience, budget, interval and seed against the run-settings schema;
    ranges.validMetric = "mrr";     // the metric is checked against the request's own Ks below
    (void)validateConfig(runSettingsInfo(), runSettingsJson(ranges));
    if (request.eval.ks.empty()) throw std::invalid_argument("at least one cut-off K is needed");
    for (const int32_t k : request.eval.ks)
        if (k < 1) throw std::invalid_argument("cut-offs K must be positive, got " + std::to_string(k));
    s.epochs = request.epochs;
    s.maxMinutes = request.maxMinutes;
    s.patience = request.patience;
    s.validMetric = request.validMetric;
    s.evalEvery = request.evalEvery;
    s.seed = request.seed;
    s.device = resolvedDevice;
    s.mixedPrecision = request.mixedPrecision;
    s.eval = request.eval;
    std::sort(s.eval.ks.begin(), s.eval.ks.end());
    s.eval.ks.erase(std::unique(s.eval.ks.begin(), s.eval.ks.end()), s.eval.ks.end());
    checkValidMetric(s.validMetric, s.eval);
    return s;
}

std::string toRunConfigJson(const JobSettings& s) {
    const json j = {{"model", json::parse(s.modelConfigJson)},
                    {"epochs", s.epochs},
                    {"max_minutes", s.maxMinutes},
                    {"patience", s.patience},
                    {"valid_metric", s.validMetric},
                    {"eval_every", s.evalEvery},
                    {"mixed_precision", s.mixedPrecision},
                    {"eval",
                     {{"ks", s.eval.ks},
                      {"exclude_history", s.eval.excludeHistory},
                      {"cold_threshold", s.eval.coldThreshold}}}};
    return j.dump();
}

JobSettings settingsFromRun(const std::string& model, const std::string& runConfigJson, int64_t tokenizerRunId,
                            uint64_t seed, const std::string& device) {
    JobSettings s;
    try {
        const json j = json::parse(runConfigJson);
        s.model = model;
        s.modelConfigJson = j.at("model").dump();
        s.epochs = j.at("epochs").get<int64_t>();
        s.maxMinutes = j.value("max_minutes", 0.0);
        s.patience = j.value("patience", int64_t{5});
        s.validMetric = j.value("valid_metric", std::string("ndcg@10"));
        s.evalEvery = j.value("eval_every", int64_t{1});
        s.mixedPrecision = j.value("mixed_precision", false);
        const json& e = j.at("eval");
        s.eval.ks = e.at("ks").get<std::vector<int32_t>>();
        s.eval.excludeHistory = e.at("exclude_history").get<bool>();
        s.eval.coldThreshold = e.at("cold_threshold").get<int32_t>();
    } catch (const json::exception& e) {
        throw std::invalid_argument(std::string("the run's stored config is not a training config: ") + e.what());
    }
    s.tokenizerRunId = tokenizerRunId;
    s.seed = seed;
    s.device = device;
    return s;
}

}  // namespace tokenbench::core
