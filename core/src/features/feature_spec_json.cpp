// FeatureSpec <-> JSON, the feature set's stored config.
#include "tokenbench/features/featurizers.h"

#include <algorithm>
#include <filesystem>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

namespace tokenbench::core {

namespace {

bool uses(const FeatureSpec& spec, const char* kind) {
    return std::find(spec.kinds.begin(), spec.kinds.end(), kind) != spec.kinds.end();
}

/// Calls `visit(kind, key, member)` for every setting that belongs to one feature kind, the one
/// list of those keys for both directions. `Spec` is FeatureSpec or const FeatureSpec.
template <typename Spec, typename Visit>
void forEachKindSetting(Spec& spec, Visit visit) {
    visit("text", "text_fields", spec.textFields);
    visit("text", "min_document_frequency", spec.minDocumentFrequency);
    visit("text", "max_document_fraction", spec.maxDocumentFraction);
    visit("text-encoder", "text_fields", spec.textFields);
    visit("text-encoder", "model_dir", spec.textEncoderDir);
    visit("attributes", "attribute_fields", spec.attributeFields);
    visit("attributes", "attributes_svd", spec.attributesSvd);
    visit("cooccurrence", "window", spec.window);
    visit("cooccurrence", "cooccurrence_smoothing", spec.cooccurrenceSmoothing);
    visit("cooccurrence", "cooccurrence_svd_power", spec.cooccurrenceSvdPower);
    visit("embeddings", "embeddings_path", spec.embeddingsPath);
    visit("embeddings", "embeddings_ids_path", spec.embeddingsIdsPath);
    visit("model-embeddings", "run", spec.modelRunId);
}

template <typename T>
void readKey(const nlohmann::json& j, const char* key, T& target) {
    if (!j.contains(key)) return;
    try {
        target = j.at(key).get<T>();
    } catch (const nlohmann::json::exception& e) {
        throw std::invalid_argument(std::string("feature spec: bad value for '") + key + "': " + e.what());
    }
}

}  // namespace

std::string toJson(const FeatureSpec& spec) {
    nlohmann::json j = {{"kinds", spec.kinds},
                        {"dim", spec.dim},
                        {"seed", spec.seed},
                        {"svd_oversample", spec.svdOversample},
                        {"svd_power_iterations", spec.svdPowerIterations}};
    forEachKindSetting(spec, [&](const char* kind, const char* key, const auto& value) {
        if (uses(spec, kind)) j[key] = value;
    });
    // The folder's name says which encoder made the set even after the folder has moved.
    if (uses(spec, "text-encoder")) j["model_name"] = std::filesystem::path(spec.textEncoderDir).lexically_normal().filename().string();
    if (spec.kinds.size() > 1) {
        std::vector<double> weights = spec.weights;
        if (weights.empty()) weights.assign(spec.kinds.size(), 1.0);
        j["weights"] = weights;
    }
    return j.dump();
}

FeatureSpec featureSpecFromJson(const std::string& text) {
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
        throw std::invalid_argument(std::string("feature spec: bad JSON: ") + e.what());
    }
    if (!j.is_object()) throw std::invalid_argument("feature spec: expected a JSON object");
    FeatureSpec spec;
    readKey(j, "kinds", spec.kinds);
    readKey(j, "dim", spec.dim);
    readKey(j, "seed", spec.seed);
    readKey(j, "svd_oversample", spec.svdOversample);
    readKey(j, "svd_power_iterations", spec.svdPowerIterations);
    forEachKindSetting(spec, [&](const char*, const char* key, auto& value) { readKey(j, key, value); });
    readKey(j, "weights", spec.weights);
    return spec;
}

}  // namespace tokenbench::core
