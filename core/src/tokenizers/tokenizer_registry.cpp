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
    {graphRqVaeInfo, makeGraphRqVae},
    {importInfo, makeImportTokenizer},
    {compositeInfo, makeCompositeTokenizer},
};

std::string knownIds() {
    std::string out;
    for (const TokenizerEntry& entry : kTokenizers) out += (out.empty() ? "" : ", ") + entry.info().id;
    return out;
}

}  // namespace

void registerTokenizers(Registry& registry) {
    for (const TokenizerEntry& entry : kTokenizers) registry.add(entry.info());
}

std::unique_ptr<Tokenizer> createTokenizer(const std::string& id, const std::string& configJson) {
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
