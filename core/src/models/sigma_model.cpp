// SIGMA (Liu et al., AAAI 2025; sigma_module.h) as a Recommender.
//
// Training samples: every prefix of every training sequence, the last max_length items before a
// training target, one target each (the reference's RecBole setting). Not SASRec's every position
// in one pass: the partially flipped branch carries later items into earlier positions, so only a
// sequence's last position may be trained on. Softmax cross-entropy over the whole catalogue, Adam.
// Batches: each epoch's shuffled samples are cut into pools of kBucketPool batches, each pool sorted
// by length and cut into batches, and the batch order shuffled, so the scan runs over few padded
// positions (Beauty: most prefixes are shorter than 10 items).
//
// Determinism: initialisation from the run seed; each epoch's shuffle and dropout masks from
// (seed, epoch) alone, so a checkpoint (model, Adam state, epoch counter) resumes exactly.
#include <algorithm>
#include <memory>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <ATen/ATen.h>
#include <torch/optim/adam.h>
#include <nlohmann/json.hpp>

#include "models/builtin_models.h"
#include "models/sequence_tensors.h"
#include "models/sigma_module.h"
#include "models/torch_recommender.h"

namespace tokenbench::core {

namespace {

using nlohmann::json;

constexpr const char* kSigmaId = "sigma";
constexpr int kVersion = 1;
constexpr int64_t kCheckpointFormat = 1;
constexpr int64_t kBucketPool = 32;     // batches per length-sorted pool
constexpr int64_t kScoreTokens = 4096;  // scoring: positions (users x padded length) per forward pass
constexpr uint64_t kEpochSalt = 0x5349474d41ULL;  // epoch streams: see epochRandom

/// The validated config, typed.
struct SigmaConfig final {
    std::string json;
    SigmaOptions network;
    int64_t maxLength = 50;
    int64_t batchSize = 256;
    double learningRate = 1e-3;
    double weightDecay = 0.0;
};

SigmaConfig parseConfig(const std::string& configJson) {
    const json j = json::parse(configJson);
    SigmaConfig config;
    config.json = configJson;
    config.network.hidden = j.at("hidden").get<int64_t>();
    config.network.layers = j.at("layers").get<int64_t>();
    config.network.state = j.at("state_size").get<int64_t>();
    config.network.convKernel = j.at("conv_kernel").get<int64_t>();
    config.network.expand = j.at("expand").get<int64_t>();
    config.network.flipKeep = j.at("flip_keep").get<int64_t>();
    config.network.dropout = j.at("dropout").get<double>();
    config.maxLength = j.at("max_length").get<int64_t>();
    config.batchSize = j.at("batch_size").get<int64_t>();
    config.learningRate = j.at("learning_rate").get<double>();
    config.weightDecay = j.at("weight_decay").get<double>();
    return config;
}

/// One training prefix: user u's training items [end - length, end), predicting item `end`.
struct Prefix final {
    int32_t user = 0;
    int32_t end = 0;
    int32_t length = 0;
};

class SigmaModel final : public TorchRecommender {
public:
    explicit SigmaModel(SigmaConfig config)
        : TorchRecommender(kSigmaId, config.json, kEpochSalt, kCheckpointFormat), m_config(std::move(config)) {}

    void scoreUsers(const std::vector<int32_t>& users, EvalPhase phase, std::vector<float>& out) override;
    /// SIGMA has no attention; its branch mixing weights are in the export's config.json.
    [[nodiscard]] std::vector<AttentionMap> attention(const std::vector<int32_t>& history) override {
        (void)history;
        requirePrepared("attention()");
        return {};
    }
    /// item_embedding rows 1..items (row 0 is padding).
    [[nodiscard]] FeatureMatrix itemEmbeddings() const override {
        requirePrepared("itemEmbeddings()");
        return itemTableRows(m_net->itemEmbedding->weight);
    }

private:
    void prepareData() override;
    std::shared_ptr<torch::nn::Module> buildNetwork(at::Generator& init) override;
    std::unique_ptr<TrainOptimizer> buildOptimizer(std::vector<at::Tensor> parameters) override;
    std::vector<std::vector<size_t>> epochBatches(EpochRandom& random) override;
    at::Tensor batchLoss(const std::vector<size_t>& batch, EpochRandom& random) override;
    std::vector<CheckpointMatch> checkpointMatches() const override;
    nlohmann::json exportInfo() const override;

    SigmaConfig m_config;
    Sigma m_net{nullptr};
    std::vector<Prefix> m_samples;
};

void SigmaModel::prepareData() {
    const Dataset& data = dataset();
    m_samples.clear();
    for (size_t u = 0; u < data.users.size(); ++u) {
        const std::vector<int32_t>& items = data.users[u].items;
        const int64_t trainEnd = std::min<int64_t>(this->data().split->users[u].trainEnd, static_cast<int64_t>(items.size()));
        for (int64_t i = 0; i < trainEnd; ++i)
            if (items[static_cast<size_t>(i)] < 0 || items[static_cast<size_t>(i)] >= this->items())
                throw std::invalid_argument("sigma: item id " + std::to_string(items[static_cast<size_t>(i)]) +
                                            " out of range");
        for (int64_t end = 1; end < trainEnd; ++end)
            m_samples.push_back({static_cast<int32_t>(u), static_cast<int32_t>(end),
                                 static_cast<int32_t>(std::min<int64_t>(end, m_config.maxLength))});
    }
}

std::shared_ptr<torch::nn::Module> SigmaModel::buildNetwork(at::Generator& init) {
    SigmaOptions options = m_config.network;
    options.items = items();
    m_net = Sigma(options);
    m_net->resetParameters(init);
    return m_net.ptr();
}

std::unique_ptr<TrainOptimizer> SigmaModel::buildOptimizer(std::vector<at::Tensor> parameters) {
    return wrapOptimizer(std::make_unique<torch::optim::Adam>(
        std::move(parameters), torch::optim::AdamOptions(m_config.learningRate).weight_decay(m_config.weightDecay)));
}

std::vector<std::vector<size_t>> SigmaModel::epochBatches(EpochRandom& random) {
    return bucketedBatches(
        shuffledOrder(m_samples.size(), random), [&](size_t index) { return static_cast<size_t>(m_samples[index].length); },
        m_config.batchSize, kBucketPool, random);
}

at::Tensor SigmaModel::batchLoss(const std::vector<size_t>& batch, EpochRandom& random) {
    std::vector<std::vector<int64_t>> inputs;
    std::vector<int64_t> targets;
    inputs.reserve(batch.size());
    for (const size_t index : batch) {
        const Prefix& prefix = m_samples[index];
        const std::vector<int32_t>& items = dataset().users[static_cast<size_t>(prefix.user)].items;
        std::vector<int64_t> input;
        for (int32_t i = prefix.end - prefix.length; i < prefix.end; ++i) input.push_back(items[static_cast<size_t>(i)] + 1);
        inputs.push_back(std::move(input));
        targets.push_back(items[static_cast<size_t>(prefix.end)]);
    }
    const at::Tensor hidden = m_net->forward(leftPaddedBatch(inputs, device()), &random.generator);
    return at::nll_loss(at::log_softmax(m_net->scoreAll(hidden), 1),
                        longTensor(targets, {static_cast<int64_t>(targets.size())}));
}

void SigmaModel::scoreUsers(const std::vector<int32_t>& users, EvalPhase phase, std::vector<float>& out) {
    requirePrepared("scoreUsers()");
    const EvalScope scope(network());
    const auto catalogue = static_cast<size_t>(items());
    out.resize(users.size() * catalogue);
    // Users sorted by history length, as many per pass as fit kScoreTokens positions.
    std::vector<std::vector<int64_t>> histories(users.size());
    for (size_t r = 0; r < users.size(); ++r) {
        const HistoryWindow history = historyOf(users[r], phase, m_config.maxLength);
        for (int64_t i = 0; i < history.length; ++i) histories[r].push_back(history.begin[i] + 1);
    }
    std::vector<size_t> order(users.size());
    for (size_t r = 0; r < order.size(); ++r) order[r] = r;
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return histories[a].size() < histories[b].size(); });
    std::vector<std::vector<int64_t>> batch;
    for (size_t begin = 0; begin < order.size();) {
        const auto longest = [&](size_t r) { return std::max<int64_t>(1, static_cast<int64_t>(histories[order[r]].size())); };
        size_t end = begin + 1;
        while (end < order.size() && static_cast<int64_t>(end + 1 - begin) * longest(end) <= kScoreTokens) ++end;
        batch.clear();
        for (size_t r = begin; r < end; ++r) batch.push_back(histories[order[r]]);
        const at::Tensor scores =
            m_net->scoreAll(m_net->forward(leftPaddedBatch(batch, device()))).to(at::kCPU, at::kFloat).contiguous();
        for (size_t r = begin; r < end; ++r)
            std::copy_n(scores.data_ptr<float>() + (r - begin) * catalogue, catalogue, out.data() + order[r] * catalogue);
        begin = end;
    }
}

std::vector<CheckpointMatch> SigmaModel::checkpointMatches() const {
    const SigmaOptions& n = m_config.network;
    return {sizesMatch({n.hidden, n.layers, n.state, n.convKernel, n.expand},
                       "hidden, layers, state_size, conv_kernel, expand")};
}

nlohmann::json SigmaModel::exportInfo() const {
    return {{"mixing_weights", m_net->mixingWeights()},
            {"layout",
             "item_embedding row 0 is padding, row i+1 is dense item i; input = LayerNorm(item_embedding); "
             "layerN: G-Mamba block (one mamba shared by the forward branch and the partially flipped one, "
             "dense selective gates, short_conv + bias-free gru, softmax(mixing) over [gru, flipped, forward], "
             "projection), block_norm, GELU feed-forward with feed_forward_norm; sequences left-padded, "
             "padding rows zeroed; score = h_last . item_embedding[1:]^T. mixing_weights: softmax(mixing) "
             "per layer"}};
}

}  // namespace

ComponentInfo sigmaInfo() {
    ComponentInfo info = modelInfo(kSigmaId, kVersion, "SIGMA",
        "Selective gated Mamba (Liu et al. 2025): a forward and a partially flipped Mamba branch with dense "
        "selective gates and a conv1d-GRU short-term branch, mixed by learned softmax weights; the selective "
        "scan in plain tensor ops, so it runs on CPU and GPU.");
    info.params = {
        numberParam("hidden", "Hidden size", ParamType::Int, "64", 1, 4096, "Embedding and block width (paper: 64)"),
        numberParam("layers", "Layers", ParamType::Int, "1", 1, 16, "G-Mamba layers (paper: 1)"),
        numberParam("state_size", "State size", ParamType::Int, "32", 1, 256, "N: the scan's state per channel (paper: 32)"),
        numberParam("conv_kernel", "Conv kernel", ParamType::Int, "4", 1, 16, "Mamba's causal convolution width"),
        numberParam("expand", "Expand", ParamType::Int, "2", 1, 8, "Mamba's inner width = expand x hidden"),
        numberParam("flip_keep", "Flip keep", ParamType::Int, "5", 0, 4096,
                    "Most recent items the flipped branch keeps in place; the older ones are reversed (the "
                    "reference flips all but the last 5 of 50 positions)"),
        numberParam("dropout", "Dropout", ParamType::Float, "0.2", 0, 0.95, "On embeddings, gates and block outputs"),
        numberParam("max_length", "Max length", ParamType::Int, "50", 1, 4096, "Most recent items the model sees"),
        numberParam("batch_size", "Batch size", ParamType::Int, "256", 1, 1 << 20, "Prefixes per optimizer step"),
        numberParam("learning_rate", "Learning rate", ParamType::Float, "0.001", 1e-9, 100, "Adam step size"),
        numberParam("weight_decay", "Weight decay", ParamType::Float, "0", 0, 1, "L2 penalty on all parameters"),
    };
    return info;
}

std::unique_ptr<Recommender> makeSigma(const std::string& configJson) {
    return std::make_unique<SigmaModel>(parseConfig(configJson));
}

}  // namespace tokenbench::core
