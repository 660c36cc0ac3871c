// TIGER (Rajput et al., "Recommender Systems with Generative Retrieval", NeurIPS 2023) as a Recommender.
//
// Training samples, as the paper and its reference implementations: for every user, every position
// p in 1..trainEnd-1 of the training part is a target whose history is the up to max_items items
// before it. The encoder reads the history as semantic-ID tokens (plus a hashed user token); the
// decoder is trained with teacher forcing and cross-entropy over each level's own vocabulary.
// Ranking is a beam search over the levels, constrained by a prefix trie to existing IDs, so every
// returned item is real; items sharing a tuple are listed together in id order.
// AdamW with linear warm-up and inverse square-root decay (see TigerConfig::learningRateAt).
//
// Determinism: initialisation comes from the run seed; each epoch's shuffle and dropout masks come
// from (seed, epoch) alone, and the learning rate from the step counter, so a checkpoint (model,
// AdamW state, epoch and step counters) resumes exactly.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <torch/cuda.h>
#include <torch/optim/adamw.h>
#include <torch/serialize/archive.h>
#include <torch/utils.h>
#include <nlohmann/json.hpp>

#include "models/builtin_models.h"
#include "models/model_checkpoint.h"
#include "models/module_export.h"
#include "models/prefix_trie.h"
#include "models/sequence_tensors.h"
#include "models/tiger_beam_search.h"
#include "models/tiger_config.h"
#include "models/tiger_module.h"
#include "tokenbench/cancellation.h"
#include "tokenbench/data/data_error.h"

namespace tokenbench::core {

namespace {

using nlohmann::json;

constexpr const char* kTigerId = "tiger";
constexpr int64_t kEvalRows = 5120;  // decoder rows (users x beams) per ranking pass
constexpr int64_t kCheckpointFormat = 1;
constexpr int64_t kBucketBatches = 16;  // batches per length-sorted window

uint64_t splitmix64(uint64_t& state) {
    state += 0x9e3779b97f4a7c15ULL;
    uint64_t z = state;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/// FNV-1a over the raw user id: the bucket survives re-ordering of the data set's users.
uint64_t hashUser(const std::string& rawId, size_t index) {
    const std::string text = rawId.empty() ? "#" + std::to_string(index) : rawId;
    uint64_t hash = 0xcbf29ce484222325ULL;
    for (const unsigned char c : text) {
        hash ^= c;
        hash *= 0x100000001b3ULL;
    }
    return hash;
}

at::Device parseDevice(const std::string& text) {
    try {
        at::Device device(text.empty() ? std::string("cpu") : text);
        if (device.is_cuda() && !torch::cuda::is_available())
            throw std::invalid_argument("tiger: device '" + text + "' requested but CUDA is not available");
        return device;
    } catch (const c10::Error&) {
        throw std::invalid_argument("tiger: unknown device '" + text + "'");
    }
}

/// One training target: the item at `position` of `user`'s sequence.
struct Sample final {
    int32_t user = 0;
    int32_t position = 0;
};

class TigerModel final : public Recommender {
public:
    explicit TigerModel(TigerConfig config) : m_config(std::move(config)) {}

    [[nodiscard]] std::string id() const override { return kTigerId; }
    void prepare(const TrainingData& data, uint64_t seed, const std::string& device) override;
    EpochReport trainEpoch(const std::function<void(int64_t, double)>& onStep,
                           const std::atomic<bool>* cancel) override;
    void scoreUsers(const std::vector<int32_t>& users, EvalPhase phase, std::vector<float>& out) override;
    [[nodiscard]] bool ranksByList() const override { return true; }
    void rankUsers(const std::vector<int32_t>& users, EvalPhase phase, int32_t count,
                   std::vector<std::vector<int32_t>>& out) override;
    [[nodiscard]] std::map<std::string, double> takeEvalStats() override;
    void save(const std::string& path) const override;
    void load(const std::string& path) override;
    void exportModel(const std::string& dir) const override;
    [[nodiscard]] std::vector<AttentionMap> attention(const std::vector<int32_t>& history) override;

private:
    void requirePrepared(const char* what) const {
        if (!m_net) throw std::logic_error(std::string("tiger: ") + what + " before prepare()");
    }
    void checkSemanticIds(const TrainingData& data) const;
    /// B x T code tokens of `lengths[r]` items from `begins[r]` per row, left-padded to whole items
    /// (at least one item's width, so an empty history still has a key), on the device.
    at::Tensor historyTokens(const std::vector<const int32_t*>& begins, const std::vector<int64_t>& lengths) const;
    /// Hashed user buckets of `users` on the device, or undefined without user tokens.
    at::Tensor userTensor(const std::vector<int32_t>& users) const;
    /// Runs the beam search for `users` on the phase's history, in batches of about kEvalRows decoder
    /// rows, and hands each user's beams (best first) to `consume` with the user's row in `users`.
    /// Counts beams and invalid beams for the eval stats.
    void searchUsers(const std::vector<int32_t>& users, EvalPhase phase, int64_t width,
                     const std::function<void(size_t row, const std::vector<TigerBeam>& beams)>& consume);
    /// The sizes a checkpoint must match.
    at::Tensor shapeTensor() const {
        return at::tensor({m_config.hidden, m_config.encoderLayers, m_config.decoderLayers, m_config.heads,
                           m_config.feedForward, m_config.maxItems, m_config.userBuckets, m_levels},
                          at::kLong);
    }
    /// The semantic IDs a checkpoint must have been trained on.
    at::Tensor codesTensor() const {
        return at::tensor(std::vector<int64_t>(m_data.semanticIds->codes.begin(), m_data.semanticIds->codes.end()),
                          at::kLong);
    }
    CheckpointSpec checkpointSpec() const;

    TigerConfig m_config;
    TrainingData m_data;
    uint64_t m_seed = 0;
    at::Device m_device = at::kCPU;
    int64_t m_items = 0;
    int64_t m_levels = 0;
    std::vector<int64_t> m_vocab;  ///< [level] max code + 1
    std::unique_ptr<PrefixTrie> m_trie;
    std::vector<int64_t> m_userBucket;  ///< [user]
    Tiger m_net{nullptr};
    std::unique_ptr<torch::optim::AdamW> m_optimizer;
    std::vector<Sample> m_samples;
    int64_t m_epoch = 0;  ///< completed epochs
    int64_t m_steps = 0;  ///< optimizer steps so far (drives the learning-rate schedule)
    // Eval stats since the last takeEvalStats().
    int64_t m_statBeams = 0;
    int64_t m_statInvalid = 0;
    int64_t m_statWidth = 0;
};

void TigerModel::checkSemanticIds(const TrainingData& data) const {
    if (!data.semanticIds)
        throw std::invalid_argument(
            "tiger: no semantic IDs: TIGER generates items as semantic-ID tuples, so it needs the IDs of a "
            "tokenizer run for this data set");
    const SemanticIds& ids = *data.semanticIds;
    const auto items = static_cast<int64_t>(data.dataset->items.size());
    if (ids.items != items)
        throw std::invalid_argument("tiger: the semantic IDs cover " + std::to_string(ids.items) +
                                    " items but the data set has " + std::to_string(items) +
                                    " (IDs of another data set?)");
    if (ids.levels < 1) throw std::invalid_argument("tiger: the semantic IDs have no levels");
    if (static_cast<int64_t>(ids.codes.size()) != ids.items * ids.levels)
        throw std::invalid_argument("tiger: the semantic IDs hold " + std::to_string(ids.codes.size()) +
                                    " codes, not items x levels");
    for (size_t i = 0; i < ids.codes.size(); ++i)
        if (ids.codes[i] < 0)
            throw std::invalid_argument("tiger: item " + std::to_string(i / static_cast<size_t>(ids.levels)) +
                                        " has a negative semantic-ID code");
}

void TigerModel::prepare(const TrainingData& data, uint64_t seed, const std::string& device) {
    if (!data.dataset || !data.split) throw std::invalid_argument("tiger: no data set or split");
    const Dataset& dataset = *data.dataset;
    if (data.split->users.size() != dataset.users.size())
        throw std::invalid_argument("tiger: the split does not belong to the data set");
    if (dataset.items.empty()) throw std::invalid_argument("tiger: the data set has no items");
    checkSemanticIds(data);
    m_data = data;
    m_seed = seed;
    m_device = parseDevice(device);
    m_items = static_cast<int64_t>(dataset.items.size());
    const SemanticIds& ids = *data.semanticIds;
    m_levels = ids.levels;
    // The last level may be a collision-disambiguation level beyond the codebook: size each level by
    // what it uses.
    m_vocab.assign(static_cast<size_t>(m_levels), 0);
    for (int64_t item = 0; item < m_items; ++item)
        for (int32_t level = 0; level < ids.levels; ++level)
            m_vocab[static_cast<size_t>(level)] =
                std::max<int64_t>(m_vocab[static_cast<size_t>(level)], ids.at(item, level) + 1);
    m_trie = std::make_unique<PrefixTrie>(ids.codes, ids.items, ids.levels);

    m_samples.clear();
    m_userBucket.assign(dataset.users.size(), 0);
    for (size_t u = 0; u < dataset.users.size(); ++u) {
        if (m_config.userBuckets > 0)
            m_userBucket[u] =
                static_cast<int64_t>(hashUser(dataset.users[u].rawId, u) % static_cast<uint64_t>(m_config.userBuckets));
        const std::vector<int32_t>& items = dataset.users[u].items;
        for (const int32_t item : items)
            if (item < 0 || item >= m_items)
                throw std::invalid_argument("tiger: user " + std::to_string(u) + " has item id " +
                                            std::to_string(item) + " out of range");
        const int64_t trainEnd = std::min<int64_t>(data.split->users[u].trainEnd, static_cast<int64_t>(items.size()));
        for (int64_t p = 1; p < trainEnd; ++p)
            m_samples.push_back(Sample{static_cast<int32_t>(u), static_cast<int32_t>(p)});
    }

    TigerOptions options;
    options.vocab = m_vocab;
    options.hidden = m_config.hidden;
    options.encoderLayers = m_config.encoderLayers;
    options.decoderLayers = m_config.decoderLayers;
    options.heads = m_config.heads;
    options.feedForward = m_config.feedForward;
    options.dropout = m_config.dropout;
    options.maxItems = m_config.maxItems;
    options.userBuckets = m_config.userBuckets;
    m_net = Tiger(options);
    at::Generator generator = at::detail::createCPUGenerator(seed);
    m_net->resetParameters(generator);
    m_net->to(m_device);
    m_net->train();
    m_optimizer = std::make_unique<torch::optim::AdamW>(m_net->parameters(),
                                                        torch::optim::AdamWOptions(m_config.learningRateAt(1))
                                                            .betas(std::make_tuple(0.9, 0.98))
                                                            .weight_decay(m_config.weightDecay));
    m_epoch = 0;
    m_steps = 0;
    m_statBeams = m_statInvalid = m_statWidth = 0;
}

at::Tensor TigerModel::historyTokens(const std::vector<const int32_t*>& begins,
                                     const std::vector<int64_t>& lengths) const {
    int64_t longest = 1;
    for (const int64_t n : lengths) longest = std::max(longest, n);
    const int64_t t = longest * m_levels;
    const auto b = static_cast<int64_t>(begins.size());
    at::Tensor tokens = at::zeros({b, t}, at::TensorOptions().dtype(at::kLong));
    int64_t* data = tokens.data_ptr<int64_t>();
    const SemanticIds& ids = *m_data.semanticIds;
    for (int64_t r = 0; r < b; ++r) {
        const int64_t n = lengths[static_cast<size_t>(r)];
        int64_t* out = data + r * t + (t - n * m_levels);
        for (int64_t i = 0; i < n; ++i) {
            const int32_t* codes = ids.row(begins[static_cast<size_t>(r)][i]);
            for (int64_t level = 0; level < m_levels; ++level) *out++ = m_net->codeToken(level, codes[level]);
        }
    }
    return tokens.to(m_device);
}

at::Tensor TigerModel::userTensor(const std::vector<int32_t>& users) const {
    if (m_config.userBuckets <= 0) return {};
    std::vector<int64_t> buckets;
    buckets.reserve(users.size());
    for (const int32_t u : users) buckets.push_back(m_userBucket[static_cast<size_t>(u)]);
    return at::tensor(buckets, at::kLong).to(m_device);
}

EpochReport TigerModel::trainEpoch(const std::function<void(int64_t, double)>& onStep,
                                   const std::atomic<bool>* cancel) {
    requirePrepared("trainEpoch()");
    torch::AutoGradMode enableGrad(true);
    m_net->train();
    // Everything random in this epoch derives from (seed, epoch): resuming from a checkpoint replays it.
    uint64_t mix = m_seed ^ (0x54494745520000ULL + static_cast<uint64_t>(m_epoch) * 0x9e3779b97f4a7c15ULL);
    const uint64_t epochSeed = splitmix64(mix);
    uint64_t state = epochSeed;
    at::Generator generator = at::detail::createCPUGenerator(epochSeed);

    std::vector<size_t> order(m_samples.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[splitmix64(state) % i]);

    const Dataset& dataset = *m_data.dataset;
    const SemanticIds& ids = *m_data.semanticIds;
    const auto count = static_cast<int64_t>(order.size());
    const int64_t batchSize = std::max<int64_t>(1, m_config.batchSize);
    // Length bucketing: a batch is padded to its longest history, and attention costs T^2, so sort
    // windows of kBucketBatches batches of the shuffled order by history length, cut them into
    // batches and shuffle the batch order. Every sample is still seen once per epoch.
    auto historyLength = [&](size_t sample) {
        return std::min<int64_t>(m_samples[sample].position, m_config.maxItems);
    };
    const auto window = static_cast<size_t>(batchSize * kBucketBatches);
    for (size_t first = 0; first < order.size(); first += window) {
        const auto last = static_cast<std::ptrdiff_t>(std::min(order.size(), first + window));
        std::stable_sort(order.begin() + static_cast<std::ptrdiff_t>(first), order.begin() + last,
                         [&](size_t a, size_t b) { return historyLength(a) < historyLength(b); });
    }
    std::vector<int64_t> batchStarts;
    for (int64_t begin = 0; begin < count; begin += batchSize) batchStarts.push_back(begin);
    for (size_t i = batchStarts.size(); i > 1; --i) std::swap(batchStarts[i - 1], batchStarts[splitmix64(state) % i]);
    const at::Tensor mask = m_net->levelMask(at::TensorOptions().dtype(at::kFloat).device(m_device));
    const at::Tensor offsets = at::tensor(m_net->offsets(), at::kLong).to(m_device).unsqueeze(0);  // 1 x levels
    EpochReport report;
    double lossSum = 0.0;
    std::vector<const int32_t*> begins;
    std::vector<int64_t> lengths, targets;
    std::vector<int32_t> users;
    for (const int64_t begin : batchStarts) {
        throwIfCancelled(cancel);
        const int64_t b = std::min(batchSize, count - begin);
        begins.clear();
        lengths.clear();
        targets.clear();
        users.clear();
        for (int64_t r = 0; r < b; ++r) {
            const Sample& sample = m_samples[order[static_cast<size_t>(begin + r)]];
            const std::vector<int32_t>& items = dataset.users[static_cast<size_t>(sample.user)].items;
            const int64_t start = std::max<int64_t>(0, sample.position - m_config.maxItems);
            begins.push_back(items.data() + start);
            lengths.push_back(sample.position - start);
            users.push_back(sample.user);
            const int32_t* codes = ids.row(items[static_cast<size_t>(sample.position)]);
            targets.insert(targets.end(), codes, codes + m_levels);
        }
        const at::Tensor target = at::tensor(targets, at::kLong).view({b, m_levels}).to(m_device);
        const TigerMemory memory = m_net->encode(historyTokens(begins, lengths), userTensor(users), &generator);
        // Cross-entropy of each level over its own vocabulary: the joint logits masked to the level.
        const at::Tensor logits = m_net->decodeAll(memory, target, &generator) + mask.unsqueeze(0);
        const at::Tensor loss =
            at::nll_loss(at::log_softmax(logits, -1).view({b * m_levels, -1}), (target + offsets).view({b * m_levels}));
        const double rate = m_config.learningRateAt(m_steps + 1);
        for (auto& group : m_optimizer->param_groups()) group.options().set_lr(rate);
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

void TigerModel::searchUsers(const std::vector<int32_t>& users, EvalPhase phase, int64_t width,
                             const std::function<void(size_t, const std::vector<TigerBeam>&)>& consume) {
    torch::NoGradGuard noGrad;  // grad mode is per thread: guard here, whoever calls
    const Dataset& dataset = *m_data.dataset;
    // Each user's history window [begin, begin + length) for the phase.
    std::vector<const int32_t*> historyBegin(users.size());
    std::vector<int64_t> historyLength(users.size());
    for (size_t r = 0; r < users.size(); ++r) {
        const int32_t user = users[r];
        if (user < 0 || static_cast<size_t>(user) >= dataset.users.size())
            throw std::out_of_range("tiger: user " + std::to_string(user) + " out of range");
        const UserSplit& cut = m_data.split->users[static_cast<size_t>(user)];
        const std::vector<int32_t>& items = dataset.users[static_cast<size_t>(user)].items;
        const int64_t stop =
            std::max<int64_t>(0, std::min<int64_t>(phase == EvalPhase::Valid ? cut.trainEnd : cut.validEnd,
                                                   static_cast<int64_t>(items.size())));
        const int64_t start = std::max<int64_t>(0, stop - m_config.maxItems);
        historyBegin[r] = items.data() + start;
        historyLength[r] = stop - start;
    }
    // Batches of similar history lengths pad less; results go back to each user's own row.
    std::vector<size_t> order(users.size());
    for (size_t r = 0; r < order.size(); ++r) order[r] = r;
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return historyLength[a] < historyLength[b]; });

    const bool wasTraining = m_net->is_training();
    m_net->eval();
    const auto batch = static_cast<size_t>(std::max<int64_t>(1, kEvalRows / width));
    std::vector<const int32_t*> begins;
    std::vector<int64_t> lengths;
    std::vector<int32_t> batchUsers;
    for (size_t first = 0; first < order.size(); first += batch) {
        const size_t last = std::min(order.size(), first + batch);
        begins.clear();
        lengths.clear();
        batchUsers.clear();
        for (size_t i = first; i < last; ++i) {
            begins.push_back(historyBegin[order[i]]);
            lengths.push_back(historyLength[order[i]]);
            batchUsers.push_back(users[order[i]]);
        }
        const TigerMemory memory = m_net->encode(historyTokens(begins, lengths), userTensor(batchUsers));
        const std::vector<std::vector<TigerBeam>> beams =
            tigerBeamSearch(*m_net, memory, *m_trie, width, m_config.constrained);
        for (size_t r = 0; r < beams.size(); ++r) {
            for (const TigerBeam& beam : beams[r]) {
                ++m_statBeams;
                if (beam.leaf == PrefixTrie::kNone) ++m_statInvalid;
            }
            consume(order[first + r], beams[r]);
        }
    }
    m_statWidth = width;
    if (wasTraining) m_net->train();
}

void TigerModel::rankUsers(const std::vector<int32_t>& users, EvalPhase phase, int32_t count,
                           std::vector<std::vector<int32_t>>& out) {
    requirePrepared("rankUsers()");
    out.assign(users.size(), {});
    if (count <= 0) return;
    const int64_t width = std::max<int64_t>(m_config.beamSize, count);
    searchUsers(users, phase, width, [&](size_t row, const std::vector<TigerBeam>& beams) {
        std::vector<int32_t>& list = out[row];
        for (const TigerBeam& beam : beams) {
            if (beam.leaf == PrefixTrie::kNone) continue;
            const int32_t* items = m_trie->leafItems(beam.leaf);
            for (int32_t i = 0, n = m_trie->leafCount(beam.leaf); i < n; ++i) {
                if (static_cast<int32_t>(list.size()) >= count) return;
                list.push_back(items[i]);
            }
        }
    });
}

void TigerModel::scoreUsers(const std::vector<int32_t>& users, EvalPhase phase, std::vector<float>& out) {
    requirePrepared("scoreUsers()");
    // Items on the beam get their tuple's log-probability (items sharing a tuple step down by one ulp, in
    // list order); every other item gets the lowest float, below any beam.
    const auto items = static_cast<size_t>(m_items);
    out.assign(users.size() * items, std::numeric_limits<float>::lowest());
    searchUsers(users, phase, m_config.beamSize, [&](size_t row, const std::vector<TigerBeam>& beams) {
        float* scores = out.data() + row * items;
        for (const TigerBeam& beam : beams) {
            if (beam.leaf == PrefixTrie::kNone) continue;
            const int32_t* leafItems = m_trie->leafItems(beam.leaf);
            float score = beam.logProb;
            for (int32_t i = 0, n = m_trie->leafCount(beam.leaf); i < n; ++i) {
                scores[static_cast<size_t>(leafItems[i])] = score;
                score = std::nextafter(score, std::numeric_limits<float>::lowest());
            }
        }
    });
}

std::map<std::string, double> TigerModel::takeEvalStats() {
    std::map<std::string, double> stats;
    if (m_statBeams == 0) return stats;
    stats["invalid_id_rate"] = static_cast<double>(m_statInvalid) / static_cast<double>(m_statBeams);
    stats["beam_size"] = static_cast<double>(m_statWidth);
    m_statBeams = m_statInvalid = m_statWidth = 0;
    return stats;
}

std::vector<AttentionMap> TigerModel::attention(const std::vector<int32_t>& history) {
    requirePrepared("attention()");
    torch::NoGradGuard noGrad;
    const size_t start = history.size() > static_cast<size_t>(m_config.maxItems)
                             ? history.size() - static_cast<size_t>(m_config.maxItems)
                             : 0;
    std::vector<int32_t> items;
    for (size_t i = start; i < history.size(); ++i) {
        if (history[i] < 0 || history[i] >= m_items)
            throw std::out_of_range("tiger: item " + std::to_string(history[i]) + " out of range");
        items.push_back(history[i]);
    }
    if (items.empty()) return {};
    const bool wasTraining = m_net->is_training();
    m_net->eval();
    // A bare history has no user: the encoder sees the item tokens only.
    const TigerMemory memory =
        m_net->encode(historyTokens({items.data()}, {static_cast<int64_t>(items.size())}), at::Tensor(), nullptr,
                      /*withAttention=*/true);
    if (wasTraining) m_net->train();

    std::vector<std::string> labels;
    const SemanticIds& ids = *m_data.semanticIds;
    for (const int32_t item : items) {
        const std::string name = itemLabel(*m_data.dataset, item);
        for (int32_t level = 0; level < ids.levels; ++level)
            labels.push_back(name + ":L" + std::to_string(level + 1) + "=" + std::to_string(ids.at(item, level)));
    }
    return toAttentionMaps(memory.attentions, labels);
}

CheckpointSpec TigerModel::checkpointSpec() const {
    return {kTigerId,
            kCheckpointFormat,
            m_items,
            {{"shape", shapeTensor(),
              "checkpoint was saved with other sizes (hidden, layers, heads, feed_forward, max_items, user_buckets, "
              "levels)"},
             {"codes", codesTensor(), "checkpoint was trained on other semantic IDs"}}};
}

void TigerModel::save(const std::string& path) const {
    requirePrepared("save()");
    saveModelCheckpoint(path, checkpointSpec(), {m_epoch, m_steps}, *m_net, *m_optimizer);
}

void TigerModel::load(const std::string& path) {
    requirePrepared("load()");
    const CheckpointCounters counters = loadModelCheckpoint(path, checkpointSpec(), m_device, *m_net, *m_optimizer);
    m_epoch = counters.epoch;
    m_steps = counters.steps;
}

void TigerModel::exportModel(const std::string& dir) const {
    requirePrepared("exportModel()");
    exportModule(*m_net, dir,
                 {{"model", kTigerId},
                  {"config", json::parse(m_config.json)},
                  {"items", m_items},
                  {"levels", m_levels},
                  {"level_vocab", m_vocab},
                  {"level_offsets", m_net->offsets()},
                  {"epochs_trained", m_epoch},
                  {"layout",
                   "T5-like pre-LN encoder-decoder. token_embedding rows: 0 = padding, 1 = BOS, 2 + "
                   "level_offsets[l] + code = a code of level l (shared by encoder and decoder). Encoder input: the "
                   "last max_items history items, each as its levels' tokens in order, left-padded and "
                   "right-aligned: token j from the end has level_embedding[L-1 - j % L] and "
                   "slot_embedding[max_items-1 - j / L] added; then, when user_buckets > 0, one user token "
                   "user_embedding[FNV-1a-64(raw user id) % user_buckets] at the end. Decoder step l (0-based) "
                   "feeds BOS (l = 0) or the code token of level l-1, plus decoder_level_embedding[l]; causal "
                   "self-attention, cross-attention to the encoder (padding masked). output rows "
                   "[level_offsets[l], level_offsets[l] + level_vocab[l]) score level l's codes. Decoding: beam "
                   "search over levels, constrained to existing semantic-ID tuples"}});
}

}  // namespace

std::unique_ptr<Recommender> makeTiger(const std::string& configJson) {
    return std::make_unique<TigerModel>(parseTigerConfig(configJson));
}

}  // namespace tokenbench::core
