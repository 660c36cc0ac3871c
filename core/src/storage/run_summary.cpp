#include "tokenbench/storage/run_summary.h"

#include <limits>

#include <nlohmann/json.hpp>

namespace tokenbench::core {
namespace {

using nlohmann::json;

/// The object in `text`, or a null json when it is not a JSON object.
json parseObject(const std::string& text) {
    json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
    return j.is_object() ? j : json();
}

std::optional<int64_t> integer(const json& j, const char* key) {
    const auto it = j.find(key);
    if (it == j.end() || !it->is_number()) return std::nullopt;
    return it->is_number_float() ? static_cast<int64_t>(it->get<double>()) : it->get<int64_t>();
}

std::optional<double> number(const json& j, const char* key) {
    const auto it = j.find(key);
    if (it == j.end() || !it->is_number()) return std::nullopt;
    return it->get<double>();
}

std::string text(const json& j, const char* key) {
    const auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::vector<double> numbers(const json& j, const char* key) {
    std::vector<double> out;
    const auto it = j.find(key);
    if (it == j.end() || !it->is_array()) return out;
    for (const json& v : *it) {
        if (v.is_number()) out.push_back(v.get<double>());
    }
    return out;
}

SummaryMetrics metrics(const json& j, const char* key) {
    SummaryMetrics out;
    const auto it = j.find(key);
    if (it == j.end() || !it->is_object()) return out;
    out.targets = integer(*it, "targets");
    for (const auto& [name, value] : it->items()) {
        if (name != "targets" && value.is_number()) out.values[name] = value.get<double>();
    }
    return out;
}

/// A leaf value as display text: strings unquoted, everything else as compact JSON.
std::string displayValue(const json& value) {
    if (value.is_string()) return value.get<std::string>();
    if (value.is_array()) {
        std::string out = "[";
        for (size_t i = 0; i < value.size(); ++i) {
            if (i > 0) out += ", ";
            out += displayValue(value[i]);
        }
        return out + "]";
    }
    return value.dump();
}

void flatten(const json& value, const std::string& prefix, std::vector<std::pair<std::string, std::string>>& out) {
    if (value.is_object() && !value.empty()) {
        for (const auto& [key, inner] : value.items()) flatten(inner, prefix.empty() ? key : prefix + "." + key, out);
        return;
    }
    out.emplace_back(prefix, displayValue(value));
}

}  // namespace

double SummaryMetrics::value(const std::string& name) const {
    const auto it = values.find(name);
    return it == values.end() ? std::numeric_limits<double>::quiet_NaN() : it->second;
}

const SummaryMetrics& TrainSummary::testGroup(TargetGroup group) const {
    switch (group) {
        case TargetGroup::Cold: return testCold;
        case TargetGroup::Warm: return testWarm;
        case TargetGroup::New: return testNewItems;
        case TargetGroup::All: break;
    }
    return test;
}

std::optional<TrainSummary> parseTrainSummary(const std::string& summaryJson) {
    const json j = parseObject(summaryJson);
    if (!j.is_object() || j.empty()) return std::nullopt;
    TrainSummary s;
    s.status = text(j, "status");
    s.model = text(j, "model");
    s.device = text(j, "device");
    s.stopReason = text(j, "stop_reason");
    s.protocol = text(j, "protocol");
    s.message = text(j, "message");
    s.epochs = integer(j, "epochs");
    s.bestEpoch = integer(j, "best_epoch");
    s.secondsPerEpoch = number(j, "seconds_per_epoch");
    s.evalSeconds = number(j, "eval_seconds");
    s.seconds = number(j, "seconds");
    s.valid = metrics(j, "valid");
    s.test = metrics(j, "test");
    s.testCold = metrics(j, "test_cold");
    s.testWarm = metrics(j, "test_warm");
    s.testNewItems = metrics(j, "test_new_items");
    return s;
}

std::optional<TokenizerSummary> parseTokenizerSummary(const std::string& summaryJson) {
    const json j = parseObject(summaryJson);
    if (!j.is_object() || j.empty()) return std::nullopt;
    TokenizerSummary s;
    s.status = text(j, "status");
    s.featureSet = text(j, "feature_set");
    s.message = text(j, "message");
    s.items = integer(j, "items");
    s.levels = integer(j, "levels");
    s.codebookSize = integer(j, "codebook_size");
    s.uniqueIds = integer(j, "unique_ids");
    s.collisionRate = number(j, "collision_rate");
    s.maxCollisionGroup = integer(j, "max_collision_group");
    s.reconstructionError = number(j, "reconstruction_error");
    s.seconds = number(j, "seconds");
    s.utilization = numbers(j, "utilization");
    s.perplexity = numbers(j, "perplexity");
    for (const double level : numbers(j, "collapsed_levels")) s.collapsedLevels.push_back(static_cast<int64_t>(level));
    return s;
}

std::vector<SummaryField> summaryFields(const std::string& jsonText) {
    std::vector<SummaryField> out;
    const json j = parseObject(jsonText);
    if (!j.is_object()) return out;
    for (const auto& [key, value] : j.items()) {
        SummaryField field;
        field.key = key;
        if (value.is_number()) {
            field.type = SummaryField::Type::Number;
            field.number = value.get<double>();
        } else if (value.is_string()) {
            field.type = SummaryField::Type::Text;
            field.text = value.get<std::string>();
        } else if (value.is_boolean()) {
            field.type = SummaryField::Type::Bool;
            field.text = value.get<bool>() ? "true" : "false";
        }
        out.push_back(std::move(field));
    }
    return out;
}

std::vector<std::pair<std::string, double>> summaryNumbers(const std::string& jsonText) {
    std::vector<std::pair<std::string, double>> out;
    const json j = parseObject(jsonText);
    if (!j.is_object()) return out;
    for (const auto& [key, value] : j.items()) {
        if (key == "run_id") continue;
        if (value.is_number()) {
            out.emplace_back(key, value.get<double>());
        } else if (value.is_object()) {
            for (const auto& [innerKey, inner] : value.items()) {
                if (inner.is_number()) out.emplace_back(key + "." + innerKey, inner.get<double>());
            }
        }
    }
    return out;
}

std::vector<std::pair<std::string, std::string>> displayEntries(const std::string& jsonText) {
    std::vector<std::pair<std::string, std::string>> out;
    const json j = json::parse(jsonText, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) {
        out.emplace_back(std::string(), jsonText);
        return out;
    }
    if (j.is_object() && j.empty()) return out;
    flatten(j, std::string(), out);
    return out;
}

std::optional<std::map<std::string, std::string>> configValues(const std::string& configJson) {
    const json j = json::parse(configJson, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object()) return std::nullopt;
    std::map<std::string, std::string> out;
    for (const auto& [key, value] : j.items())
        if (value.is_primitive() && !value.is_null()) out.emplace(key, displayValue(value));
    return out;
}

StoredRunConfig parseRunConfig(const std::string& configJson) {
    StoredRunConfig c;
    const json j = parseObject(configJson);
    if (!j.is_object()) return c;
    for (const char* section : {"model", "method"}) {
        const auto it = j.find(section);
        if (it != j.end() && it->is_object()) {
            c.componentConfigJson = it->dump();
            c.codebookSize = integer(*it, "codebook_size");
            break;
        }
    }
    c.epochs = integer(j, "epochs");
    c.patience = integer(j, "patience");
    c.maxMinutes = number(j, "max_minutes");
    c.validMetric = text(j, "valid_metric");
    c.features = text(j, "features");
    c.collisions = text(j, "collisions");
    return c;
}

int32_t tokenizerLevelCount(const std::string& summaryJson, const std::string& configJson, int32_t storedLevels) {
    const auto fits = [&](int64_t levels) { return levels >= 1 && levels <= storedLevels; };
    const auto summary = parseTokenizerSummary(summaryJson);
    if (summary && fits(static_cast<int64_t>(summary->utilization.size())))
        return static_cast<int32_t>(summary->utilization.size());
    const json method = parseObject(parseRunConfig(configJson).componentConfigJson);
    const auto levels = method.is_object() ? integer(method, "levels") : std::nullopt;
    return levels && fits(*levels) ? static_cast<int32_t>(*levels) : storedLevels;
}

std::string tokenizerRunConfigJson(const std::string& methodConfigJson) {
    json method = parseObject(methodConfigJson);
    if (!method.is_object()) method = json::object();
    return json{{"method", method}}.dump();
}

}  // namespace tokenbench::core
