// The models built on SASRec's network and training loop.
// ReaRec (reasoning steps): the reasoning mask lets a step see only its own position's past, so
// ranking only the last position's reasoning gives the states training computes for every position;
// left padding changes nothing; both learning schemes (ERL, PRL) train and beat popularity on the
// synthetic set; attention maps cover the items and the reasoning tokens.
// CL4SRec (contrastive views): each augmentation keeps what it must, NT-Xent matches its definition,
// and the model trains and beats popularity.
// ICLRec (intents): k-means finds well separated intents, the intent contrast matches its
// definition and sends no gradient into the prototypes, and the model trains and beats popularity.
#include <cmath>
#include <cstdint>
#include <algorithm>
#include <chrono>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <torch/utils.h>

#include <QObject>
#include <QtTest>

#include "model_checks.h"
#include "models/contrastive_loss.h"
#include "models/intent_clusters.h"
#include "models/rearec_reasoning.h"
#include "models/sasrec_adam.h"
#include "models/sasrec_module.h"
#include "models/sequence_augment.h"
#include "test_data.h"
#include "tokenbench/data/split.h"
#include "tokenbench/data/synthetic.h"
#include "tokenbench/models/recommender.h"
#include "tokenbench/registry.h"

using namespace tokenbench::core;

namespace {

using Metrics = tokenbench::test::RankingMetrics;

SasRec reasoningNetwork(int64_t steps) {
    SasRecOptions options;
    options.items = 30;
    options.hidden = 16;
    options.heads = 2;
    options.maxLength = 8;
    options.dropout = 0.0;
    options.reasoningSteps = steps;
    SasRec net(options);
    at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(3);
    net->resetParameters(generator);
    net->eval();
    return net;
}

std::string reaRecConfig(const std::string& extra) {
    return "{\"hidden\": 32, \"blocks\": 2, \"heads\": 2, \"max_length\": 20, \"dropout\": 0.2, "
           "\"batch_size\": 32, \"learning_rate\": 0.003, " +
           extra + "}";
}

/// Trains model `id` with `config` for 15 epochs on the small synthetic set: the loss must fall by
/// 10 % and test NDCG@10 beat popularity's by half. `after` (optional) checks the trained model more.
void trainsAndBeatsPopularity(const std::string& id, const std::string& config,
                              const std::function<void(Recommender&, const Dataset&)>& after = {}) {
    tokenbench::test::SyntheticSplit synthetic = tokenbench::test::smallSynthetic(800, 200);
    const Dataset& dataset = synthetic.data.dataset;
    const TrainingData data{&dataset, &synthetic.split, nullptr};
    auto popularity = tokenbench::test::popularityBaseline(data);
    const Metrics base = tokenbench::test::fullRankingMetrics(*popularity, dataset, synthetic.split, EvalPhase::Test);
    auto model = createModel(id, config);
    model->prepare(data, 1, "cpu");
    double first = 0.0, last = 0.0;
    const auto started = std::chrono::steady_clock::now();
    for (int epoch = 1; epoch <= 15; ++epoch) {
        last = model->trainEpoch({}, nullptr).loss;
        if (epoch == 1) first = last;
        QVERIFY(std::isfinite(last));
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const Metrics learned = tokenbench::test::fullRankingMetrics(*model, dataset, synthetic.split, EvalPhase::Test);
    qInfo("%s %s: %.1f s, loss %.4f -> %.4f; NDCG@10 %.4f vs popularity %.4f", id.c_str(), config.c_str(), seconds,
          first, last, learned.ndcg, base.ndcg);
    QVERIFY(last < 0.9 * first);
    QVERIFY(learned.ndcg > 1.5 * base.ndcg);
    if (after) after(*model, dataset);
}

}  // namespace

class TestSasRecVariants final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void maskSeesOwnPastOnly();
    void lastPositionReasoningMatchesTraining();
    void paddingChangesNothing();
    void bothSchemesTrainAndBeatPopularity();
    void attentionCoversReasoningTokens();
    void augmentationsKeepWhatTheyMust();
    void ntXentMatchesItsDefinition();
    void cl4srecTrainsAndBeatsPopularity();
    void intentsSeparateClusters();
    void intentContrastMatchesItsDefinition();
    void iclrecTrainsAndBeatsPopularity();
    void lazyAdamStepsOnlyTouchedRows();
    void lazyAdamSasRecTrainsAndBeatsPopularity();
};

void TestSasRecVariants::maskSeesOwnPastOnly() {
    // One row, [pad, 5, 7], two steps for every position: L = 3 + 2 * 3 = 9.
    const at::Tensor mask = reasoningMask(at::tensor({0, 5, 7}, at::kLong).view({1, 3}), 2, false);
    QCOMPARE(mask.size(1), 9);
    const auto open = [&](int64_t q, int64_t c) { return mask[0][q][c].item<float>() == 0.0f; };
    // Items: causal, padding keys blocked except a padding query's own position.
    QVERIFY(open(0, 0) && !open(0, 1));
    QVERIFY(!open(1, 0) && open(1, 1) && !open(1, 2));
    QVERIFY(open(2, 1) && open(2, 2));
    for (int64_t c = 3; c < 9; ++c) QVERIFY(!open(2, c));  // items never see reasoning tokens
    // Step 1 of position 1 (query 4): items 1 only (not the padding, not item 2), and itself.
    QVERIFY(!open(4, 0) && open(4, 1) && !open(4, 2) && open(4, 4));
    QVERIFY(!open(4, 3) && !open(4, 5) && !open(4, 7));
    // Step 2 of position 2 (query 8): items 1 and 2, its own step 1 (query 5) and itself, nothing else.
    QVERIFY(open(8, 1) && open(8, 2) && open(8, 5) && open(8, 8));
    QVERIFY(!open(8, 3) && !open(8, 4) && !open(8, 6) && !open(8, 7));
    // Last position only: L = 3 + 2; step 2 sees every real item and step 1.
    const at::Tensor last = reasoningMask(at::tensor({0, 5, 7}, at::kLong).view({1, 3}), 2, true);
    QCOMPARE(last.size(1), 5);
    QVERIFY(last[0][4][0].item<float>() < 0 && last[0][4][1].item<float>() == 0 && last[0][4][3].item<float>() == 0);
}

void TestSasRecVariants::lastPositionReasoningMatchesTraining() {
    SasRec net = reasoningNetwork(3);
    torch::NoGradGuard noGrad;
    const at::Tensor items = at::tensor({0, 0, 4, 9, 2, 11, 0, 3, 8, 1, 5, 6}, at::kLong).view({2, 6});
    const std::vector<at::Tensor> every = reasoningStates(*net, items, 3, false, nullptr);
    const std::vector<at::Tensor> last = reasoningStates(*net, items, 3, true, nullptr);
    QCOMPARE(every.size(), size_t{4});
    QCOMPARE(last.size(), size_t{4});
    for (size_t k = 0; k < every.size(); ++k) {
        QCOMPARE(every[k].size(1), 6);
        QCOMPARE(last[k].size(1), 1);
        QVERIFY(at::allclose(every[k].select(1, 5), last[k].select(1, 0), 1e-5, 1e-6));
    }
    // Earlier positions' reasoning never sees later items: other items after column 3 change
    // nothing up to it.
    const at::Tensor changed = items.clone();
    changed.narrow(1, 4, 2).fill_(13);
    const std::vector<at::Tensor> other = reasoningStates(*net, changed, 3, false, nullptr);
    for (size_t k = 0; k < every.size(); ++k) {
        QVERIFY(at::allclose(every[k].narrow(1, 0, 4), other[k].narrow(1, 0, 4), 1e-5, 1e-6));
        QVERIFY(!at::allclose(every[k].select(1, 5), other[k].select(1, 5), 1e-3, 1e-3));
    }
    // Steps differ from one another (the reasoning tokens do change the state).
    QVERIFY(!at::allclose(last[0], last[1], 1e-3, 1e-3));
}

void TestSasRecVariants::paddingChangesNothing() {
    SasRec net = reasoningNetwork(2);
    torch::NoGradGuard noGrad;
    const at::Tensor tight = at::tensor({4, 9, 2}, at::kLong).view({1, 3});
    const at::Tensor padded = at::tensor({0, 0, 0, 4, 9, 2}, at::kLong).view({1, 6});
    const std::vector<at::Tensor> a = reasoningStates(*net, tight, 2, true, nullptr);
    const std::vector<at::Tensor> b = reasoningStates(*net, padded, 2, true, nullptr);
    for (size_t k = 0; k < a.size(); ++k) QVERIFY(at::allclose(a[k], b[k], 1e-5, 1e-6));
}

void TestSasRecVariants::bothSchemesTrainAndBeatPopularity() {
    for (const char* scheme : {"\"reasoning_loss\": \"erl\"", "\"reasoning_loss\": \"prl\""}) {
        trainsAndBeatsPopularity("rearec", reaRecConfig(scheme));
        if (QTest::currentTestFailed()) return;
    }
}

void TestSasRecVariants::attentionCoversReasoningTokens() {
    tokenbench::test::SyntheticSplit synthetic = tokenbench::test::smallSynthetic(200, 50);
    const TrainingData data{&synthetic.data.dataset, &synthetic.split, nullptr};
    auto model = createModel("rearec", reaRecConfig("\"reasoning_steps\": 2"));
    model->prepare(data, 1, "cpu");
    const std::vector<AttentionMap> maps = model->attention({3, 4, 5});
    QCOMPARE(maps.size(), size_t{4});  // 2 blocks x 2 heads
    for (const AttentionMap& map : maps) {
        QCOMPARE(map.rows, 5);
        QCOMPARE(map.cols, 5);
        QCOMPARE(map.positions.back().label, std::string("[STEP 2]"));
        QVERIFY(map.positions.back().kind == AttentionPosition::Kind::Mask);
        QVERIFY(map.positions.front().kind == AttentionPosition::Kind::Item);
        for (int32_t r = 0; r < map.rows; ++r) {
            double sum = 0.0;
            for (int32_t c = 0; c < map.cols; ++c) sum += map.weights[static_cast<size_t>(r * map.cols + c)];
            QVERIFY(std::abs(sum - 1.0) < 1e-4);
        }
        // An item never attends to a reasoning token.
        QCOMPARE(map.weights[static_cast<size_t>(2 * map.cols + 3)], 0.0f);
    }
}

void TestSasRecVariants::augmentationsKeepWhatTheyMust() {
    const std::vector<int64_t> items = {11, 12, 13, 14, 15, 16, 17, 18, 19, 20};
    uint64_t state = 5;
    for (int draw = 0; draw < 50; ++draw) {
        // Crop: a contiguous run of floor(0.3 * 10) = 3 items.
        const std::vector<int64_t> crop = cropView(items, 0.3, state);
        QCOMPARE(crop.size(), size_t{3});
        QCOMPARE(crop[1], crop[0] + 1);
        QCOMPARE(crop[2], crop[0] + 2);
        // Mask: exactly 7 positions masked, the rest in place.
        const std::vector<int64_t> mask = maskView(items, 0.7, 99, state);
        QCOMPARE(std::count(mask.begin(), mask.end(), 99), 7L);
        for (size_t i = 0; i < items.size(); ++i) QVERIFY(mask[i] == 99 || mask[i] == items[i]);
        // Reorder: the same items; only a run of 4 may move.
        std::vector<int64_t> reorder = reorderView(items, 0.4, state);
        size_t first = items.size(), last = 0;
        for (size_t i = 0; i < items.size(); ++i)
            if (reorder[i] != items[i]) first = std::min(first, i), last = std::max(last, i);
        QVERIFY(first == items.size() || last - first < 4);
        std::sort(reorder.begin(), reorder.end());
        QVERIFY(reorder == items);
    }
    // A one-item crop of a one-item history keeps it.
    QVERIFY(cropView({7}, 0.2, state) == std::vector<int64_t>{7});
    // Views are a function of the state.
    uint64_t a = 3, b = 3;
    QVERIFY(augmentedView(items, {}, 99, a) == augmentedView(items, {}, 99, b));
}

void TestSasRecVariants::ntXentMatchesItsDefinition() {
    const at::Tensor a = at::tensor({1.0f, 0.0f, 0.5f, 0.5f}).view({2, 2});
    const at::Tensor b = at::tensor({0.8f, 0.1f, 0.0f, 1.0f}).view({2, 2});
    // Row 0 (a0): partner b0, others a1, b1; row 2 (b0): partner a0, others a1, b1; and so on.
    const std::vector<std::vector<float>> rows = {{1, 0}, {0.5f, 0.5f}, {0.8f, 0.1f}, {0, 1}};
    const auto dot = [&](size_t i, size_t j) { return rows[i][0] * rows[j][0] + rows[i][1] * rows[j][1]; };
    double expected = 0.0;
    const double temperature = 0.5;
    for (size_t i = 0; i < 4; ++i) {
        const size_t partner = (i + 2) % 4;
        double denominator = 0.0;
        for (size_t j = 0; j < 4; ++j)
            if (j != i) denominator += std::exp(dot(i, j) / temperature);
        expected += -(dot(i, partner) / temperature - std::log(denominator));
    }
    expected /= 4.0;
    QVERIFY(std::abs(ntXentLoss(a, b, temperature, false).item<double>() - expected) < 1e-5);
    // Identical, well separated views cost less than shuffled ones.
    const at::Tensor views = at::eye(4) * 5.0;
    QVERIFY(ntXentLoss(views, views, 1.0, true).item<double>() <
            ntXentLoss(views, views.flip(0), 1.0, true).item<double>());
}

void TestSasRecVariants::cl4srecTrainsAndBeatsPopularity() {
    trainsAndBeatsPopularity("cl4srec",
                             "{\"hidden\": 32, \"blocks\": 2, \"heads\": 2, \"max_length\": 20, \"batch_size\": 32, "
                             "\"learning_rate\": 0.003}",
                             [](Recommender& model, const Dataset& dataset) {
                                 // The [mask] row is not an item: the exported table has exactly the catalogue.
                                 QCOMPARE(model.itemEmbeddings().rows, static_cast<int64_t>(dataset.items.size()));
                             });
}

void TestSasRecVariants::intentsSeparateClusters() {
    // Three tight blobs far apart: every blob is one intent, and different blobs different intents.
    at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(5);
    const at::Tensor centres = at::tensor({0.0F, 0.0F, 10.0F, 0.0F, 0.0F, 10.0F}).view({3, 2});
    const at::Tensor points = centres.repeat_interleave(20, 0) + 0.1 * at::randn({60, 2}, generator);
    const IntentClusters clusters = fitIntents(points, 3, 11);
    QCOMPARE(clusters.prototypes.size(0), 3);
    QCOMPARE(clusters.intentOf.size(), size_t{60});
    for (int blob = 0; blob < 3; ++blob)
        for (int i = 1; i < 20; ++i) QCOMPARE(clusters.intentOf[blob * 20 + i], clusters.intentOf[blob * 20]);
    QVERIFY(clusters.intentOf[0] != clusters.intentOf[20] && clusters.intentOf[20] != clusters.intentOf[40] &&
            clusters.intentOf[0] != clusters.intentOf[40]);
    // Fewer sequences than intents: one intent per sequence, no failure.
    QCOMPARE(fitIntents(points.narrow(0, 0, 2), 8, 11).prototypes.size(0), 2);
    // The same seed gives the same intents.
    QVERIFY(fitIntents(points, 3, 11).intentOf == clusters.intentOf);
}

void TestSasRecVariants::intentContrastMatchesItsDefinition() {
    at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(9);
    const at::Tensor views = at::randn({5, 4}, generator).requires_grad_(true);
    const at::Tensor prototypes = at::randn({3, 4}, generator).requires_grad_(true);
    const at::Tensor intents = at::tensor({0, 2, 1, 1, 0}, at::kLong);
    const double temperature = 0.5;
    double expected = 0.0;
    for (int64_t i = 0; i < 5; ++i) {
        double denominator = 0.0;
        for (int64_t k = 0; k < 3; ++k)
            denominator += std::exp((views[i] * prototypes[k]).sum().item<double>() / temperature);
        const int64_t own = intents[i].item<int64_t>();
        expected -= (views[i] * prototypes[own]).sum().item<double>() / temperature - std::log(denominator);
    }
    expected /= 5.0;
    const at::Tensor loss = intentContrastLoss(views, prototypes, intents, temperature);
    QVERIFY(std::abs(loss.item<double>() - expected) < 1e-5);
    loss.backward();
    QVERIFY(views.grad().defined() && views.grad().abs().sum().item<double>() > 0.0);
    QVERIFY(!prototypes.grad().defined());  // prototypes are the E-step's constants
    // A view on its own prototype costs less than one on another's.
    const at::Tensor onPrototype = prototypes.detach() * 3.0;
    QVERIFY(intentContrastLoss(onPrototype, prototypes, at::tensor({0, 1, 2}, at::kLong), 1.0).item<double>() <
            intentContrastLoss(onPrototype, prototypes, at::tensor({1, 2, 0}, at::kLong), 1.0).item<double>());
}

void TestSasRecVariants::iclrecTrainsAndBeatsPopularity() {
    trainsAndBeatsPopularity("iclrec", "{\"hidden\": 32, \"blocks\": 2, \"heads\": 2, \"max_length\": 20, "
                                       "\"batch_size\": 32, \"learning_rate\": 0.003, \"intents\": 16}");
}

void TestSasRecVariants::lazyAdamStepsOnlyTouchedRows() {
    // Two optimizers on the same 4 x 2 table: the first sparse step touches rows 0 and 2, the second
    // only row 0. Dense-equivalent Adam still moves row 2 on the second step (its moments decay into
    // the weights); lazy Adam leaves it, and never moves the untouched rows 1 and 3.
    const auto table = [] { return at::arange(8, at::kFloat).reshape({4, 2}).set_requires_grad(true); };
    const auto sparseGrad = [](std::vector<int64_t> rows) {
        const auto n = static_cast<int64_t>(rows.size());
        const at::Tensor indices = at::tensor(rows, at::kLong).reshape({1, n});
        return at::sparse_coo_tensor(indices, at::ones({n, 2}), {4, 2});
    };
    at::Tensor dense = table();
    at::Tensor lazy = table();
    SasRecAdamOptions options;
    options.learningRate = 0.1;
    SasRecAdam denseAdam({dense}, options);
    options.lazyRows = true;
    SasRecAdam lazyAdam({lazy}, options);
    int64_t step = 1;
    for (const std::vector<int64_t>& rows : {std::vector<int64_t>{0, 2}, std::vector<int64_t>{0}}) {
        const at::Tensor before = lazy.detach().clone();
        const at::Tensor denseBefore = dense.detach().clone();
        dense.mutable_grad() = sparseGrad(rows);
        lazy.mutable_grad() = sparseGrad(rows);
        denseAdam.step(step);
        lazyAdam.step(step);
        ++step;
        QVERIFY(!at::equal(lazy.detach()[0], before[0]));
        QVERIFY(at::equal(lazy.detach()[1], before[1]));
        QVERIFY(at::equal(lazy.detach()[3], before[3]));
        if (rows.size() == 1) {
            QVERIFY(at::equal(lazy.detach()[2], before[2]));
            QVERIFY(!at::equal(dense.detach()[2], denseBefore[2]));
        }
        // A touched row takes the same step either way.
        QVERIFY(at::allclose(lazy.detach()[0], dense.detach()[0]));
    }
}

void TestSasRecVariants::lazyAdamSasRecTrainsAndBeatsPopularity() {
    trainsAndBeatsPopularity("sasrec", reaRecConfig("\"loss\": \"sampled-softmax\", \"sampled_negatives\": 64, "
                                                    "\"lazy_adam\": true"));
}

QTEST_GUILESS_MAIN(TestSasRecVariants)
#include "test_sasrec_variants.moc"
