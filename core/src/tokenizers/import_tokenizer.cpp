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
#include "tokenizers/stored_codes.h"

namespace tokenbench::core {

namespace {

using nlohmann::json;

constexpr const char* kImportId = "import";

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
        // A declared size checks the codes and is what utilization is measured against; else max code + 1.
        const auto declared = m_config.value("codebook_size", int32_t{0});
        m_ids = importSemanticIds(path, *context.interactions->items, kind, declared, &m_codebookSize);
        if (declared > 0) m_codebookSize = declared;
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
        saveStoredCodes(directory, kImportId, importInfo().version, m_config, {m_ids, m_codebookSize, 0});
    }

    void loadState(const std::string& directory) override {
        StoredCodes stored = loadStoredCodes(directory);
        m_ids = std::move(stored.ids);
        m_codebookSize = stored.codebookSize;
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
        {"codebook_size", "Codebook size", ParamType::Int, "0", 0.0, 65536.0, {},
         "Codes per level the IDs were made with (every code must be below it); codebook utilization is "
         "measured against it. 0: the largest code + 1."},
    };
    return info;
}

std::unique_ptr<Tokenizer> makeImportTokenizer(const std::string& configJson) {
    return std::make_unique<ImportTokenizer>(configJson);
}

}  // namespace tokenbench::core
