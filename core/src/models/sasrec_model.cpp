// SASRec (Kang & McAuley, "Self-Attentive Sequential Recommendation", ICDM 2018) as a Recommender.
//
// Training samples: one per user with 2+ training items, the last max_length + 1 items of the
// training prefix; input = seq[:-1], targets = seq[1:] (every position predicts its next item,
// sec. III-E). Losses:
//  - "ce": full softmax cross-entropy over the catalogue (the default: stronger under full ranking
//    than the paper's objective);
//  - "bce": the paper's eq. 6 with `negatives` uniformly sampled negatives per position that are
//    not in the user's training history: -log s(r_pos) - sum_j log(1 - s(r_neg_j)), mean over
//    positions (one negative, as the paper, by default);
//  - "hard": the same loss with GNNO-style hard negatives (negative_sampler.h): two-hop neighbours
//    of the positive on the item transition graph, drawn by neighbourhood overlap (Jaccard), never
//    the user's own training items nor the positive's direct neighbours. Curriculum from easy to
//    hard: in epoch e (from 0) a negative is a graph negative with probability
//    hard_share * min(1, e / hard_warmup_epochs) and uniform otherwise, so training starts on
//    uniform negatives (which the model must first learn to rank below real next items) and the
//    share of hard ones grows linearly until hard_warmup_epochs. hard_share defaults to 0.5: with
//    graph negatives only, the model never sees the rest of the catalogue and full-ranking NDCG
//    drops (synthetic set, 20 epochs: 0.12 at share 1 against 0.16 for uniform negatives); half and
//    half matched or beat uniform negatives there (0.177 vs 0.173 with 2 negatives).
// Adam with betas (0.9, 0.98) as in the paper (sasrec_adam.h: fused, and sparse item-table gradients).
//
// Determinism: initialisation comes from the run seed; each epoch's shuffle, negatives and dropout
// masks come from (seed, epoch) alone, so a checkpoint (model, Adam state, epoch counter) resumes
// exactly.
//
// Speed: positions are right-aligned and padding is masked out of attention, so how much padding a
// sequence gets changes none of its outputs. Each batch is therefore sorted by length and cut into
// a few groups, each left-padded to its own longest member and run as its own forward pass, with one
// loss and one backward pass for the batch (lengthGroups: a cut where the padding saved outweighs a
// pass's overhead). Batch contents stay those of the shuffle, so random batches train as in the
// reference code, at a fraction of its padded work (Beauty: median 6 of 50 positions). With `bucketing` (an
// option) each epoch's shuffled samples are cut into pools of kBucketPool batches, each pool is
// sorted by length and cut into batches, and the batch order is shuffled: batches hold sequences of
// similar length, so on short-history data (Beauty: median 6, max 50 positions) a random batch's
// padding to its longest member, most of the work, disappears. Batches then differ in positions,
// and the loss is a mean over each batch's real positions, as without bucketing.
// Scoring sorts users by history length too and runs forward passes of about kScoreTokens positions
// (small enough to stay in cache), then writes scores straight into the caller's buffer. The BCE
// losses gather the positive and negative embeddings with one sparse-gradient lookup.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <torch/cuda.h>
#include <torch/serialize/archive.h>
#include <torch/utils.h>
#include <nlohmann/json.hpp>

#include "models/builtin_models.h"
#include "models/model_checkpoint.h"
#include "models/module_export.h"
#include "models/negative_sampler.h"
#include "models/sasrec_adam.h"
#include "models/sasrec_module.h"
#include "models/sequence_tensors.h"
#include "tokenbench/cancellation.h"
#include "tokenbench/data/data_error.h"

namespace tokenbench::core {

namespace {

using nlohmann::json;

constexpr const char* kSasRecId = "sasrec";
// 2: fused Q/K/V projection ("in_projection"), hard negatives, bucketing, hashed dropout masks.
// 3: block wiring choice, the paper code's by default (version-2 configs have no key: pre-LN).
constexpr int kVersion = 3;
constexpr int64_t kScoreTokens = 4096;  // scoring: positions (users x padded length) per forward pass
constexpr int64_t kScoreRows = 1024;     // scoring: users per catalogue product
constexpr int64_t kBucketPool = 32;   // batches per length-sorted pool (bucketing)
constexpr int64_t kGroupOverhead = 256;  // a forward + backward pass's fixed cost, in padded positions
constexpr int64_t kCheckpointFormat = 2;

enum class Loss { CrossEntropy, Bce, Hard };

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
    bool bucketing = true;
    bool preNorm = false;
    int64_t negatives = 1;
    int64_t hardWarmupEpochs = 10;
    double hardShare = 0.5;
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
    const std::string loss = j.at("loss").get<std::string>();
    config.loss = loss == "bce" ? Loss::Bce : loss == "hard" ? Loss::Hard : Loss::CrossEntropy;
    config.bucketing = j.at("bucketing").get<bool>();
    config.preNorm = j.value("block", std::string("pre-norm")) == "pre-norm";
    config.negatives = j.at("negatives").get<int64_t>();
    config.hardWarmupEpochs = j.at("hard_warmup_epochs").get<int64_t>();
    config.hardShare = j.at("hard_share").get<double>();
    if (config.hidden % config.heads != 0)
        throw ConfigError("sasrec: 'hidden' = " + std::to_string(config.hidden) + " must be divisible by 'heads' = " +
                          std::to_string(config.heads));
    return config;
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
    /// Model id, format, catalogue size and sizes that a checkpoint must match.
    CheckpointSpec checkpointSpec() const;
    /// This epoch's batches (indexes into m_samples), shuffled from `state`; see file comment.
    std::vector<std::vector<size_t>> epochBatches(uint64_t& state) const;
    /// `batch` split into groups of similar length, each run as its own forward pass.
    std::vector<std::vector<size_t>> lengthGroups(const std::vector<size_t>& batch) const;
    /// Probability that a "hard" negative comes from the graph in the current epoch (curriculum).
    [[nodiscard]] double hardShare() const;
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
    std::unique_ptr<SasRecAdam> m_optimizer;
    std::vector<Sample> m_samples;
    std::unique_ptr<NegativeSampler> m_sampler;  ///< bce and hard losses only
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
    std::vector<std::vector<int32_t>> prefixes(m_config.loss == Loss::CrossEntropy ? 0 : dataset.users.size());
    for (size_t u = 0; u < dataset.users.size(); ++u) {
        const std::vector<int32_t>& items = dataset.users[u].items;
        const int64_t trainEnd = std::min<int64_t>(data.split->users[u].trainEnd, static_cast<int64_t>(items.size()));
        if (!prefixes.empty()) prefixes[u].assign(items.begin(), items.begin() + trainEnd);
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
    m_sampler.reset();
    if (m_config.loss != Loss::CrossEntropy) {
        NegativeSamplerOptions samplerOptions;
        samplerOptions.buildGraph = m_config.loss == Loss::Hard;
        m_sampler = std::make_unique<NegativeSampler>(static_cast<int32_t>(m_items), prefixes, samplerOptions);
    }

    SasRecOptions options;
    options.items = m_items;
    options.hidden = m_config.hidden;
    options.blocks = m_config.blocks;
    options.heads = m_config.heads;
    options.maxLength = m_config.maxLength;
    options.dropout = m_config.dropout;
    options.preNorm = m_config.preNorm;
    m_net = SasRec(options);
    at::Generator generator = at::detail::createCPUGenerator(seed);
    m_net->resetParameters(generator);
    m_net->to(m_device);
    m_net->train();
    SasRecAdamOptions adam;
    adam.learningRate = m_config.learningRate;
    adam.weightDecay = m_config.weightDecay;
    m_optimizer = std::make_unique<SasRecAdam>(m_net->parameters(), adam);
    m_epoch = 0;
    m_steps = 0;
}

double SasRecModel::hardShare() const {
    if (m_config.hardWarmupEpochs <= 0) return m_config.hardShare;
    const double progress = std::min(1.0, static_cast<double>(m_epoch) / static_cast<double>(m_config.hardWarmupEpochs));
    return m_config.hardShare * progress;
}

std::vector<std::vector<size_t>> SasRecModel::epochBatches(uint64_t& state) const {
    std::vector<size_t> order(m_samples.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[splitmix64(state) % i]);

    const auto batchSize = static_cast<size_t>(std::max<int64_t>(1, m_config.batchSize));
    if (m_config.bucketing) {
        const size_t pool = batchSize * static_cast<size_t>(kBucketPool);
        for (size_t begin = 0; begin < order.size(); begin += pool) {
            const auto first = order.begin() + static_cast<std::ptrdiff_t>(begin);
            const auto last = order.begin() + static_cast<std::ptrdiff_t>(std::min(order.size(), begin + pool));
            // Stable: equal lengths keep their shuffled order, so batch contents change every epoch.
            std::stable_sort(first, last, [&](size_t a, size_t b) {
                return m_samples[a].items.size() < m_samples[b].items.size();
            });
        }
    }
    std::vector<std::vector<size_t>> batches;
    for (size_t begin = 0; begin < order.size(); begin += batchSize)
        batches.emplace_back(order.begin() + static_cast<std::ptrdiff_t>(begin),
                             order.begin() + static_cast<std::ptrdiff_t>(std::min(order.size(), begin + batchSize)));
    if (m_config.bucketing)
        for (size_t i = batches.size(); i > 1; --i) std::swap(batches[i - 1], batches[splitmix64(state) % i]);
    return batches;
}

std::vector<std::vector<size_t>> SasRecModel::lengthGroups(const std::vector<size_t>& batch) const {
    // Sorted by input length, a batch is cut where it saves more padded positions than a forward
    // pass costs in overhead (kGroupOverhead positions): an exact split by dynamic programming
    // over the cut points, cost(group) = members * longest + overhead.
    std::vector<size_t> sorted = batch;
    const auto length = [&](size_t index) { return static_cast<int64_t>(m_samples[index].items.size()) - 1; };
    std::stable_sort(sorted.begin(), sorted.end(), [&](size_t a, size_t b) { return length(a) < length(b); });
    const size_t n = sorted.size();
    std::vector<int64_t> best(n + 1, 0);
    std::vector<size_t> cut(n + 1, 0);
    for (size_t end = 1; end <= n; ++end) {
        best[end] = std::numeric_limits<int64_t>::max();
        const int64_t longest = std::max<int64_t>(1, length(sorted[end - 1]));
        for (size_t begin = 0; begin < end; ++begin) {
            const int64_t cost = best[begin] + static_cast<int64_t>(end - begin) * longest + kGroupOverhead;
            if (cost < best[end]) {
                best[end] = cost;
                cut[end] = begin;
            }
        }
    }
    std::vector<std::vector<size_t>> groups;
    for (size_t end = n; end > 0; end = cut[end])
        groups.emplace_back(sorted.begin() + static_cast<std::ptrdiff_t>(cut[end]),
                            sorted.begin() + static_cast<std::ptrdiff_t>(end));
    return groups;
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

    const std::vector<std::vector<size_t>> batches = epochBatches(state);
    const bool sampled = m_config.loss != Loss::CrossEntropy;
    const int64_t k = sampled ? std::max<int64_t>(1, m_config.negatives) : 0;
    const double share = m_config.loss == Loss::Hard ? hardShare() : 0.0;
    const at::TensorOptions longCpu = at::TensorOptions().dtype(at::kLong);
    // Logit signs of the BCE losses, [-1, +1 ... +1]: softplus(-r_pos) + sum_j softplus(r_neg_j).
    at::Tensor signs;
    if (sampled) {
        signs = at::ones({1, 1 + k});
        signs[0][0] = -1.0;
        signs = signs.to(m_device);
    }

    EpochReport report;
    double lossSum = 0.0;
    std::vector<int64_t> inputs, targets, candidates, rows;
    std::vector<at::Tensor> hiddenParts;
    const auto tensor = [&](std::vector<int64_t>& values, at::IntArrayRef sizes) {
        return at::from_blob(values.data(), sizes, longCpu).to(m_device, /*non_blocking=*/false, /*copy=*/true);
    };
    for (const std::vector<size_t>& batch : batches) {
        throwIfCancelled(cancel);
        const auto b = static_cast<int64_t>(batch.size());
        targets.clear();
        candidates.clear();
        hiddenParts.clear();
        // One forward pass per length group of the batch (see file comment); targets and negatives
        // follow the groups' row order, so the loss sees every real position once.
        for (const std::vector<size_t>& group : lengthGroups(batch)) {
            const auto g = static_cast<int64_t>(group.size());
            int64_t t = 1;
            for (const size_t index : group) t = std::max<int64_t>(t, static_cast<int64_t>(m_samples[index].items.size()) - 1);
            inputs.assign(static_cast<size_t>(g * t), 0);
            rows.clear();  // flat positions (r * t + column) of the group's real targets, in order
            for (int64_t r = 0; r < g; ++r) {
                const Sample& sample = m_samples[group[static_cast<size_t>(r)]];
                const int64_t n = static_cast<int64_t>(sample.items.size()) - 1;
                for (int64_t i = 0; i < n; ++i) {
                    const int64_t at = r * t + (t - n) + i;
                    const int64_t positive = sample.items[static_cast<size_t>(i + 1)];
                    inputs[static_cast<size_t>(at)] = sample.items[static_cast<size_t>(i)];
                    rows.push_back(at);
                    targets.push_back(positive);
                    if (!sampled) continue;
                    candidates.push_back(positive);
                    const auto dense = static_cast<int32_t>(positive - 1);
                    for (int64_t j = 0; j < k; ++j)
                        candidates.push_back(
                            1 + (m_config.loss == Loss::Hard ? m_sampler->sample(sample.user, dense, share, state)
                                                             : m_sampler->uniform(sample.user, state)));
                }
            }
            const SasRecOutput out = m_net->forward(tensor(inputs, {g, t}), &generator);
            hiddenParts.push_back(out.hidden.reshape({g * t, m_config.hidden})
                                      .index_select(0, tensor(rows, {static_cast<int64_t>(rows.size())})));
        }
        const auto real = static_cast<int64_t>(targets.size());
        const at::Tensor hidden = hiddenParts.size() == 1 ? hiddenParts.front() : at::cat(hiddenParts, 0);
        at::Tensor loss;
        if (!sampled) {
            loss = at::nll_loss(at::log_softmax(m_net->scoreAll(hidden), 1), tensor(targets, {real}) - 1);
        } else {
            // Eq. 6 with every candidate's logit from one gather; softplus keeps it finite. A product
            // and a sum, not bmm: bmm would dispatch one tiny matrix product per position.
            // A sparse-gradient lookup, like the input embedding's (see SasRecAdam).
            const at::Tensor embedded = at::embedding(m_net->itemEmbedding->weight, tensor(candidates, {real * (1 + k)}),
                                                      /*padding_idx=*/-1, /*scale_grad_by_freq=*/false, /*sparse=*/true)
                                            .view({real, 1 + k, m_config.hidden});
            const at::Tensor logits = (embedded * hidden.unsqueeze(1)).sum(-1);
            loss = at::softplus(logits * signs).sum() / static_cast<double>(real);
        }
        m_optimizer->zeroGrad();
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

void SasRecModel::scoreUsers(const std::vector<int32_t>& users, EvalPhase phase, std::vector<float>& out) {
    requirePrepared("scoreUsers()");
    torch::NoGradGuard noGrad;  // grad mode is per thread: guard here, whoever calls
    const bool wasTraining = m_net->is_training();
    m_net->eval();
    const Dataset& dataset = *m_data.dataset;
    out.resize(users.size() * static_cast<size_t>(m_items));
    // Histories first, then batches of similar length (see file comment); rows go back to their place.
    std::vector<std::vector<int64_t>> all(users.size());
    for (size_t r = 0; r < users.size(); ++r) {
        const int32_t user = users[r];
        if (user < 0 || static_cast<size_t>(user) >= dataset.users.size())
            throw std::out_of_range("sasrec: user " + std::to_string(user) + " out of range");
        const UserSplit& cut = m_data.split->users[static_cast<size_t>(user)];
        const std::vector<int32_t>& items = dataset.users[static_cast<size_t>(user)].items;
        const int64_t stop = std::min<int64_t>(phase == EvalPhase::Valid ? cut.trainEnd : cut.validEnd,
                                               static_cast<int64_t>(items.size()));
        const int64_t start = std::max<int64_t>(0, stop - m_config.maxLength);
        for (int64_t i = start; i < stop; ++i) all[r].push_back(items[static_cast<size_t>(i)] + 1);
    }
    std::vector<size_t> order(users.size());
    for (size_t r = 0; r < order.size(); ++r) order[r] = r;
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return all[a].size() < all[b].size(); });
    // Forward passes over batches of similar length, as many users as fit kScoreTokens positions;
    // each user's last hidden state goes to its row of `last`.
    const auto count = static_cast<int64_t>(users.size());
    const at::Tensor last = at::empty({count, m_config.hidden}, m_net->itemEmbedding->weight.options());
    std::vector<std::vector<int64_t>> histories;
    std::vector<int64_t> rows;
    for (size_t begin = 0; begin < order.size();) {
        const auto longest = [&](size_t r) { return std::max<int64_t>(1, static_cast<int64_t>(all[order[r]].size())); };
        size_t end = begin + 1;
        while (end < order.size() && static_cast<int64_t>(end + 1 - begin) * longest(end) <= kScoreTokens) ++end;
        histories.clear();
        rows.clear();
        for (size_t r = begin; r < end; ++r) {
            histories.push_back(std::move(all[order[r]]));
            rows.push_back(static_cast<int64_t>(order[r]));
        }
        const at::Tensor input = leftPaddedBatch(histories, m_device);
        const at::Tensor index = at::from_blob(rows.data(), {static_cast<int64_t>(rows.size())}, at::kLong).to(last.device());
        last.index_copy_(0, index, m_net->forward(input).hidden.select(1, input.size(1) - 1));
        begin = end;
    }
    // Scores straight into `out`, in the caller's order: no per-batch temporaries to allocate and copy.
    const auto items = static_cast<size_t>(m_items);
    for (int64_t begin = 0; begin < count; begin += kScoreRows) {
        const int64_t n = std::min(kScoreRows, count - begin);
        at::Tensor target = at::from_blob(out.data() + static_cast<size_t>(begin) * items, {n, m_items}, at::kFloat);
        const at::Tensor block = last.narrow(0, begin, n);
        if (m_device.is_cpu()) m_net->scoreAllInto(block, target);
        else target.copy_(m_net->scoreAll(block).to(at::kCPU, at::kFloat));
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
    const SasRecOutput out = m_net->forward(leftPaddedBatch({shifted}, m_device), nullptr, /*withAttention=*/true);
    if (wasTraining) m_net->train();

    std::vector<std::string> labels;
    for (const int64_t item : shifted) labels.push_back(itemLabel(*m_data.dataset, static_cast<int32_t>(item - 1)));
    return toAttentionMaps(out.attentions, labels);
}

CheckpointSpec SasRecModel::checkpointSpec() const {
    return {kSasRecId, kCheckpointFormat, m_items,
            {{"shape", shapeTensor(), "checkpoint was saved with other sizes (hidden, blocks, heads, max_length)"}}};
}

void SasRecModel::save(const std::string& path) const {
    requirePrepared("save()");
    saveModelCheckpoint(path, checkpointSpec(), {m_epoch, m_steps}, *m_net, *m_optimizer);
}

void SasRecModel::load(const std::string& path) {
    requirePrepared("load()");
    const CheckpointCounters counters = loadModelCheckpoint(path, checkpointSpec(), m_device, *m_net, *m_optimizer);
    m_epoch = counters.epoch;
    m_steps = counters.steps;
}

void SasRecModel::exportModel(const std::string& dir) const {
    requirePrepared("exportModel()");
    exportModule(*m_net, dir,
                 {{"model", kSasRecId},
                  {"config", json::parse(m_config.json)},
                  {"items", m_items},
                  {"epochs_trained", m_epoch},
                  {"layout",
                   std::string("item_embedding row 0 is padding, row i+1 is dense item i; positions are "
                               "right-aligned (the most recent item at max_length-1); ") +
                       (m_config.preNorm ? "pre-LN blocks: y = x + attn(LN(x)), out = y + ffn(LN(y)); "
                                         : "blocks wired as the paper's code: q = LN(x), y = q + attn(q, keys/values "
                                           "x), z = LN(y), out = z + ffn(z); ") +
                       "blockN.attention.in_projection "
                   "stacks the query, key and value projections (rows [q; k; v], as torch.nn.MultiheadAttention's "
                   "in_proj_weight); score = final_norm(h_T) . item_embedding[1:]^T"}});
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
        numberParam("negatives", "Negatives", ParamType::Int, "1", 1, 1000,
                    "bce and hard losses: sampled negatives per position (paper: 1)"),
        numberParam("hard_warmup_epochs", "Hard warm-up epochs", ParamType::Int, "10", 0, 100000,
                    "hard loss: epochs over which the share of graph negatives grows linearly from 0 (0: at once)"),
        numberParam("hard_share", "Hard share", ParamType::Float, "0.5", 0, 1,
                    "hard loss: share of graph negatives once warmed up; the rest stay uniform, since full ranking "
                    "also needs the rest of the catalogue pushed down"),
    };
    ParamSpec bucketing;
    bucketing.key = "bucketing";
    bucketing.label = "Length bucketing";
    bucketing.type = ParamType::Bool;
    bucketing.defaultValue = "false";
    bucketing.help =
        "Batch sequences of similar length together (batch order shuffled each epoch): about twice as fast "
        "on short-history data, but batches are no longer random samples; off: random batches, as the "
        "reference code, each run in length groups so padding costs little";
    info.params.push_back(bucketing);
    ParamSpec block;
    block.key = "block";
    block.label = "Block wiring";
    block.type = ParamType::Choice;
    block.defaultValue = "sasrec";
    block.choices = {"sasrec", "pre-norm"};
    block.help = "sasrec: the paper code's wiring (queries from LayerNorm(x), keys and values from x, residuals "
                 "on the normalised inputs), as SASRec.pytorch; pre-norm: x + f(LayerNorm(x)) in both sub-layers";
    info.params.push_back(block);
    ParamSpec loss;
    loss.key = "loss";
    loss.label = "Loss";
    loss.type = ParamType::Choice;
    loss.defaultValue = "ce";
    loss.choices = {"ce", "bce", "hard"};
    loss.help = "ce: softmax cross-entropy over all items; bce: the paper's binary loss with uniform negatives; "
                "hard: the binary loss with item-graph hard negatives (GNNO), easy to hard over the warm-up";
    info.params.push_back(loss);
    return info;
}

std::unique_ptr<Recommender> makeSasRec(const std::string& configJson) {
    return std::make_unique<SasRecModel>(parseConfig(configJson));
}

}  // namespace tokenbench::core
