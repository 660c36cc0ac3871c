// The random control: semantic IDs that carry no content at all. Any tokenizer worth its training
// time must beat it (TIGER, Rajput et al. 2023, compares against random IDs for this reason).
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "tokenbench/cancellation.h"
#include "tokenbench/data/data_error.h"
#include "tokenbench/io/safetensors.h"
#include "tokenizers/builtin_tokenizers.h"
#include "tokenizers/kmeans.h"
#include "common/json_file.h"

namespace tokenbench::core {

namespace {

using nlohmann::json;

constexpr const char* kWeightsFile = "weights.safetensors";
constexpr const char* kConfigFile = "config.json";
constexpr uint64_t kUnseenSalt = 0x756e7365656eULL;

class RandomTokenizer final : public Tokenizer {
public:
    explicit RandomTokenizer(const std::string& configJson) {
        m_config = json::parse(validateConfig(randomTokenizerInfo(), configJson));
        m_levels = m_config.at("levels").get<int32_t>();
        m_codebookSize = m_config.at("codebook_size").get<int32_t>();
    }

    [[nodiscard]] std::string id() const override { return "random"; }
    [[nodiscard]] int32_t levels() const override { return m_levels; }
    [[nodiscard]] int32_t codebookSize() const override { return m_codebookSize; }

    void fit(const FeatureMatrix& features, const FitContext& context) override {
        checkFeatures(features, "random");
        FittedRows rows;
        rows.remember(features);
        m_seed = context.seed;
        m_inputDim = features.dim;
        m_fittedRows = std::move(rows);
        m_fitted = true;
        const std::vector<int64_t> identity = m_fittedRows.lookup(features);
        for (int32_t level = 1; level <= m_levels; ++level) {
            throwIfCancelled(context.cancel);
            if (context.progress)
                context.progress(static_cast<double>(level) / m_levels,
                                 "level " + std::to_string(level) + "/" + std::to_string(m_levels));
            if (context.health)
                context.health(level, codesFor(features, identity, level), std::numeric_limits<double>::quiet_NaN());
        }
    }

    [[nodiscard]] SemanticIds encode(const FeatureMatrix& features) const override {
        requireFitted();
        checkFeatures(features, "random");
        if (features.dim != m_inputDim)
            throw std::invalid_argument("random: features have " + std::to_string(features.dim) +
                                        " columns, the tokenizer was fitted on " + std::to_string(m_inputDim));
        return codesFor(features, m_fittedRows.lookup(features), m_levels);
    }

    [[nodiscard]] FeatureMatrix lastLevelDistances(const FeatureMatrix&) const override { return {}; }

    void save(const std::string& directory) const override {
        requireFitted();
        std::filesystem::create_directories(directory);
        // Fitted codes are a function of the seed and the item's position; the row hashes let encode()
        // recognise the fitted items again after loading.
        TensorData hashes;
        hashes.name = "fitted.row_hash";
        hashes.dtype = "I64";
        hashes.shape = {static_cast<int64_t>(m_fittedRows.hashes().size())};
        hashes.bytes.resize(m_fittedRows.hashes().size() * sizeof(uint64_t));
        if (!hashes.bytes.empty()) std::memcpy(hashes.bytes.data(), m_fittedRows.hashes().data(), hashes.bytes.size());
        writeSafetensors((std::filesystem::path(directory) / kWeightsFile).string(), {hashes},
                         {{"tokenizer", "random"}});
        const json config = {
            {"id", "random"},     {"version", randomTokenizerInfo().version}, {"config", m_config},
            {"levels", m_levels}, {"codebook_size", m_codebookSize},          {"input_dim", m_inputDim},
            {"seed", m_seed}};
        writeJsonFile((std::filesystem::path(directory) / kConfigFile).string(), config);
    }

    void loadState(const std::string& directory) override {
        const std::string configPath = (std::filesystem::path(directory) / kConfigFile).string();
        const json saved = readJsonFile(configPath);
        if (!saved.contains("seed") || !saved["seed"].is_number_integer())
            throw DataError(configPath, "missing the integer 'seed' the random codes were drawn from");
        if (!saved.contains("input_dim") || !saved["input_dim"].is_number_integer() ||
            saved["input_dim"].get<int64_t>() <= 0)
            throw DataError(configPath, "missing a positive integer 'input_dim'");

        const std::string path = (std::filesystem::path(directory) / kWeightsFile).string();
        std::vector<uint64_t> hashes;
        for (const TensorData& t : readSafetensors(path)) {
            if (t.name != "fitted.row_hash") continue;
            if (t.dtype != "I64" || t.shape.size() != 1)
                throw DataError(path, "tensor 'fitted.row_hash' must be a vector of I64, is " + t.dtype);
            hashes.resize(static_cast<size_t>(t.shape[0]));
            std::memcpy(hashes.data(), t.bytes.data(), hashes.size() * sizeof(uint64_t));
        }
        m_seed = saved["seed"].get<uint64_t>();
        m_inputDim = saved["input_dim"].get<int64_t>();
        m_fittedRows.restore(std::move(hashes));
        m_fitted = true;
    }

private:
    void requireFitted() const {
        if (!m_fitted) throw std::logic_error("random: not fitted (call fit() or loadState() first)");
    }

    /// Fitted item i: uniform codes from (seed, i, level). Unseen rows: from (seed, hash of the row's
    /// bytes, level), so the same row always gets the same codes.
    [[nodiscard]] SemanticIds codesFor(const FeatureMatrix& features, const std::vector<int64_t>& fittedIndex,
                                       int32_t levels) const {
        SemanticIds ids;
        ids.items = features.rows;
        ids.levels = levels;
        ids.codes.resize(static_cast<size_t>(features.rows * levels));
        for (int64_t i = 0; i < features.rows; ++i) {
            const int64_t f = fittedIndex[static_cast<size_t>(i)];
            uint64_t state = f >= 0 ? m_seed ^ splitmixOnce(static_cast<uint64_t>(f))
                                    : m_seed ^ splitmixOnce(hashRow(features.row(i), features.dim) ^ kUnseenSalt);
            for (int32_t l = 0; l < levels; ++l)
                ids.codes[static_cast<size_t>(i * levels + l)] =
                    static_cast<int32_t>(splitmix64(state) % static_cast<uint64_t>(m_codebookSize));
        }
        return ids;
    }

    static uint64_t splitmixOnce(uint64_t value) { return splitmix64(value); }

    json m_config;
    int32_t m_levels = 0;
    int32_t m_codebookSize = 0;
    uint64_t m_seed = 0;
    int64_t m_inputDim = 0;
    bool m_fitted = false;
    FittedRows m_fittedRows;
};

}  // namespace

ComponentInfo randomTokenizerInfo() {
    ComponentInfo info = tokenizerInfo("random", 1, "Random (control)",
        "The control every study needs: each fitted item gets uniformly random codes drawn from the run's "
        "seed, ignoring its features. Items not seen in fit get codes from a deterministic hash of their "
        "feature row's bytes (the same row always gets the same codes). No geometry, so collision "
        "re-assignment falls back to any free code.");
    info.params = {
        {"levels", "Levels", ParamType::Int, "3", 1, 8, {}, "Code tuple length."},
        {"codebook_size", "Codebook size", ParamType::Int, "256", 2, 65536, {}, "Codes per level."},
    };
    info.trainsInSteps = false;  // codes drawn level by level
    return info;
}

std::unique_ptr<Tokenizer> makeRandomTokenizer(const std::string& configJson) {
    return std::make_unique<RandomTokenizer>(configJson);
}

}  // namespace tokenbench::core
