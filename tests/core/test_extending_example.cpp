// The "A new model" walkthrough of docs/extending.md, compiled and run. The model below is the
// walkthrough's code, word for word: keep the two in sync. It is registered in a test registry
// (not in the built-in table), trained a few epochs on tiny synthetic data, and checked for a
// falling loss, full-ranking scores of the right shape, a better NDCG than popularity, and an
// exact resume from a checkpoint that the shared base class gives it for free.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <ATen/ATen.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/embedding.h>
#include <torch/nn/modules/linear.h>
#include <torch/optim/adam.h>
#include <nlohmann/json.hpp>

#include <QObject>
#include <QtTest>

#include "models/builtin_models.h"
#include "models/sequence_tensors.h"
#include "models/torch_recommender.h"
#include "temp_project.h"
#include "tokenbench/data/split.h"
#include "tokenbench/data/synthetic.h"
#include "tokenbench/models/recommender.h"
#include "tokenbench/registry.h"

namespace tokenbench::core {
namespace {

// --- docs/extending.md: the example model -----------------------------------------------------

/// The network: the mean of the last items' embeddings, through a tanh layer, scored against
/// every item's embedding. Row 0 of the table is padding; row i + 1 is dense item i.
class MeanPoolImpl final : public torch::nn::Module {
public:
    MeanPoolImpl(int64_t items, int64_t hidden)
        : embedding(register_module("item_embedding", torch::nn::Embedding(items + 1, hidden))),
          transform(register_module("transform", torch::nn::Linear(hidden, hidden))) {}

    /// B x T shifted item ids (0 = padding) -> B x hidden.
    at::Tensor forward(const at::Tensor& history) {
        const at::Tensor real = history.ne(0).unsqueeze(-1).to(at::kFloat);
        const at::Tensor mean = (embedding->forward(history) * real).sum(1) / real.sum(1).clamp_min(1.0);
        return at::tanh(transform->forward(mean));
    }
    /// N x hidden -> N x items.
    at::Tensor scoreAll(const at::Tensor& hidden) {
        return at::matmul(hidden, embedding->weight.narrow(0, 1, embedding->weight.size(0) - 1).t());
    }
    /// Small normal weights from the run seed's generator, zero biases.
    void resetParameters(at::Generator& generator) {
        torch::NoGradGuard noGrad;
        embedding->weight.normal_(0.0, 0.1, generator);
        transform->weight.normal_(0.0, 1.0 / std::sqrt(static_cast<double>(transform->weight.size(0))), generator);
        transform->bias.zero_();
    }

    torch::nn::Embedding embedding;
    torch::nn::Linear transform;
};
TORCH_MODULE(MeanPool);

/// One training target: the item at `position` of `user`'s sequence, from the items before it.
struct MeanPoolSample final {
    int32_t user = 0;
    int32_t position = 0;
};

/// The model: only what differs from the other sequence models. TorchRecommender does prepare,
/// the epoch loop, the optimizer steps, checkpoints, exact resume and the export.
class MeanPoolModel final : public TorchRecommender {
public:
    explicit MeanPoolModel(const std::string& configJson)
        : TorchRecommender("mean-pool", configJson, /*epochSalt=*/0x4d45414e504f4fULL, /*checkpointFormat=*/1) {
        const nlohmann::json config = nlohmann::json::parse(configJson);  // validated against the schema
        m_hidden = config.at("hidden").get<int64_t>();
        m_window = config.at("window").get<int64_t>();
        m_batchSize = config.at("batch_size").get<int64_t>();
        m_learningRate = config.at("learning_rate").get<double>();
    }

    void scoreUsers(const std::vector<int32_t>& users, EvalPhase phase, std::vector<float>& out) override {
        requirePrepared("scoreUsers()");
        const EvalScope scope(network());  // no grad, no dropout; training mode comes back after
        std::vector<std::vector<int64_t>> histories;
        for (const int32_t user : users) {
            const HistoryWindow history = historyOf(user, phase, m_window);
            histories.emplace_back();
            for (int64_t i = 0; i < history.length; ++i) histories.back().push_back(history.begin[i] + 1);
        }
        const at::Tensor scores =
            m_net->scoreAll(m_net->forward(leftPaddedBatch(histories, device()))).to(at::kCPU, at::kFloat).contiguous();
        out.assign(scores.data_ptr<float>(), scores.data_ptr<float>() + scores.numel());
    }

    std::vector<AttentionMap> attention(const std::vector<int32_t>& history) override {
        (void)history;
        return {};  // no attention: the attention page says so
    }

private:
    void prepareData() override {
        m_samples.clear();
        for (size_t u = 0; u < dataset().users.size(); ++u) {
            const int32_t trainEnd = std::min<int32_t>(data().split->users[u].trainEnd,
                                                       static_cast<int32_t>(dataset().users[u].items.size()));
            for (int32_t p = 1; p < trainEnd; ++p) m_samples.push_back({static_cast<int32_t>(u), p});
        }
    }

    std::shared_ptr<torch::nn::Module> buildNetwork(at::Generator& init) override {
        m_net = MeanPool(items(), m_hidden);
        m_net->resetParameters(init);
        return m_net.ptr();
    }

    std::unique_ptr<TrainOptimizer> buildOptimizer(std::vector<at::Tensor> parameters) override {
        return wrapOptimizer(
            std::make_unique<torch::optim::Adam>(std::move(parameters), torch::optim::AdamOptions(m_learningRate)));
    }

    std::vector<std::vector<size_t>> epochBatches(EpochRandom& random) override {
        return cutBatches(shuffledOrder(m_samples.size(), random), m_batchSize);
    }

    at::Tensor batchLoss(const std::vector<size_t>& batch, EpochRandom& random) override {
        (void)random;  // nothing random per batch (no dropout, no negatives)
        std::vector<std::vector<int64_t>> histories;
        std::vector<int64_t> targets;
        for (const size_t index : batch) {
            const MeanPoolSample& sample = m_samples[index];
            const std::vector<int32_t>& items = dataset().users[static_cast<size_t>(sample.user)].items;
            histories.emplace_back();
            for (int32_t i = std::max<int32_t>(0, sample.position - static_cast<int32_t>(m_window));
                 i < sample.position; ++i)
                histories.back().push_back(items[static_cast<size_t>(i)] + 1);
            targets.push_back(items[static_cast<size_t>(sample.position)]);
        }
        const at::Tensor logits = m_net->scoreAll(m_net->forward(leftPaddedBatch(histories, device())));
        return at::cross_entropy_loss(logits, longTensor(targets, {static_cast<int64_t>(targets.size())}));
    }

    std::vector<CheckpointMatch> checkpointMatches() const override {
        return {sizesMatch({m_hidden, m_window}, "hidden, window")};
    }

    nlohmann::json exportInfo() const override {
        return {{"layout",
                 "item_embedding row 0 is padding, row i+1 is dense item i; user = tanh(transform("
                 "mean of the last `window` items' embeddings)); score = user . item_embedding[1:]^T"}};
    }

    int64_t m_hidden = 32;
    int64_t m_window = 5;
    int64_t m_batchSize = 128;
    double m_learningRate = 1e-2;
    MeanPool m_net{nullptr};
    std::vector<MeanPoolSample> m_samples;
};

/// The schema: what the GUI form, the CLI options and validateConfig are built from.
ComponentInfo meanPoolInfo() {
    ComponentInfo info = modelInfo("mean-pool", 1, "Mean pooling",
                                   "Scores the next item from the mean embedding of the last items of the history.");
    info.params = {
        numberParam("hidden", "Hidden size", ParamType::Int, "32", 1, 4096, "Embedding width"),
        numberParam("window", "Window", ParamType::Int, "5", 1, 1000, "Most recent items averaged"),
        numberParam("batch_size", "Batch size", ParamType::Int, "128", 1, 1 << 20, "Samples per optimizer step"),
        numberParam("learning_rate", "Learning rate", ParamType::Float, "0.01", 1e-9, 10, "Adam step size"),
    };
    return info;
}

std::unique_ptr<Recommender> makeMeanPool(const std::string& configJson) {
    return std::make_unique<MeanPoolModel>(configJson);
}

// --- end of the example -------------------------------------------------------------------------

/// Mean NDCG@10 over users with a test target, full ranking.
double testNdcg(Recommender& model, const Dataset& dataset, const DataSplit& split) {
    std::vector<int32_t> users, targets;
    for (size_t u = 0; u < dataset.users.size(); ++u) {
        const int32_t position = split.users[u].validEnd;
        if (position >= static_cast<int32_t>(dataset.users[u].items.size())) continue;
        users.push_back(static_cast<int32_t>(u));
        targets.push_back(dataset.users[u].items[static_cast<size_t>(position)]);
    }
    std::vector<float> scores;
    model.scoreUsers(users, EvalPhase::Test, scores);
    const size_t items = dataset.items.size();
    double ndcg = 0.0;
    for (size_t r = 0; r < users.size(); ++r) {
        const float* row = scores.data() + r * items;
        int64_t rank = 0;
        for (size_t i = 0; i < items; ++i)
            if (static_cast<int32_t>(i) != targets[r] && row[i] >= row[static_cast<size_t>(targets[r])]) ++rank;
        if (rank < 10) ndcg += 1.0 / std::log2(static_cast<double>(rank) + 2.0);
    }
    return users.empty() ? 0.0 : ndcg / static_cast<double>(users.size());
}

}  // namespace
}  // namespace tokenbench::core

using namespace tokenbench::core;

class TestExtendingExample : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() {
        SyntheticConfig config;
        config.users = 400;
        config.items = 120;
        config.branching = {3, 2, 2};
        m_synthetic = generateSynthetic(config);
        m_split = makeSplit(m_synthetic.dataset, SplitConfig{});
        m_registry.add(meanPoolInfo());
    }

    void trainsAndBeatsPopularity() {
        const std::string config = validateConfig(m_registry.get("mean-pool"), "{}");
        std::unique_ptr<Recommender> model = makeMeanPool(config);
        QCOMPARE(model->id(), std::string("mean-pool"));
        const TrainingData data{&m_synthetic.dataset, &m_split, nullptr};
        model->prepare(data, 7, "cpu");
        std::vector<double> losses;
        int64_t lastStep = 0;
        for (int epoch = 0; epoch < 4; ++epoch) {
            const EpochReport report = model->trainEpoch([&](int64_t step, double) { lastStep = step; }, nullptr);
            QVERIFY(report.steps > 0);
            QCOMPARE(lastStep, report.steps * (epoch + 1));
            losses.push_back(report.loss);
        }
        QVERIFY2(losses.back() < losses.front(), "the training loss falls");

        const std::vector<int32_t> users = {0, 1, 2};
        std::vector<float> scores;
        model->scoreUsers(users, EvalPhase::Valid, scores);
        QCOMPARE(scores.size(), users.size() * m_synthetic.dataset.items.size());
        for (const float s : scores) QVERIFY(std::isfinite(s));

        auto popularity = createModel("popularity", "{}");
        popularity->prepare(data, 7, "cpu");
        const double ours = testNdcg(*model, m_synthetic.dataset, m_split);
        const double baseline = testNdcg(*popularity, m_synthetic.dataset, m_split);
        qInfo("mean-pool NDCG@10 %.4f, popularity %.4f", ours, baseline);
        QVERIFY2(ours > baseline, "the example beats popularity");
    }

    void resumesExactlyFromACheckpoint() {
        const std::string config = validateConfig(m_registry.get("mean-pool"), R"({"hidden": 16})");
        const TrainingData data{&m_synthetic.dataset, &m_split, nullptr};
        const std::vector<int32_t> users = {3, 4, 5};

        auto straight = makeMeanPool(config);
        straight->prepare(data, 11, "cpu");
        straight->trainEpoch({}, nullptr);
        straight->trainEpoch({}, nullptr);
        std::vector<float> expected;
        straight->scoreUsers(users, EvalPhase::Test, expected);

        tokenbench::test::TempProject dir;
        std::filesystem::create_directories(dir.path());
        const std::string path = (std::filesystem::path(dir.path()) / "mean-pool.pt").string();
        auto first = makeMeanPool(config);
        first->prepare(data, 11, "cpu");
        first->trainEpoch({}, nullptr);
        first->save(path);
        auto resumed = makeMeanPool(config);
        resumed->prepare(data, 11, "cpu");
        resumed->load(path);
        resumed->trainEpoch({}, nullptr);
        std::vector<float> actual;
        resumed->scoreUsers(users, EvalPhase::Test, actual);
        QVERIFY(actual == expected);

        auto otherSize = makeMeanPool(validateConfig(m_registry.get("mean-pool"), R"({"hidden": 8})"));
        otherSize->prepare(data, 11, "cpu");
        QVERIFY_THROWS_EXCEPTION(std::exception, otherSize->load(path));
    }

private:
    SyntheticData m_synthetic;
    DataSplit m_split;
    Registry m_registry;
};

QTEST_GUILESS_MAIN(TestExtendingExample)
#include "test_extending_example.moc"
