// cove: co-evolving vector quantization (published as CAGE, WWW 2024) on the SASRec network. The item
// embeddings e and `levels` cascaded residual codebooks are trained together, end to end, from random
// initialisation: the item vector SASRec reads and scores against is mean_l(q_l) + alpha * e
// (cove_module.h), and the loss is the full cross-entropy of the next item plus
// omega * sum_l (beta * ||sg[q_l] - r_l||^2 + ||q_l - sg[r_l]||^2). The codes are a learned item
// hierarchy: the training engine stores the tested checkpoint's codes as a tokenizer run
// (ItemCodeSource), which TIGER and the ID views then use like any tokenizer's.
//
// Every step quantizes the whole catalogue (scoring needs every item's vector anyway). Codewords no
// item uses are restarted from busy residuals before every `restart_every`-th batch of an epoch (the
// first included), so every level keeps its codes in use; each evaluation reports every level's
// utilization and perplexity (takeEvalStats), stored with the validation figures of each epoch.
//
// Training samples, as SASRec's: one per user with 2+ training items, the last max_length + 1 items
// of the training prefix, every position predicting its next item. Determinism: initialisation from
// the run seed; shuffles, dropout and restarts from (seed, epoch), so a checkpoint resumes exactly.
#include <algorithm>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include "models/builtin_models.h"
#include "models/cove_module.h"
#include "models/item_code_source.h"
#include "models/sasrec_adam.h"
#include "models/sasrec_params.h"
#include "models/sequence_tensors.h"
#include "models/torch_recommender.h"
#include "models/transformer_settings.h"
#include "tokenbench/tokenizers/codebook_health.h"

namespace tokenbench::core {

namespace {

using nlohmann::json;

constexpr const char* kCoveId = "cove";
constexpr int kVersion = 1;
constexpr int64_t kCheckpointFormat = 1;
constexpr uint64_t kEpochSalt = 0x434f5645ULL;  // "COVE"
constexpr int64_t kBucketPool = 32;        // batches per length-sorted pool (bucketing), as SASRec's
constexpr int64_t kScoreUsers = 256;       // scoring: users per forward pass
constexpr uint64_t kGolden = 0x9e3779b97f4a7c15ULL;

/// The validated config, typed.
struct CoveConfig final : TransformerSettings {
    int64_t levels = 3;
    int64_t codebookSize = 256;
    double alpha = 1.0;
    double beta = 0.25;
    double omega = 1.0;
    int64_t restartEvery = 50;
    bool bucketing = false;
    bool preNorm = false;
};

CoveConfig parseConfig(const std::string& configJson) {
    const json j = json::parse(configJson);
    CoveConfig config;
    static_cast<TransformerSettings&>(config) = parseTransformerSettings(j, configJson, kCoveId);
    config.levels = j.at("levels").get<int64_t>();
    config.codebookSize = j.at("codebook_size").get<int64_t>();
    config.alpha = j.at("alpha").get<double>();
    config.beta = j.at("beta").get<double>();
    config.omega = j.at("omega").get<double>();
    config.restartEvery = j.at("restart_every").get<int64_t>();
    config.bucketing = j.at("bucketing").get<bool>();
    config.preNorm = j.at("block").get<std::string>() == "pre-norm";
    return config;
}

class CoveModel final : public TorchRecommender, public ItemCodeSource {
public:
    explicit CoveModel(CoveConfig config)
        : TorchRecommender(kCoveId, config.json, kEpochSalt, kCheckpointFormat), m_config(std::move(config)) {}

    void scoreUsers(const std::vector<int32_t>& users, EvalPhase phase, std::vector<float>& out) override;
    [[nodiscard]] std::vector<AttentionMap> attention(const std::vector<int32_t>& history) override;
    /// Every level's utilization and perplexity (and the collision rate of the whole code) at the
    /// last scoring, once per evaluation.
    [[nodiscard]] std::map<std::string, double> takeEvalStats() override;
    /// The composed item vectors (mean codes + alpha e), as the model scores with them.
    [[nodiscard]] FeatureMatrix itemEmbeddings() const override;
    [[nodiscard]] LearnedItemCodes learnedItemCodes() const override;

private:
    void prepareData() override;
    std::shared_ptr<torch::nn::Module> buildNetwork(at::Generator& init) override;
    std::unique_ptr<TrainOptimizer> buildOptimizer(std::vector<at::Tensor> parameters) override;
    std::vector<std::vector<size_t>> epochBatches(EpochRandom& random) override;
    at::Tensor batchLoss(const std::vector<size_t>& batch, EpochRandom& random) override;
    std::vector<CheckpointMatch> checkpointMatches() const override;
    nlohmann::json exportInfo() const override;
    /// The codes as SemanticIds (items x levels).
    [[nodiscard]] SemanticIds toSemanticIds(const at::Tensor& codes) const;

    CoveConfig m_config;
    CoveNet m_net{nullptr};
    std::vector<std::vector<int64_t>> m_samples;  ///< shifted item ids (0 is padding)
    uint64_t m_restartKey = 0;                    ///< this epoch's restart stream, from EpochRandom
    int64_t m_batchInEpoch = 0;
    SemanticIds m_scoredCodes;                    ///< codes at the last scoreUsers, for takeEvalStats
};

void CoveModel::prepareData() {
    m_samples.clear();
    const Dataset& data = dataset();
    for (size_t u = 0; u < data.users.size(); ++u) {
        const std::vector<int32_t>& items = data.users[u].items;
        const int64_t trainEnd = std::min<int64_t>(this->data().split->users[u].trainEnd, static_cast<int64_t>(items.size()));
        if (trainEnd < 2) continue;
        std::vector<int64_t> sample;
        for (int64_t i = std::max<int64_t>(0, trainEnd - m_config.maxLength - 1); i < trainEnd; ++i) {
            const int32_t item = items[static_cast<size_t>(i)];
            if (item < 0 || item >= this->items()) throw std::invalid_argument("cove: item id out of range");
            sample.push_back(item + 1);
        }
        m_samples.push_back(std::move(sample));
    }
}

std::shared_ptr<torch::nn::Module> CoveModel::buildNetwork(at::Generator& init) {
    SasRecOptions options;
    options.items = items();
    m_config.fillOptions(options);
    options.preNorm = m_config.preNorm;
    m_net = CoveNet(options, m_config.levels, m_config.codebookSize);
    m_net->resetParameters(init);
    return m_net.ptr();
}

std::unique_ptr<TrainOptimizer> CoveModel::buildOptimizer(std::vector<at::Tensor> parameters) {
    SasRecAdamOptions adam;
    adam.learningRate = m_config.learningRate;
    adam.weightDecay = m_config.weightDecay;
    return std::make_unique<SasRecAdam>(std::move(parameters), adam);
}

std::vector<std::vector<size_t>> CoveModel::epochBatches(EpochRandom& random) {
    m_restartKey = random.next();
    m_batchInEpoch = 0;
    std::vector<size_t> order = shuffledOrder(m_samples.size(), random);
    if (!m_config.bucketing) return cutBatches(order, m_config.batchSize);
    return bucketedBatches(std::move(order), [&](size_t index) { return m_samples[index].size(); }, m_config.batchSize,
                           kBucketPool, random);
}

at::Tensor CoveModel::batchLoss(const std::vector<size_t>& batch, EpochRandom& random) {
    if (m_config.restartEvery > 0 && m_batchInEpoch % m_config.restartEvery == 0) {
        // A stream of its own per restart point: (seed, epoch, batch) alone, so a resume repeats it.
        uint64_t state = m_restartKey ^ (static_cast<uint64_t>(m_batchInEpoch + 1) * kGolden);
        (void)m_net->codebooks->restartDeadCodes(m_net->itemVectors(), state);
    }
    ++m_batchInEpoch;
    const CoveItemTable items = m_net->itemTable(m_config.alpha, m_config.beta);

    // Inputs seq[:-1], targets seq[1:], left-padded to the batch's longest input.
    int64_t t = 1;
    for (const size_t index : batch) t = std::max<int64_t>(t, static_cast<int64_t>(m_samples[index].size()) - 1);
    const auto b = static_cast<int64_t>(batch.size());
    std::vector<int64_t> inputs(static_cast<size_t>(b * t), 0), rows, targets;
    for (int64_t r = 0; r < b; ++r) {
        const std::vector<int64_t>& sample = m_samples[batch[static_cast<size_t>(r)]];
        const int64_t n = static_cast<int64_t>(sample.size()) - 1;
        for (int64_t i = 0; i < n; ++i) {
            const int64_t at = r * t + (t - n) + i;
            inputs[static_cast<size_t>(at)] = sample[static_cast<size_t>(i)];
            rows.push_back(at);
            targets.push_back(sample[static_cast<size_t>(i + 1)] - 1);
        }
    }
    const auto real = static_cast<int64_t>(rows.size());
    const at::Tensor hidden = m_net->backbone->forwardWithTable(longTensor(inputs, {b, t}), items.table, &random.generator)
                                  .hidden.reshape({b * t, m_config.hidden})
                                  .index_select(0, longTensor(rows, {real}));
    const at::Tensor logits = at::matmul(hidden, items.table.narrow(0, 1, this->items()).t());
    const at::Tensor next = at::nll_loss(at::log_softmax(logits, 1), longTensor(targets, {real}));
    return next + m_config.omega * items.loss;
}

void CoveModel::scoreUsers(const std::vector<int32_t>& users, EvalPhase phase, std::vector<float>& out) {
    requirePrepared("scoreUsers()");
    const EvalScope scope(network());
    const CoveItemTable items = m_net->itemTable(m_config.alpha, m_config.beta);
    m_scoredCodes = toSemanticIds(items.codes);
    const at::Tensor catalogue = items.table.narrow(0, 1, this->items()).t();
    out.resize(users.size() * static_cast<size_t>(this->items()));
    for (size_t begin = 0; begin < users.size(); begin += kScoreUsers) {
        const size_t end = std::min(users.size(), begin + static_cast<size_t>(kScoreUsers));
        std::vector<std::vector<int64_t>> histories;
        for (size_t r = begin; r < end; ++r) {
            const HistoryWindow history = historyOf(users[r], phase, m_config.maxLength);
            histories.emplace_back(history.begin, history.begin + history.length);
            for (int64_t& item : histories.back()) ++item;
            if (histories.back().empty()) histories.back().push_back(0);  // padding alone: a defined, history-free state
        }
        const at::Tensor input = leftPaddedBatch(histories, device());
        const at::Tensor last = m_net->backbone->forwardWithTable(input, items.table).hidden.select(1, input.size(1) - 1);
        const at::Tensor scores = at::matmul(last, catalogue).to(at::kCPU, at::kFloat).contiguous();
        std::copy(scores.data_ptr<float>(), scores.data_ptr<float>() + scores.numel(),
                  out.begin() + static_cast<std::ptrdiff_t>(begin * static_cast<size_t>(this->items())));
    }
}

std::map<std::string, double> CoveModel::takeEvalStats() {
    std::map<std::string, double> stats;
    if (m_scoredCodes.items == 0) return stats;
    for (const LevelHealth& level : levelHealth(m_scoredCodes, static_cast<int32_t>(m_config.codebookSize))) {
        const std::string suffix = "/l" + std::to_string(level.level);
        stats["utilization" + suffix] = level.utilization;
        stats["perplexity" + suffix] = level.perplexity;
    }
    stats["collision_rate"] = collisionStats(m_scoredCodes).collisionRate;
    m_scoredCodes = {};
    return stats;
}

SemanticIds CoveModel::toSemanticIds(const at::Tensor& codes) const {
    const at::Tensor cpu = codes.to(at::kCPU, at::kInt).contiguous();
    SemanticIds ids;
    ids.items = cpu.size(0);
    ids.levels = static_cast<int32_t>(cpu.size(1));
    ids.codes.assign(cpu.data_ptr<int32_t>(), cpu.data_ptr<int32_t>() + cpu.numel());
    return ids;
}

LearnedItemCodes CoveModel::learnedItemCodes() const {
    requirePrepared("learnedItemCodes()");
    CoveNet net = m_net;  // a holder copy: the same modules, callable from this const method
    LearnedItemCodes out;
    out.ids = toSemanticIds(net->codebooks->assign(net->itemVectors()));
    out.codebookSize = static_cast<int32_t>(m_config.codebookSize);
    return out;
}

FeatureMatrix CoveModel::itemEmbeddings() const {
    requirePrepared("itemEmbeddings()");
    const EvalScope scope(network());
    CoveNet net = m_net;  // a holder copy: the same modules, callable from this const method
    return itemTableRows(net->itemTable(m_config.alpha, m_config.beta).table);
}

std::vector<AttentionMap> CoveModel::attention(const std::vector<int32_t>& history) {
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
    const at::Tensor table = m_net->itemTable(m_config.alpha, m_config.beta).table;
    const at::Tensor input = leftPaddedBatch({shifted}, device());
    return toAttentionMaps(m_net->backbone->forwardWithTable(input, table, nullptr, /*withAttention=*/true).attentions,
                           positions);
}

std::vector<CheckpointMatch> CoveModel::checkpointMatches() const {
    std::vector<int64_t> sizes = m_config.checkpointSizes();
    sizes.push_back(m_config.levels);
    sizes.push_back(m_config.codebookSize);
    return {sizesMatch(sizes, std::string(TransformerSettings::kCheckpointSizeNames) + ", levels, codebook_size")};
}

nlohmann::json CoveModel::exportInfo() const {
    return {{"layout",
             "backbone is a SASRec network (see the sasrec export) whose backbone.item_embedding row i+1 is e_i, "
             "the embedding of dense item i; codebooks.codewords is levels x codebook_size x hidden. Codes: r_1 = "
             "e_i, q_l = the codeword of level l nearest to r_l, r_{l+1} = r_l - q_l. The item vector used for "
             "input and scoring is z_i = mean_l(q_l) + alpha * e_i (alpha in config); score = final_norm(h_T) . z^T"}};
}

}  // namespace

ComponentInfo coveInfo() {
    ComponentInfo info = modelInfo(kCoveId, kVersion, "COVE (SASRec + co-evolving codes)",
        "Co-evolving vector quantization (CAGE, WWW 2024): SASRec whose item embeddings and cascaded residual "
        "codebooks are trained together from random initialisation; each item is represented by the mean of "
        "its codes plus alpha times its embedding. The learned codes are stored as a tokenizer run.");
    info.params = sasRecSequenceParams("0.2");
    for (ParamSpec param : {
             numberParam("levels", "Levels", ParamType::Int, "3", 1, 16, "Cascaded residual codebooks (code length)"),
             numberParam("codebook_size", "Codebook size", ParamType::Int, "256", 2, 65536, "Codewords per level"),
             numberParam("alpha", "Alpha", ParamType::Float, "1", 0, 100,
                         "Weight of the item's own embedding in its representation: mean of its codes + alpha e"),
             numberParam("beta", "Beta", ParamType::Float, "0.25", 0, 100,
                         "Commitment weight: beta ||sg[q] - r||^2 pulls the residuals towards their codewords"),
             numberParam("omega", "Omega", ParamType::Float, "1", 0, 1000,
                         "Weight of the summed quantization losses beside the next-item cross-entropy"),
             numberParam("restart_every", "Restart every", ParamType::Int, "50", 0, 1000000,
                         "Batches between dead-code restarts (unused codewords moved onto busy residuals; the "
                         "first batch of each epoch included); 0: never"),
         })
        info.params.push_back(std::move(param));
    return info;
}

std::unique_ptr<Recommender> makeCove(const std::string& configJson) {
    return std::make_unique<CoveModel>(parseConfig(configJson));
}

}  // namespace tokenbench::core
