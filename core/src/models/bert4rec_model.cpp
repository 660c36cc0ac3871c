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
#include <ATen/CPUGeneratorImpl.h>
#include <torch/cuda.h>
#include <torch/optim/adam.h>
#include <torch/serialize/archive.h>
#include <torch/utils.h>
#include <nlohmann/json.hpp>

#include "models/bert4rec_module.h"
#include "models/builtin_models.h"
#include "models/model_checkpoint.h"
#include "models/module_export.h"
#include "models/sequence_tensors.h"
#include "tokenbench/cancellation.h"
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

/// The validated config, typed.
struct Bert4RecConfig final {
    std::string json;
    int64_t hidden = 64;
    int64_t blocks = 2;
    int64_t heads = 2;
    double dropout = 0.1;
    int64_t maxLength = 50;
    double maskProb = 0.2;
    int64_t batchSize = 128;
    double learningRate = 1e-3;
    double weightDecay = 0.0;
};

Bert4RecConfig parseConfig(const std::string& configJson) {
    Bert4RecConfig config;
    config.json = configJson;
    const json j = json::parse(configJson);
    config.hidden = j.at("hidden").get<int64_t>();
    config.blocks = j.at("blocks").get<int64_t>();
    config.heads = j.at("heads").get<int64_t>();
    config.dropout = j.at("dropout").get<double>();
    config.maxLength = j.at("max_length").get<int64_t>();
    config.maskProb = j.at("mask_prob").get<double>();
    config.batchSize = j.at("batch_size").get<int64_t>();
    config.learningRate = j.at("learning_rate").get<double>();
    config.weightDecay = j.at("weight_decay").get<double>();
    if (config.hidden % config.heads != 0)
        throw ConfigError("bert4rec: 'hidden' = " + std::to_string(config.hidden) +
                          " must be divisible by 'heads' = " + std::to_string(config.heads));
    if (config.maxLength < 2)
        throw ConfigError("bert4rec: 'max_length' must be at least 2 (one history item and the [MASK])");
    return config;
}

uint64_t splitmix64(uint64_t& state) {
    state += 0x9e3779b97f4a7c15ULL;
    uint64_t z = state;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/// Uniform in [0, 1) from the top 53 bits.
double uniform(uint64_t& state) { return static_cast<double>(splitmix64(state) >> 11) * 0x1.0p-53; }

at::Device parseDevice(const std::string& text) {
    try {
        at::Device device(text.empty() ? std::string("cpu") : text);
        if (device.is_cuda() && !torch::cuda::is_available())
            throw std::invalid_argument("bert4rec: device '" + text + "' requested but CUDA is not available");
        return device;
    } catch (const c10::Error&) {
        throw std::invalid_argument("bert4rec: unknown device '" + text + "'");
    }
}

class Bert4RecModel final : public Recommender {
public:
    explicit Bert4RecModel(Bert4RecConfig config) : m_config(std::move(config)) {}

    [[nodiscard]] std::string id() const override { return kBert4RecId; }
    void prepare(const TrainingData& data, uint64_t seed, const std::string& device) override;
    EpochReport trainEpoch(const std::function<void(int64_t, double)>& onStep,
                           const std::atomic<bool>* cancel) override;
    void scoreUsers(const std::vector<int32_t>& users, EvalPhase phase, std::vector<float>& out) override;
    void save(const std::string& path) const override;
    void load(const std::string& path) override;
    void exportModel(const std::string& dir) const override;
    [[nodiscard]] std::vector<AttentionMap> attention(const std::vector<int32_t>& history) override;

private:
    void requirePrepared(const char* what) const {
        if (!m_net) throw std::logic_error(std::string("bert4rec: ") + what + " before prepare()");
    }
    /// Model id, format, catalogue size and sizes that a checkpoint must match.
    CheckpointSpec checkpointSpec() const;
    /// The sizes a checkpoint must match: hidden, blocks, heads, max_length.
    at::Tensor shapeTensor() const {
        return at::tensor({m_config.hidden, m_config.blocks, m_config.heads, m_config.maxLength}, at::kLong);
    }

    Bert4RecConfig m_config;
    TrainingData m_data;
    uint64_t m_seed = 0;
    at::Device m_device = at::kCPU;
    int64_t m_items = 0;
    Bert4Rec m_net{nullptr};
    std::unique_ptr<torch::optim::Adam> m_optimizer;
    std::vector<std::vector<int64_t>> m_samples;  ///< shifted item ids (item + 1), at most max_length
    int64_t m_epoch = 0;  ///< completed epochs
    int64_t m_steps = 0;  ///< optimizer steps so far
};

void Bert4RecModel::prepare(const TrainingData& data, uint64_t seed, const std::string& device) {
    if (!data.dataset || !data.split) throw std::invalid_argument("bert4rec: no data set or split");
    const Dataset& dataset = *data.dataset;
    if (data.split->users.size() != dataset.users.size())
        throw std::invalid_argument("bert4rec: the split does not belong to the data set");
    if (dataset.items.empty()) throw std::invalid_argument("bert4rec: the data set has no items");
    m_data = data;
    m_seed = seed;
    m_device = parseDevice(device);
    m_items = static_cast<int64_t>(dataset.items.size());

    m_samples.clear();
    for (size_t u = 0; u < dataset.users.size(); ++u) {
        const std::vector<int32_t>& items = dataset.users[u].items;
        const int64_t trainEnd = std::min<int64_t>(data.split->users[u].trainEnd, static_cast<int64_t>(items.size()));
        if (trainEnd < 1) continue;
        std::vector<int64_t> sample;
        for (int64_t i = std::max<int64_t>(0, trainEnd - m_config.maxLength); i < trainEnd; ++i) {
            const int32_t item = items[static_cast<size_t>(i)];
            if (item < 0 || item >= m_items)
                throw std::invalid_argument("bert4rec: item id " + std::to_string(item) + " out of range");
            sample.push_back(item + 1);
        }
        m_samples.push_back(std::move(sample));
    }

    Bert4RecOptions options;
    options.items = m_items;
    options.hidden = m_config.hidden;
    options.blocks = m_config.blocks;
    options.heads = m_config.heads;
    options.maxLength = m_config.maxLength;
    options.dropout = m_config.dropout;
    m_net = Bert4Rec(options);
    at::Generator generator = at::detail::createCPUGenerator(seed);
    m_net->resetParameters(generator);
    m_net->to(m_device);
    m_net->train();
    m_optimizer = std::make_unique<torch::optim::Adam>(
        m_net->parameters(), torch::optim::AdamOptions(m_config.learningRate)
                                 .betas(std::make_tuple(0.9, 0.999))
                                 .weight_decay(m_config.weightDecay));
    m_epoch = 0;
    m_steps = 0;
}

EpochReport Bert4RecModel::trainEpoch(const std::function<void(int64_t, double)>& onStep,
                                      const std::atomic<bool>* cancel) {
    requirePrepared("trainEpoch()");
    torch::AutoGradMode enableGrad(true);
    m_net->train();
    // Everything random in this epoch derives from (seed, epoch): resuming from a checkpoint replays it.
    uint64_t mix = m_seed ^ (0x4245525434524543ULL + static_cast<uint64_t>(m_epoch) * 0x9e3779b97f4a7c15ULL);
    const uint64_t epochSeed = splitmix64(mix);
    uint64_t state = epochSeed;
    at::Generator generator = at::detail::createCPUGenerator(epochSeed);

    std::vector<size_t> order(m_samples.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[splitmix64(state) % i]);

    const int64_t count = static_cast<int64_t>(order.size());
    const int64_t batchSize = std::max<int64_t>(1, m_config.batchSize);
    const int64_t mask = m_net->maskToken();
    const at::TensorOptions longCpu = at::TensorOptions().dtype(at::kLong);
    EpochReport report;
    double lossSum = 0.0;
    std::vector<int64_t> tokens, positions, labels;
    for (int64_t begin = 0; begin < count; begin += batchSize) {
        throwIfCancelled(cancel);
        const int64_t b = std::min(batchSize, count - begin);
        int64_t t = 1;
        for (int64_t r = 0; r < b; ++r)
            t = std::max<int64_t>(t, static_cast<int64_t>(m_samples[order[begin + r]].size()));
        tokens.assign(static_cast<size_t>(b * t), 0);
        positions.clear();
        labels.clear();
        for (int64_t r = 0; r < b; ++r) {
            const std::vector<int64_t>& sample = m_samples[order[begin + r]];
            const auto n = static_cast<int64_t>(sample.size());
            const int64_t offset = r * t + (t - n);
            std::copy(sample.begin(), sample.end(), tokens.begin() + offset);
            const size_t firstMasked = positions.size();
            if (uniform(state) < kMaskLastShare) {
                positions.push_back(offset + n - 1);
            } else {
                for (int64_t i = 0; i < n; ++i)
                    if (uniform(state) < m_config.maskProb) positions.push_back(offset + i);
                if (positions.size() == firstMasked)
                    positions.push_back(offset + static_cast<int64_t>(splitmix64(state) % static_cast<uint64_t>(n)));
            }
            for (size_t m = firstMasked; m < positions.size(); ++m) {
                const auto at = static_cast<size_t>(positions[m]);
                labels.push_back(tokens[at] - 1);
                tokens[at] = mask;
            }
        }
        const auto masked = static_cast<int64_t>(positions.size());
        const at::Tensor input = at::from_blob(tokens.data(), {b, t}, longCpu).to(m_device, /*non_blocking=*/false,
                                                                                  /*copy=*/true);
        const at::Tensor where = at::from_blob(positions.data(), {masked}, longCpu).to(m_device, false, true);
        const at::Tensor target = at::from_blob(labels.data(), {masked}, longCpu).to(m_device, false, true);

        const Bert4RecOutput out = m_net->forward(input, &generator);
        const at::Tensor hidden = out.hidden.reshape({b * t, m_config.hidden}).index_select(0, where);
        const at::Tensor loss = at::nll_loss(at::log_softmax(m_net->scoreAll(hidden), 1), target);
        m_optimizer->zero_grad();
        loss.backward();
        m_optimizer->step();
        ++m_steps;
        const double value = loss.item<double>();
        lossSum += value;
        ++report.steps;
        report.samples += b;
        if (onStep) onStep(m_steps, value);
    }
    report.loss = report.steps > 0 ? lossSum / static_cast<double>(report.steps) : 0.0;
    ++m_epoch;
    return report;
}

void Bert4RecModel::scoreUsers(const std::vector<int32_t>& users, EvalPhase phase, std::vector<float>& out) {
    requirePrepared("scoreUsers()");
    torch::NoGradGuard noGrad;  // grad mode is per thread: guard here, whoever calls
    const bool wasTraining = m_net->is_training();
    m_net->eval();
    const Dataset& dataset = *m_data.dataset;
    out.resize(users.size() * static_cast<size_t>(m_items));
    std::vector<std::vector<int64_t>> sequences;
    for (size_t begin = 0; begin < users.size(); begin += kScoreBatch) {
        const size_t end = std::min(users.size(), begin + kScoreBatch);
        sequences.assign(end - begin, {});
        for (size_t r = begin; r < end; ++r) {
            const int32_t user = users[r];
            if (user < 0 || static_cast<size_t>(user) >= dataset.users.size())
                throw std::out_of_range("bert4rec: user " + std::to_string(user) + " out of range");
            const UserSplit& cut = m_data.split->users[static_cast<size_t>(user)];
            const std::vector<int32_t>& items = dataset.users[static_cast<size_t>(user)].items;
            const int64_t stop = std::min<int64_t>(phase == EvalPhase::Valid ? cut.trainEnd : cut.validEnd,
                                                   static_cast<int64_t>(items.size()));
            const int64_t start = std::max<int64_t>(0, stop - (m_config.maxLength - 1));
            auto& sequence = sequences[r - begin];
            for (int64_t i = start; i < stop; ++i) sequence.push_back(items[static_cast<size_t>(i)] + 1);
            sequence.push_back(m_net->maskToken());
        }
        const at::Tensor input = leftPaddedBatch(sequences, m_device);
        const at::Tensor last = m_net->forward(input).hidden.select(1, input.size(1) - 1);
        const at::Tensor scores = m_net->scoreAll(last).to(at::kCPU, at::kFloat).contiguous();
        std::memcpy(out.data() + begin * static_cast<size_t>(m_items), scores.data_ptr<float>(),
                    static_cast<size_t>(scores.numel()) * sizeof(float));
    }
    if (wasTraining) m_net->train();
}

std::vector<AttentionMap> Bert4RecModel::attention(const std::vector<int32_t>& history) {
    requirePrepared("attention()");
    if (history.empty()) return {};
    torch::NoGradGuard noGrad;
    // The prediction context: the last max_length - 1 items and the [MASK] whose row shows what the
    // next-item prediction attends to.
    const auto keep = static_cast<size_t>(m_config.maxLength - 1);
    const size_t start = history.size() > keep ? history.size() - keep : 0;
    std::vector<int64_t> sequence;
    std::vector<std::string> labels;
    for (size_t i = start; i < history.size(); ++i) {
        if (history[i] < 0 || history[i] >= m_items)
            throw std::out_of_range("bert4rec: item " + std::to_string(history[i]) + " out of range");
        sequence.push_back(history[i] + 1);
        labels.push_back(itemLabel(*m_data.dataset, history[i]));
    }
    sequence.push_back(m_net->maskToken());
    labels.emplace_back(kMaskLabel);
    const bool wasTraining = m_net->is_training();
    m_net->eval();
    const Bert4RecOutput out = m_net->forward(leftPaddedBatch({sequence}, m_device), nullptr, /*withAttention=*/true);
    if (wasTraining) m_net->train();
    return toAttentionMaps(out.attentions, labels);
}

CheckpointSpec Bert4RecModel::checkpointSpec() const {
    return {kBert4RecId, kCheckpointFormat, m_items,
            {{"shape", shapeTensor(), "checkpoint was saved with other sizes (hidden, blocks, heads, max_length)"}}};
}

void Bert4RecModel::save(const std::string& path) const {
    requirePrepared("save()");
    saveModelCheckpoint(path, checkpointSpec(), {m_epoch, m_steps}, *m_net, *m_optimizer);
}

void Bert4RecModel::load(const std::string& path) {
    requirePrepared("load()");
    const CheckpointCounters counters = loadModelCheckpoint(path, checkpointSpec(), m_device, *m_net, *m_optimizer);
    m_epoch = counters.epoch;
    m_steps = counters.steps;
}

void Bert4RecModel::exportModel(const std::string& dir) const {
    requirePrepared("exportModel()");
    exportModule(*m_net, dir,
                 {{"model", kBert4RecId},
                  {"config", json::parse(m_config.json)},
                  {"items", m_items},
                  {"epochs_trained", m_epoch},
                  {"mask_token", m_net->maskToken()},
                  {"layout",
                   "item_embedding row 0 is padding, row i+1 is dense item i, the last row is [MASK]; input = "
                   "item_embedding * sqrt(hidden) + position_embedding, positions right-aligned (the last token "
                   "at max_length-1); pre-LN layers, GELU FFN of 4x hidden, final_norm; predict with "
                   "history[-(max_length-1):] + [MASK]; score = gelu(output_transform(h_last)) . "
                   "item_embedding[1:items+1]^T + output_bias"}});
}

}  // namespace

ComponentInfo bert4RecInfo() {
    ComponentInfo info;
    info.id = kBert4RecId;
    info.version = kVersion;
    info.displayName = "BERT4Rec";
    info.kind = ComponentKind::Model;
    info.description =
        "Bidirectional transformer over the item history trained with the cloze task (Sun et al. 2019); "
        "predicts a [MASK] appended after the history, scores tied to the item embeddings.";
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
