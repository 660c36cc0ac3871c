// Residual k-means tokenizers. RQ-KMeans (GRID, Ju et al. 2025, "Generative Recommendation with
// Semantic IDs: A Practitioner's Handbook"): level 1 clusters the item features, level l clusters the
// residuals x - sum of the centroids chosen at levels < l; an item's semantic ID is its centroid
// index per level. The balanced mode (OneRec) makes every level's clusters equal in size.
#include "common/json_file.h"
#include "tokenizers/kmeans.h"

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>
#include <stdexcept>
#include <utility>

#include <ATen/core/grad_mode.h>
#include <ATen/ops/empty.h>
#include <ATen/ops/from_blob.h>
#include <ATen/ops/zeros.h>
#include <nlohmann/json.hpp>

#include "tokenbench/cancellation.h"
#include "tokenbench/data/data_error.h"
#include "tokenbench/io/safetensors.h"
#include "tokenizers/builtin_tokenizers.h"

namespace tokenbench::core {

namespace {

using nlohmann::json;

constexpr double kNormEpsilon = 1e-12;
constexpr const char* kWeightsFile = "weights.safetensors";
constexpr const char* kConfigFile = "config.json";

std::string joinPath(const std::string& directory, const char* name) {
    return (std::filesystem::path(directory) / name).string();
}

std::string shapeText(const std::vector<int64_t>& shape) {
    std::string out = "[";
    for (size_t i = 0; i < shape.size(); ++i) out += (i ? ", " : "") + std::to_string(shape[i]);
    return out + "]";
}

/// Rows scaled to unit L2 norm (zero rows stay zero).
at::Tensor normalizeRows(const at::Tensor& x) {
    return x.div(x.norm(2, {1}, /*keepdim=*/true).clamp_min(kNormEpsilon));
}

SemanticIds toSemanticIds(const at::Tensor& codes) {
    const at::Tensor host = codes.to(at::kCPU, at::kInt).contiguous();
    SemanticIds ids;
    ids.items = host.size(0);
    ids.levels = static_cast<int32_t>(host.size(1));
    const int32_t* p = host.data_ptr<int32_t>();
    ids.codes.assign(p, p + host.numel());
    return ids;
}

TensorData int64Tensor(std::string name, const std::vector<uint64_t>& values) {
    TensorData t;
    t.name = std::move(name);
    t.dtype = "I64";
    t.shape = {static_cast<int64_t>(values.size())};
    t.bytes.resize(values.size() * sizeof(uint64_t));
    if (!values.empty()) std::memcpy(t.bytes.data(), values.data(), t.bytes.size());
    return t;
}

class ResidualKMeansTokenizer final : public Tokenizer {
public:
    ResidualKMeansTokenizer(ComponentInfo info, const std::string& configJson, bool balanced)
        : m_info(std::move(info)), m_balanced(balanced) {
        m_config = json::parse(validateConfig(m_info, configJson));
        m_levels = m_config.at("levels").get<int32_t>();
        m_codebookSize = m_config.at("codebook_size").get<int32_t>();
        m_iterations = m_config.at("iterations").get<int64_t>();
        m_normalize = m_config.at("normalize").get<bool>();
        m_tolerance = m_config.at("tolerance").get<double>();
        m_maxPointsPerCode = m_config.value("max_points_per_code", int64_t{0});
    }

    [[nodiscard]] std::string id() const override { return m_info.id; }
    [[nodiscard]] int32_t levels() const override { return m_levels; }
    [[nodiscard]] int32_t codebookSize() const override { return m_codebookSize; }

    void fit(const FeatureMatrix& features, const FitContext& context) override {
        checkFeatures(features, m_info.id);
        if (features.rows < m_codebookSize)
            throw std::invalid_argument(m_info.id +
                                        ": needs at least codebook_size = " + std::to_string(m_codebookSize) +
                                        " items, got " + std::to_string(features.rows));
        at::NoGradGuard noGrad;
        const int64_t n = features.rows;
        const int64_t d = features.dim;
        at::Tensor residual = featureTensor(features, context.device);
        if (m_normalize) residual = normalizeRows(residual);
        at::Tensor codes = at::empty({n, m_levels}, residual.options().dtype(at::kLong));
        std::vector<at::Tensor> codebooks;
        int64_t step = 0;

        for (int32_t level = 0; level < m_levels; ++level) {
            const std::string levelName = std::to_string(level + 1) + "/" + std::to_string(m_levels);
            const std::string inertiaKey = "inertia/l" + std::to_string(level + 1);
            KMeansOptions options;
            options.clusters = m_codebookSize;
            options.iterations = m_iterations;
            options.tolerance = m_tolerance;
            // Each level draws its own seeding stream from the run's seed.
            uint64_t state = context.seed + 0x1000193ULL * static_cast<uint64_t>(level + 1);
            options.seed = splitmix64(state);
            options.balanced = m_balanced;
            options.cancel = context.cancel;
            // A large catalogue: the centroids are fitted on a seeded sample of K x max_points_per_code
            // residuals (FAISS's rule; more points barely move them), then every item takes its nearest.
            const at::Tensor sample = fittingSample(residual, level, context.seed);
            const bool sampled = sample.defined();
            options.onIteration = [&](int64_t iteration, double inertia, const at::Tensor& assignment) {
                ++step;
                if (context.progress)
                    context.progress(
                        (level + static_cast<double>(iteration) / static_cast<double>(m_iterations)) / m_levels,
                        "level " + levelName + ", iteration " + std::to_string(iteration));
                if (context.metrics) context.metrics(step, level + 1, {{inertiaKey, inertia}});
                if (!sampled && context.health && context.healthInterval > 0 && step % context.healthInterval == 0) {
                    // inertia / (n d) is the mean squared residual this level's current assignment leaves.
                    at::Tensor partial = codes.slice(1, 0, level + 1).clone();
                    partial.select(1, level).copy_(assignment);
                    context.health(step, toSemanticIds(partial), inertia / static_cast<double>(n * d));
                }
            };
            options.onSeeding = [&](int64_t seeded, int64_t clusters) {
                if (context.progress)
                    context.progress(
                        static_cast<double>(level) / m_levels,
                        "level " + levelName + ", seeding " + std::to_string(seeded) + "/" + std::to_string(clusters));
            };
            const KMeansResult result = fitKMeans(sampled ? sample : residual, options);
            const at::Tensor assignment =
                sampled ? nearestCentroids(residual, result.centroids, nullptr, context.cancel) : result.assignment;
            codes.select(1, level).copy_(assignment);
            residual = residual.sub(result.centroids.index_select(0, assignment));
            codebooks.push_back(result.centroids.to(at::kCPU).contiguous());

            // Mean over items and dimensions, like an MSE reconstruction loss.
            const double quantization = residual.pow(2).mean().item<double>();
            if (context.progress)
                context.progress(static_cast<double>(level + 1) / m_levels, "level " + levelName + " done");
            if (context.metrics) context.metrics(step, level + 1, {{"loss/quantization", quantization}});
            if (context.health) context.health(step, toSemanticIds(codes.slice(1, 0, level + 1)), quantization);
        }

        m_codebooks = std::move(codebooks);
        m_inputDim = d;
        if (m_balanced) {
            m_fittedRows.remember(features);
            m_fittedCodes = toSemanticIds(codes).codes;
        }
    }

    /// The rows a level's k-means is fitted on when the catalogue exceeds K x max_points_per_code
    /// (undefined tensor otherwise, and always for balanced clusters, whose capacities need every item).
    [[nodiscard]] at::Tensor fittingSample(const at::Tensor& residual, int32_t level, uint64_t seed) const {
        const int64_t n = residual.size(0);
        const int64_t limit = m_maxPointsPerCode * m_codebookSize;
        if (m_balanced || m_maxPointsPerCode <= 0 || n <= limit) return {};
        // Partial Fisher-Yates with our own generator: the sample depends on the seed only.
        uint64_t state = seed ^ (0x73616d706c65ULL + static_cast<uint64_t>(level));  // "sample" + level
        std::vector<int64_t> order(static_cast<size_t>(n));
        for (int64_t i = 0; i < n; ++i) order[static_cast<size_t>(i)] = i;
        for (int64_t i = 0; i < limit; ++i) {
            const auto j = i + static_cast<int64_t>(splitmix64(state) % static_cast<uint64_t>(n - i));
            std::swap(order[static_cast<size_t>(i)], order[static_cast<size_t>(j)]);
        }
        order.resize(static_cast<size_t>(limit));
        const at::Tensor index = at::from_blob(order.data(), {limit}, at::kLong).to(residual.device());
        return residual.index_select(0, index);
    }

    [[nodiscard]] SemanticIds encode(const FeatureMatrix& features) const override {
        at::NoGradGuard noGrad;
        at::Tensor residual;
        return toSemanticIds(encodeCodes(features, m_levels, &residual));
    }

    [[nodiscard]] FeatureMatrix lastLevelDistances(const FeatureMatrix& features) const override {
        at::NoGradGuard noGrad;
        at::Tensor residual;
        (void)encodeCodes(features, m_levels - 1, &residual);
        const at::Tensor distances = squaredDistances(residual, m_codebooks.back()).contiguous();
        FeatureMatrix out;
        out.rows = distances.size(0);
        out.dim = distances.size(1);
        const float* p = distances.data_ptr<float>();
        out.values.assign(p, p + distances.numel());
        return out;
    }

    void save(const std::string& directory) const override {
        requireFitted();
        std::filesystem::create_directories(directory);
        std::vector<TensorData> tensors;
        for (int32_t level = 0; level < m_levels; ++level) {
            const at::Tensor& book = m_codebooks[static_cast<size_t>(level)];
            const float* p = book.data_ptr<float>();
            tensors.push_back(TensorData::fromFloats("codebook." + std::to_string(level), {book.size(0), book.size(1)},
                                                     std::vector<float>(p, p + book.numel())));
        }
        if (m_balanced && !m_fittedRows.empty()) {
            tensors.push_back(int64Tensor("fitted.row_hash", m_fittedRows.hashes()));
            tensors.push_back(TensorData::fromInts(
                "fitted.codes", {static_cast<int64_t>(m_fittedRows.hashes().size()), m_levels}, m_fittedCodes));
        }
        writeSafetensors(joinPath(directory, kWeightsFile), tensors, {{"tokenizer", m_info.id}});
        const json config = {{"id", m_info.id},    {"version", m_info.version},       {"config", m_config},
                             {"levels", m_levels}, {"codebook_size", m_codebookSize}, {"input_dim", m_inputDim}};
        writeJsonFile(joinPath(directory, kConfigFile), config);
    }

    void loadState(const std::string& directory) override {
        const std::string configPath = joinPath(directory, kConfigFile);
        const json saved = readJsonFile(configPath);
        if (saved.contains("config") && saved["config"].contains("normalize") &&
            saved["config"]["normalize"] != m_config.at("normalize"))
            throw DataError(configPath, "saved with normalize = " + saved["config"]["normalize"].dump() +
                                            ", this tokenizer has " + m_config.at("normalize").dump());

        const std::string path = joinPath(directory, kWeightsFile);
        std::map<std::string, const TensorData*> byName;
        const std::vector<TensorData> tensors = readSafetensors(path);
        for (const TensorData& t : tensors) byName[t.name] = &t;
        std::vector<at::Tensor> codebooks;
        int64_t dim = 0;
        for (int32_t level = 0; level < m_levels; ++level) {
            const std::string name = "codebook." + std::to_string(level);
            const auto it = byName.find(name);
            if (it == byName.end())
                throw DataError(path, "missing tensor '" + name + "' (levels = " + std::to_string(m_levels) + ")");
            const TensorData& t = *it->second;
            if (level == 0 && t.shape.size() == 2) dim = t.shape[1];
            if (t.shape.size() != 2 || t.shape[0] != m_codebookSize || t.shape[1] != dim || dim <= 0)
                throw DataError(path, "tensor '" + name + "' has shape " + shapeText(t.shape) + ", expected [" +
                                          std::to_string(m_codebookSize) + ", " +
                                          (dim > 0 ? std::to_string(dim) : "d") + "]");
            std::vector<float> values;
            try {
                values = t.toFloats();
            } catch (const std::invalid_argument& e) {
                throw DataError(path, "tensor '" + name + "': " + e.what());
            }
            codebooks.push_back(at::empty({t.shape[0], t.shape[1]}, at::TensorOptions().dtype(at::kFloat)));
            std::memcpy(codebooks.back().data_ptr<float>(), values.data(), values.size() * sizeof(float));
        }

        FittedRows rows;
        std::vector<int32_t> fittedCodes;
        if (m_balanced && byName.count("fitted.row_hash") && byName.count("fitted.codes")) {
            const TensorData& hashes = *byName["fitted.row_hash"];
            const TensorData& codes = *byName["fitted.codes"];
            const int64_t n = hashes.shape.empty() ? -1 : hashes.shape[0];
            if (hashes.dtype != "I64" || hashes.shape.size() != 1 || codes.dtype != "I32" || codes.shape.size() != 2 ||
                codes.shape[0] != n || codes.shape[1] != m_levels)
                throw DataError(path, "tensors 'fitted.row_hash' " + shapeText(hashes.shape) + " " + hashes.dtype +
                                          " and 'fitted.codes' " + shapeText(codes.shape) + " " + codes.dtype +
                                          " do not fit together (expected [n] I64 and [n, levels] I32)");
            std::vector<uint64_t> h(static_cast<size_t>(n));
            std::memcpy(h.data(), hashes.bytes.data(), h.size() * sizeof(uint64_t));
            fittedCodes.resize(static_cast<size_t>(n * m_levels));
            std::memcpy(fittedCodes.data(), codes.bytes.data(), fittedCodes.size() * sizeof(int32_t));
            for (const int32_t c : fittedCodes)
                if (c < 0 || c >= m_codebookSize)
                    throw DataError(path, "tensor 'fitted.codes' holds code " + std::to_string(c));
            rows.restore(std::move(h));
        }

        m_codebooks = std::move(codebooks);
        m_inputDim = dim;
        m_fittedRows = std::move(rows);
        m_fittedCodes = std::move(fittedCodes);
    }

private:
    void requireFitted() const {
        if (m_codebooks.empty()) throw std::logic_error(m_info.id + ": not fitted (call fit() or loadState() first)");
    }

    /// Codes [n, L] (int64, CPU) of the first `stopLevel` levels; `residual` receives what is left
    /// after them. Fitted rows of a balanced tokenizer keep the codes fit() gave them.
    at::Tensor encodeCodes(const FeatureMatrix& features, int32_t stopLevel, at::Tensor* residual) const {
        requireFitted();
        checkFeatures(features, m_info.id);
        if (features.dim != m_inputDim)
            throw std::invalid_argument(m_info.id + ": features have " + std::to_string(features.dim) +
                                        " columns, the tokenizer was fitted on " + std::to_string(m_inputDim));
        const int64_t n = features.rows;
        at::Tensor x = featureTensor(features);
        if (m_normalize) x = normalizeRows(x);

        std::vector<int64_t> knownRows;
        std::vector<int64_t> knownCodes;  // [known, L]
        if (m_balanced && !m_fittedRows.empty()) {
            const std::vector<int64_t> found = m_fittedRows.lookup(features);
            for (int64_t i = 0; i < n; ++i) {
                const int64_t f = found[static_cast<size_t>(i)];
                if (f < 0) continue;
                knownRows.push_back(i);
                for (int32_t l = 0; l < m_levels; ++l)
                    knownCodes.push_back(m_fittedCodes[static_cast<size_t>(f * m_levels + l)]);
            }
        }
        at::Tensor known, knownTable;
        if (!knownRows.empty()) {
            const auto k = static_cast<int64_t>(knownRows.size());
            known = at::empty({k}, at::TensorOptions().dtype(at::kLong));
            std::memcpy(known.data_ptr<int64_t>(), knownRows.data(), knownRows.size() * sizeof(int64_t));
            knownTable = at::empty({k, m_levels}, at::TensorOptions().dtype(at::kLong));
            std::memcpy(knownTable.data_ptr<int64_t>(), knownCodes.data(), knownCodes.size() * sizeof(int64_t));
        }

        at::Tensor codes = at::zeros({n, m_levels}, at::TensorOptions().dtype(at::kLong));
        for (int32_t level = 0; level < stopLevel; ++level) {
            const at::Tensor& book = m_codebooks[static_cast<size_t>(level)];
            at::Tensor assignment = nearestCentroids(x, book);
            if (known.defined()) assignment.index_copy_(0, known, knownTable.select(1, level).contiguous());
            codes.select(1, level).copy_(assignment);
            x = x.sub(book.index_select(0, assignment));
        }
        *residual = x;
        return codes;
    }

    ComponentInfo m_info;
    bool m_balanced = false;
    json m_config;
    int32_t m_levels = 0;
    int32_t m_codebookSize = 0;
    int64_t m_iterations = 0;
    bool m_normalize = true;
    double m_tolerance = 0.0;
    int64_t m_maxPointsPerCode = 0;  ///< 0: every level fits on all items
    int64_t m_inputDim = 0;
    std::vector<at::Tensor> m_codebooks;  ///< [level] = K x d, float32 on the CPU
    FittedRows m_fittedRows;              ///< balanced only: the rows fit() saw
    std::vector<int32_t> m_fittedCodes;   ///< balanced only: their codes, rows x levels
};

}  // namespace

std::unique_ptr<Tokenizer> makeResidualKMeans(const ComponentInfo& info, const std::string& configJson, bool balanced) {
    return std::make_unique<ResidualKMeansTokenizer>(info, configJson, balanced);
}

ComponentInfo rqKmeansInfo() {
    ComponentInfo info = tokenizerInfo("rq-kmeans", 1, "RQ-KMeans",
        "Residual k-means (GRID's RQ-KMeans): level 1 clusters the item features with k-means (k-means++ "
        "seeding, Lloyd iterations), each further level clusters what the levels before it leave. No "
        "training loop, no collapse: a strong, fast baseline for RQ-VAE.");
    info.params = residualKMeansParams();
    info.trainsInSteps = false;  // k-means level by level: its figures are per level
    info.recommended = true;  // fast, deterministic, no collapse: the first IDs to make
    return info;
}

std::unique_ptr<Tokenizer> makeRqKmeans(const std::string& configJson) {
    return makeResidualKMeans(rqKmeansInfo(), configJson, /*balanced=*/false);
}

}  // namespace tokenbench::core
