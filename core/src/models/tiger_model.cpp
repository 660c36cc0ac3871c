// TIGER (Rajput et al., "Recommender Systems with Generative Retrieval", NeurIPS 2023) as a Recommender.
//
// Training samples, as the paper and its reference implementations: for every user, every position
// p in 1..trainEnd-1 of the training part is a target whose history is the up to max_items items
// before it. The encoder reads the history as semantic-ID tokens (plus a hashed user token); the
// decoder is trained with teacher forcing and cross-entropy over each level's own vocabulary.
// Ranking is a beam search over the levels, constrained by a prefix trie to existing IDs, so every
// returned item is real; items sharing a tuple are listed together in id order.
// AdamW with linear warm-up and inverse square-root (or constant, or cosine) decay (see LrSchedule).
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
#include <torch/optim/adamw.h>
#include <nlohmann/json.hpp>

#include "models/builtin_models.h"
#include "models/generative_ranking.h"
#include "models/prefix_trie.h"
#include "models/sequence_tensors.h"
#include "models/id_beam_search.h"
#include "models/id_exact_scores.h"
#include "models/parallel_batches.h"
#include "models/tiger_config.h"
#include "models/tiger_id_decoder.h"
#include "models/tiger_module.h"
#include "models/trie_training_mask.h"
#include "models/torch_recommender.h"
#include "tokenbench/data/data_error.h"

namespace tokenbench::core {

namespace {

using nlohmann::json;

constexpr const char* kTigerId = "tiger";
constexpr int64_t kEvalRows = 5120;  // decoder rows (users x beams) per ranking pass
constexpr int64_t kCheckpointFormat = 1;
constexpr int64_t kBucketBatches = 16;  // batches per length-sorted window
constexpr uint64_t kEpochSalt = 0x54494745520000ULL;  // epoch streams: see epochRandom

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

/// One training target: the item at `position` of `user`'s sequence.
struct Sample final {
    int32_t user = 0;
    int32_t position = 0;
};

class TigerModel final : public TorchRecommender {
public:
    explicit TigerModel(TigerConfig config)
        : TorchRecommender(kTigerId, config.json, kEpochSalt, kCheckpointFormat), m_config(std::move(config)) {}

    void scoreUsers(const std::vector<int32_t>& users, EvalPhase phase, std::vector<float>& out) override;
    [[nodiscard]] bool ranksByList() const override { return true; }
    void rankUsers(const std::vector<int32_t>& users, EvalPhase phase, int32_t count,
                   std::vector<std::vector<int32_t>>& out) override;
    [[nodiscard]] bool scoresExactly() const override { return true; }
    void exactScoreUsers(const std::vector<int32_t>& users, EvalPhase phase, std::vector<float>& out) override;
    [[nodiscard]] std::map<std::string, double> takeEvalStats() override;
    [[nodiscard]] std::vector<AttentionMap> attention(const std::vector<int32_t>& history) override;

private:
    void checkData(const TrainingData& data) const override;
    void prepareData() override;
    std::shared_ptr<torch::nn::Module> buildNetwork(at::Generator& init) override;
    std::unique_ptr<TrainOptimizer> buildOptimizer(std::vector<at::Tensor> parameters) override;
    std::vector<std::vector<size_t>> epochBatches(EpochRandom& random) override;
    at::Tensor batchLoss(const std::vector<size_t>& batch, EpochRandom& random) override;
    [[nodiscard]] int64_t batchShards() const override { return m_config.batchShards; }
    std::vector<CheckpointMatch> checkpointMatches() const override;
    nlohmann::json exportInfo() const override;
    /// B x T code tokens of `lengths[r]` items from `begins[r]` per row, left-padded to whole items
    /// (at least one item's width, so an empty history still has a key), on the device.
    at::Tensor historyTokens(const std::vector<const int32_t*>& begins, const std::vector<int64_t>& lengths) const;
    /// Hashed user buckets of `users` on the device, or undefined without user tokens.
    at::Tensor userTensor(const std::vector<int32_t>& users) const;
    /// The encoder's output for the users users[rows[i]] on the phase's history.
    TigerMemory encodeUsers(const std::vector<int32_t>& users, const std::vector<size_t>& rows, EvalPhase phase);
    /// History lengths of `users` on the phase's history (the encoder's input lengths).
    [[nodiscard]] std::vector<int64_t> historyLengths(const std::vector<int32_t>& users, EvalPhase phase) const;
    /// Runs the beam search for `users` on the phase's history, in batches of about kEvalRows decoder
    /// rows, and hands each user's beams (best first) to `consume` with the user's row in `users`.
    /// Counts beams, invalid and shared beams for the eval stats.
    void searchUsers(const std::vector<int32_t>& users, EvalPhase phase, int64_t width, const BeamConsumer& consume);

    TigerConfig m_config;
    int64_t m_levels = 0;
    std::vector<int64_t> m_vocab;  ///< [level] max code + 1
    std::unique_ptr<PrefixTrie> m_trie;
    std::vector<int64_t> m_userBucket;  ///< [user]
    Tiger m_net{nullptr};
    std::vector<Sample> m_samples;
    BeamStats m_stats;  ///< since the last takeEvalStats()
};

void TigerModel::checkData(const TrainingData& data) const {
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

void TigerModel::prepareData() {
    const Dataset& dataset = this->dataset();
    const SemanticIds& ids = *data().semanticIds;
    m_levels = ids.levels;
    // The last level may be a collision-disambiguation level beyond the codebook: size each level by
    // what it uses.
    m_vocab.assign(static_cast<size_t>(m_levels), 0);
    for (int64_t item = 0; item < items(); ++item)
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
            if (item < 0 || item >= this->items())
                throw std::invalid_argument("tiger: user " + std::to_string(u) + " has item id " +
                                            std::to_string(item) + " out of range");
        const int64_t trainEnd = std::min<int64_t>(data().split->users[u].trainEnd, static_cast<int64_t>(items.size()));
        for (int64_t p = 1; p < trainEnd; ++p)
            m_samples.push_back(Sample{static_cast<int32_t>(u), static_cast<int32_t>(p)});
    }
    m_stats = BeamStats(m_trie.get());
}

std::shared_ptr<torch::nn::Module> TigerModel::buildNetwork(at::Generator& init) {
    TigerOptions options;
    static_cast<TigerSizes&>(options) = m_config;
    options.vocab = m_vocab;
    m_net = Tiger(options);
    m_net->resetParameters(init);
    return m_net.ptr();
}

std::unique_ptr<TrainOptimizer> TigerModel::buildOptimizer(std::vector<at::Tensor> parameters) {
    std::unique_ptr<TrainOptimizer> optimizer = wrapOptimizer(
        std::make_unique<torch::optim::AdamW>(std::move(parameters), torch::optim::AdamWOptions(m_config.learningRateAt(1))
                                                                         .betas(std::make_tuple(0.9, 0.98))
                                                                         .weight_decay(m_config.weightDecay)));
    // The learning rate follows the step counter (see LrSchedule::at).
    optimizer->setSchedule([schedule = m_config.lr](int64_t step) { return schedule.at(step); });
    return optimizer;
}

at::Tensor TigerModel::historyTokens(const std::vector<const int32_t*>& begins,
                                     const std::vector<int64_t>& lengths) const {
    int64_t longest = 1;
    for (const int64_t n : lengths) longest = std::max(longest, n);
    const int64_t t = longest * m_levels;
    const auto b = static_cast<int64_t>(begins.size());
    at::Tensor tokens = at::zeros({b, t}, at::TensorOptions().dtype(at::kLong));
    int64_t* data = tokens.data_ptr<int64_t>();
    const SemanticIds& ids = *this->data().semanticIds;
    for (int64_t r = 0; r < b; ++r) {
        const int64_t n = lengths[static_cast<size_t>(r)];
        int64_t* out = data + r * t + (t - n * m_levels);
        for (int64_t i = 0; i < n; ++i) {
            const int32_t* codes = ids.row(begins[static_cast<size_t>(r)][i]);
            for (int64_t level = 0; level < m_levels; ++level) *out++ = m_net->codeToken(level, codes[level]);
        }
    }
    return tokens.to(device());
}

at::Tensor TigerModel::userTensor(const std::vector<int32_t>& users) const {
    if (m_config.userBuckets <= 0) return {};
    std::vector<int64_t> buckets;
    buckets.reserve(users.size());
    for (const int32_t u : users) buckets.push_back(m_userBucket[static_cast<size_t>(u)]);
    return at::tensor(buckets, at::kLong).to(device());
}

std::vector<std::vector<size_t>> TigerModel::epochBatches(EpochRandom& random) {
    std::vector<size_t> order = shuffledOrder(m_samples.size(), random);
    // Length bucketing: a batch is padded to its longest history, and attention costs T^2, so sort
    // windows of kBucketBatches batches of the shuffled order by history length, cut them into
    // batches and shuffle the batch order. Every sample is still seen once per epoch.
    const auto batchSize = static_cast<size_t>(std::max<int64_t>(1, m_config.batchSize));
    auto historyLength = [&](size_t sample) {
        return std::min<int64_t>(m_samples[sample].position, m_config.maxItems);
    };
    const size_t window = batchSize * static_cast<size_t>(kBucketBatches);
    for (size_t first = 0; first < order.size(); first += window) {
        const auto last = static_cast<std::ptrdiff_t>(std::min(order.size(), first + window));
        std::stable_sort(order.begin() + static_cast<std::ptrdiff_t>(first), order.begin() + last,
                         [&](size_t a, size_t b) { return historyLength(a) < historyLength(b); });
    }
    std::vector<std::vector<size_t>> batches = cutBatches(order, m_config.batchSize);
    random.shuffle(batches);
    return batches;
}

at::Tensor TigerModel::batchLoss(const std::vector<size_t>& batch, EpochRandom& random) {
    const Dataset& dataset = this->dataset();
    const SemanticIds& ids = *data().semanticIds;
    const auto b = static_cast<int64_t>(batch.size());
    std::vector<const int32_t*> begins;
    std::vector<int64_t> lengths, targets;
    std::vector<int32_t> users, targetCodes;
    for (const size_t index : batch) {
        const Sample& sample = m_samples[index];
        const std::vector<int32_t>& items = dataset.users[static_cast<size_t>(sample.user)].items;
        const int64_t start = std::max<int64_t>(0, sample.position - m_config.maxItems);
        begins.push_back(items.data() + start);
        lengths.push_back(sample.position - start);
        users.push_back(sample.user);
        const int32_t* codes = ids.row(items[static_cast<size_t>(sample.position)]);
        targets.insert(targets.end(), codes, codes + m_levels);
        targetCodes.insert(targetCodes.end(), codes, codes + m_levels);
    }
    // Each level's softmax runs over its own slice of the joint vocabulary, or (constrained training)
    // over the codes the trie allows after the true prefix.
    const at::Tensor mask =
        m_config.constrainedTraining
            ? trieTrainingMask(*m_trie, targetCodes.data(), b, m_net->offsets(), m_net->jointVocab()).to(device())
            : m_net->levelMask(at::TensorOptions().dtype(at::kFloat).device(device())).unsqueeze(0);
    const at::Tensor offsets = at::tensor(m_net->offsets(), at::kLong).to(device()).unsqueeze(0);  // 1 x levels
    const at::Tensor target = at::tensor(targets, at::kLong).view({b, m_levels}).to(device());
    const TigerMemory memory = m_net->encode(historyTokens(begins, lengths), userTensor(users), &random.generator);
    // Cross-entropy of each level over its own vocabulary: the joint logits masked to the level.
    const at::Tensor logits = m_net->decodeAll(memory, target, &random.generator) + mask;
    const at::Tensor logProbs = at::log_softmax(logits, -1).view({b * m_levels, -1});
    const at::Tensor nll = at::nll_loss(logProbs, (target + offsets).view({b * m_levels}));
    if (m_config.labelSmoothing <= 0.0) return nll;
    // Smoothing spreads its share evenly over the codes the mask allows (-inf elsewhere: excluded).
    const at::Tensor allowed = at::isfinite(mask).expand_as(logits).reshape({b * m_levels, -1});
    const at::Tensor uniform = -(logProbs.masked_fill(allowed.logical_not(), 0.0).sum(-1) / allowed.sum(-1)).mean();
    return nll * (1.0 - m_config.labelSmoothing) + uniform * m_config.labelSmoothing;
}

TigerMemory TigerModel::encodeUsers(const std::vector<int32_t>& users, const std::vector<size_t>& rows,
                                     EvalPhase phase) {
    std::vector<const int32_t*> begins;
    std::vector<int64_t> lengths;
    std::vector<int32_t> batchUsers;
    for (const size_t r : rows) {
        const HistoryWindow history = historyOf(users[r], phase, m_config.maxItems);
        begins.push_back(history.begin);
        lengths.push_back(history.length);
        batchUsers.push_back(users[r]);
    }
    return m_net->encode(historyTokens(begins, lengths), userTensor(batchUsers));
}

std::vector<int64_t> TigerModel::historyLengths(const std::vector<int32_t>& users, EvalPhase phase) const {
    std::vector<int64_t> lengths(users.size());
    for (size_t r = 0; r < users.size(); ++r) lengths[r] = historyOf(users[r], phase, m_config.maxItems).length;
    return lengths;
}

void TigerModel::searchUsers(const std::vector<int32_t>& users, EvalPhase phase, int64_t width,
                             const BeamConsumer& consume) {
    const EvalScope scope(network());
    const auto search = [&](const std::vector<size_t>& rows) {
        const TigerMemory memory = encodeUsers(users, rows, phase);
        TigerIdDecoder decoder(*m_net, memory);
        return idBeamSearch(decoder, *m_trie, width, m_config.constrained);
    };
    searchByHistoryLength(historyLengths(users, phase), width, kEvalRows, batchThreads(device().is_cpu()), search,
                          m_stats, consume);
}

void TigerModel::exactScoreUsers(const std::vector<int32_t>& users, EvalPhase phase, std::vector<float>& out) {
    requirePrepared("exactScoreUsers()");
    const EvalScope scope(network());
    const auto items = static_cast<size_t>(this->items());
    out.assign(users.size() * items, std::numeric_limits<float>::lowest());
    // A user needs one decoder row per trie node of a depth at a time: as many rows as the widest depth.
    std::vector<int64_t> perDepth(static_cast<size_t>(m_levels + 1), 0);
    for (int32_t node = 0; node < m_trie->nodeCount(); ++node) ++perDepth[static_cast<size_t>(m_trie->depth(node))];
    const int64_t widest = *std::max_element(perDepth.begin(), perDepth.end() - 1);
    // Batches of similar history lengths pad less; results go back to each user's own row.
    const std::vector<std::vector<size_t>> batches =
        lengthSortedBatches(historyLengths(users, phase), static_cast<size_t>(std::max<int64_t>(1, kEvalRows / widest)));
    forEachBatchInParallel(batches.size(), batchThreads(device().is_cpu()), [&](size_t b) {
        const TigerMemory memory = encodeUsers(users, batches[b], phase);
        TigerIdDecoder decoder(*m_net, memory);
        const std::vector<float> scores = exactItemScores(exactLeafScores(decoder, *m_trie), *m_trie);
        for (size_t r = 0; r < batches[b].size(); ++r)
            std::copy_n(scores.begin() + static_cast<std::ptrdiff_t>(r * items), items,
                        out.begin() + static_cast<std::ptrdiff_t>(batches[b][r] * items));
    });
}

void TigerModel::rankUsers(const std::vector<int32_t>& users, EvalPhase phase, int32_t count,
                           std::vector<std::vector<int32_t>>& out) {
    requirePrepared("rankUsers()");
    out.assign(users.size(), {});
    if (count <= 0) return;
    const int64_t width = std::max<int64_t>(m_config.beamSize, count);
    searchUsers(users, phase, width,
                [&](size_t row, const std::vector<IdBeam>& beams) { appendBeamItems(*m_trie, beams, count, out[row]); });
}

void TigerModel::scoreUsers(const std::vector<int32_t>& users, EvalPhase phase, std::vector<float>& out) {
    requirePrepared("scoreUsers()");
    // Items on the beam get their tuple's log-probability (items sharing a tuple step down by one ulp, in
    // list order); every other item gets the lowest float, below any beam.
    const auto items = static_cast<size_t>(this->items());
    out.assign(users.size() * items, std::numeric_limits<float>::lowest());
    searchUsers(users, phase, m_config.beamSize, [&](size_t row, const std::vector<IdBeam>& beams) {
        writeBeamScores(*m_trie, beams, out.data() + row * items);
    });
}

std::map<std::string, double> TigerModel::takeEvalStats() {
    return m_stats.take();
}

std::vector<AttentionMap> TigerModel::attention(const std::vector<int32_t>& history) {
    requirePrepared("attention()");
    const std::vector<int32_t> items = recentItems(history, m_config.maxItems);
    if (items.empty()) return {};
    std::vector<AttentionMap> maps;
    {
        const EvalScope scope(network());
        // A bare history has no user: the encoder sees the item tokens only.
        const TigerMemory memory =
            m_net->encode(historyTokens({items.data()}, {static_cast<int64_t>(items.size())}), at::Tensor(), nullptr,
                          /*withAttention=*/true);
        std::vector<AttentionPosition> positions;
        const SemanticIds& ids = *data().semanticIds;
        for (const int32_t item : items) {
            AttentionPosition position = itemPosition(item);
            position.kind = AttentionPosition::Kind::Token;
            for (int32_t level = 0; level < ids.levels; ++level) {
                position.level = level;
                position.code = ids.at(item, level);
                positions.push_back(position);
            }
        }
        maps = toAttentionMaps(memory.attentions, positions);
    }
    return maps;
}

std::vector<CheckpointMatch> TigerModel::checkpointMatches() const {
    const SemanticIds& ids = *data().semanticIds;
    return {sizesMatch({m_config.hidden, m_config.encoderLayers, m_config.decoderLayers, m_config.heads,
                        m_config.feedForward, m_config.maxItems, m_config.userBuckets, m_levels},
                       "hidden, layers, heads, feed_forward, max_items, user_buckets, levels"),
            {"codes", at::tensor(std::vector<int64_t>(ids.codes.begin(), ids.codes.end()), at::kLong),
             "checkpoint was trained on other semantic IDs"}};
}

nlohmann::json TigerModel::exportInfo() const {
    return {{"levels", m_levels},
            {"level_vocab", m_vocab},
            {"level_offsets", m_net->offsets()},
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
             "search over levels, constrained to existing semantic-ID tuples"}};
}

}  // namespace

std::unique_ptr<Recommender> makeTiger(const std::string& configJson) {
    return std::make_unique<TigerModel>(parseTigerConfig(configJson));
}

}  // namespace tokenbench::core
