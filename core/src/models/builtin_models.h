#pragma once
// Private: the built-in models' schemas and factories, gathered by model_registry.cpp (the one place
// that lists them). Each pair lives in its model's .cpp file.

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "tokenbench/models/recommender.h"
#include "tokenbench/registry.h"

namespace tokenbench::core {

// Most popular items by training interactions: the baseline every table needs.
ComponentInfo popularityInfo();
std::unique_ptr<Recommender> makePopularity(const std::string& configJson);

// SASRec (Kang & McAuley 2018): causal self-attention over the item history.
ComponentInfo sasRecInfo();
std::unique_ptr<Recommender> makeSasRec(const std::string& configJson);
ComponentInfo reaRecInfo();
std::unique_ptr<Recommender> makeReaRec(const std::string& configJson);
ComponentInfo cl4SRecInfo();
std::unique_ptr<Recommender> makeCl4SRec(const std::string& configJson);
ComponentInfo iclRecInfo();
std::unique_ptr<Recommender> makeIclRec(const std::string& configJson);
// cove (CAGE, WWW 2024): SASRec with item codes learned jointly (cove_model.cpp).
ComponentInfo coveInfo();
std::unique_ptr<Recommender> makeCove(const std::string& configJson);
ComponentInfo sigmaInfo();
std::unique_ptr<Recommender> makeSigma(const std::string& configJson);

// BERT4Rec (Sun et al. 2019): bidirectional transformer trained with the cloze task.
ComponentInfo bert4RecInfo();
std::unique_ptr<Recommender> makeBert4Rec(const std::string& configJson);

// TIGER (Rajput et al. 2023): generative retrieval over semantic IDs with a constrained beam search.
ComponentInfo tigerInfo();
std::unique_ptr<Recommender> makeTiger(const std::string& configJson);

// SID-GPT: a decoder-only transformer over the semantic-ID token stream, every next token learned at once.
ComponentInfo sidGptInfo();
std::unique_ptr<Recommender> makeSidGpt(const std::string& configJson);

/// A model's registry entry (kind Model) before its parameters.
inline ComponentInfo modelInfo(std::string id, int version, std::string displayName, std::string description) {
    ComponentInfo info;
    info.id = std::move(id);
    info.version = version;
    info.displayName = std::move(displayName);
    info.kind = ComponentKind::Model;
    info.description = std::move(description);
    return info;
}

/// A numeric schema entry (Int, or Float with `type`).
inline ParamSpec numberParam(std::string key, std::string label, ParamType type, std::string value, double min,
                             double max, std::string help) {
    ParamSpec spec;
    spec.key = std::move(key);
    spec.label = std::move(label);
    spec.type = type;
    spec.defaultValue = std::move(value);
    spec.min = min;
    spec.max = max;
    spec.help = std::move(help);
    return spec;
}

/// A Bool schema entry; `value` is "true" or "false".
inline ParamSpec boolParam(std::string key, std::string label, std::string value, std::string help) {
    ParamSpec spec;
    spec.key = std::move(key);
    spec.label = std::move(label);
    spec.type = ParamType::Bool;
    spec.defaultValue = std::move(value);
    spec.help = std::move(help);
    return spec;
}

/// A Choice schema entry; `value` is one of `choices`.
inline ParamSpec choiceParam(std::string key, std::string label, std::string value,
                             std::vector<std::string> choices, std::string help) {
    ParamSpec spec = boolParam(std::move(key), std::move(label), std::move(value), std::move(help));
    spec.type = ParamType::Choice;
    spec.choices = std::move(choices);
    return spec;
}

}  // namespace tokenbench::core
