// SID-GPT: decoder-only generative retrieval over semantic IDs, as a Recommender.
//
// A causal pre-LN transformer reads a user's history as one token stream, BOS then each item's codes
// level by level, and learns every next token of it in one pass, as SASRec learns every next item:
// one training sequence per user, the last max_items + 1 items of the training part; the output at
// each position predicts the next token, so level l of item i+1 is predicted from item i+1's codes
// above l and every item before it. Loss: cross-entropy of each level over its own codes (or, with
// constrained_training, over the codes the prefix trie allows after the true prefix), averaged over
// every predicted token, each level weighted the same.
// Ranking: the history prefix is run once per user and its keys/values kept; a beam search over the
// levels (constrained by the prefix trie, by default) then appends one token per beam and level.
// AdamW with a linear warm-up.
//
// Determinism: initialisation comes from the run seed; each epoch's shuffle and dropout masks come
// from (seed, epoch) alone, and the learning rate from the step counter, so a checkpoint (model,
// AdamW state, epoch and step counters) resumes exactly.
#include <algorithm>
#include <limits>
#include <map>
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
#include "models/parallel_batches.h"
#include "models/id_beam_search.h"
#include "models/prefix_trie.h"
#include "models/sequence_tensors.h"
#include "models/sid_gpt_config.h"
#include "models/sid_gpt_id_decoder.h"
#include "models/sid_gpt_module.h"
#include "models/torch_recommender.h"
#include "models/trie_training_mask.h"

namespace tokenbench::core {

namespace {

constexpr const char* kSidGptId = "sid-gpt";
constexpr int64_t kEvalRows = 5120;  // decoder rows (users x beams) per ranking pass
constexpr int64_t kCheckpointFormat = 1;
constexpr int64_t kBucketBatches = 16;              // batches per length-sorted window
constexpr uint64_t kEpochSalt = 0x5349444750540000ULL;  // epoch streams: see epochRandom

/// One training sequence: `count` items of `user`'s sequence from `start`.
struct Sample final {
    int32_t user = 0;
    int32_t start = 0;
    int32_t count = 0;
};

class SidGptModel final : public TorchRecommender {
public:
    explicit SidGptModel(SidGptConfig config)
        : TorchRecommender(kSidGptId, config.json, kEpochSalt, kCheckpointFormat), m_config(std::move(config)) {}

    void scoreUsers(const std::vector<int32_t>& users, EvalPhase phase, std::vector<float>& out) override;
    [[nodiscard]] bool ranksByList() const override { return true; }
    void rankUsers(const std::vector<int32_t>& users, EvalPhase phase, int32_t count,
                   std::vector<std::vector<int32_t>>& out) override;
    [[nodiscard]] std::map<std::string, double> takeEvalStats() override { return m_stats.take(); }
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
    /// B x T prefix tokens: BOS and the codes of `lengths[r]` items from `begins[r]` per row,
    /// left-padded, on the device.
    at::Tensor prefixTokens(const std::vector<const int32_t*>& begins, const std::vector<int64_t>& lengths) const;
    /// Beam search of width `width` for `users` on the phase's history; see searchByHistoryLength.
    void searchUsers(const std::vector<int32_t>& users, EvalPhase phase, int64_t width, const BeamConsumer& consume);

    SidGptConfig m_config;
    int64_t m_levels = 0;
    std::vector<int64_t> m_vocab;  ///< [level] max code + 1
    std::unique_ptr<PrefixTrie> m_trie;
    SidGpt m_net{nullptr};
    std::vector<Sample> m_samples;
    BeamStats m_stats;  ///< since the last takeEvalStats()
};

void SidGptModel::checkData(const TrainingData& data) const {
    if (!data.semanticIds)
        throw std::invalid_argument(
            "sid-gpt: no semantic IDs: SID-GPT generates items as semantic-ID tuples, so it needs the IDs of a "
            "tokenizer run for this data set");
    const SemanticIds& ids = *data.semanticIds;
    const auto items = static_cast<int64_t>(data.dataset->items.size());
    if (ids.items != items)
        throw std::invalid_argument("sid-gpt: the semantic IDs cover " + std::to_string(ids.items) +
                                    " items but the data set has " + std::to_string(items) +
                                    " (IDs of another data set?)");
    if (ids.levels < 1) throw std::invalid_argument("sid-gpt: the semantic IDs have no levels");
    if (static_cast<int64_t>(ids.codes.size()) != ids.items * ids.levels)
        throw std::invalid_argument("sid-gpt: the semantic IDs hold " + std::to_string(ids.codes.size()) +
                                    " codes, not items x levels");
    for (size_t i = 0; i < ids.codes.size(); ++i)
        if (ids.codes[i] < 0)
            throw std::invalid_argument("sid-gpt: item " + std::to_string(i / static_cast<size_t>(ids.levels)) +
                                        " has a negative semantic-ID code");
}

void SidGptModel::prepareData() {
    const Dataset& dataset = this->dataset();
    const SemanticIds& ids = *data().semanticIds;
    m_levels = ids.levels;
    // A collision-disambiguation level may exceed the codebook: size each level by what it uses.
    m_vocab.assign(static_cast<size_t>(m_levels), 0);
    for (int64_t item = 0; item < items(); ++item)
        for (int32_t level = 0; level < ids.levels; ++level)
            m_vocab[static_cast<size_t>(level)] =
                std::max<int64_t>(m_vocab[static_cast<size_t>(level)], ids.at(item, level) + 1);
    m_trie = std::make_unique<PrefixTrie>(ids.codes, ids.items, ids.levels);

    m_samples.clear();
    for (size_t u = 0; u < dataset.users.size(); ++u) {
        const std::vector<int32_t>& items = dataset.users[u].items;
        for (const int32_t item : items)
            if (item < 0 || item >= this->items())
                throw std::invalid_argument("sid-gpt: user " + std::to_string(u) + " has item id " +
                                            std::to_string(item) + " out of range");
        const int64_t trainEnd = std::min<int64_t>(data().split->users[u].trainEnd, static_cast<int64_t>(items.size()));
        // Even a single item is a sequence: BOS predicts its codes.
        if (trainEnd < 1) continue;
        const int64_t start = std::max<int64_t>(0, trainEnd - m_config.maxItems - 1);
        m_samples.push_back(
            Sample{static_cast<int32_t>(u), static_cast<int32_t>(start), static_cast<int32_t>(trainEnd - start)});
    }
    m_stats = BeamStats(m_trie.get());
}

std::shared_ptr<torch::nn::Module> SidGptModel::buildNetwork(at::Generator& init) {
    SidGptOptions options;
    static_cast<SidGptSizes&>(options) = m_config;
    options.vocab = m_vocab;
    m_net = SidGpt(options);
    m_net->resetParameters(init);
    return m_net.ptr();
}

std::unique_ptr<TrainOptimizer> SidGptModel::buildOptimizer(std::vector<at::Tensor> parameters) {
    std::unique_ptr<TrainOptimizer> optimizer = wrapOptimizer(
        std::make_unique<torch::optim::AdamW>(std::move(parameters), torch::optim::AdamWOptions(m_config.learningRateAt(1))
                                                                         .betas(std::make_tuple(0.9, 0.98))
                                                                         .weight_decay(m_config.weightDecay)));
    optimizer->setSchedule([schedule = m_config.lr](int64_t step) { return schedule.at(step); });
    return optimizer;
}

std::vector<std::vector<size_t>> SidGptModel::epochBatches(EpochRandom& random) {
    std::vector<size_t> order = shuffledOrder(m_samples.size(), random);
    // Length bucketing (as TIGER's): a batch is padded to its longest sequence and attention costs
    // T^2, so windows of kBucketBatches batches of the shuffled order are sorted by length, cut into
    // batches, and the batch order shuffled. Every sample is still seen once per epoch.
    const auto batchSize = static_cast<size_t>(std::max<int64_t>(1, m_config.batchSize));
    const size_t window = batchSize * static_cast<size_t>(kBucketBatches);
    for (size_t first = 0; first < order.size(); first += window) {
        const auto last = static_cast<std::ptrdiff_t>(std::min(order.size(), first + window));
        std::stable_sort(order.begin() + static_cast<std::ptrdiff_t>(first), order.begin() + last,
                         [&](size_t a, size_t b) { return m_samples[a].count < m_samples[b].count; });
    }
    std::vector<std::vector<size_t>> batches = cutBatches(order, m_config.batchSize);
    random.shuffle(batches);
    return batches;
}

at::Tensor SidGptModel::batchLoss(const std::vector<size_t>& batch, EpochRandom& random) {
    const Dataset& dataset = this->dataset();
    const SemanticIds& ids = *data().semanticIds;
    const int64_t levels = m_levels;
    const auto b = static_cast<int64_t>(batch.size());
    int64_t longest = 1;
    for (const size_t index : batch) longest = std::max<int64_t>(longest, m_samples[index].count);
    // Inputs: BOS and every token but the last, right-aligned; column T - n*L + i*L + l predicts
    // level l of item i.
    const int64_t t = longest * levels;
    std::vector<int64_t> tokens(static_cast<size_t>(b * t), 0);
    std::vector<int32_t> targetCodes;                                // items x levels, in (row, item) order
    std::vector<std::vector<int64_t>> columns(static_cast<size_t>(levels));  // [level] flat positions
    for (int64_t r = 0; r < b; ++r) {
        const Sample& sample = m_samples[batch[static_cast<size_t>(r)]];
        const int32_t* items = dataset.users[static_cast<size_t>(sample.user)].items.data() + sample.start;
        const int64_t first = r * t + t - sample.count * levels;
        int64_t* out = tokens.data() + first;
        *out++ = SidGptImpl::kBos;
        for (int64_t i = 0; i < sample.count; ++i) {
            const int32_t* codes = ids.row(items[i]);
            targetCodes.insert(targetCodes.end(), codes, codes + levels);
            for (int64_t l = 0; l < levels; ++l) {
                columns[static_cast<size_t>(l)].push_back(first + i * levels + l);
                if (i + 1 < sample.count || l + 1 < levels) *out++ = m_net->codeToken(l, codes[l]);
            }
        }
    }
    const auto targets = static_cast<int64_t>(targetCodes.size()) / levels;
    std::vector<int64_t> positions;  // level-major: all level-0 predictions, then level 1...
    for (const std::vector<int64_t>& level : columns) positions.insert(positions.end(), level.begin(), level.end());
    const at::Tensor hidden = m_net->forward(longTensor(tokens, {b, t}), levels - 1, &random.generator)
                                  .hidden.reshape({b * t, m_config.hidden})
                                  .index_select(0, longTensor(positions, {levels * targets}))
                                  .view({levels, targets, m_config.hidden});
    const at::Tensor mask = m_config.constrainedTraining
                                ? trieTrainingMask(*m_trie, targetCodes.data(), targets, m_net->offsets(),
                                                   m_net->jointVocab())
                                      .to(device())
                                : at::Tensor();
    const std::vector<at::Tensor> logProbs = m_net->levelLogProbs(hidden, mask);
    std::vector<int64_t> codes(targetCodes.begin(), targetCodes.end());
    const at::Tensor codeTensor = longTensor(codes, {targets, levels});
    at::Tensor loss = at::zeros({}, hidden.options());
    for (int64_t l = 0; l < levels; ++l)
        loss = loss + at::nll_loss(logProbs[static_cast<size_t>(l)], codeTensor.select(1, l), {}, at::Reduction::Sum);
    return loss / static_cast<double>(targets * levels);
}

at::Tensor SidGptModel::prefixTokens(const std::vector<const int32_t*>& begins,
                                     const std::vector<int64_t>& lengths) const {
    int64_t longest = 0;
    for (const int64_t n : lengths) longest = std::max(longest, n);
    const int64_t t = 1 + longest * m_levels;
    const auto b = static_cast<int64_t>(begins.size());
    at::Tensor tokens = at::zeros({b, t}, at::TensorOptions().dtype(at::kLong));
    int64_t* data = tokens.data_ptr<int64_t>();
    const SemanticIds& ids = *this->data().semanticIds;
    for (int64_t r = 0; r < b; ++r) {
        const int64_t n = lengths[static_cast<size_t>(r)];
        int64_t* out = data + r * t + (t - 1 - n * m_levels);
        *out++ = SidGptImpl::kBos;
        for (int64_t i = 0; i < n; ++i) {
            const int32_t* codes = ids.row(begins[static_cast<size_t>(r)][i]);
            for (int64_t level = 0; level < m_levels; ++level) *out++ = m_net->codeToken(level, codes[level]);
        }
    }
    return tokens.to(device());
}

void SidGptModel::searchUsers(const std::vector<int32_t>& users, EvalPhase phase, int64_t width,
                              const BeamConsumer& consume) {
    std::vector<HistoryWindow> histories(users.size());
    std::vector<int64_t> lengths(users.size());
    for (size_t r = 0; r < users.size(); ++r) {
        histories[r] = historyOf(users[r], phase, m_config.maxItems);
        lengths[r] = histories[r].length;
    }
    const EvalScope scope(network());
    const auto search = [&](const std::vector<size_t>& rows) {  // runs on several threads: own buffers
        std::vector<const int32_t*> begins;
        std::vector<int64_t> batchLengths;
        for (const size_t r : rows) {
            begins.push_back(histories[r].begin);
            batchLengths.push_back(histories[r].length);
        }
        SidGptIdDecoder decoder(*m_net, prefixTokens(begins, batchLengths));
        return idBeamSearch(decoder, *m_trie, width, m_config.constrained);
    };
    searchByHistoryLength(lengths, width, kEvalRows, batchThreads(device().is_cpu()), search, m_stats, consume);
}

void SidGptModel::rankUsers(const std::vector<int32_t>& users, EvalPhase phase, int32_t count,
                            std::vector<std::vector<int32_t>>& out) {
    requirePrepared("rankUsers()");
    out.assign(users.size(), {});
    if (count <= 0) return;
    searchUsers(users, phase, std::max<int64_t>(m_config.beamSize, count),
                [&](size_t row, const std::vector<IdBeam>& beams) { appendBeamItems(*m_trie, beams, count, out[row]); });
}

void SidGptModel::scoreUsers(const std::vector<int32_t>& users, EvalPhase phase, std::vector<float>& out) {
    requirePrepared("scoreUsers()");
    // Items on the beam get their tuple's log-probability; every other item the lowest float.
    const auto items = static_cast<size_t>(this->items());
    out.assign(users.size() * items, std::numeric_limits<float>::lowest());
    searchUsers(users, phase, m_config.beamSize, [&](size_t row, const std::vector<IdBeam>& beams) {
        writeBeamScores(*m_trie, beams, out.data() + row * items);
    });
}

std::vector<AttentionMap> SidGptModel::attention(const std::vector<int32_t>& history) {
    requirePrepared("attention()");
    const std::vector<int32_t> items = recentItems(history, m_config.maxItems);
    if (items.empty()) return {};
    const EvalScope scope(network());
    const SidGptOutput out =
        m_net->forward(prefixTokens({items.data()}, {static_cast<int64_t>(items.size())}), 0, nullptr, true);
    std::vector<AttentionPosition> positions;
    AttentionPosition bos;
    bos.kind = AttentionPosition::Kind::Mask;  // a token that is no item
    bos.label = "[BOS]";
    positions.push_back(bos);
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
    return toAttentionMaps(out.attentions, positions);
}

std::vector<CheckpointMatch> SidGptModel::checkpointMatches() const {
    const SemanticIds& ids = *data().semanticIds;
    return {sizesMatch({m_config.hidden, m_config.layers, m_config.heads, m_config.feedForward, m_config.maxItems,
                        m_levels},
                       "hidden, layers, heads, feed_forward, max_items, levels"),
            {"codes", at::tensor(std::vector<int64_t>(ids.codes.begin(), ids.codes.end()), at::kLong),
             "checkpoint was trained on other semantic IDs"}};
}

nlohmann::json SidGptModel::exportInfo() const {
    return {{"levels", m_levels},
            {"level_vocab", m_vocab},
            {"level_offsets", m_net->offsets()},
            {"layout",
             "GPT-like pre-LN decoder-only transformer (blocks layerN: x + self_attention(self_norm(x)), then "
             "x + feed_forward2(gelu(feed_forward1(feed_forward_norm(x)))); final_norm). token_embedding rows: "
             "0 = padding, 1 = BOS, 2 + level_offsets[l] + code = a code of level l. Input: BOS, then the last "
             "max_items history items' codes level by level, left-padded; causal attention, padding masked. "
             "Each position adds the embeddings of the token it predicts: level_embedding[l] + "
             "slot_embedding[s], slots right-aligned so that the item being generated is slot max_items (the "
             "most recent history item max_items - 1). output rows [level_offsets[l], level_offsets[l] + "
             "level_vocab[l]) score level l's codes. Decoding: the prefix's last position predicts level 0; "
             "then each chosen code is appended and predicts the next level; beam search over levels, "
             "constrained to existing semantic-ID tuples"}};
}

}  // namespace

std::unique_ptr<Recommender> makeSidGpt(const std::string& configJson) {
    return std::make_unique<SidGptModel>(parseSidGptConfig(configJson));
}

}  // namespace tokenbench::core
