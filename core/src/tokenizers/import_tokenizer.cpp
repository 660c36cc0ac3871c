// Semantic IDs made elsewhere, as a tokenizer: fit() reads the file its config names and checks it
// against the catalogue the fit context offers; nothing is learned, no feature is needed.
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "common/json_file.h"
#include "tokenbench/cancellation.h"
#include "tokenbench/data/data_error.h"
#include "tokenbench/io/safetensors.h"
#include "tokenbench/tokenizers/import_ids.h"
#include "tokenizers/builtin_tokenizers.h"

namespace tokenbench::core {

namespace {

using nlohmann::json;

constexpr const char* kImportId = "import";
constexpr const char* kWeightsFile = "weights.safetensors";
constexpr const char* kConfigFile = "config.json";
constexpr const char* kCodesTensor = "codes";

class ImportTokenizer final : public Tokenizer {
public:
    explicit ImportTokenizer(const std::string& configJson) { m_config = json::parse(validateConfig(importInfo(), configJson)); }

    [[nodiscard]] std::string id() const override { return kImportId; }
    [[nodiscard]] int32_t levels() const override { return m_ids.levels; }
    [[nodiscard]] int32_t codebookSize() const override { return m_codebookSize; }

    void fit(const FeatureMatrix& features, const FitContext& context) override {
        (void)features;
        const std::string path = m_config.at("path").get<std::string>();
        if (path.empty()) throw std::invalid_argument("import: give the file of semantic IDs (parameter 'path')");
        if (!context.interactions || !context.interactions->items)
            throw std::invalid_argument("import: the fit context has no catalogue to check the IDs against");
        throwIfCancelled(context.cancel);
        const auto kind = m_config.at("id_kind").get<std::string>() == "index" ? ImportedIdKind::DenseIndex
                                                                               : ImportedIdKind::RawId;
        m_ids = importSemanticIds(path, *context.interactions->items, kind, 0, &m_codebookSize);
        if (context.progress) context.progress(1.0, "read " + std::filesystem::path(path).filename().string());
    }

    [[nodiscard]] SemanticIds encode(const FeatureMatrix& features) const override {
        (void)features;
        if (m_ids.items == 0) throw std::logic_error("import: not fitted (call fit() or loadState() first)");
        return m_ids;
    }

    [[nodiscard]] FeatureMatrix lastLevelDistances(const FeatureMatrix& features) const override {
        (void)features;
        return {};
    }

    void save(const std::string& directory) const override {
        std::filesystem::create_directories(directory);
        writeSafetensors((std::filesystem::path(directory) / kWeightsFile).string(),
                         {TensorData::fromInts(kCodesTensor, {m_ids.items, m_ids.levels}, m_ids.codes)},
                         {{"tokenizer", kImportId}});
        const json config = {{"id", kImportId},         {"version", importInfo().version}, {"config", m_config},
                             {"levels", m_ids.levels},  {"codebook_size", m_codebookSize}, {"input_dim", 0}};
        writeJsonFile((std::filesystem::path(directory) / kConfigFile).string(), config);
    }

    void loadState(const std::string& directory) override {
        const std::string configPath = (std::filesystem::path(directory) / kConfigFile).string();
        const json saved = readJsonFile(configPath);
        if (!saved.contains("codebook_size") || !saved["codebook_size"].is_number_integer())
            throw DataError(configPath, "missing the integer 'codebook_size'");
        const std::string path = (std::filesystem::path(directory) / kWeightsFile).string();
        SemanticIds ids;
        for (const TensorData& t : readSafetensors(path)) {
            if (t.name != kCodesTensor) continue;
            if (t.dtype != "I32" || t.shape.size() != 2)
                throw DataError(path, "tensor 'codes' must be an items x levels matrix of I32, is " + t.dtype);
            ids.items = t.shape[0];
            ids.levels = static_cast<int32_t>(t.shape[1]);
            ids.codes.resize(static_cast<size_t>(t.elementCount()));
            std::memcpy(ids.codes.data(), t.bytes.data(), t.bytes.size());
        }
        if (ids.items == 0) throw DataError(path, "no tensor 'codes'");
        m_ids = std::move(ids);
        m_codebookSize = saved["codebook_size"].get<int32_t>();
    }

private:
    json m_config;
    SemanticIds m_ids;
    int32_t m_codebookSize = 0;
};

}  // namespace

ComponentInfo importInfo() {
    ComponentInfo info = tokenizerInfo(kImportId, 1, "Imported IDs",
        "Semantic IDs made elsewhere (GRID, a TIGER pipeline, another lab's release), read from a JSON "
        "{\"item\": [c1, c2, ...]} or CSV (item,c1,c2,... or item,\"c1 c2 c3\") file and checked against the "
        "data set: every item exactly once, equal lengths, non-negative integer codes. Nothing is fitted and "
        "no feature is used.");
    info.needsFeatures = false;
    info.trainsInSteps = false;  // every level read at once
    info.params = {
        {"path", "File", ParamType::Path, "", {}, {}, {}, "JSON or CSV file of semantic IDs (LC-Rec NAME.index.json with \"<a_12>\" tokens too)."},
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

std::unique_ptr<Tokenizer> makeImportTokenizer(const std::string& configJson) {
    return std::make_unique<ImportTokenizer>(configJson);
}

}  // namespace tokenbench::core
