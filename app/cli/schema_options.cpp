#include "schema_options.h"

#include <set>

#include <nlohmann/json.hpp>

#include "cli_context.h"

namespace tokenbench::cli {

namespace {

std::string optionName(const std::string& key) {
    std::string name = key;
    for (char& c : name)
        if (c == '_') c = '-';
    return "--" + name;
}

// Text as the user typed it -> JSON of the parameter's type (validateConfig then checks ranges).
nlohmann::json typedValue(const core::ParamSpec& spec, const std::string& text) {
    try {
        switch (spec.type) {
            case core::ParamType::Int: {
                size_t used = 0;
                const long long v = std::stoll(text, &used);
                if (used != text.size()) break;
                return v;
            }
            case core::ParamType::Float: {
                size_t used = 0;
                const double v = std::stod(text, &used);
                if (used != text.size()) break;
                return v;
            }
            case core::ParamType::Bool:
                if (text == "true" || text == "1" || text == "yes" || text == "on") return true;
                if (text == "false" || text == "0" || text == "no" || text == "off") return false;
                break;
            case core::ParamType::Choice:
            case core::ParamType::String:
            case core::ParamType::Path: return text;
        }
    } catch (const std::exception&) {
    }
    throw UserError(optionName(spec.key) + " = '" + text + "' is not a valid value (" + spec.help + ")");
}

}  // namespace

void SchemaOptions::addTo(CLI::App& command, const std::vector<const core::ComponentInfo*>& components,
                          const std::vector<std::string>& skip) {
    std::set<std::string> added(skip.begin(), skip.end());
    for (const auto* info : components) {
        for (const core::ParamSpec& spec : info->params) {
            if (!added.insert(spec.key).second) continue;
            std::string help = spec.help.empty() ? spec.label : spec.help;
            help += " [" + info->id + (components.size() > 1 ? " and others" : "") + "; default " + spec.defaultValue + "]";
            const std::string key = spec.key;
            command.add_option_function<std::string>(
                optionName(key), [this, key](const std::string& value) { m_values[key] = value; }, help);
        }
    }
}

void SchemaOptions::addChecked(CLI::App& command, const core::ComponentInfo& info) {
    for (const core::ParamSpec& spec : info.params) {
        const std::string key = spec.key;
        const std::string help = spec.help.empty() ? spec.label : spec.help;
        if (spec.type == core::ParamType::Bool) {
            command.add_flag_function(optionName(key), [this, key](int64_t) { m_values[key] = "true"; }, help);
            continue;
        }
        CLI::Option* option = command.add_option_function<std::string>(
            optionName(key), [this, key](const std::string& value) { m_values[key] = value; }, help);
        option->default_str(spec.defaultValue);
        if (spec.type == core::ParamType::Int)
            option->check(CLI::Range(static_cast<int64_t>(spec.min.value_or(-9e18)), static_cast<int64_t>(spec.max.value_or(9e18))));
        if (spec.type == core::ParamType::Float) option->check(CLI::Range(spec.min.value_or(-1e300), spec.max.value_or(1e300)));
        if (spec.type == core::ParamType::Choice) option->check(CLI::IsMember(spec.choices));
    }
}

std::string SchemaOptions::configFor(const core::ComponentInfo& info, const std::map<std::string, std::string>& fixedJson) const {
    nlohmann::json config = nlohmann::json::object();
    for (const auto& [key, text] : m_values) {
        const core::ParamSpec* spec = nullptr;
        for (const auto& p : info.params)
            if (p.key == key) spec = &p;
        if (!spec) throw UserError(optionName(key) + " does not apply to " + info.id);
        config[key] = typedValue(*spec, text);
    }
    for (const auto& [key, json] : fixedJson) {
        bool known = false;
        for (const auto& p : info.params) known = known || p.key == key;
        if (known) config[key] = nlohmann::json::parse(json);
    }
    return config.dump();
}

std::vector<std::string> componentIds(const core::Registry& registry, core::ComponentKind kind) {
    std::vector<std::string> ids;
    for (const auto* info : registry.list(kind)) ids.push_back(info->id);
    return ids;
}

}  // namespace tokenbench::cli
