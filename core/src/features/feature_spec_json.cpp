// FeatureSpec <-> JSON, the feature set's stored config.
#include "tokenbench/features/featurizers.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

namespace tokenbench::core {

namespace {

bool uses(const FeatureSpec& spec, const char* kind) {
    return std::find(spec.kinds.begin(), spec.kinds.end(), kind) != spec.kinds.end();
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
    if (uses(spec, "text")) {
        j["text_fields"] = spec.textFields;
        j["min_document_frequency"] = spec.minDocumentFrequency;
        j["max_document_fraction"] = spec.maxDocumentFraction;
    }
    if (uses(spec, "attributes")) {
        j["attribute_fields"] = spec.attributeFields;
        j["attributes_svd"] = spec.attributesSvd;
    }
    if (uses(spec, "cooccurrence")) {
        j["window"] = spec.window;
        j["cooccurrence_smoothing"] = spec.cooccurrenceSmoothing;
        j["cooccurrence_svd_power"] = spec.cooccurrenceSvdPower;
    }
    if (uses(spec, "embeddings")) {
        j["embeddings_path"] = spec.embeddingsPath;
        j["embeddings_ids_path"] = spec.embeddingsIdsPath;
    }
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
    readKey(j, "text_fields", spec.textFields);
    readKey(j, "min_document_frequency", spec.minDocumentFrequency);
    readKey(j, "max_document_fraction", spec.maxDocumentFraction);
    readKey(j, "attribute_fields", spec.attributeFields);
    readKey(j, "attributes_svd", spec.attributesSvd);
    readKey(j, "window", spec.window);
    readKey(j, "cooccurrence_smoothing", spec.cooccurrenceSmoothing);
    readKey(j, "cooccurrence_svd_power", spec.cooccurrenceSvdPower);
    readKey(j, "embeddings_path", spec.embeddingsPath);
    readKey(j, "embeddings_ids_path", spec.embeddingsIdsPath);
    readKey(j, "weights", spec.weights);
    return spec;
}

}  // namespace tokenbench::core
