// TIGER's RQ-VAE tokenizer (Rajput et al., "Recommender Systems with Generative Retrieval", NeurIPS
// 2023, section 3.1) and its one-level special case, the VQ-VAE (van den Oord et al. 2017).
//
// Training: Adam (or TIGER's Adagrad) on
//   L = ||x - x-hat||^2 + sum_l ( ||sg(r_l) - c_l||^2 + beta ||r_l - sg(c_l)||^2 ),
// squared norms summed over dimensions and averaged over the batch (the paper's ||.||^2; an
// element-wise mean would shrink the reconstruction term by the input width). Codebooks are
// initialised by k-means on the first batch's residuals; codes no item used during the last
// `restart_interval` epochs are re-seeded from busy residuals of the interval's last batch.
//
// Reporting: metrics once per epoch at the global optimizer step ("loss/commitment" is the
// beta-weighted term, so the three parts add up to "loss"). Health (full assignment in eval mode
// and the per-element mean squared error of x-hat against the prepared, possibly normalised x)
// every FitContext::healthInterval optimizer steps when set, else every 5 epochs, and at the end.
// Default 100 epochs: on 12k x 64 inputs the loss flattens after 40-80 epochs.
//
// Regularisers, all off by default (LETTER, Wang et al. CIKM 2024): a collaborative alignment term
// (collaborative_alignment.h: InfoNCE between the straight-through z-hat and a model run's item
// embeddings), a diversity term (rq_vae_model.cpp: KL of each level's batch-mean soft assignment from
// uniform) and a Sinkhorn-balanced last level (sinkhorn_assignment.h) in training and encoding; the
// weighted terms are reported as "loss/alignment" and "loss/diversity". The balanced encode assigns
// all items at once, so it holds items x K distances (12k x 256 doubles: 25 MB).
#include "tokenizers/builtin_tokenizers.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <torch/optim/adagrad.h>
#include <torch/optim/adam.h>
#include <torch/utils.h>
#include <nlohmann/json.hpp>

#include "tokenbench/cancellation.h"
#include "tokenbench/data/data_error.h"
#include "tokenbench/io/safetensors.h"
#include "tokenizers/rq_vae_model.h"
#include "tokenizers/collaborative_alignment.h"
#include "common/device.h"
#include "common/seeded_random.h"
#include "common/json_file.h"

namespace tokenbench::core {

namespace {

using nlohmann::json;

constexpr const char* kRqVaeId = "rq-vae";
constexpr const char* kVqVaeId = "vq-vae";
constexpr int kVersion = 1;
constexpr int kKMeansIterations = 25;
constexpr int64_t kDefaultHealthEpochs = 5;  // health report cadence when FitContext::healthInterval is 0
constexpr int64_t kEncodeChunk = 8192;       // rows per encode pass (bounds the N x K distance matrix)
constexpr const char* kWeightsFile = "weights.safetensors";
constexpr const char* kConfigFile = "config.json";

/// The validated config, typed.
struct RqVaeConfig final {
    std::string json;  ///< complete validated config, as stored in config.json
    int64_t levels = 3;
    int64_t codebookSize = 256;
    int64_t latentDim = 32;
    std::vector<int64_t> hiddenDims;
    double beta = 0.25;
    int64_t epochs = 100;
    int64_t batchSize = 1024;
    double learningRate = 1e-3;
    bool adagrad = false;
    double weightDecay = 0.0;
    double dropout = 0.0;
    bool normalize = true;
    bool kmeansInit = true;
    bool deadCodeRestart = true;
    int64_t restartInterval = 1;
    // Regularisers (LETTER, Wang et al. CIKM 2024; LC-Rec's balanced last level); off by default.
    int64_t alignModelRun = 0;  ///< model run whose item embeddings the quantized latents are contrasted with; 0 = off
    double alignWeight = 0.02;
    double alignTemperature = 0.1;
    double diversityWeight = 0.0;
    bool sinkhornLastLevel = false;
    SinkhornOptions sinkhorn;
};

std::vector<int64_t> parseHiddenDims(const std::string& id, const std::string& text) {
    std::vector<int64_t> dims;
    std::stringstream stream(text);
    std::string item;
    while (std::getline(stream, item, ',')) {
        const auto first = item.find_first_not_of(" \t");
        if (first == std::string::npos) continue;
        const auto last = item.find_last_not_of(" \t");
        const std::string digits = item.substr(first, last - first + 1);
        const bool numeric = !digits.empty() && digits.size() <= 6 &&
                             std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; });
        const int64_t value = numeric ? std::stoll(digits) : 0;
        if (value <= 0 || value > 65536)
            throw ConfigError(id + ": parameter 'hidden_dims' = '" + text +
                              "' must be comma-separated layer sizes in [1, 65536], e.g. \"512,256,128\"");
        dims.push_back(value);
    }
    return dims;
}

RqVaeConfig parseConfig(const ComponentInfo& info, const std::string& configJson) {
    RqVaeConfig config;
    config.json = validateConfig(info, configJson);
    const json j = json::parse(config.json);
    config.levels = j.at("levels").get<int64_t>();
    config.codebookSize = j.at("codebook_size").get<int64_t>();
    config.latentDim = j.at("latent_dim").get<int64_t>();
    config.hiddenDims = parseHiddenDims(info.id, j.at("hidden_dims").get<std::string>());
    config.beta = j.at("beta").get<double>();
    config.epochs = j.at("epochs").get<int64_t>();
    config.batchSize = j.at("batch_size").get<int64_t>();
    config.learningRate = j.at("learning_rate").get<double>();
    config.adagrad = j.at("optimizer").get<std::string>() == "adagrad";
    config.weightDecay = j.at("weight_decay").get<double>();
    config.dropout = j.at("dropout").get<double>();
    config.normalize = j.at("normalize").get<bool>();
    config.kmeansInit = j.at("kmeans_init").get<bool>();
    config.deadCodeRestart = j.at("dead_code_restart").get<bool>();
    config.restartInterval = j.at("restart_interval").get<int64_t>();
    config.alignModelRun = j.at("align_model_run").get<int64_t>();
    config.alignWeight = j.at("align_weight").get<double>();
    config.alignTemperature = j.at("align_temperature").get<double>();
    config.diversityWeight = j.at("diversity_weight").get<double>();
    config.sinkhornLastLevel = j.at("sinkhorn_last_level").get<bool>();
    config.sinkhorn.epsilon = j.at("sinkhorn_epsilon").get<double>();
    config.sinkhorn.iterations = static_cast<int>(j.at("sinkhorn_iterations").get<int64_t>());
    return config;
}

ParamSpec intParam(std::string key, std::string label, std::string value, double min, double max, std::string help) {
    ParamSpec spec;
    spec.key = std::move(key);
    spec.label = std::move(label);
    spec.type = ParamType::Int;
    spec.defaultValue = std::move(value);
    spec.min = min;
    spec.max = max;
    spec.help = std::move(help);
    return spec;
}

ParamSpec floatParam(std::string key, std::string label, std::string value, double min, double max, std::string help) {
    ParamSpec spec = intParam(std::move(key), std::move(label), std::move(value), min, max, std::move(help));
    spec.type = ParamType::Float;
    return spec;
}

ParamSpec boolParam(std::string key, std::string label, bool value, std::string help) {
    ParamSpec spec;
    spec.key = std::move(key);
    spec.label = std::move(label);
    spec.type = ParamType::Bool;
    spec.defaultValue = value ? "true" : "false";
    spec.help = std::move(help);
    return spec;
}

/// The schema both ids share; `maxLevels` 1 pins the VQ-VAE to one codebook.
std::vector<ParamSpec> schema(int defaultLevels, int maxLevels) {
    std::vector<ParamSpec> params;
    params.push_back(intParam("levels", "Levels", std::to_string(defaultLevels), 1, maxLevels,
                              maxLevels == 1 ? "Codebooks (fixed to 1: a VQ-VAE is a one-level RQ-VAE)"
                                             : "Residual codebooks: semantic ID length before collision handling"));
    params.push_back(intParam("codebook_size", "Codebook size", "256", 2, 65536, "Codewords per level (K)"));
    params.push_back(intParam("latent_dim", "Latent size", "32", 1, 4096, "Encoder output and codeword size"));
    ParamSpec hidden;
    hidden.key = "hidden_dims";
    hidden.label = "Hidden layers";
    hidden.type = ParamType::String;
    hidden.defaultValue = "512,256,128";
    hidden.help = "Encoder hidden layer sizes, comma-separated; the decoder mirrors them";
    params.push_back(hidden);
    params.push_back(floatParam("beta", "Commitment weight", "0.25", 0, 10,
                                "beta in ||sg(r) - c||^2 + beta ||r - sg(c)||^2 (TIGER: 0.25)"));
    params.push_back(intParam("epochs", "Epochs", "100", 1, 1000000, "Passes over the items"));
    params.push_back(intParam("batch_size", "Batch size", "1024", 1, 1 << 20, "Items per optimizer step"));
    params.push_back(
        floatParam("learning_rate", "Learning rate", "0.001", 1e-9, 100, "Step size (TIGER used Adagrad with 0.4)"));
    ParamSpec optimizer;
    optimizer.key = "optimizer";
    optimizer.label = "Optimizer";
    optimizer.type = ParamType::Choice;
    optimizer.defaultValue = "adam";
    optimizer.choices = {"adam", "adagrad"};
    optimizer.help = "Adam, or Adagrad as in the TIGER paper";
    params.push_back(optimizer);
    params.push_back(floatParam("weight_decay", "Weight decay", "0", 0, 1, "L2 penalty on all parameters"));
    params.push_back(floatParam("dropout", "Dropout", "0", 0, 0.95, "After each hidden ReLU of encoder and decoder"));
    params.push_back(
        boolParam("normalize", "L2-normalise inputs", true, "Scale every feature row to unit length first"));
    params.push_back(boolParam("kmeans_init", "k-means initialisation", true,
                               "Initialise each codebook by k-means on the first batch's residuals (TIGER)"));
    params.push_back(boolParam("dead_code_restart", "Restart dead codes", true,
                               "Re-seed codes unused over the last interval from busy residuals (SoundStream)"));
    params.push_back(intParam("restart_interval", "Restart interval", "1", 1, 1000000,
                              "Epochs over which code usage is counted before dead codes are restarted"));
    params.push_back(intParam("align_model_run", "Align with model run", "0", 0, 1e15,
                              "Collaborative alignment (LETTER): id of a trained model run (sasrec, bert4rec) whose "
                              "item embeddings each quantized item vector is contrasted with; 0 = off"));
    params.push_back(floatParam("align_weight", "Alignment weight", "0.02", 0, 100,
                                "Weight of the in-batch InfoNCE alignment loss (LETTER: 0.02)"));
    params.push_back(floatParam("align_temperature", "Alignment temperature", "0.1", 1e-4, 100,
                                "Temperature of the alignment InfoNCE over cosine similarities"));
    params.push_back(floatParam("diversity_weight", "Diversity weight", "0", 0, 100,
                                "Weight of the code-usage diversity term: per level, KL of the batch-mean soft "
                                "assignment from uniform; 0 = off"));
    params.push_back(boolParam("sinkhorn_last_level", "Balanced last level", false,
                               "Assign the last level by Sinkhorn-Knopp over the items (equal code loads, fewer "
                               "collisions), in training and in encoding"));
    params.push_back(floatParam("sinkhorn_epsilon", "Sinkhorn epsilon", "0.01", 1e-4, 10,
                                "Entropic temperature on distances rescaled to [-1, 1]; smaller balances harder"));
    params.push_back(intParam("sinkhorn_iterations", "Sinkhorn iterations", "100", 1, 10000,
                              "Row/column scalings per balanced assignment"));
    return params;
}

ComponentInfo makeInfo(bool single) {
    ComponentInfo info = tokenizerInfo(
        single ? kVqVaeId : kRqVaeId, kVersion, single ? "VQ-VAE" : "RQ-VAE (TIGER)",
        single ? "Single-codebook VQ-VAE: MLP encoder and decoder around one vector-quantized level "
                 "(the RQ-VAE with one level)."
               : "TIGER's residual-quantized VAE (Rajput et al. 2023): MLP encoder and decoder, residual "
                 "codebooks trained with the straight-through estimator, k-means initialisation and dead-code restart.");
    info.params = single ? schema(1, 1) : schema(3, 8);
    return info;
}

/// Fisher-Yates with our own generator: the order depends on the seed only, not on LibTorch.
void shuffle(std::vector<int64_t>& order, uint64_t& state) {
    for (size_t i = order.size(); i > 1; --i) {
        const auto j = static_cast<size_t>(splitmix64(state) % i);
        std::swap(order[i - 1], order[j]);
    }
}

/// rows x dim float tensor copied from `features`; checks shape and finiteness.
at::Tensor featureTensor(const std::string& id, const FeatureMatrix& features) {
    if (features.rows <= 0 || features.dim <= 0) throw std::invalid_argument(id + ": no items or no feature columns");
    if (static_cast<int64_t>(features.values.size()) != features.rows * features.dim)
        throw std::invalid_argument(id + ": feature matrix has " + std::to_string(features.values.size()) +
                                    " values, expected rows x dim = " + std::to_string(features.rows * features.dim));
    for (const float v : features.values)
        if (!std::isfinite(v)) throw std::invalid_argument(id + ": features contain NaN or infinite values");
    at::Tensor out = at::empty({features.rows, features.dim}, at::kFloat);
    std::memcpy(out.data_ptr<float>(), features.values.data(), features.values.size() * sizeof(float));
    return out;
}

at::Tensor normalizeRows(const at::Tensor& x) {
    return x / x.pow(2).sum(1, /*keepdim=*/true).sqrt().clamp_min(1e-12);
}

FeatureMatrix toFeatureMatrix(const at::Tensor& tensor) {
    const at::Tensor cpu = tensor.to(at::kCPU, at::kFloat).contiguous();
    FeatureMatrix out;
    out.rows = cpu.size(0);
    out.dim = cpu.size(1);
    out.values.assign(cpu.data_ptr<float>(), cpu.data_ptr<float>() + cpu.numel());
    return out;
}

/// The RQ-VAE tokenizer; `id` is "rq-vae" or "vq-vae" (levels pinned to 1 by its schema).
class RqVaeTokenizer final : public Tokenizer {
public:
    RqVaeTokenizer(std::string id, RqVaeConfig config) : m_id(std::move(id)), m_config(std::move(config)) {}

    [[nodiscard]] std::string id() const override { return m_id; }
    [[nodiscard]] int32_t levels() const override { return static_cast<int32_t>(m_config.levels); }
    [[nodiscard]] int32_t codebookSize() const override { return static_cast<int32_t>(m_config.codebookSize); }

    void fit(const FeatureMatrix& features, const FitContext& context) override;
    [[nodiscard]] SemanticIds encode(const FeatureMatrix& features) const override;
    [[nodiscard]] FeatureMatrix lastLevelDistances(const FeatureMatrix& features) const override;
    void save(const std::string& directory) const override;
    void loadState(const std::string& directory) override;

private:
    struct Encoded final {
        at::Tensor codes;         ///< N x L int64 (CPU)
        at::Tensor lastResidual;  ///< N x D residual entering the last level (device)
        double squaredError = 0;  ///< sum over items and features of (x-hat - x)^2
    };

    RqVaeOptions modelOptions(int64_t inputDim) const {
        RqVaeOptions options;
        options.inputDim = inputDim;
        options.hiddenDims = m_config.hiddenDims;
        options.latentDim = m_config.latentDim;
        options.levels = m_config.levels;
        options.codebookSize = m_config.codebookSize;
        options.dropout = m_config.dropout;
        options.balancedLastLevel = m_config.sinkhornLastLevel;
        options.sinkhorn = m_config.sinkhorn;
        options.diversityLoss = m_config.diversityWeight > 0.0;
        return options;
    }
    /// fit() without the clean-up on failure.
    void train(const FeatureMatrix& features, const FitContext& context);
    at::Tensor prepareInput(const FeatureMatrix& features) const;
    /// Eval-mode, no-grad pass over `x` (already prepared, on the model's device) in chunks.
    Encoded encodeTensor(const at::Tensor& x, bool reconstruct, bool lastResidual,
                         const std::atomic<bool>* cancel = nullptr) const;
    static SemanticIds toSemanticIds(const at::Tensor& codes);
    void requireModel(const char* what) const {
        if (!m_model) throw std::logic_error(m_id + ": " + what + " before fit() or loadState()");
    }

    std::string m_id;
    RqVaeConfig m_config;
    // mutable: const encode() switches the module to eval mode (no dropout) for its pass.
    mutable RqVae m_model{nullptr};
    int64_t m_inputDim = 0;
    at::Device m_device = at::kCPU;
};

at::Tensor RqVaeTokenizer::prepareInput(const FeatureMatrix& features) const {
    if (features.dim != m_inputDim)
        throw std::invalid_argument(m_id + ": features have " + std::to_string(features.dim) +
                                    " columns, the tokenizer was trained on " + std::to_string(m_inputDim));
    at::Tensor x = featureTensor(m_id, features);
    if (m_config.normalize) x = normalizeRows(x);
    return x.to(m_device);
}

SemanticIds RqVaeTokenizer::toSemanticIds(const at::Tensor& codes) {
    const at::Tensor cpu = codes.to(at::kCPU, at::kInt).contiguous();
    SemanticIds ids;
    ids.items = cpu.size(0);
    ids.levels = static_cast<int32_t>(cpu.size(1));
    ids.codes.assign(cpu.data_ptr<int32_t>(), cpu.data_ptr<int32_t>() + cpu.numel());
    return ids;
}

RqVaeTokenizer::Encoded RqVaeTokenizer::encodeTensor(const at::Tensor& x, bool reconstruct, bool lastResidual,
                                                     const std::atomic<bool>* cancel) const {
    torch::NoGradGuard noGrad;  // grad mode is per thread: guard here, whoever calls
    const bool wasTraining = m_model->is_training();
    m_model->eval();
    const int64_t last = m_config.levels - 1;
    // A balanced last level is one Sinkhorn assignment over all rows, so chunks are quantized with
    // argmin first and their last level re-assigned once every last residual is known.
    const bool balanced = m_config.sinkhornLastLevel;
    Encoded out;
    std::vector<at::Tensor> codes, residuals;
    at::Tensor squaredError = at::zeros({}, x.options().dtype(at::kDouble));
    for (int64_t start = 0; start < x.size(0); start += kEncodeChunk) {
        throwIfCancelled(cancel);
        const at::Tensor chunk = x.narrow(0, start, std::min(kEncodeChunk, x.size(0) - start));
        const at::Tensor z = m_model->encoder->forward(chunk);
        const QuantizerOutput q = m_model->quantizer->forward(z, /*withLosses=*/false, /*balanceLastLevel=*/false);
        codes.push_back(q.codes.to(at::kCPU));
        if (lastResidual || balanced) residuals.push_back(q.residuals[last]);
        if (reconstruct && !balanced)
            squaredError += (m_model->decoder->forward(q.quantized) - chunk).pow(2).sum().to(at::kDouble);
    }
    out.codes = at::cat(codes, 0);
    if (lastResidual || balanced) out.lastResidual = at::cat(residuals, 0);
    if (balanced) {
        throwIfCancelled(cancel);
        const at::Tensor lastCodes =
            sinkhornAssignment(m_model->quantizer->squaredDistances(out.lastResidual, last), m_config.sinkhorn);
        out.codes.select(1, last).copy_(lastCodes.to(at::kCPU));
        if (reconstruct) {
            // z-hat = (sum of the first L-1 codewords) + the balanced last codeword = z - r_last + c_last.
            const at::Tensor& book = m_model->quantizer->codebook(last);
            for (int64_t start = 0; start < x.size(0); start += kEncodeChunk) {
                throwIfCancelled(cancel);
                const int64_t rows = std::min(kEncodeChunk, x.size(0) - start);
                const at::Tensor chunk = x.narrow(0, start, rows);
                const at::Tensor z = m_model->encoder->forward(chunk);
                const at::Tensor quantized = z - out.lastResidual.narrow(0, start, rows) +
                                             book.index_select(0, lastCodes.narrow(0, start, rows));
                squaredError += (m_model->decoder->forward(quantized) - chunk).pow(2).sum().to(at::kDouble);
            }
        }
    }
    if (wasTraining) m_model->train();
    out.squaredError = squaredError.item<double>();
    return out;
}

void RqVaeTokenizer::fit(const FeatureMatrix& features, const FitContext& context) {
    try {
        train(features, context);
    } catch (...) {
        // A cancelled or failed fit leaves no half-trained model behind for encode() to use.
        m_model = RqVae(nullptr);
        m_inputDim = 0;
        throw;
    }
}

void RqVaeTokenizer::train(const FeatureMatrix& features, const FitContext& context) {
    const at::Device device = parseDevice(context.device, m_id);
    at::Tensor x = featureTensor(m_id, features);
    if (m_config.normalize) x = normalizeRows(x);
    x = x.to(device);
    const int64_t items = features.rows;

    // Every random draw (init, shuffles, dropout, k-means, restarts) comes from this seed alone.
    at::Generator generator = at::detail::createCPUGenerator(context.seed);
    uint64_t shuffleState = context.seed ^ 0x52515641454f5244ULL;
    torch::AutoGradMode enableGrad(true);

    m_inputDim = features.dim;
    m_device = device;
    m_model = RqVae(modelOptions(features.dim));
    m_model->resetParameters(generator);
    m_model->to(device);
    m_model->train();

    std::optional<CollaborativeAlignment> alignment;
    if (m_config.alignModelRun > 0)
        alignment.emplace(m_id, m_config.alignModelRun, context, items, m_config.latentDim, m_config.alignTemperature,
                          device, generator);
    std::vector<at::Tensor> parameters = m_model->parameters();
    if (alignment)
        for (const at::Tensor& p : alignment->parameters()) parameters.push_back(p);

    std::unique_ptr<torch::optim::Optimizer> optimizer;
    if (m_config.adagrad)
        optimizer = std::make_unique<torch::optim::Adagrad>(
            parameters, torch::optim::AdagradOptions(m_config.learningRate).weight_decay(m_config.weightDecay));
    else
        optimizer = std::make_unique<torch::optim::Adam>(
            parameters, torch::optim::AdamOptions(m_config.learningRate).weight_decay(m_config.weightDecay));

    const int64_t levels = m_config.levels;
    const int64_t codebookSize = m_config.codebookSize;
    const int64_t batchSize = std::min(m_config.batchSize, items);
    const int64_t batchesPerEpoch = (items + batchSize - 1) / batchSize;
    const int64_t totalSteps = batchesPerEpoch * m_config.epochs;
    // Level l's codes are counted at l * K + code of this flat vector.
    const at::Tensor levelOffsets =
        (at::arange(levels, at::TensorOptions().dtype(at::kLong)) * codebookSize).to(device);
    at::Tensor usage = at::zeros({levels * codebookSize}, at::TensorOptions().dtype(at::kDouble).device(device));

    auto reportHealth = [&](int64_t step) {
        if (!context.health) return;
        const Encoded encoded = encodeTensor(x, /*reconstruct=*/true, /*lastResidual=*/false, context.cancel);
        const double mse = encoded.squaredError / static_cast<double>(items * features.dim);
        context.health(step, toSemanticIds(encoded.codes), mse);
    };

    std::vector<int64_t> order(static_cast<size_t>(items));
    int64_t step = 0;
    int64_t lastHealthStep = -1;
    if (context.progress) context.progress(0.0, "epoch 0/" + std::to_string(m_config.epochs));
    for (int64_t epoch = 1; epoch <= m_config.epochs; ++epoch) {
        for (int64_t i = 0; i < items; ++i) order[static_cast<size_t>(i)] = i;
        shuffle(order, shuffleState);
        const at::Tensor permutation =
            at::from_blob(order.data(), {items}, at::TensorOptions().dtype(at::kLong)).clone().to(device);
        at::Tensor sumReconstruction = at::zeros({}, x.options().dtype(at::kDouble));
        at::Tensor sumCodebook = at::zeros_like(sumReconstruction);
        at::Tensor sumCommitment = at::zeros_like(sumReconstruction);
        at::Tensor sumAlignment = at::zeros_like(sumReconstruction);
        at::Tensor sumDiversity = at::zeros_like(sumReconstruction);

        for (int64_t batch = 0; batch < batchesPerEpoch; ++batch) {
            throwIfCancelled(context.cancel);
            const int64_t start = batch * batchSize;
            const int64_t count = std::min(batchSize, items - start);
            const at::Tensor batchItems = permutation.narrow(0, start, count);
            const at::Tensor xb = x.index_select(0, batchItems);
            if (step == 0 && m_config.kmeansInit) {
                if (context.progress) context.progress(0.0, "k-means initialisation");
                torch::NoGradGuard noGrad;
                m_model->eval();  // latents without dropout noise
                const at::Tensor z = m_model->encoder->forward(xb);
                m_model->train();
                m_model->quantizer->initWithKMeans(z, generator, kKMeansIterations, context.cancel);
            }

            const RqVaeOutput out = m_model->forward(xb, &generator);
            const at::Tensor reconstruction = (out.reconstruction - xb).pow(2).sum(1).mean();
            const at::Tensor commitment = out.quantizer.commitmentLoss * m_config.beta;
            at::Tensor loss = reconstruction + out.quantizer.codebookLoss + commitment;
            if (alignment) {
                // On the straight-through latent (value z-hat, gradient to the encoder), as the decoder sees it.
                const at::Tensor quantized = out.latent + (out.quantizer.quantized - out.latent).detach();
                const at::Tensor term = alignment->loss(quantized, batchItems) * m_config.alignWeight;
                loss = loss + term;
                sumAlignment += term.detach().to(at::kDouble) * static_cast<double>(count);
            }
            if (out.quantizer.diversityLoss.defined()) {
                const at::Tensor term = out.quantizer.diversityLoss * m_config.diversityWeight;
                loss = loss + term;
                sumDiversity += term.detach().to(at::kDouble) * static_cast<double>(count);
            }
            optimizer->zero_grad();
            loss.backward();
            optimizer->step();
            ++step;

            const double weight = static_cast<double>(count);
            sumReconstruction += reconstruction.detach().to(at::kDouble) * weight;
            sumCodebook += out.quantizer.codebookLoss.detach().to(at::kDouble) * weight;
            sumCommitment += commitment.detach().to(at::kDouble) * weight;
            usage.index_add_(0, (out.quantizer.codes + levelOffsets).reshape({-1}),
                             at::ones({count * levels}, usage.options()));

            const bool lastOfInterval = batch + 1 == batchesPerEpoch && epoch % m_config.restartInterval == 0;
            // Not after the last step: the codebooks handed out are the ones the decoder was trained on.
            if (m_config.deadCodeRestart && lastOfInterval && step != totalSteps) {
                for (int64_t l = 0; l < levels; ++l)
                    m_model->quantizer->restartDeadCodes(l, usage.narrow(0, l * codebookSize, codebookSize),
                                                         out.quantizer.residuals[l], out.quantizer.codes.select(1, l),
                                                         generator);
            }
            if (lastOfInterval) usage.zero_();
            if (context.healthInterval > 0 && step % context.healthInterval == 0 && step != totalSteps) {
                reportHealth(step);
                lastHealthStep = step;
            }
        }

        const double n = static_cast<double>(items);
        const double meanReconstruction = sumReconstruction.item<double>() / n;
        const double meanCodebook = sumCodebook.item<double>() / n;
        const double meanCommitment = sumCommitment.item<double>() / n;
        // Weighted like "loss/commitment", so the parts still add up to "loss"; reported only when on.
        const double meanAlignment = sumAlignment.item<double>() / n;
        const double meanDiversity = sumDiversity.item<double>() / n;
        std::map<std::string, double> values = {
            {"loss", meanReconstruction + meanCodebook + meanCommitment + meanAlignment + meanDiversity},
            {"loss/reconstruction", meanReconstruction},
            {"loss/codebook", meanCodebook},
            {"loss/commitment", meanCommitment}};
        if (alignment) values["loss/alignment"] = meanAlignment;
        if (m_config.diversityWeight > 0.0) values["loss/diversity"] = meanDiversity;
        if (context.metrics) context.metrics(step, epoch, values);
        if (context.progress)
            context.progress(static_cast<double>(epoch) / static_cast<double>(m_config.epochs),
                             "epoch " + std::to_string(epoch) + "/" + std::to_string(m_config.epochs));
        if (context.healthInterval <= 0 && epoch % kDefaultHealthEpochs == 0 && epoch != m_config.epochs) {
            reportHealth(step);
            lastHealthStep = step;
        }
    }
    if (lastHealthStep != step) reportHealth(step);
    m_model->eval();
}

SemanticIds RqVaeTokenizer::encode(const FeatureMatrix& features) const {
    requireModel("encode()");
    return toSemanticIds(encodeTensor(prepareInput(features), false, false).codes);
}

FeatureMatrix RqVaeTokenizer::lastLevelDistances(const FeatureMatrix& features) const {
    requireModel("lastLevelDistances()");
    torch::NoGradGuard noGrad;
    const Encoded encoded = encodeTensor(prepareInput(features), false, true);
    return toFeatureMatrix(m_model->quantizer->squaredDistances(encoded.lastResidual, m_config.levels - 1));
}

void RqVaeTokenizer::save(const std::string& directory) const {
    requireModel("save()");
    torch::NoGradGuard noGrad;
    std::filesystem::create_directories(directory);
    std::vector<TensorData> tensors;
    for (const auto& item : m_model->named_parameters()) {
        const at::Tensor cpu = item.value().detach().to(at::kCPU, at::kFloat).contiguous();
        std::vector<float> values(cpu.data_ptr<float>(), cpu.data_ptr<float>() + cpu.numel());
        tensors.push_back(TensorData::fromFloats(item.key(), cpu.sizes().vec(), values));
    }
    const auto dir = std::filesystem::path(directory);
    writeSafetensors((dir / kWeightsFile).string(), tensors, {{"format", "pt"}, {"tokenbench_id", m_id}});
    json config;
    config["id"] = m_id;
    config["version"] = kVersion;
    config["config"] = json::parse(m_config.json);
    config["levels"] = m_config.levels;
    config["codebook_size"] = m_config.codebookSize;
    config["input_dim"] = m_inputDim;
    writeJsonFile((dir / kConfigFile).string(), config);
}

void RqVaeTokenizer::loadState(const std::string& directory) {
    const auto dir = std::filesystem::path(directory);
    const std::string configPath = (dir / kConfigFile).string();
    const std::string weightsPath = (dir / kWeightsFile).string();
    const json config = readJsonFile(configPath);
    int64_t inputDim = 0;
    try {
        if (config.at("id").get<std::string>() != m_id)
            throw DataError(configPath, "written by '" + config.at("id").get<std::string>() + "', not '" + m_id + "'");
        if (config.at("levels").get<int64_t>() != m_config.levels ||
            config.at("codebook_size").get<int64_t>() != m_config.codebookSize)
            throw DataError(configPath, "levels/codebook_size differ from this tokenizer's config");
        inputDim = config.at("input_dim").get<int64_t>();
    } catch (const json::exception& e) {
        throw DataError(configPath, std::string("missing or malformed field: ") + e.what());
    }
    if (inputDim <= 0) throw DataError(configPath, "input_dim must be positive");

    std::map<std::string, TensorData> byName;
    for (auto& tensor : readSafetensors(weightsPath)) byName.emplace(tensor.name, std::move(tensor));

    RqVae model(modelOptions(inputDim));
    torch::NoGradGuard noGrad;
    for (auto& item : model->named_parameters()) {
        const auto found = byName.find(item.key());
        if (found == byName.end()) throw DataError(weightsPath, "missing tensor '" + item.key() + "'");
        const std::vector<int64_t> expected = item.value().sizes().vec();
        if (found->second.shape != expected)
            throw DataError(weightsPath, "tensor '" + item.key() + "' has a shape that does not fit the config");
        std::vector<float> values;
        try {
            values = found->second.toFloats();
        } catch (const std::invalid_argument& e) {
            throw DataError(weightsPath, "tensor '" + item.key() + "': " + e.what());
        }
        if (static_cast<int64_t>(values.size()) != item.value().numel())
            throw DataError(weightsPath, "tensor '" + item.key() + "' has the wrong number of values");
        item.value().copy_(at::from_blob(values.data(), expected, at::TensorOptions().dtype(at::kFloat)));
    }
    model->eval();
    m_model = model;
    m_inputDim = inputDim;
    m_device = at::kCPU;
}

}  // namespace

ComponentInfo rqVaeInfo() {
    return makeInfo(false);
}

std::unique_ptr<Tokenizer> makeRqVae(const std::string& configJson) {
    return std::make_unique<RqVaeTokenizer>(kRqVaeId, parseConfig(rqVaeInfo(), configJson));
}

ComponentInfo vqVaeInfo() {
    return makeInfo(true);
}

std::unique_ptr<Tokenizer> makeVqVae(const std::string& configJson) {
    return std::make_unique<RqVaeTokenizer>(kVqVaeId, parseConfig(vqVaeInfo(), configJson));
}

}  // namespace tokenbench::core
