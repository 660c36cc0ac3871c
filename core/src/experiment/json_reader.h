#pragma once
// Private: reading the project's JSON input files (experiment files, sweep files) with errors that
// name the file and the line (invalid JSON) or the key path ("models[1].epochs") and what was expected.

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tokenbench/data/data_error.h"
#include "tokenbench/registry.h"

namespace tokenbench::core {

/// The whole file as text; DataError naming it when it cannot be read (`what`: "sweep file"...).
[[nodiscard]] std::string readTextFile(const std::string& path, const std::string& what);

/// Parses JSON text; DataError with the file, line and column where it stopped being valid JSON.
[[nodiscard]] nlohmann::json parseWithLines(const std::string& text, const std::string& path);

/// Reads typed values under a key path, so errors say "models[1].epochs: expected ...".
class JsonReader final {
    using json = nlohmann::json;

public:
    JsonReader(std::string file, const json& node, std::string path) : m_file(std::move(file)), m_node(node), m_path(std::move(path)) {}

    [[noreturn]] void fail(const std::string& key, const std::string& expected) const {
        throw DataError(m_file, where(key) + ": expected " + expected);
    }
    [[nodiscard]] bool has(const std::string& key) const { return m_node.contains(key) && !m_node.at(key).is_null(); }

    std::string text(const std::string& key, const std::string& fallback, bool required = false) const {
        if (!has(key)) {
            if (required) fail(key, "a string (required)");
            return fallback;
        }
        if (!m_node.at(key).is_string()) fail(key, "a string");
        return m_node.at(key).get<std::string>();
    }
    int64_t integer(const std::string& key, int64_t fallback, int64_t min) const {
        if (!has(key)) return fallback;
        const json& v = m_node.at(key);
        if (!v.is_number_integer() || v.get<int64_t>() < min) fail(key, "an integer >= " + std::to_string(min));
        return v.get<int64_t>();
    }
    bool boolean(const std::string& key, bool fallback) const {
        if (!has(key)) return fallback;
        if (!m_node.at(key).is_boolean()) fail(key, "true or false");
        return m_node.at(key).get<bool>();
    }
    double number(const std::string& key, double fallback, double min) const {
        if (!has(key)) return fallback;
        const json& v = m_node.at(key);
        if (!v.is_number() || v.get<double>() < min) fail(key, "a number >= " + std::to_string(min));
        return v.get<double>();
    }
    std::string object(const std::string& key) const {
        if (!has(key)) return "{}";
        if (!m_node.at(key).is_object()) fail(key, "an object of parameters");
        return m_node.at(key).dump();
    }
    std::vector<JsonReader> list(const std::string& key) const {
        std::vector<JsonReader> out;
        if (!has(key)) return out;
        const json& v = m_node.at(key);
        if (!v.is_array()) fail(key, "a list");
        for (size_t i = 0; i < v.size(); ++i) {
            const std::string path = where(key) + "[" + std::to_string(i) + "]";
            if (!v[i].is_object()) throw DataError(m_file, path + ": expected an object");
            out.emplace_back(m_file, v[i], path);
        }
        return out;
    }
    /// The keys of `schema` this object gives, each checked against its spec, as a JSON object.
    std::string settings(const ComponentInfo& schema) const {
        json out = json::object();
        for (const ParamSpec& spec : schema.params) {
            if (!has(spec.key)) continue;
            const json one = {{spec.key, m_node.at(spec.key)}};
            try {
                (void)validateConfig(schema, one.dump());
            } catch (const ConfigError& e) {
                throw DataError(m_file, where(spec.key) + ": " + e.what());
            }
            out[spec.key] = m_node.at(spec.key);
        }
        return out.dump();
    }
    JsonReader child(const std::string& key) const {
        if (!m_node.at(key).is_object()) fail(key, "an object");
        return JsonReader(m_file, m_node.at(key), where(key));
    }
    std::vector<std::string> strings(const std::string& key) const {
        std::vector<std::string> out;
        if (!has(key)) return out;
        const json& v = m_node.at(key);
        if (v.is_string()) return {v.get<std::string>()};
        if (!v.is_array()) fail(key, "a path or a list of paths");
        for (const json& item : v) {
            if (!item.is_string()) fail(key, "a list of paths");
            out.push_back(item.get<std::string>());
        }
        return out;
    }

    [[nodiscard]] const json& node() const { return m_node; }
    [[nodiscard]] const std::string& file() const { return m_file; }
    /// The key path of `key` under this object ("models[1].epochs").
    [[nodiscard]] std::string where(const std::string& key) const { return m_path.empty() ? key : m_path + "." + key; }

private:

    std::string m_file;
    const json& m_node;
    std::string m_path;
};

}  // namespace tokenbench::core
