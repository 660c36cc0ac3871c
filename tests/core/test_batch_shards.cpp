// Batch shards (core/src/models/batch_shards.h): a batch's gradient computed in parts on several
// threads must be the full batch's gradient, and training with shards must not depend on how many
// threads computed them.
#include <QtTest/QtTest>

#include <torch/torch.h>

#include "models/batch_shards.h"
#include "test_data.h"
#include "tokenbench/data/split.h"
#include "tokenbench/models/recommender.h"
#include "tokenbench/registry.h"
#include "tokenbench/runtime.h"
#include "tokenbench/tokenizers/collisions.h"

using namespace tokenbench::core;

class TestBatchShards final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { configureRuntime(0); }
    void splitKeepsOrderAndBalancesSizes();
    void shardGradientsSumToTheBatchGradient();
    void aFailingShardThrowsAfterAllFinished();
    void tigerTrainingIsTheSameOnOneOrTwoThreads();
};

void TestBatchShards::splitKeepsOrderAndBalancesSizes() {
    const std::vector<size_t> batch = {4, 8, 15, 16, 23, 42, 7};
    const std::vector<std::vector<size_t>> parts = splitBatch(batch, 3);
    QCOMPARE(parts.size(), size_t{3});
    QCOMPARE(parts[0], (std::vector<size_t>{4, 8, 15}));
    QCOMPARE(parts[1], (std::vector<size_t>{16, 23}));
    QCOMPARE(parts[2], (std::vector<size_t>{42, 7}));
    QCOMPARE(splitBatch({1, 2}, 5).size(), size_t{2});  // never an empty part
    QCOMPARE(splitBatch(batch, 1).front(), batch);
}

void TestBatchShards::shardGradientsSumToTheBatchGradient() {
    torch::manual_seed(3);
    const torch::Tensor x = torch::randn({10, 4}), y = torch::randn({10});
    torch::Tensor w = torch::randn({4}, torch::requires_grad());
    torch::Tensor unused = torch::randn({2}, torch::requires_grad());
    const torch::Tensor full = (x.matmul(w) - y).pow(2).mean();
    const torch::Tensor expected = torch::autograd::grad({full}, {w})[0];

    // Parts of 4, 3 and 3 rows, each loss weighted by its share of the batch.
    const std::vector<std::vector<size_t>> parts = splitBatch({0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, 3);
    for (const int threads : {1, 2, 3}) {
        const double loss = accumulateShardGradients(3, threads, {w, unused}, [&](int64_t s) {
            const std::vector<size_t>& part = parts[static_cast<size_t>(s)];
            const torch::Tensor rows = torch::tensor(std::vector<int64_t>(part.begin(), part.end()));
            return (x.index_select(0, rows).matmul(w) - y.index_select(0, rows)).pow(2).mean() *
                   (static_cast<double>(part.size()) / 10.0);
        });
        QVERIFY(torch::allclose(w.grad(), expected, 1e-5, 1e-6));
        QVERIFY(!unused.grad().defined());  // no shard reached it: no gradient, as backward() would leave it
        QVERIFY(std::abs(loss - full.item<double>()) < 1e-5);
    }
}

void TestBatchShards::aFailingShardThrowsAfterAllFinished() {
    torch::Tensor w = torch::ones({2}, torch::requires_grad());
    std::atomic<int> finished{0};
    bool threw = false;
    try {
        (void)accumulateShardGradients(4, 2, {w}, [&](int64_t s) -> torch::Tensor {
            if (s == 1) throw std::runtime_error("shard 1 failed");
            ++finished;
            return w.sum();
        });
    } catch (const std::runtime_error& error) {
        threw = std::string(error.what()) == "shard 1 failed";
    }
    QVERIFY(threw);
    QCOMPARE(finished.load(), 3);
}

void TestBatchShards::tigerTrainingIsTheSameOnOneOrTwoThreads() {
    tokenbench::test::SyntheticSplit data = tokenbench::test::smallSynthetic(200, 200);
    const SemanticIds ids = resolveCollisions(SemanticIds::fromRows(data.data.truth.categoryPath),
                                              CollisionStrategy::ExtraLevel, FeatureMatrix{}, 12);
    const std::string config =
        "{\"hidden\": 32, \"encoder_layers\": 1, \"decoder_layers\": 1, \"heads\": 2, \"feed_forward\": 64, "
        "\"batch_size\": 64, \"batch_shards\": 3, \"learning_rate\": 0.003, \"warmup_steps\": 20}";
    const std::vector<int32_t> users = {0, 5, 17, 150};
    double losses[2];
    std::vector<std::vector<int32_t>> lists[2];
    for (const int threads : {1, 2}) {
        setComputeThreads(threads);
        auto model = createModel("tiger", config);
        model->prepare(TrainingData{&data.data.dataset, &data.split, &ids}, 5, "cpu");
        losses[threads - 1] = model->trainEpoch({}, nullptr).loss;
        QCOMPARE(runtimeInfo().intraOpThreads, threads);  // the epoch gave the thread count back
        model->rankUsers(users, EvalPhase::Valid, 10, lists[threads - 1]);
    }
    configureRuntime(0);
    QVERIFY(std::isfinite(losses[0]) && losses[0] > 0.0);
    QCOMPARE(losses[0], losses[1]);
    QVERIFY(lists[0] == lists[1]);
}

QTEST_GUILESS_MAIN(TestBatchShards)
#include "test_batch_shards.moc"
