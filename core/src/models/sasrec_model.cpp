// SASRec (Kang & McAuley, "Self-Attentive Sequential Recommendation", ICDM 2018) as a Recommender.
//
// Training samples: one per user with 2+ training items, the last max_length + 1 items of the
// training prefix; input = seq[:-1], targets = seq[1:] (every position predicts its next item,
// sec. III-E). Losses: "ce", full softmax cross-entropy over the catalogue (the default: stronger
// under full ranking than the paper's objective), or "bce", the paper's eq. 6 with one uniformly
// sampled negative per position that is not in the user's training history.
// Adam with betas (0.9, 0.98) as in the paper.
//
// Determinism: initialisation comes from the run seed; each epoch's shuffle, negatives and dropout
// masks come from (seed, epoch) alone, so a checkpoint (model, Adam state, epoch counter) resumes
// exactly. Batches are left-padded to their own longest sequence only: positions are right-aligned
// and padding is masked out of attention, so trimming changes no output but saves most of the work
// on short-history data (Beauty's median is 6).
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

#include "models/builtin_models.h"
#include "models/module_export.h"
#include "models/sasrec_module.h"
#include "tokenbench/cancellation.h"
#include "tokenbench/data/data_error.h"

namespace tokenbench::core {

namespace {

using nlohmann::json;

constexpr const char* kSasRecId = "sasrec";
constexpr int kVersion = 1;
constexpr int64_t kScoreBatch = 256;         // users per scoring pass
constexpr int kNegativeAttempts = 1000;      // rejection-sampling cap (a user who bought everything)
constexpr int64_t kCheckpointFormat = 1;

enum class Loss { CrossEntropy, Bce };

/// The validated config, typed.
struct SasRecConfig final {
    std::string json;
    int64_t hidden = 64;
    int64_t blocks = 2;
    int64_t heads = 1;
    double dropout = 0.2;
    int64_t maxLength = 50;
    int64_t batchSize = 128;
    double learningRate = 1e-3;
    double weightDecay = 0.0;
    Loss loss = Loss::CrossEntropy;
};

SasRecConfig parseConfig(const std::string& configJson) {
    SasRecConfig config;
    config.json = configJson;
    const json j = json::parse(configJson);
    config.hidden = j.at("hidden").get<int64_t>();
    config.blocks = j.at("blocks").get<int64_t>();
    config.heads = j.at("heads").get<int64_t>();
    config.dropout = j.at("dropout").get<double>();
    config.maxLength = j.at("max_length").get<int64_t>();
    config.batchSize = j.at("batch_size").get<int64_t>();
    config.learningRate = j.at("learning_rate").get<double>();
    config.weightDecay = j.at("weight_decay").get<double>();
    config.loss = j.at("loss").get<std::string>() == "bce" ? Loss::Bce : Loss::CrossEntropy;
    if (config.hidden % config.heads != 0)
        throw ConfigError("sasrec: 'hidden' = " + std::to_string(config.hidden) + " must be divisible by 'heads' = " +
                          std::to_string(config.heads));
    return config;
}

uint64_t splitmix64(uint64_t& state) {
    state += 0x9e3779b97f4a7c15ULL;
    uint64_t z = state;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

at::Device parseDevice(const std::string& text) {
    try {
        at::Device device(text.empty() ? std::string("cpu") : text);
        if (device.is_cuda() && !torch::cuda::is_available())
            throw std::invalid_argument("sasrec: device '" + text + "' requested but CUDA is not available");
        return device;
    } catch (const c10::Error&) {
        throw std::invalid_argument("sasrec: unknown device '" + text + "'");
    }
}

/// One training sequence: shifted item ids (0 is padding), at most max_length + 1 of them.
struct Sample final {
    std::vector<int64_t> items;
    int32_t user = 0;
};

class SasRecModel final : public Recommender {
public:
    explicit SasRecModel(SasRecConfig config) : m_config(std::move(config)) {}

    [[nodiscard]] std::string id() const override { return kSasRecId; }
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
        if (!m_net) throw std::logic_error(std::string("sasrec: ") + what + " before prepare()");
    }
    /// B x T left-padded tensor of the last max_length items of each history (shifted ids).
    at::Tensor historyBatch(const std::vector<std::vector<int64_t>>& histories) const;
    int64_t sampleNegative(int32_t user, uint64_t& state) const;
    /// The sizes a checkpoint must match: hidden, blocks, heads, max_length.
    at::Tensor shapeTensor() const {
        return at::tensor({m_config.hidden, m_config.blocks, m_config.heads, m_config.maxLength}, at::kLong);
    }

    SasRecConfig m_config;
    TrainingData m_data;
    uint64_t m_seed = 0;
    at::Device m_device = at::kCPU;
    int64_t m_items = 0;
    SasRec m_net{nullptr};
    std::unique_ptr<torch::optim::Adam> m_optimizer;
    std::vector<Sample> m_samples;
    std::vector<std::vector<int64_t>> m_trainSets;  ///< [user] sorted shifted training items (bce negatives)
    int64_t m_epoch = 0;  ///< completed epochs
    int64_t m_steps = 0;  ///< optimizer steps so far
};

void SasRecModel::prepare(const TrainingData& data, uint64_t seed, const std::string& device) {
    if (!data.dataset || !data.split) throw std::invalid_argument("sasrec: no data set or split");
    const Dataset& dataset = *data.dataset;
    if (data.split->users.size() != dataset.users.size())
        throw std::invalid_argument("sasrec: the split does not belong to the data set");
    if (dataset.items.empty()) throw std::invalid_argument("sasrec: the data set has no items");
    m_data = data;
    m_seed = seed;
    m_device = parseDevice(device);
    m_items = static_cast<int64_t>(dataset.items.size());

    m_samples.clear();
    m_trainSets.assign(dataset.users.size(), {});
    for (size_t u = 0; u < dataset.users.size(); ++u) {
        const std::vector<int32_t>& items = dataset.users[u].items;
        const int64_t trainEnd = std::min<int64_t>(data.split->users[u].trainEnd, static_cast<int64_t>(items.size()));
        if (m_config.loss == Loss::Bce) {
            std::vector<int64_t>& set = m_trainSets[u];
            for (int64_t i = 0; i < trainEnd; ++i) set.push_back(items[static_cast<size_t>(i)] + 1);
            std::sort(set.begin(), set.end());
            set.erase(std::unique(set.begin(), set.end()), set.end());
        }
        if (trainEnd < 2) continue;
        const int64_t start = std::max<int64_t>(0, trainEnd - m_config.maxLength - 1);
        Sample sample;
        sample.user = static_cast<int32_t>(u);
        for (int64_t i = start; i < trainEnd; ++i) {
            const int32_t item = items[static_cast<size_t>(i)];
            if (item < 0 || item >= m_items) throw std::invalid_argument("sasrec: item id out of range");
            sample.items.push_back(item + 1);
        }
        m_samples.push_back(std::move(sample));
    }

    SasRecOptions options;
    options.items = m_items;
    options.hidden = m_config.hidden;
    options.blocks = m_config.blocks;
    options.heads = m_config.heads;
    options.maxLength = m_config.maxLength;
    options.dropout = m_config.dropout;
    m_net = SasRec(options);
    at::Generator generator = at::detail::createCPUGenerator(seed);
    m_net->resetParameters(generator);
    m_net->to(m_device);
    m_net->train();
    m_optimizer = std::make_unique<torch::optim::Adam>(
        m_net->parameters(), torch::optim::AdamOptions(m_config.learningRate)
                                 .betas(std::make_tuple(0.9, 0.98))
                                 .weight_decay(m_config.weightDecay));
    m_epoch = 0;
    m_steps = 0;
}

int64_t SasRecModel::sampleNegative(int32_t user, uint64_t& state) const {
    const std::vector<int64_t>& seen = m_trainSets[static_cast<size_t>(user)];
    int64_t candidate = 1;
    for (int attempt = 0; attempt < kNegativeAttempts; ++attempt) {
        candidate = 1 + static_cast<int64_t>(splitmix64(state) % static_cast<uint64_t>(m_items));
        if (!std::binary_search(seen.begin(), seen.end(), candidate)) break;
    }
    return candidate;
}

EpochReport SasRecModel::trainEpoch(const std::function<void(int64_t, double)>& onStep,
                                    const std::atomic<bool>* cancel) {
    requirePrepared("trainEpoch()");
    torch::AutoGradMode enableGrad(true);
    m_net->train();
    // Everything random in this epoch derives from (seed, epoch): resuming from a checkpoint replays it.
    uint64_t mix = m_seed ^ (0x5a5352454353ULL + static_cast<uint64_t>(m_epoch) * 0x9e3779b97f4a7c15ULL);
    const uint64_t epochSeed = splitmix64(mix);
    uint64_t state = epochSeed;
    at::Generator generator = at::detail::createCPUGenerator(epochSeed);

    std::vector<size_t> order(m_samples.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[splitmix64(state) % i]);

    const int64_t count = static_cast<int64_t>(order.size());
    const int64_t batchSize = std::max<int64_t>(1, m_config.batchSize);
    EpochReport report;
    double lossSum = 0.0;
    std::vector<int64_t> inputs, targets, negatives;
    for (int64_t begin = 0; begin < count; begin += batchSize) {
        throwIfCancelled(cancel);
        const int64_t b = std::min(batchSize, count - begin);
        int64_t t = 1;
        for (int64_t r = 0; r < b; ++r)
            t = std::max<int64_t>(t, static_cast<int64_t>(m_samples[order[begin + r]].items.size()) - 1);
        inputs.assign(static_cast<size_t>(b * t), 0);
        targets.assign(static_cast<size_t>(b * t), 0);
        if (m_config.loss == Loss::Bce) negatives.assign(static_cast<size_t>(b * t), 0);
        for (int64_t r = 0; r < b; ++r) {
            const Sample& sample = m_samples[order[begin + r]];
            const int64_t n = static_cast<int64_t>(sample.items.size()) - 1;
            for (int64_t i = 0; i < n; ++i) {
                const auto at = static_cast<size_t>(r * t + (t - n) + i);
                inputs[at] = sample.items[static_cast<size_t>(i)];
                targets[at] = sample.items[static_cast<size_t>(i + 1)];
                if (m_config.loss == Loss::Bce) negatives[at] = sampleNegative(sample.user, state);
            }
        }
        const at::TensorOptions longCpu = at::TensorOptions().dtype(at::kLong);
        const at::Tensor input = at::from_blob(inputs.data(), {b, t}, longCpu).to(m_device, /*non_blocking=*/false,
                                                                                  /*copy=*/true);
        const at::Tensor target = at::from_blob(targets.data(), {b * t}, longCpu).clone();
        const at::Tensor valid = target.nonzero().squeeze(1);

        const SasRecOutput out = m_net->forward(input, &generator);
        const at::Tensor hidden = out.hidden.reshape({b * t, m_config.hidden}).index_select(0, valid.to(m_device));
        const at::Tensor positives = target.index_select(0, valid).to(m_device);
        at::Tensor loss;
        if (m_config.loss == Loss::CrossEntropy) {
            loss = at::nll_loss(at::log_softmax(m_net->scoreAll(hidden), 1), positives - 1);
        } else {
            // Eq. 6: -log sigma(r_pos) - log(1 - sigma(r_neg)); softplus keeps both finite.
            const at::Tensor negative =
                at::from_blob(negatives.data(), {b * t}, longCpu).index_select(0, valid).to(m_device);
            const at::Tensor& table = m_net->itemEmbedding->weight;
            const at::Tensor pos = (hidden * table.index_select(0, positives)).sum(-1);
            const at::Tensor neg = (hidden * table.index_select(0, negative)).sum(-1);
            loss = at::softplus(-pos).mean() + at::softplus(neg).mean();
        }
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

at::Tensor SasRecModel::historyBatch(const std::vector<std::vector<int64_t>>& histories) const {
    int64_t t = 1;
    for (const auto& h : histories) t = std::max<int64_t>(t, static_cast<int64_t>(h.size()));
    const auto b = static_cast<int64_t>(histories.size());
    at::Tensor batch = at::zeros({b, t}, at::TensorOptions().dtype(at::kLong));
    int64_t* data = batch.data_ptr<int64_t>();
    for (int64_t r = 0; r < b; ++r) {
        const auto& h = histories[static_cast<size_t>(r)];
        std::copy(h.begin(), h.end(), data + r * t + (t - static_cast<int64_t>(h.size())));
    }
    return batch.to(m_device);
}

void SasRecModel::scoreUsers(const std::vector<int32_t>& users, EvalPhase phase, std::vector<float>& out) {
    requirePrepared("scoreUsers()");
    torch::NoGradGuard noGrad;  // grad mode is per thread: guard here, whoever calls
    const bool wasTraining = m_net->is_training();
    m_net->eval();
    const Dataset& dataset = *m_data.dataset;
    out.resize(users.size() * static_cast<size_t>(m_items));
    std::vector<std::vector<int64_t>> histories;
    for (size_t begin = 0; begin < users.size(); begin += kScoreBatch) {
        const size_t end = std::min(users.size(), begin + kScoreBatch);
        histories.assign(end - begin, {});
        for (size_t r = begin; r < end; ++r) {
            const int32_t user = users[r];
            if (user < 0 || static_cast<size_t>(user) >= dataset.users.size())
                throw std::out_of_range("sasrec: user " + std::to_string(user) + " out of range");
            const UserSplit& cut = m_data.split->users[static_cast<size_t>(user)];
            const std::vector<int32_t>& items = dataset.users[static_cast<size_t>(user)].items;
            const int64_t stop = std::min<int64_t>(phase == EvalPhase::Valid ? cut.trainEnd : cut.validEnd,
                                                   static_cast<int64_t>(items.size()));
            const int64_t start = std::max<int64_t>(0, stop - m_config.maxLength);
            auto& history = histories[r - begin];
            for (int64_t i = start; i < stop; ++i) history.push_back(items[static_cast<size_t>(i)] + 1);
        }
        const at::Tensor input = historyBatch(histories);
        const at::Tensor last = m_net->forward(input).hidden.select(1, input.size(1) - 1);
        const at::Tensor scores = m_net->scoreAll(last).to(at::kCPU, at::kFloat).contiguous();
        std::memcpy(out.data() + begin * static_cast<size_t>(m_items), scores.data_ptr<float>(),
                    static_cast<size_t>(scores.numel()) * sizeof(float));
    }
    if (wasTraining) m_net->train();
}

std::vector<AttentionMap> SasRecModel::attention(const std::vector<int32_t>& history) {
    requirePrepared("attention()");
    torch::NoGradGuard noGrad;
    std::vector<int64_t> shifted;
    const size_t start = history.size() > static_cast<size_t>(m_config.maxLength)
                             ? history.size() - static_cast<size_t>(m_config.maxLength)
                             : 0;
    for (size_t i = start; i < history.size(); ++i) {
        if (history[i] < 0 || history[i] >= m_items)
            throw std::out_of_range("sasrec: item " + std::to_string(history[i]) + " out of range");
        shifted.push_back(history[i] + 1);
    }
    if (shifted.empty()) return {};
    const bool wasTraining = m_net->is_training();
    m_net->eval();
    const SasRecOutput out = m_net->forward(historyBatch({shifted}), nullptr, /*withAttention=*/true);
    if (wasTraining) m_net->train();

    std::vector<std::string> labels;
    for (const int64_t item : shifted) {
        const std::string& raw = m_data.dataset->items[static_cast<size_t>(item - 1)].rawId;
        labels.push_back(raw.empty() ? std::to_string(item - 1) : raw);
    }
    const auto n = static_cast<int32_t>(shifted.size());
    std::vector<AttentionMap> maps;
    for (size_t layer = 0; layer < out.attentions.size(); ++layer) {
        const at::Tensor weights = out.attentions[layer][0].to(at::kCPU, at::kFloat).contiguous();  // heads x T x T
        for (int64_t head = 0; head < weights.size(0); ++head) {
            AttentionMap map;
            map.layer = static_cast<int32_t>(layer);
            map.head = static_cast<int32_t>(head);
            map.rows = n;
            map.cols = n;
            const float* data = weights[head].data_ptr<float>();
            map.weights.assign(data, data + static_cast<size_t>(n) * static_cast<size_t>(n));
            map.labels = labels;
            maps.push_back(std::move(map));
        }
    }
    return maps;
}

void SasRecModel::save(const std::string& path) const {
    requirePrepared("save()");
    torch::serialize::OutputArchive archive;
    torch::serialize::OutputArchive model;
    torch::serialize::OutputArchive optimizer;
    m_net->save(model);
    m_optimizer->save(optimizer);
    archive.write("model", model);
    archive.write("optimizer", optimizer);
    const at::TensorOptions longCpu = at::TensorOptions().dtype(at::kLong);
    archive.write("format", at::full({1}, kCheckpointFormat, longCpu));
    archive.write("items", at::full({1}, m_items, longCpu));
    archive.write("epoch", at::full({1}, m_epoch, longCpu));
    archive.write("steps", at::full({1}, m_steps, longCpu));
    archive.write("shape", shapeTensor());
    const std::string temporary = path + ".tmp";
    try {
        archive.save_to(temporary);
        std::filesystem::rename(temporary, path);
    } catch (const std::exception& e) {
        std::error_code ignored;
        std::filesystem::remove(temporary, ignored);
        throw DataError(path, std::string("cannot write the checkpoint: ") + e.what());
    }
}

void SasRecModel::load(const std::string& path) {
    requirePrepared("load()");
    try {
        torch::serialize::InputArchive archive;
        archive.load_from(path, m_device);
        at::Tensor value;
        auto readInt = [&](const char* key) {
            archive.read(key, value);
            return value.to(at::kCPU).item<int64_t>();
        };
        if (readInt("format") != kCheckpointFormat) throw DataError(path, "unknown sasrec checkpoint format");
        const int64_t items = readInt("items");
        if (items != m_items)
            throw DataError(path, "checkpoint has " + std::to_string(items) + " items, the data set " +
                                      std::to_string(m_items));
        // Module::load would silently resize parameters (Tensor::set_), so check the shape first.
        archive.read("shape", value);
        if (!at::equal(value.to(at::kCPU), shapeTensor()))
            throw DataError(path, "checkpoint was saved with other sizes (hidden, blocks, heads, max_length)");
        torch::serialize::InputArchive model;
        torch::serialize::InputArchive optimizer;
        archive.read("model", model);
        archive.read("optimizer", optimizer);
        m_net->load(model);
        m_optimizer->load(optimizer);
        m_epoch = readInt("epoch");
        m_steps = readInt("steps");
    } catch (const c10::Error& e) {
        throw DataError(path, std::string("not a matching sasrec checkpoint: ") + e.what_without_backtrace());
    }
}

void SasRecModel::exportModel(const std::string& dir) const {
    requirePrepared("exportModel()");
    exportModule(*m_net, dir,
                 {{"model", kSasRecId},
                  {"config", json::parse(m_config.json)},
                  {"items", m_items},
                  {"epochs_trained", m_epoch},
                  {"layout",
                   "item_embedding row 0 is padding, row i+1 is dense item i; positions are right-aligned "
                   "(the most recent item at max_length-1); pre-LN blocks; score = final_norm(h_T) . "
                   "item_embedding[1:]^T"}});
}

}  // namespace

ComponentInfo sasRecInfo() {
    ComponentInfo info;
    info.id = kSasRecId;
    info.version = kVersion;
    info.displayName = "SASRec";
    info.kind = ComponentKind::Model;
    info.description =
        "Self-attentive sequential recommendation (Kang & McAuley 2018): causal transformer over the item "
        "history, scores tied to the item embeddings.";
    info.params = {
        numberParam("hidden", "Hidden size", ParamType::Int, "64", 1, 4096, "Embedding and block width (d)"),
        numberParam("blocks", "Blocks", ParamType::Int, "2", 1, 64, "Self-attention blocks (paper: 2)"),
        numberParam("heads", "Heads", ParamType::Int, "1", 1, 64, "Attention heads; must divide the hidden size"),
        numberParam("dropout", "Dropout", ParamType::Float, "0.2", 0, 0.95,
                    "On embeddings, attention weights and block outputs (paper: 0.5 sparse, 0.2 dense data)"),
        numberParam("max_length", "Max length", ParamType::Int, "50", 1, 4096, "Most recent items the model sees"),
        numberParam("batch_size", "Batch size", ParamType::Int, "128", 1, 1 << 20, "Sequences per optimizer step"),
        numberParam("learning_rate", "Learning rate", ParamType::Float, "0.001", 1e-9, 100, "Adam step size"),
        numberParam("weight_decay", "Weight decay", ParamType::Float, "0", 0, 1, "L2 penalty on all parameters"),
    };
    ParamSpec loss;
    loss.key = "loss";
    loss.label = "Loss";
    loss.type = ParamType::Choice;
    loss.defaultValue = "ce";
    loss.choices = {"ce", "bce"};
    loss.help = "ce: softmax cross-entropy over all items; bce: the paper's binary loss, one sampled negative";
    info.params.push_back(loss);
    return info;
}

std::unique_ptr<Recommender> makeSasRec(const std::string& configJson) {
    return std::make_unique<SasRecModel>(parseConfig(configJson));
}

}  // namespace tokenbench::core
