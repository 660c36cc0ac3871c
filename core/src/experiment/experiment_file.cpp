#include "tokenbench/experiment/experiment_file.h"

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "tokenbench/data/data_error.h"
#include "tokenbench/jobs/run_settings.h"

namespace tokenbench::core {

namespace {

using nlohmann::json;

constexpr const char* kFormat = "tokenbench-experiment/1";

/// Reads typed values under a key path, so errors say "models[1].epochs: expected ...".
class Reader final {
public:
    Reader(std::string file, const json& node, std::string path) : m_file(std::move(file)), m_node(node), m_path(std::move(path)) {}

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
    std::vector<Reader> list(const std::string& key) const {
        std::vector<Reader> out;
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
    Reader child(const std::string& key) const {
        if (!m_node.at(key).is_object()) fail(key, "an object");
        return Reader(m_file, m_node.at(key), where(key));
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

private:
    [[nodiscard]] std::string where(const std::string& key) const { return m_path.empty() ? key : m_path + "." + key; }

    std::string m_file;
    const json& m_node;
    std::string m_path;
};

json parseWithLines(const std::string& text, const std::string& path) {
    try {
        return json::parse(text);
    } catch (const json::parse_error& e) {
        // Turn the byte offset into line and column for the message.
        int64_t line = 1;
        int64_t column = 1;
        const size_t end = std::min(text.size(), e.byte > 0 ? static_cast<size_t>(e.byte - 1) : size_t{0});
        for (size_t i = 0; i < end; ++i) {
            if (text[i] == '\n') {
                ++line;
                column = 1;
            } else {
                ++column;
            }
        }
        std::string what = e.what();
        const auto cut = what.find("syntax error");
        throw DataError(path, line, column, "expected valid JSON: " + (cut == std::string::npos ? what : what.substr(cut)));
    }
}

}  // namespace

ExperimentFile readExperimentFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw DataError(path, "cannot open the experiment file");
    std::stringstream buffer;
    buffer << in.rdbuf();
    return parseExperiment(buffer.str(), path);
}

ExperimentFile parseExperiment(const std::string& text, const std::string& path) {
    const json root = parseWithLines(text, path);
    if (!root.is_object()) throw DataError(path, 1, 1, "expected a JSON object describing an experiment");
    const Reader r(path, root, "");
    ExperimentFile file;
    file.path = path;
    const std::string format = r.text("format", kFormat);
    if (format != kFormat) r.fail("format", std::string("\"") + kFormat + "\"");
    file.name = r.text("name", "", true);
    file.description = r.text("description", "");
    if (!r.has("dataset")) r.fail("dataset", "an object (required)");
    const Reader d = r.child("dataset");
    file.datasetName = d.text("name", "", true);
    file.download = d.text("download", "");
    if (d.has("synthetic")) {
        const Reader s = d.child("synthetic");
        file.synthetic = true;
        file.syntheticConfig.users = static_cast<int32_t>(s.integer("users", file.syntheticConfig.users, 10));
        file.syntheticConfig.items = static_cast<int32_t>(s.integer("items", file.syntheticConfig.items, 10));
        file.syntheticConfig.seed = static_cast<uint64_t>(s.integer("seed", 42, 0));
    } else if (d.has("import")) {
        const Reader i = d.child("import");
        file.import.name = file.datasetName;
        file.import.load.format = i.text("format", "auto");
        file.import.load.paths = i.strings("paths");
        if (file.import.load.paths.empty()) i.fail("paths", "one or more data files (relative to the data folder)");
        file.import.load.attributesPath = i.text("attributes", "");
        file.import.load.itemsPath = i.text("items", "");
        file.import.preprocess.userCore = static_cast<int32_t>(i.integer("user_core", 0, 0));
        file.import.preprocess.itemCore = static_cast<int32_t>(i.integer("item_core", 0, 0));
        if (i.has("min_rating")) file.import.preprocess.minRating = i.number("min_rating", 0.0, -1e300);
    } else {
        d.fail("synthetic", "a \"synthetic\" or an \"import\" object");
    }
    for (const Reader& f : r.list("features")) {
        ExperimentFeatures features;
        features.name = f.text("name", "", true);
        features.kinds = f.text("kinds", "", true);
        features.dim = static_cast<int32_t>(f.integer("dim", 32, 1));
        features.modelRunId = f.integer("run", 0, 1);
        file.features.push_back(features);
    }
    for (const Reader& t : r.list("tokenizers")) {
        ExperimentTokenizer tokenizer;
        tokenizer.name = t.text("name", "", true);
        tokenizer.method = t.text("method", "", true);
        tokenizer.features = t.text("features", "", true);
        tokenizer.seed = static_cast<uint64_t>(t.integer("seed", 42, 0));
        tokenizer.collisions = t.text("collisions", "extra-level");
        tokenizer.configJson = t.object("config");
        file.tokenizers.push_back(tokenizer);
    }
    for (const Reader& m : r.list("models")) {
        ExperimentModel model;
        model.name = m.text("name", "", true);
        model.model = m.text("model", "", true);
        model.tokenizer = m.text("tokenizer", "");
        model.runSettingsJson = m.settings(runSettingsInfo());
        model.configJson = m.object("config");
        bool known = model.tokenizer.empty();
        for (const auto& t : file.tokenizers) known = known || t.name == model.tokenizer;
        if (!known) throw DataError(path, "models: '" + model.name + "' names tokenizer '" + model.tokenizer +
                                              "', which the file does not define");
        file.models.push_back(model);
    }
    return file;
}

}  // namespace tokenbench::core
