#include "tiny_configs.h"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace tokenbench::test {

using core::ParamSpec;
using core::ParamType;

const std::map<std::string, std::string>& tinyParamValues() {
    static const std::map<std::string, std::string> values = {
        // model widths and depths
        {"hidden", "16"},
        {"heads", "2"},
        {"blocks", "1"},
        {"layers", "1"},
        {"encoder_layers", "1"},
        {"decoder_layers", "1"},
        {"feed_forward", "32"},
        {"max_length", "10"},
        {"max_items", "5"},
        {"user_buckets", "10"},
        {"beam_size", "5"},
        {"warmup_steps", "5"},
        // optimisation
        {"batch_size", "32"},
        {"epochs", "2"},
        {"iterations", "5"},
        // tokenizers
        {"levels", "2"},
        {"codebook_size", "8"},
        {"latent_dim", "8"},
        {"hidden_dims", "\"16\""},
        {"runs", "\"1,2\""},  // tokenizer runs a composite joins (the conformance test serves their IDs)
    };
    return values;
}

const ParamSpec* findParam(const core::ComponentInfo& info, const std::string& key) {
    for (const ParamSpec& spec : info.params)
        if (spec.key == key) return &spec;
    return nullptr;
}

std::string tinyConfig(const core::ComponentInfo& info) {
    nlohmann::json config = nlohmann::json::object();
    for (const auto& [key, text] : tinyParamValues()) {
        const ParamSpec* spec = findParam(info, key);
        if (!spec) continue;
        nlohmann::json value = nlohmann::json::parse(text);
        if (value.is_number() && (spec->type == ParamType::Int || spec->type == ParamType::Float)) {
            double v = value.get<double>();
            if (spec->min) v = std::max(v, *spec->min);
            if (spec->max) v = std::min(v, *spec->max);
            value = spec->type == ParamType::Int ? nlohmann::json(static_cast<int64_t>(v)) : nlohmann::json(v);
        } else if (value.is_string() != (spec->type == ParamType::String)) {
            continue;  // same key, other kind of value: keep the component's default
        }
        config[key] = value;
    }
    return config.dump();
}

}  // namespace tokenbench::test
