// The one place that lists the built-in tokenizers: a table of {schema, factory}. Adding a tokenizer
// means one row here and its .cpp file; the UI and CLI learn about it from the Registry.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "tokenbench/data/data_error.h"
#include "tokenbench/registry.h"
#include "tokenbench/tokenizers/tokenizer.h"
#include "tokenizers/builtin_tokenizers.h"
#include "common/json_file.h"

namespace tokenbench::core {

namespace {

using nlohmann::json;

constexpr const char* kImportId = "import";

struct TokenizerEntry final {
    ComponentInfo (*info)();
    std::unique_ptr<Tokenizer> (*make)(const std::string& configJson);
};

const TokenizerEntry kTokenizers[] = {
    {rqKmeansInfo, makeRqKmeans},
    {balancedKmeansInfo, makeBalancedKmeans},
    {randomTokenizerInfo, makeRandomTokenizer},
    {rqVaeInfo, makeRqVae},
    {vqVaeInfo, makeVqVae},
};

/// Semantic IDs read from a file: listed so runs can record them and forms can offer them, but no
/// Tokenizer object exists for it.
ComponentInfo importInfo() {
    ComponentInfo info;
    info.id = kImportId;
    info.version = 1;
    info.displayName = "Imported IDs";
    info.kind = ComponentKind::Tokenizer;
    info.description =
        "Semantic IDs made elsewhere (GRID, a TIGER pipeline, another lab's release), read from a JSON "
        "{\"item\": [c1, c2, ...]} or CSV (item,c1,c2,... or item,\"c1 c2 c3\") file and checked against the "
        "data set: every item exactly once, equal lengths, non-negative integer codes. Nothing is fitted: "
        "the IDs are read by importSemanticIds, not created as a tokenizer.";
    info.params = {
        {"path", "File", ParamType::String, "", {}, {}, {}, "JSON or CSV file of semantic IDs."},
        {"id_kind",
         "Items named by",
         ParamType::Choice,
         "raw",
         {},
         {},
         {"raw", "index"},
         "raw: the data set's item ids as in its source files; index: dense item indexes 0..items-1."},
    };
    return info;
}

std::string knownIds() {
    std::string out;
    for (const TokenizerEntry& entry : kTokenizers) out += (out.empty() ? "" : ", ") + entry.info().id;
    return out;
}

}  // namespace

void registerTokenizers(Registry& registry) {
    for (const TokenizerEntry& entry : kTokenizers) registry.add(entry.info());
    registry.add(importInfo());
}

std::unique_ptr<Tokenizer> createTokenizer(const std::string& id, const std::string& configJson) {
    if (id == kImportId)
        throw ConfigError("'import' is not a fitted tokenizer: imported semantic IDs are read by importSemanticIds");
    for (const TokenizerEntry& entry : kTokenizers) {
        const ComponentInfo info = entry.info();
        if (info.id == id) return entry.make(validateConfig(info, configJson));
    }
    throw ConfigError("unknown tokenizer '" + id + "' (known: " + knownIds() + ")");
}

std::unique_ptr<Tokenizer> loadTokenizer(const std::string& directory) {
    const std::string path = (std::filesystem::path(directory) / "config.json").string();
    if (!std::filesystem::exists(path)) throw DataError(path, "no such file (is this a saved tokenizer directory?)");
    const json saved = readJsonFile(path);
    if (!saved.is_object() || !saved.contains("id") || !saved["id"].is_string())
        throw DataError(path, "expected an object with a string \"id\" naming the tokenizer");
    if (saved.contains("config") && !saved["config"].is_object()) throw DataError(path, "\"config\" must be an object");
    const std::string id = saved["id"].get<std::string>();
    std::unique_ptr<Tokenizer> tokenizer;
    try {
        for (const TokenizerEntry& entry : kTokenizers) {
            const ComponentInfo info = entry.info();
            if (info.id != id) continue;
            if (saved.contains("version") && saved["version"] != json(info.version))
                throw DataError(path, "saved by " + id + " version " + saved["version"].dump() +
                                          ", this build has version " + std::to_string(info.version));
        }
        tokenizer = createTokenizer(id, saved.contains("config") ? saved["config"].dump() : std::string("{}"));
    } catch (const ConfigError& e) {
        throw DataError(path, e.what());
    }
    tokenizer->loadState(directory);
    return tokenizer;
}

}  // namespace tokenbench::core
