// BERT4Rec (Sun et al., CIKM 2019) as a Recommender.
//
// Training (cloze task, sec. 3.6): one sample per user per epoch, the last max_length items of the
// training prefix. Each position is replaced by [MASK] with probability mask_prob (at least one
// per sequence); the loss is softmax cross-entropy over the whole catalogue at the masked positions.
// So that training matches prediction (a [MASK] appended after the history), a share of 1/11 of the
// samples masks only the last item instead: the reference code builds 10 randomly masked copies of
// each sequence plus one with the last item masked (gen_data_fin.py, dupe_factor = 10). Here each
// epoch draws afresh which samples are "last only", so the share holds in expectation.
// Adam (betas 0.9, 0.999 as the paper), optional L2 weight decay.
//
// Prediction for a phase: the history the phase allows, truncated to its last max_length - 1
// items, then [MASK]; the scores of every item at that position.
//
// Determinism: initialisation comes from the run seed; each epoch's shuffle, masks, "last only"
// draws and dropout masks come from (seed, epoch) alone, so a checkpoint (model, Adam state, epoch
// counter) resumes exactly. Batches are left-padded to their own longest sequence: positions are
// right-aligned and padding is masked out of attention, so trimming changes no output.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <ATen/ATen.h>
#include <torch/optim/adam.h>
#include <nlohmann/json.hpp>

#include "models/bert4rec_module.h"
#include "models/builtin_models.h"
#include "models/sequence_tensors.h"
#include "models/torch_recommender.h"
#include "models/transformer_settings.h"
#include "tokenbench/data/data_error.h"

namespace tokenbench::core {

namespace {

using nlohmann::json;

constexpr const char* kBert4RecId = "bert4rec";
constexpr int kVersion = 1;
constexpr int64_t kScoreBatch = 256;  // users per scoring pass
constexpr int64_t kCheckpointFormat = 1;
constexpr double kMaskLastShare = 1.0 / 11.0;  // see file comment
constexpr const char* kMaskLabel = "[MASK]";
constexpr uint64_t kEpochSalt = 0x4245525434524543ULL;  // epoch streams: see epochRandom

/// The validated config, typed: the settings shared with SASRec, and the cloze task's mask share.
struct Bert4RecConfig final : TransformerSettings {
    double maskProb = 0.2;
};

Bert4RecConfig parseConfig(const std::string& configJson) {
    const json j = json::parse(configJson);
    Bert4RecConfig config;
    static_cast<TransformerSettings&>(config) = parseTransformerSettings(j, configJson, kBert4RecId);
    config.maskProb = j.at("mask_prob").get<double>();
    if (config.maxLength < 2)
        throw ConfigError("bert4rec: 'max_length' must be at least 2 (one history item and the [MASK])");
    return config;
}

class Bert4RecModel final : public TorchRecommender {
public:
    explicit Bert4RecModel(Bert4RecConfig config)
        : TorchRecommender(kBert4RecId, config.json, kEpochSalt, kCheckpointFormat), m_config(std::move(config)) {}

    void scoreUsers(const std::vector<int32_t>& users, EvalPhase phase, std::vector<float>& out) override;
    [[nodiscard]] std::vector<AttentionMap> attention(const std::vector<int32_t>& history) override;
    /// item_embedding rows 1..items (row 0 is padding, the last row [MASK]).
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

    Bert4RecConfig m_config;
    Bert4Rec m_net{nullptr};
    std::vector<std::vector<int64_t>> m_samples;  ///< shifted item ids (item + 1), at most max_length
};

void Bert4RecModel::prepareData() {
    const Dataset& data = dataset();
    m_samples.clear();
    for (size_t u = 0; u < data.users.size(); ++u) {
        const std::vector<int32_t>& items = data.users[u].items;
        const int64_t trainEnd = std::min<int64_t>(this->data().split->users[u].trainEnd, static_cast<int64_t>(items.size()));
        if (trainEnd < 1) continue;
        std::vector<int64_t> sample;
        for (int64_t i = std::max<int64_t>(0, trainEnd - m_config.maxLength); i < trainEnd; ++i) {
            const int32_t item = items[static_cast<size_t>(i)];
            if (item < 0 || item >= this->items())
                throw std::invalid_argument("bert4rec: item id " + std::to_string(item) + " out of range");
            sample.push_back(item + 1);
        }
        m_samples.push_back(std::move(sample));
    }
}

std::shared_ptr<torch::nn::Module> Bert4RecModel::buildNetwork(at::Generator& init) {
    Bert4RecOptions options;
    options.items = items();
    m_config.fillOptions(options);
    m_net = Bert4Rec(options);
    m_net->resetParameters(init);
    return m_net.ptr();
}

std::unique_ptr<TrainOptimizer> Bert4RecModel::buildOptimizer(std::vector<at::Tensor> parameters) {
    return wrapOptimizer(std::make_unique<torch::optim::Adam>(
        std::move(parameters), torch::optim::AdamOptions(m_config.learningRate)
                                   .betas(std::make_tuple(0.9, 0.999))
                                   .weight_decay(m_config.weightDecay)));
}

std::vector<std::vector<size_t>> Bert4RecModel::epochBatches(EpochRandom& random) {
    return cutBatches(shuffledOrder(m_samples.size(), random), m_config.batchSize);
}

at::Tensor Bert4RecModel::batchLoss(const std::vector<size_t>& batch, EpochRandom& random) {
    const auto b = static_cast<int64_t>(batch.size());
    int64_t t = 1;
    for (const size_t index : batch) t = std::max<int64_t>(t, static_cast<int64_t>(m_samples[index].size()));
    std::vector<int64_t> tokens(static_cast<size_t>(b * t), 0), positions, labels;
    const int64_t mask = m_net->maskToken();
    for (int64_t r = 0; r < b; ++r) {
        const std::vector<int64_t>& sample = m_samples[batch[static_cast<size_t>(r)]];
        const auto n = static_cast<int64_t>(sample.size());
        const int64_t offset = r * t + (t - n);
        std::copy(sample.begin(), sample.end(), tokens.begin() + offset);
        const size_t firstMasked = positions.size();
        if (random.uniform() < kMaskLastShare) {
            positions.push_back(offset + n - 1);
        } else {
            for (int64_t i = 0; i < n; ++i)
                if (random.uniform() < m_config.maskProb) positions.push_back(offset + i);
            if (positions.size() == firstMasked)
                positions.push_back(offset + static_cast<int64_t>(random.next() % static_cast<uint64_t>(n)));
        }
        for (size_t m = firstMasked; m < positions.size(); ++m) {
            const auto at = static_cast<size_t>(positions[m]);
            labels.push_back(tokens[at] - 1);
            tokens[at] = mask;
        }
    }
    const auto masked = static_cast<int64_t>(positions.size());
    const Bert4RecOutput out = m_net->forward(longTensor(tokens, {b, t}), &random.generator);
    const at::Tensor hidden = out.hidden.reshape({b * t, m_config.hidden}).index_select(0, longTensor(positions, {masked}));
    return at::nll_loss(at::log_softmax(m_net->scoreAll(hidden), 1), longTensor(labels, {masked}));
}

void Bert4RecModel::scoreUsers(const std::vector<int32_t>& users, EvalPhase phase, std::vector<float>& out) {
    requirePrepared("scoreUsers()");
    const EvalScope scope(network());
    out.resize(users.size() * static_cast<size_t>(items()));
    std::vector<std::vector<int64_t>> sequences;
    for (size_t begin = 0; begin < users.size(); begin += kScoreBatch) {
        const size_t end = std::min(users.size(), begin + kScoreBatch);
        sequences.assign(end - begin, {});
        for (size_t r = begin; r < end; ++r) {
            const HistoryWindow history = historyOf(users[r], phase, m_config.maxLength - 1);
            auto& sequence = sequences[r - begin];
            for (int64_t i = 0; i < history.length; ++i) sequence.push_back(history.begin[i] + 1);
            sequence.push_back(m_net->maskToken());
        }
        const at::Tensor input = leftPaddedBatch(sequences, device());
        const at::Tensor last = m_net->forward(input).hidden.select(1, input.size(1) - 1);
        const at::Tensor scores = m_net->scoreAll(last).to(at::kCPU, at::kFloat).contiguous();
        std::memcpy(out.data() + begin * static_cast<size_t>(items()), scores.data_ptr<float>(),
                    static_cast<size_t>(scores.numel()) * sizeof(float));
    }
}

std::vector<AttentionMap> Bert4RecModel::attention(const std::vector<int32_t>& history) {
    requirePrepared("attention()");
    if (history.empty()) return {};
    // The prediction context: the last max_length - 1 items and the [MASK] whose row shows what the
    // next-item prediction attends to.
    std::vector<int64_t> sequence;
    std::vector<AttentionPosition> positions;
    for (const int32_t item : recentItems(history, m_config.maxLength - 1)) {
        sequence.push_back(item + 1);
        positions.push_back(itemPosition(item));
    }
    sequence.push_back(m_net->maskToken());
    AttentionPosition mask;
    mask.kind = AttentionPosition::Kind::Mask;
    mask.label = kMaskLabel;
    positions.push_back(mask);
    const EvalScope scope(network());
    const Bert4RecOutput out = m_net->forward(leftPaddedBatch({sequence}, device()), nullptr, /*withAttention=*/true);
    return toAttentionMaps(out.attentions, positions);
}

std::vector<CheckpointMatch> Bert4RecModel::checkpointMatches() const {
    return {sizesMatch(m_config.checkpointSizes(), TransformerSettings::kCheckpointSizeNames)};
}

nlohmann::json Bert4RecModel::exportInfo() const {
    return {{"mask_token", m_net->maskToken()},
            {"layout",
             "item_embedding row 0 is padding, row i+1 is dense item i, the last row is [MASK]; input = "
             "item_embedding * sqrt(hidden) + position_embedding, positions right-aligned (the last token "
             "at max_length-1); pre-LN layers, GELU FFN of 4x hidden, final_norm; predict with "
             "history[-(max_length-1):] + [MASK]; score = gelu(output_transform(h_last)) . "
             "item_embedding[1:items+1]^T + output_bias"}};
}

}  // namespace

ComponentInfo bert4RecInfo() {
    ComponentInfo info = modelInfo(kBert4RecId, kVersion, "BERT4Rec",
        "Bidirectional transformer over the item history trained with the cloze task (Sun et al. 2019); "
        "predicts a [MASK] appended after the history, scores tied to the item embeddings.");
    info.params = {
        numberParam("hidden", "Hidden size", ParamType::Int, "64", 1, 4096, "Embedding and layer width (paper: 64)"),
        numberParam("blocks", "Layers", ParamType::Int, "2", 1, 64, "Transformer layers (paper: 2)"),
        numberParam("heads", "Heads", ParamType::Int, "2", 1, 64,
                    "Attention heads; must divide the hidden size (paper: 2)"),
        numberParam("dropout", "Dropout", ParamType::Float, "0.1", 0, 0.95,
                    "On embeddings, attention weights and layer outputs (paper: 0.1)"),
        numberParam("max_length", "Max length", ParamType::Int, "50", 2, 4096,
                    "Tokens the model sees, the [MASK] included (paper: 50 for Beauty and Steam, 200 for "
                    "MovieLens)"),
        numberParam("mask_prob", "Mask proportion", ParamType::Float, "0.2", 0.01, 1,
                    "Share of training positions replaced by [MASK] (paper: 0.6 Beauty, 0.4 Steam, 0.2 "
                    "MovieLens)"),
        numberParam("batch_size", "Batch size", ParamType::Int, "128", 1, 1 << 20, "Sequences per optimizer step"),
        numberParam("learning_rate", "Learning rate", ParamType::Float, "0.001", 1e-9, 100, "Adam step size"),
        numberParam("weight_decay", "Weight decay", ParamType::Float, "0", 0, 1, "L2 penalty on all parameters"),
    };
    return info;
}

std::unique_ptr<Recommender> makeBert4Rec(const std::string& configJson) {
    return std::make_unique<Bert4RecModel>(parseConfig(configJson));
}

}  // namespace tokenbench::core
