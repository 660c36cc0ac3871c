#include "tokenbench/registry.h"

#include <cmath>
#include <set>

#include <nlohmann/json.hpp>

namespace tokenbench::core {

namespace {

using nlohmann::json;

std::string typeName(ParamType type) {
    switch (type) {
        case ParamType::Int: return "an integer";
        case ParamType::Float: return "a number";
        case ParamType::Bool: return "true or false";
        case ParamType::Choice: return "one of the listed choices";
        case ParamType::String: return "a string";
        case ParamType::Path: return "a file path";
    }
    return "a value";
}

std::string joined(const std::vector<std::string>& values) {
    std::string out;
    for (const auto& v : values) out += (out.empty() ? "" : ", ") + v;
    return out;
}

// Parses the textual default of a spec into JSON of the right type.
json parseDefault(const ParamSpec& spec) {
    switch (spec.type) {
        case ParamType::Int: return json(std::stoll(spec.defaultValue));
        case ParamType::Float: return json(std::stod(spec.defaultValue));
        case ParamType::Bool: return json(spec.defaultValue == "true");
        case ParamType::Choice:
        case ParamType::String:
        case ParamType::Path: return json(spec.defaultValue);
    }
    return json();
}

// Returns the value normalised to the spec's type, or throws ConfigError naming the key.
json checkValue(const std::string& component, const ParamSpec& spec, const json& value) {
    const std::string where = component + ": parameter '" + spec.key + "'";
    auto inRange = [&](double v) {
        if ((spec.min && v < *spec.min) || (spec.max && v > *spec.max)) {
            std::string range = "[" + (spec.min ? json(*spec.min).dump() : std::string("-inf")) + ", " +
                                (spec.max ? json(*spec.max).dump() : std::string("inf")) + "]";
            throw ConfigError(where + " = " + value.dump() + " is outside " + range);
        }
    };
    switch (spec.type) {
        case ParamType::Int: {
            const bool integral = value.is_number_integer() ||
                                  (value.is_number_float() && std::floor(value.get<double>()) == value.get<double>());
            if (!integral) throw ConfigError(where + " must be " + typeName(spec.type) + ", got " + value.dump());
            const auto v = value.is_number_integer() ? value.get<int64_t>() : static_cast<int64_t>(value.get<double>());
            inRange(static_cast<double>(v));
            return json(v);
        }
        case ParamType::Float: {
            if (!value.is_number()) throw ConfigError(where + " must be " + typeName(spec.type) + ", got " + value.dump());
            const double v = value.get<double>();
            if (!std::isfinite(v)) throw ConfigError(where + " must be finite");
            inRange(v);
            return json(v);
        }
        case ParamType::Bool:
            if (!value.is_boolean()) throw ConfigError(where + " must be " + typeName(spec.type) + ", got " + value.dump());
            return value;
        case ParamType::Choice: {
            if (!value.is_string()) throw ConfigError(where + " must be one of: " + joined(spec.choices));
            const auto v = value.get<std::string>();
            for (const auto& c : spec.choices)
                if (c == v) return value;
            throw ConfigError(where + " = '" + v + "' is not one of: " + joined(spec.choices));
        }
        case ParamType::String:
        case ParamType::Path:
            if (!value.is_string()) throw ConfigError(where + " must be " + typeName(spec.type) + ", got " + value.dump());
            return value;
    }
    return value;
}

}  // namespace

std::string validateConfig(const ComponentInfo& info, const std::string& configJson) {
    json config;
    try {
        config = configJson.empty() ? json::object() : json::parse(configJson);
    } catch (const json::parse_error& e) {
        throw ConfigError(info.id + ": config is not valid JSON: " + e.what());
    }
    if (!config.is_object()) throw ConfigError(info.id + ": config must be a JSON object");
    for (const auto& [key, value] : config.items()) {
        bool known = false;
        for (const auto& spec : info.params) known = known || spec.key == key;
        if (!known) {
            std::vector<std::string> keys;
            for (const auto& spec : info.params) keys.push_back(spec.key);
            throw ConfigError(info.id + ": unknown parameter '" + key + "' (known: " + joined(keys) + ")");
        }
    }
    json out = json::object();
    for (const auto& spec : info.params)
        out[spec.key] = config.contains(spec.key) ? checkValue(info.id, spec, config[spec.key]) : parseDefault(spec);
    return out.dump();
}

void Registry::add(ComponentInfo info) {
    if (info.id.empty()) throw std::invalid_argument("component without id");
    if (m_components.count(info.id)) throw std::invalid_argument("component '" + info.id + "' registered twice");
    std::set<std::string> keys;
    for (const auto& spec : info.params) {
        if (!keys.insert(spec.key).second)
            throw std::invalid_argument(info.id + ": parameter '" + spec.key + "' declared twice");
        try {
            checkValue(info.id, spec, parseDefault(spec));
        } catch (const std::exception& e) {
            throw std::invalid_argument(info.id + ": default of '" + spec.key + "' does not fit its schema: " + e.what());
        }
    }
    if (info.recommended)
        for (const auto& [other, known] : m_components)
            if (known.kind == info.kind && known.recommended)
                throw std::invalid_argument(info.id + ": '" + other + "' is already the recommended component of its kind");
    const std::string id = info.id;
    m_components.emplace(id, std::move(info));
}

const ComponentInfo* Registry::find(const std::string& id) const {
    const auto it = m_components.find(id);
    return it == m_components.end() ? nullptr : &it->second;
}

const ComponentInfo& Registry::get(const std::string& id) const {
    if (const auto* info = find(id)) return *info;
    std::vector<std::string> ids;
    for (const auto& [known, _] : m_components) ids.push_back(known);
    throw ConfigError("unknown component '" + id + "' (known: " + (ids.empty() ? "none" : joined(ids)) + ")");
}

std::vector<const ComponentInfo*> Registry::list(ComponentKind kind) const {
    std::vector<const ComponentInfo*> out;
    for (const auto& [_, info] : m_components)
        if (info.kind == kind) out.push_back(&info);
    return out;
}

}  // namespace tokenbench::core
