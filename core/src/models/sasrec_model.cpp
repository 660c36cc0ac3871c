// SASRec (Kang & McAuley, "Self-Attentive Sequential Recommendation", ICDM 2018) as a Recommender,
// and the registry's models built on the same network and training loop, each with its own schema:
//  - "rearec": ReaRec's reasoning steps (rearec_reasoning.h), full cross-entropy;
//  - "cl4srec": the cross-entropy loss plus CL4SRec's NT-Xent between two augmented views of each
//    training sequence (sequence_augment.h, contrastive_loss.h); the item table gets a [mask] row;
//  - "iclrec": cl4srec plus ICLRec's intent contrast (intent_clusters.h): each epoch starts by
//    clustering every training sequence's representation (the last position's state, as ranked) into
//    intents, and both views of a sequence are pulled towards its intent's prototype.
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
//  - "gbce": gSASRec's generalised BCE (sampled_losses.h): the bce loss with the positive's term
//    weighted by beta from the sampling rate and `gbce_t`, against over-confidence from few negatives;
//  - "sampled-softmax": softmax over the positive and `sampled_negatives` items drawn once per
//    batch and shared by all its positions (uniformly or by training frequency), with logQ
//    correction and accidental hits removed: most of full cross-entropy's quality for a fraction of
//    its cost on large catalogues (the eSASRec benchmark's strongest SASRec).
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
#include <nlohmann/json.hpp>

#include "models/builtin_models.h"
#include "models/negative_sampler.h"
#include "models/contrastive_loss.h"
#include "models/intent_clusters.h"
#include "models/rearec_reasoning.h"
#include "models/sampled_losses.h"
#include "models/sasrec_adam.h"
#include "models/sasrec_module.h"
#include "models/sasrec_params.h"
#include "models/sequence_augment.h"
#include "models/sequence_tensors.h"
#include "models/torch_recommender.h"
#include "models/transformer_settings.h"
#include "tokenbench/data/data_error.h"

namespace tokenbench::core {

namespace {

using nlohmann::json;

constexpr const char* kSasRecId = "sasrec";
constexpr const char* kReaRecId = "rearec";  // SASRec with ReaRec's reasoning steps (rearec_reasoning.h)
constexpr int kReaRecVersion = 1;
constexpr const char* kCl4SRecId = "cl4srec";  // SASRec with CL4SRec's contrastive views (sequence_augment.h)
constexpr int kCl4SRecVersion = 1;
constexpr const char* kIclRecId = "iclrec";  // cl4srec with ICLRec's intent contrast (intent_clusters.h)
constexpr int kIclRecVersion = 1;
// 2: fused Q/K/V projection ("in_projection"), hard negatives, bucketing, hashed dropout masks.
// 3: block wiring choice, the paper code's by default (version-2 configs have no key: pre-LN).
constexpr int kVersion = 3;
constexpr int64_t kScoreTokens = 4096;  // scoring: positions (users x padded length) per forward pass
constexpr int64_t kScoreRows = 1024;     // scoring: users per catalogue product
constexpr int64_t kBucketPool = 32;   // batches per length-sorted pool (bucketing)
constexpr int64_t kGroupOverhead = 256;  // a forward + backward pass's fixed cost, in padded positions
constexpr int64_t kCheckpointFormat = 2;
constexpr uint64_t kEpochSalt = 0x5a5352454353ULL;  // epoch streams: see epochRandom

enum class Loss { CrossEntropy, Bce, Hard, Gbce, SampledSoftmax };

/// The validated config, typed: the settings shared with BERT4Rec, and SASRec's own.
struct SasRecConfig final : TransformerSettings {
    std::string id = kSasRecId;  ///< sasrec, or rearec (reasoning steps, cross-entropy only)
    ReasoningSettings reasoning;  ///< rearec only
    AugmentRatios augment;        ///< cl4srec only
    double contrastWeight = 0.1;  ///< cl4srec: lambda of the NT-Xent term
    double contrastTemperature = 1.0;
    int64_t intents = 256;         ///< iclrec: K of the per-epoch k-means
    double intentWeight = 0.1;     ///< iclrec: weight of the intent contrast
    double intentTemperature = 1.0;
    Loss loss = Loss::CrossEntropy;
    bool bucketing = true;
    bool preNorm = false;
    int64_t negatives = 1;
    int64_t hardWarmupEpochs = 10;
    double hardShare = 0.5;
    double gbceT = 0.75;
    int64_t sampledNegatives = 256;
    bool popularityProposal = false;  ///< sampled-softmax: negatives by training frequency, else uniform
    bool lazyAdam = false;            ///< only the item rows a batch touches take an Adam step

    [[nodiscard]] bool reasons() const { return id == kReaRecId; }
    [[nodiscard]] bool contrasts() const { return id == kCl4SRecId || id == kIclRecId; }
    [[nodiscard]] bool clustersIntents() const { return id == kIclRecId; }
    /// The loss draws its own negatives for every position (bce, hard, gbce).
    [[nodiscard]] bool perPositionNegatives() const {
        return loss == Loss::Bce || loss == Loss::Hard || loss == Loss::Gbce;
    }
};

SasRecConfig parseConfig(const std::string& configJson, const std::string& id) {
    const json j = json::parse(configJson);
    SasRecConfig config;
    static_cast<TransformerSettings&>(config) = parseTransformerSettings(j, configJson, id);
    config.id = id;
    config.bucketing = j.at("bucketing").get<bool>();
    config.preNorm = j.value("block", std::string("pre-norm")) == "pre-norm";
    if (config.reasons()) {
        config.reasoning.steps = j.at("reasoning_steps").get<int64_t>();
        config.reasoning.progressive = j.at("reasoning_loss").get<std::string>() == "prl";
        config.reasoning.diversityWeight = j.at("diversity_weight").get<double>();
        config.reasoning.temperature = j.at("temperature").get<double>();
        config.reasoning.temperatureDecay = j.at("temperature_decay").get<double>();
        config.reasoning.contrastWeight = j.at("contrast_weight").get<double>();
        config.reasoning.noise = j.at("noise").get<double>();
        return config;
    }
    if (config.contrasts()) {
        config.augment.crop = j.at("crop").get<double>();
        config.augment.mask = j.at("mask").get<double>();
        config.augment.reorder = j.at("reorder").get<double>();
        config.contrastWeight = j.at("contrast_weight").get<double>();
        config.contrastTemperature = j.at("contrast_temperature").get<double>();
        if (config.clustersIntents()) {
            config.intents = j.at("intents").get<int64_t>();
            config.intentWeight = j.at("intent_weight").get<double>();
            config.intentTemperature = j.at("intent_temperature").get<double>();
        }
        return config;
    }
    const std::string loss = j.at("loss").get<std::string>();
    config.loss = loss == "bce"               ? Loss::Bce
                  : loss == "hard"            ? Loss::Hard
                  : loss == "gbce"            ? Loss::Gbce
                  : loss == "sampled-softmax" ? Loss::SampledSoftmax
                                              : Loss::CrossEntropy;
    config.negatives = j.at("negatives").get<int64_t>();
    config.hardWarmupEpochs = j.at("hard_warmup_epochs").get<int64_t>();
    config.hardShare = j.at("hard_share").get<double>();
    // Keys added after version 3; configs stored before them read as the defaults.
    config.gbceT = j.value("gbce_t", config.gbceT);
    config.sampledNegatives = j.value("sampled_negatives", config.sampledNegatives);
    config.popularityProposal = j.value("negative_sampling", std::string("uniform")) == "popularity";
    config.lazyAdam = j.value("lazy_adam", false);
    return config;
}

/// One training sequence: shifted item ids (0 is padding), at most max_length + 1 of them.
struct Sample final {
    std::vector<int64_t> items;
    int32_t user = 0;
};

class SasRecModel final : public TorchRecommender {
public:
    explicit SasRecModel(SasRecConfig config)
        : TorchRecommender(config.id, config.json, kEpochSalt, kCheckpointFormat), m_config(std::move(config)) {}

    void scoreUsers(const std::vector<int32_t>& users, EvalPhase phase, std::vector<float>& out) override;
    [[nodiscard]] std::vector<AttentionMap> attention(const std::vector<int32_t>& history) override;
    /// item_embedding rows 1..items (row 0 is padding).
    [[nodiscard]] FeatureMatrix itemEmbeddings() const override {
        requirePrepared("itemEmbeddings()");
        return itemTableRows(m_net->itemEmbedding->weight);
    }

private:
    void prepareData() override;
    std::shared_ptr<torch::nn::Module> buildNetwork(at::Generator& init) override;
    std::unique_ptr<TrainOptimizer> buildOptimizer(std::vector<at::Tensor> parameters) override;
    /// This epoch's batches (indexes into m_samples), shuffled; see file comment.
    std::vector<std::vector<size_t>> epochBatches(EpochRandom& random) override;
    at::Tensor batchLoss(const std::vector<size_t>& batch, EpochRandom& random) override;
    std::vector<CheckpointMatch> checkpointMatches() const override;
    nlohmann::json exportInfo() const override;
    /// `batch` split into groups of similar length, each run as its own forward pass.
    std::vector<std::vector<size_t>> lengthGroups(const std::vector<size_t>& batch) const;
    /// Probability that a "hard" negative comes from the graph in the current epoch (curriculum).
    [[nodiscard]] double hardShare() const;
    /// cl4srec and iclrec: the weighted contrastive terms of two augmented views of each sequence of
    /// `batch` (NT-Xent between the views; iclrec: each view against its sequence's intent).
    at::Tensor viewsLoss(const std::vector<size_t>& batch, EpochRandom& random);
    /// iclrec's E-step: every training sequence's representation, clustered into m_intents.
    void clusterIntents(EpochRandom& random);
    /// Each row's representation for ranking: the last position's state (rearec: after reasoning).
    at::Tensor lastHidden(const at::Tensor& input);
    /// lastHidden of each of `histories` (shifted ids, any lengths), [n, hidden], in their order: run
    /// in forward passes over histories of similar length (see file comment). Call without grad.
    at::Tensor historyStates(std::vector<std::vector<int64_t>> histories);
    /// The sampled-softmax loss of `hidden` (one row per target) against negatives shared by the batch.
    at::Tensor sharedNegativesLoss(const at::Tensor& hidden, const std::vector<int64_t>& targets, EpochRandom& random);

    SasRecConfig m_config;
    SasRec m_net{nullptr};
    std::vector<Sample> m_samples;
    std::unique_ptr<NegativeSampler> m_sampler;  ///< bce, hard and gbce losses only
    std::unique_ptr<ItemProposal> m_proposal;    ///< sampled-softmax only
    IntentClusters m_intents;                    ///< iclrec: this epoch's, indexed like m_samples
};

void SasRecModel::prepareData() {
    const Dataset& data = dataset();
    m_samples.clear();
    std::vector<std::vector<int32_t>> prefixes(m_config.perPositionNegatives() ? data.users.size() : 0);
    std::vector<double> frequencies(static_cast<size_t>(this->items()), 1.0);  // +1: every item can be drawn
    for (size_t u = 0; u < data.users.size(); ++u) {
        const std::vector<int32_t>& items = data.users[u].items;
        const int64_t trainEnd = std::min<int64_t>(this->data().split->users[u].trainEnd, static_cast<int64_t>(items.size()));
        if (!prefixes.empty()) prefixes[u].assign(items.begin(), items.begin() + trainEnd);
        if (trainEnd < 2) continue;
        const int64_t start = std::max<int64_t>(0, trainEnd - m_config.maxLength - 1);
        Sample sample;
        sample.user = static_cast<int32_t>(u);
        for (int64_t i = start; i < trainEnd; ++i) {
            const int32_t item = items[static_cast<size_t>(i)];
            if (item < 0 || item >= this->items()) throw std::invalid_argument("sasrec: item id out of range");
            sample.items.push_back(item + 1);
            if (i > start) frequencies[static_cast<size_t>(item)] += 1.0;  // a training target
        }
        m_samples.push_back(std::move(sample));
    }
    m_sampler.reset();
    m_proposal.reset();
    if (m_config.loss == Loss::SampledSoftmax)
        m_proposal = m_config.popularityProposal ? std::make_unique<ItemProposal>(std::move(frequencies))
                                                 : std::make_unique<ItemProposal>(this->items());
    if (m_config.perPositionNegatives()) {
        NegativeSamplerOptions samplerOptions;
        samplerOptions.buildGraph = m_config.loss == Loss::Hard;
        m_sampler = std::make_unique<NegativeSampler>(static_cast<int32_t>(this->items()), prefixes, samplerOptions);
    }
}

std::shared_ptr<torch::nn::Module> SasRecModel::buildNetwork(at::Generator& init) {
    SasRecOptions options;
    options.items = items();
    m_config.fillOptions(options);
    options.preNorm = m_config.preNorm;
    if (m_config.reasons()) options.reasoningSteps = m_config.reasoning.steps;
    options.maskToken = m_config.contrasts();
    m_net = SasRec(options);
    m_net->resetParameters(init);
    return m_net.ptr();
}

std::unique_ptr<TrainOptimizer> SasRecModel::buildOptimizer(std::vector<at::Tensor> parameters) {
    SasRecAdamOptions adam;
    adam.learningRate = m_config.learningRate;
    adam.weightDecay = m_config.weightDecay;
    adam.lazyRows = m_config.lazyAdam;
    return std::make_unique<SasRecAdam>(std::move(parameters), adam);
}

double SasRecModel::hardShare() const {
    if (m_config.hardWarmupEpochs <= 0) return m_config.hardShare;
    const double progress = std::min(1.0, static_cast<double>(epoch()) / static_cast<double>(m_config.hardWarmupEpochs));
    return m_config.hardShare * progress;
}

std::vector<std::vector<size_t>> SasRecModel::epochBatches(EpochRandom& random) {
    if (m_config.clustersIntents()) clusterIntents(random);
    std::vector<size_t> order = shuffledOrder(m_samples.size(), random);
    if (!m_config.bucketing) return cutBatches(order, m_config.batchSize);
    return bucketedBatches(std::move(order), [&](size_t index) { return m_samples[index].items.size(); },
                           m_config.batchSize, kBucketPool, random);
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

at::Tensor SasRecModel::batchLoss(const std::vector<size_t>& batch, EpochRandom& random) {
    const bool sampled = m_config.perPositionNegatives();
    const int64_t k = sampled ? std::max<int64_t>(1, m_config.negatives) : 0;
    const double share = m_config.loss == Loss::Hard ? hardShare() : 0.0;
    std::vector<int64_t> inputs, targets, candidates, rows;
    std::vector<at::Tensor> hiddenParts;
    std::vector<std::vector<at::Tensor>> stepParts;  // rearec: per step, as hiddenParts
    std::vector<at::Tensor> lastParts, noisyParts;    // rearec PRL: each sequence's last step, clean and perturbed
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
                        1 + (m_config.loss == Loss::Hard ? m_sampler->sample(sample.user, dense, share, random.state)
                                                         : m_sampler->uniform(sample.user, random.state)));
            }
        }
        const at::Tensor input = longTensor(inputs, {g, t});
        const at::Tensor real = longTensor(rows, {static_cast<int64_t>(rows.size())});
        if (!m_config.reasons()) {
            hiddenParts.push_back(
                m_net->forward(input, &random.generator).hidden.reshape({g * t, m_config.hidden}).index_select(0, real));
            continue;
        }
        const ReasoningSettings& reasoning = m_config.reasoning;
        const std::vector<at::Tensor> states = reasoningStates(*m_net, input, reasoning.steps, false, &random.generator);
        stepParts.resize(states.size());
        for (size_t k = 0; k < states.size(); ++k)
            stepParts[k].push_back(states[k].reshape({g * t, m_config.hidden}).index_select(0, real));
        if (reasoning.progressive && reasoning.contrastWeight > 0.0) {
            lastParts.push_back(states.back().select(1, t - 1));
            noisyParts.push_back(reasoningStates(*m_net, input, reasoning.steps, true, &random.generator, reasoning.noise)
                                     .back()
                                     .select(1, 0));
        }
    }
    const auto real = static_cast<int64_t>(targets.size());
    if (m_config.reasons()) {
        const auto joined = [](const std::vector<at::Tensor>& parts) {
            return parts.empty() ? at::Tensor() : parts.size() == 1 ? parts.front() : at::cat(parts, 0);
        };
        std::vector<at::Tensor> states;
        for (const std::vector<at::Tensor>& parts : stepParts) states.push_back(joined(parts));
        return reasoningLoss(*m_net, states, longTensor(targets, {real}), joined(lastParts), joined(noisyParts),
                             m_config.reasoning);
    }
    const at::Tensor hidden = hiddenParts.size() == 1 ? hiddenParts.front() : at::cat(hiddenParts, 0);
    if (m_config.loss == Loss::CrossEntropy) {
        const at::Tensor loss = at::nll_loss(at::log_softmax(m_net->scoreAll(hidden), 1), longTensor(targets, {real}) - 1);
        return m_config.contrasts() ? loss + viewsLoss(batch, random) : loss;
    }
    if (m_config.loss == Loss::SampledSoftmax) return sharedNegativesLoss(hidden, targets, random);
    // Eq. 6 (or gBCE) with every candidate's logit from one gather. A product and a sum, not bmm:
    // bmm would dispatch one tiny matrix product per position. A sparse-gradient lookup, like the
    // input embedding's (see SasRecAdam).
    const at::Tensor embedded = at::embedding(m_net->itemEmbedding->weight, longTensor(candidates, {real * (1 + k)}),
                                              /*padding_idx=*/-1, /*scale_grad_by_freq=*/false, /*sparse=*/true)
                                    .view({real, 1 + k, m_config.hidden});
    const at::Tensor logits = (embedded * hidden.unsqueeze(1)).sum(-1);
    const double beta = m_config.loss == Loss::Gbce ? gbceBeta(k, items(), m_config.gbceT) : 1.0;
    return binaryLoss(logits, beta);
}

at::Tensor SasRecModel::viewsLoss(const std::vector<size_t>& batch, EpochRandom& random) {
    if (batch.size() < 2) return at::zeros({}, m_net->itemEmbedding->weight.options());
    // Two views of each input sequence (the sample without its last target), all in one pass.
    const int64_t maskToken = items() + 1;
    std::vector<std::vector<int64_t>> views;
    views.reserve(2 * batch.size());
    for (int view = 0; view < 2; ++view)
        for (const size_t index : batch) {
            const std::vector<int64_t>& items = m_samples[index].items;
            views.push_back(augmentedView({items.begin(), items.end() - 1}, m_config.augment, maskToken, random.state));
        }
    const at::Tensor input = leftPaddedBatch(views, device());
    const at::Tensor last = m_net->forward(input, &random.generator).hidden.select(1, input.size(1) - 1);
    const auto b = static_cast<int64_t>(batch.size());
    at::Tensor loss = m_config.contrastWeight * ntXentLoss(last.narrow(0, 0, b), last.narrow(0, b, b),
                                                           m_config.contrastTemperature, /*cosine=*/false);
    if (!m_config.clustersIntents() || m_intents.empty()) return loss;
    std::vector<int64_t> intents;
    intents.reserve(2 * batch.size());
    for (int view = 0; view < 2; ++view)
        for (const size_t index : batch) intents.push_back(m_intents.intentOf.at(index));
    return loss + m_config.intentWeight * intentContrastLoss(last, m_intents.prototypes,
                                                             longTensor(intents, {2 * b}), m_config.intentTemperature);
}

void SasRecModel::clusterIntents(EpochRandom& random) {
    std::vector<std::vector<int64_t>> inputs;
    inputs.reserve(m_samples.size());
    for (const Sample& sample : m_samples) inputs.emplace_back(sample.items.begin(), sample.items.end() - 1);
    at::Tensor states;
    {
        const EvalScope scope(network());  // the representation the model ranks with: no dropout
        states = historyStates(std::move(inputs));
    }
    m_intents = fitIntents(states.to(at::kCPU), m_config.intents, random.next());
    m_intents.prototypes = m_intents.prototypes.to(device());
}

at::Tensor SasRecModel::sharedNegativesLoss(const at::Tensor& hidden, const std::vector<int64_t>& targets,
                                            EpochRandom& random) {
    // Targets (shifted ids) and the batch's negatives in one sparse-gradient lookup, each with log Q.
    const auto real = static_cast<int64_t>(targets.size());
    const int64_t n = std::max<int64_t>(1, m_config.sampledNegatives);
    std::vector<int64_t> ids = targets;
    std::vector<float> logQ;
    logQ.reserve(static_cast<size_t>(real + n));
    for (const int64_t target : targets) logQ.push_back(static_cast<float>(m_proposal->logProbability(target - 1)));
    for (int64_t j = 0; j < n; ++j) {
        const int64_t item = m_proposal->draw(random.state);
        ids.push_back(item + 1);
        logQ.push_back(static_cast<float>(m_proposal->logProbability(item)));
    }
    const at::Tensor idTensor = longTensor(ids, {real + n});
    const at::Tensor q = at::from_blob(logQ.data(), {real + n}, at::kFloat).to(device(), hidden.scalar_type(),
                                                                              false, /*copy=*/true);
    const at::Tensor embedded = at::embedding(m_net->itemEmbedding->weight, idTensor, /*padding_idx=*/-1,
                                              /*scale_grad_by_freq=*/false, /*sparse=*/true);
    const at::Tensor hits = idTensor.narrow(0, 0, real).unsqueeze(1).eq(idTensor.narrow(0, real, n).unsqueeze(0));
    return sharedSampledSoftmaxLoss(hidden, embedded.narrow(0, 0, real), embedded.narrow(0, real, n), q.narrow(0, 0, real),
                                    q.narrow(0, real, n), hits);
}

void SasRecModel::scoreUsers(const std::vector<int32_t>& users, EvalPhase phase, std::vector<float>& out) {
    requirePrepared("scoreUsers()");
    const EvalScope scope(network());
    out.resize(users.size() * static_cast<size_t>(items()));
    std::vector<std::vector<int64_t>> histories(users.size());
    for (size_t r = 0; r < users.size(); ++r) {
        const HistoryWindow history = historyOf(users[r], phase, m_config.maxLength);
        for (int64_t i = 0; i < history.length; ++i) histories[r].push_back(history.begin[i] + 1);
    }
    const at::Tensor last = historyStates(std::move(histories));
    const auto count = static_cast<int64_t>(users.size());
    // Scores straight into `out`, in the caller's order: no per-batch temporaries to allocate and copy.
    const auto catalogue = static_cast<size_t>(items());
    for (int64_t begin = 0; begin < count; begin += kScoreRows) {
        const int64_t n = std::min(kScoreRows, count - begin);
        at::Tensor target = at::from_blob(out.data() + static_cast<size_t>(begin) * catalogue, {n, items()}, at::kFloat);
        const at::Tensor block = last.narrow(0, begin, n);
        if (device().is_cpu()) m_net->scoreAllInto(block, target);
        else target.copy_(m_net->scoreAll(block).to(at::kCPU, at::kFloat));
    }
}

at::Tensor SasRecModel::historyStates(std::vector<std::vector<int64_t>> all) {
    // Batches of similar length: sorted by length, as many histories as fit kScoreTokens positions;
    // each history's state goes to its row of `last`.
    std::vector<size_t> order(all.size());
    for (size_t r = 0; r < order.size(); ++r) order[r] = r;
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return all[a].size() < all[b].size(); });
    const at::Tensor last = at::empty({static_cast<int64_t>(all.size()), m_config.hidden}, m_net->itemEmbedding->weight.options());
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
        const at::Tensor input = leftPaddedBatch(histories, device());
        const at::Tensor index = at::from_blob(rows.data(), {static_cast<int64_t>(rows.size())}, at::kLong).to(last.device());
        last.index_copy_(0, index, lastHidden(input));
        begin = end;
    }
    return last;
}

at::Tensor SasRecModel::lastHidden(const at::Tensor& input) {
    if (!m_config.reasons()) return m_net->forward(input).hidden.select(1, input.size(1) - 1);
    return reasonedUser(reasoningStates(*m_net, input, m_config.reasoning.steps, true, nullptr), m_config.reasoning)
        .select(1, 0);
}

std::vector<AttentionMap> SasRecModel::attention(const std::vector<int32_t>& history) {
    requirePrepared("attention()");
    const std::vector<int32_t> recent = recentItems(history, m_config.maxLength);
    if (recent.empty()) return {};
    std::vector<int64_t> shifted;
    std::vector<AttentionPosition> positions;
    for (const int32_t item : recent) {
        shifted.push_back(item + 1);
        positions.push_back(itemPosition(item));
    }
    const EvalScope scope(network());
    const at::Tensor input = leftPaddedBatch({shifted}, device());
    if (!m_config.reasons()) return toAttentionMaps(m_net->forward(input, nullptr, /*withAttention=*/true).attentions, positions);
    // ReaRec: the last step's pass over the items and the last position's reasoning tokens.
    std::vector<at::Tensor> attentions;
    (void)reasoningStates(*m_net, input, m_config.reasoning.steps, true, nullptr, 0.0, &attentions);
    for (int64_t k = 1; k <= m_config.reasoning.steps; ++k) {
        AttentionPosition step;
        step.kind = AttentionPosition::Kind::Mask;  // a token that is no item
        step.label = "[STEP " + std::to_string(k) + "]";
        positions.push_back(step);
    }
    return toAttentionMaps(attentions, positions);
}

std::vector<CheckpointMatch> SasRecModel::checkpointMatches() const {
    if (!m_config.reasons()) return {sizesMatch(m_config.checkpointSizes(), TransformerSettings::kCheckpointSizeNames)};
    std::vector<int64_t> sizes = m_config.checkpointSizes();
    sizes.push_back(m_config.reasoning.steps);
    return {sizesMatch(sizes, std::string(TransformerSettings::kCheckpointSizeNames) + ", reasoning_steps")};
}

nlohmann::json SasRecModel::exportInfo() const {
    return {{"layout",
             std::string("item_embedding row 0 is padding, row i+1 is dense item i; positions are "
                         "right-aligned (the most recent item at max_length-1); ") +
                 (m_config.preNorm ? "pre-LN blocks: y = x + attn(LN(x)), out = y + ffn(LN(y)); "
                                   : "blocks wired as the paper's code: q = LN(x), y = q + attn(q, keys/values "
                                     "x), z = LN(y), out = z + ffn(z); ") +
                 "blockN.attention.in_projection "
                 "stacks the query, key and value projections (rows [q; k; v], as torch.nn.MultiheadAttention's "
                 "in_proj_weight); score = final_norm(h_T) . item_embedding[1:]^T" +
                 (m_config.reasons()
                      ? std::string("; rearec: reasoning_position row k-1 is added to the step-k token, which is the "
                                    "previous step's final_norm output at the last position and attends to every "
                                    "item and the earlier steps; the user is the ") +
                            (m_config.reasoning.progressive ? "last step's state (prl)" : "mean of all steps' states (erl)")
                      : std::string())}};
}

}  // namespace

std::vector<ParamSpec> sasRecSequenceParams(const char* dropout) {
    return {
        numberParam("hidden", "Hidden size", ParamType::Int, "64", 1, 4096, "Embedding and block width (d)"),
        numberParam("blocks", "Blocks", ParamType::Int, "2", 1, 64, "Self-attention blocks (paper: 2)"),
        numberParam("heads", "Heads", ParamType::Int, "1", 1, 64, "Attention heads; must divide the hidden size"),
        numberParam("dropout", "Dropout", ParamType::Float, dropout, 0, 0.95,
                    "On embeddings, attention weights and block outputs (paper: 0.5 sparse, 0.2 dense data)"),
        numberParam("max_length", "Max length", ParamType::Int, "50", 1, 4096, "Most recent items the model sees"),
        numberParam("batch_size", "Batch size", ParamType::Int, "128", 1, 1 << 20, "Sequences per optimizer step"),
        numberParam("learning_rate", "Learning rate", ParamType::Float, "0.001", 1e-9, 100, "Adam step size"),
        numberParam("weight_decay", "Weight decay", ParamType::Float, "0", 0, 1, "L2 penalty on all parameters"),
        boolParam("bucketing", "Length bucketing", "false",
                  "Batch sequences of similar length together (batch order shuffled each epoch): about twice as "
                  "fast on short-history data, but batches are no longer random samples; off: random batches, as "
                  "the reference code, each run in length groups so padding costs little"),
        choiceParam("block", "Block wiring", "sasrec", {"sasrec", "pre-norm"},
                    "sasrec: the paper code's wiring (queries from LayerNorm(x), keys and values from x, residuals "
                    "on the normalised inputs), as SASRec.pytorch; pre-norm: x + f(LayerNorm(x)) in both sub-layers"),
    };
}

ComponentInfo sasRecInfo() {
    ComponentInfo info = modelInfo(kSasRecId, kVersion, "SASRec",
        "Self-attentive sequential recommendation (Kang & McAuley 2018): causal transformer over the item "
        "history, scores tied to the item embeddings.");
    info.recommended = true;  // the strong ID baseline every comparison needs
    info.params = sasRecSequenceParams("0.2");
    for (ParamSpec param : {
             numberParam("negatives", "Negatives", ParamType::Int, "1", 1, 1000,
                         "bce, hard and gbce losses: sampled negatives per position (paper: 1; gSASRec: 256)"),
             numberParam("sampled_negatives", "Shared negatives", ParamType::Int, "256", 1, 1000000,
                         "sampled-softmax loss: negatives drawn once per batch and shared by all its positions"),
             numberParam("gbce_t", "gBCE calibration", ParamType::Float, "0.75", 0, 1,
                         "gbce loss: gSASRec's t; the positive's sigmoid is raised to beta = alpha (t (1 - 1/alpha) "
                         "+ 1/alpha), alpha = negatives / (items - 1); 0: plain bce, 1: fully calibrated"),
             numberParam("hard_warmup_epochs", "Hard warm-up epochs", ParamType::Int, "10", 0, 100000,
                         "hard loss: epochs over which the share of graph negatives grows linearly from 0 (0: at "
                         "once)"),
             numberParam("hard_share", "Hard share", ParamType::Float, "0.5", 0, 1,
                         "hard loss: share of graph negatives once warmed up; the rest stay uniform, since full "
                         "ranking also needs the rest of the catalogue pushed down"),
             choiceParam("loss", "Loss", "ce", {"ce", "bce", "hard", "gbce", "sampled-softmax"},
                         "ce: softmax cross-entropy over all items; bce: the paper's binary loss with uniform "
                         "negatives; hard: the binary loss with item-graph hard negatives (GNNO), easy to hard over "
                         "the warm-up; gbce: gSASRec's calibrated binary loss; sampled-softmax: softmax over "
                         "negatives shared by the batch, with logQ correction"),
             choiceParam("negative_sampling", "Shared negatives from", "uniform", {"uniform", "popularity"},
                         "sampled-softmax loss: draw the shared negatives uniformly, or by training frequency (+1); "
                         "the logits are corrected by -log Q either way"),
             boolParam("lazy_adam", "Lazy Adam", "false",
                       "Only the item-embedding rows a batch touches take an Adam step (TensorFlow's LazyAdam); "
                       "off: dense Adam, every row's moments decay every step. With the sparse losses (bce, hard, "
                       "gbce, sampled-softmax) a step then costs the batch, not the catalogue: for 100k+ items"),
         })
        info.params.push_back(std::move(param));
    return info;
}

ComponentInfo reaRecInfo() {
    ComponentInfo info = modelInfo(kReaRecId, kReaRecVersion, "ReaRec",
        "SASRec that thinks before it recommends (Tang et al. 2025): the last hidden state is fed back as K "
        "extra reasoning positions with their own position embeddings; trained with full cross-entropy by "
        "ensemble (ERL) or progressive (PRL) reasoning learning.");
    info.params = sasRecSequenceParams("0.5");  // the paper's setting
    for (ParamSpec param : {
             numberParam("reasoning_steps", "Reasoning steps", ParamType::Int, "2", 1, 16,
                         "K: times the last hidden state is fed back (paper: 2)"),
             choiceParam("reasoning_loss", "Reasoning learning", "erl", {"erl", "prl"},
                         "erl: cross-entropy of the mean of all steps' states, minus the diversity term; prl: "
                         "cross-entropy at every step with falling temperature, plus the noise contrast; "
                         "ranking uses the mean (erl) or the last step (prl)"),
             numberParam("diversity_weight", "Diversity weight", ParamType::Float, "0.05", 0, 10,
                         "erl: weight of the mean Jensen-Shannon divergence between consecutive steps' item distributions, "
                         "subtracted to keep the steps diverse"),
             numberParam("temperature", "Temperature", ParamType::Float, "1", 1e-3, 100,
                         "prl: softmax temperature of step 0"),
             numberParam("temperature_decay", "Temperature decay", ParamType::Float, "0.8", 1e-3, 1,
                         "prl: step k's temperature is temperature * decay^k (later steps sharper)"),
             numberParam("contrast_weight", "Contrast weight", ParamType::Float, "0.1", 0, 10,
                         "prl: weight of the InfoNCE term between the last step and its noise-perturbed twin"),
             numberParam("noise", "Noise", ParamType::Float, "0.1", 0, 10,
                         "prl: standard deviation of the Gaussian noise added to the reasoning tokens"),
         })
        info.params.push_back(std::move(param));
    return info;
}

ComponentInfo cl4SRecInfo() {
    ComponentInfo info = modelInfo(kCl4SRecId, kCl4SRecVersion, "CL4SRec",
        "SASRec with contrastive sequence learning (Xie et al. 2022): two augmented views of each training "
        "sequence (crop, mask or reorder) are pulled together against the batch's other views (NT-Xent), "
        "beside the full cross-entropy next-item loss.");
    info.params = sasRecSequenceParams("0.2");
    for (ParamSpec param : {
             numberParam("contrast_weight", "Contrast weight", ParamType::Float, "0.1", 0, 100,
                         "lambda: weight of the NT-Xent term beside the cross-entropy (paper: 0.1)"),
             numberParam("contrast_temperature", "Contrast temperature", ParamType::Float, "1", 1e-3, 100,
                         "NT-Xent temperature over dot-product similarities"),
             numberParam("crop", "Crop ratio", ParamType::Float, "0.2", 0, 1,
                         "eta: a crop keeps a contiguous run of this share of the items (at least one)"),
             numberParam("mask", "Mask ratio", ParamType::Float, "0.7", 0, 1,
                         "gamma: a mask view replaces this share of the items by a [mask] token"),
             numberParam("reorder", "Reorder ratio", ParamType::Float, "0.2", 0, 1,
                         "beta: a reorder view shuffles a contiguous run of this share of the items"),
         })
        info.params.push_back(std::move(param));
    return info;
}

ComponentInfo iclRecInfo() {
    ComponentInfo info = modelInfo(kIclRecId, kIclRecVersion, "ICLRec",
        "CL4SRec with intent contrastive learning (Chen et al. 2022): every epoch clusters all training "
        "sequences into intents (k-means); each augmented view is also pulled towards its sequence's intent.");
    info.params = cl4SRecInfo().params;
    for (ParamSpec param : {
             numberParam("intents", "Intents", ParamType::Int, "256", 1, 100000,
                         "K: intent prototypes from the per-epoch k-means of the sequence representations (paper: "
                         "256 on Beauty)"),
             numberParam("intent_weight", "Intent weight", ParamType::Float, "0.1", 0, 100,
                         "beta: weight of the intent contrast (paper: 0.1)"),
             numberParam("intent_temperature", "Intent temperature", ParamType::Float, "1", 1e-3, 100,
                         "softmax temperature of a view against the intent prototypes"),
         })
        info.params.push_back(std::move(param));
    return info;
}

std::unique_ptr<Recommender> makeIclRec(const std::string& configJson) {
    return std::make_unique<SasRecModel>(parseConfig(configJson, kIclRecId));
}

std::unique_ptr<Recommender> makeCl4SRec(const std::string& configJson) {
    return std::make_unique<SasRecModel>(parseConfig(configJson, kCl4SRecId));
}

std::unique_ptr<Recommender> makeSasRec(const std::string& configJson) {
    return std::make_unique<SasRecModel>(parseConfig(configJson, kSasRecId));
}

std::unique_ptr<Recommender> makeReaRec(const std::string& configJson) {
    return std::make_unique<SasRecModel>(parseConfig(configJson, kReaRecId));
}

}  // namespace tokenbench::core
