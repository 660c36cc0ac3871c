#include "tokenizers/stored_codes.h"

#include <cstring>
#include <filesystem>

#include "common/json_file.h"
#include "tokenbench/data/data_error.h"
#include "tokenbench/io/safetensors.h"

namespace tokenbench::core {

namespace {

constexpr const char* kWeightsFile = "weights.safetensors";
constexpr const char* kConfigFile = "config.json";
constexpr const char* kCodesTensor = "codes";

}  // namespace

void saveStoredCodes(const std::string& directory, const std::string& id, int version,
                     const nlohmann::json& config, const StoredCodes& codes) {
    std::filesystem::create_directories(directory);
    const SemanticIds& ids = codes.ids;
    writeSafetensors((std::filesystem::path(directory) / kWeightsFile).string(),
                     {TensorData::fromInts(kCodesTensor, {ids.items, ids.levels}, ids.codes)}, {{"tokenizer", id}});
    const nlohmann::json saved = {{"id", id},
                                  {"version", version},
                                  {"config", config},
                                  {"levels", ids.levels},
                                  {"codebook_size", codes.codebookSize},
                                  {"input_dim", codes.inputDim}};
    writeJsonFile((std::filesystem::path(directory) / kConfigFile).string(), saved);
}

StoredCodes loadStoredCodes(const std::string& directory) {
    const std::string configPath = (std::filesystem::path(directory) / kConfigFile).string();
    const nlohmann::json saved = readJsonFile(configPath);
    if (!saved.contains("codebook_size") || !saved["codebook_size"].is_number_integer())
        throw DataError(configPath, "missing the integer 'codebook_size'");
    const std::string path = (std::filesystem::path(directory) / kWeightsFile).string();
    StoredCodes out;
    for (const TensorData& t : readSafetensors(path)) {
        if (t.name != kCodesTensor) continue;
        if (t.dtype != "I32" || t.shape.size() != 2)
            throw DataError(path, "tensor 'codes' must be an items x levels matrix of I32, is " + t.dtype);
        out.ids.items = t.shape[0];
        out.ids.levels = static_cast<int32_t>(t.shape[1]);
        out.ids.codes.resize(static_cast<size_t>(t.elementCount()));
        std::memcpy(out.ids.codes.data(), t.bytes.data(), t.bytes.size());
    }
    if (out.ids.items == 0) throw DataError(path, "no tensor 'codes'");
    out.codebookSize = saved["codebook_size"].get<int32_t>();
    out.inputDim = saved.value("input_dim", int64_t{0});
    return out;
}

}  // namespace tokenbench::core
