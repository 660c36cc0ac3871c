// Recommenders (popularity, SASRec): module shapes and causality, schema, overfitting a tiny batch,
// beating popularity on synthetic data, determinism, checkpoint round trip and exact resume,
// cancellation, attention maps. Set TOKENBENCH_BENCH=1 and TOKENBENCH_BEAUTY=<Beauty.txt> for the
// opt-in Amazon Beauty timing slot.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <torch/utils.h>

#include <QObject>
#include <QtTest>

#include "../../core/src/models/sasrec_module.h"
#include "temp_project.h"
#include "tokenbench/cancellation.h"
#include "tokenbench/data/split.h"
#include "tokenbench/data/synthetic.h"
#include "tokenbench/models/recommender.h"
#include "tokenbench/registry.h"

using namespace tokenbench::core;

namespace {

/// Mean NDCG@k and Recall@k over users with a target in `phase`, full ranking: rank = number of
/// other items scoring >= the target.
struct Metrics final {
    double ndcg = 0.0;
    double recall = 0.0;
    int64_t users = 0;
};

Metrics evaluate(Recommender& model, const Dataset& dataset, const DataSplit& split, EvalPhase phase, int k = 10) {
    std::vector<int32_t> users;
    std::vector<int32_t> targets;
    for (size_t u = 0; u < dataset.users.size(); ++u) {
        const UserSplit& cut = split.users[u];
        const auto& items = dataset.users[u].items;
        const int32_t position = phase == EvalPhase::Valid ? cut.trainEnd : cut.validEnd;
        const int32_t end = phase == EvalPhase::Valid ? cut.validEnd : static_cast<int32_t>(items.size());
        if (position >= end) continue;
        users.push_back(static_cast<int32_t>(u));
        targets.push_back(items[static_cast<size_t>(position)]);
    }
    std::vector<float> scores;
    model.scoreUsers(users, phase, scores);
    const size_t items = dataset.items.size();
    Metrics m;
    for (size_t r = 0; r < users.size(); ++r) {
        const float* row = scores.data() + r * items;
        const float target = row[static_cast<size_t>(targets[r])];
        int64_t rank = 0;
        for (size_t i = 0; i < items; ++i)
            if (static_cast<int32_t>(i) != targets[r] && row[i] >= target) ++rank;
        if (rank < k) {
            m.ndcg += 1.0 / std::log2(static_cast<double>(rank) + 2.0);
            m.recall += 1.0;
        }
    }
    m.users = static_cast<int64_t>(users.size());
    if (m.users > 0) {
        m.ndcg /= static_cast<double>(m.users);
        m.recall /= static_cast<double>(m.users);
    }
    return m;
}

std::string sasrecConfig(const std::string& extra = "") {
    return "{\"hidden\": 32, \"blocks\": 2, \"heads\": 2, \"max_length\": 20, \"dropout\": 0.2" +
           (extra.empty() ? std::string() : ", " + extra) + "}";
}

/// A hand-made data set: `users` users cycling through `items` items with user-specific offsets.
Dataset tinyDataset(int users, int items, int length) {
    Dataset dataset;
    for (int i = 0; i < items; ++i) dataset.items.push_back(ItemInfo{"i" + std::to_string(i), "", "", {}});
    for (int u = 0; u < users; ++u) {
        UserSequence seq;
        seq.rawId = "u" + std::to_string(u);
        for (int p = 0; p < length; ++p) seq.items.push_back((u * 3 + p * (1 + u % 2)) % items);
        dataset.users.push_back(seq);
    }
    return dataset;
}

}  // namespace

class TestModels final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void moduleShapesAndCausality();
    void registryListsModelsAndValidates();
    void sasrecOverfitsTinyBatch();
    void sasrecBeatsPopularityOnSynthetic();
    void sameSeedGivesIdenticalScores();
    void checkpointRoundTripAndExactResume();
    void popularityCheckpointRoundTrip();
    void cancelStopsBetweenBatches();
    void attentionMapsAreCausalDistributions();
    void benchmarkBeauty();

private:
    SyntheticData m_synthetic;
    DataSplit m_split;
};

void TestModels::initTestCase() {
    SyntheticConfig config;
    config.users = 800;
    config.items = 200;
    config.branching = {3, 2, 2};
    m_synthetic = generateSynthetic(config);
    m_split = makeSplit(m_synthetic.dataset, SplitConfig{});
}

void TestModels::moduleShapesAndCausality() {
    torch::NoGradGuard noGrad;
    SasRecOptions options;
    options.items = 30;
    options.hidden = 16;
    options.blocks = 2;
    options.heads = 2;
    options.maxLength = 8;
    options.dropout = 0.3;
    SasRec net(options);
    at::Generator generator = at::detail::createCPUGenerator(1);
    net->resetParameters(generator);
    net->eval();
    QVERIFY(at::all(net->itemEmbedding->weight[0] == 0).item<bool>());

    const at::Tensor items = at::tensor({0, 0, 3, 4, 5, 6, 1, 2, 3, 4, 5, 30}, at::kLong).view({2, 6});
    const SasRecOutput out = net->forward(items, nullptr, /*withAttention=*/true);
    QCOMPARE(out.hidden.sizes().vec(), (std::vector<int64_t>{2, 6, 16}));
    QCOMPARE(out.attentions.size(), size_t(2));
    QCOMPARE(out.attentions[0].sizes().vec(), (std::vector<int64_t>{2, 2, 6, 6}));
    QCOMPARE(net->scoreAll(out.hidden.select(1, 5)).sizes().vec(), (std::vector<int64_t>{2, 30}));

    // Changing position 4 leaves positions 0..3 untouched and changes position 4.
    at::Tensor changed = items.clone();
    changed[0][4] = 17;
    changed[1][4] = 17;
    const at::Tensor other = net->forward(changed).hidden;
    QVERIFY(at::equal(other.narrow(1, 0, 4), out.hidden.narrow(1, 0, 4)));
    QVERIFY(!at::allclose(other.select(1, 4), out.hidden.select(1, 4)));

    // Extra left padding changes no real position's output (positions are right-aligned).
    const at::Tensor padded = at::cat({at::zeros({2, 2}, at::kLong), items}, 1);
    const at::Tensor paddedOut = net->forward(padded).hidden.narrow(1, 2, 6);
    QVERIFY(at::allclose(paddedOut.select(0, 0).narrow(0, 2, 4), out.hidden.select(0, 0).narrow(0, 2, 4), 1e-5, 1e-5));
    QVERIFY(at::allclose(paddedOut.select(0, 1), out.hidden.select(0, 1), 1e-5, 1e-5));
    QVERIFY_EXCEPTION_THROWN(net->forward(at::ones({1, 9}, at::kLong)), std::invalid_argument);
}

void TestModels::registryListsModelsAndValidates() {
    Registry registry;
    registerModels(registry);
    QVERIFY(registry.find("popularity"));
    const ComponentInfo* sasrec = registry.find("sasrec");
    QVERIFY(sasrec);
    QCOMPARE(sasrec->kind, ComponentKind::Model);
    QCOMPARE(registry.list(ComponentKind::Model).size(), size_t(2));
    QVERIFY(createModel("sasrec", "{}"));
    QCOMPARE(createModel("popularity", "{}")->id(), std::string("popularity"));
    QVERIFY_EXCEPTION_THROWN((void)createModel("sasrec", "{\"hidden\": 30, \"heads\": 4}"), ConfigError);
    QVERIFY_EXCEPTION_THROWN((void)createModel("sasrec", "{\"loss\": \"hinge\"}"), ConfigError);
    QVERIFY_EXCEPTION_THROWN((void)createModel("nope", "{}"), ConfigError);
}

void TestModels::sasrecOverfitsTinyBatch() {
    const Dataset dataset = tinyDataset(8, 20, 12);
    const DataSplit split = makeSplit(dataset, SplitConfig{});
    auto model = createModel("sasrec", sasrecConfig("\"dropout\": 0.0, \"learning_rate\": 0.01"));
    model->prepare(TrainingData{&dataset, &split, nullptr}, 7, "cpu");
    const double first = model->trainEpoch({}, nullptr).loss;
    double last = first;
    for (int epoch = 0; epoch < 80; ++epoch) last = model->trainEpoch({}, nullptr).loss;
    qInfo("tiny batch: loss %.4f -> %.4f", first, last);
    QVERIFY(first > 2.0);
    QVERIFY(last < 0.2 * first);
}

void TestModels::sasrecBeatsPopularityOnSynthetic() {
    const Dataset& dataset = m_synthetic.dataset;
    const TrainingData data{&dataset, &m_split, nullptr};
    auto popularity = createModel("popularity", "{}");
    popularity->prepare(data, 1, "cpu");
    QCOMPARE(popularity->trainEpoch({}, nullptr).loss, 0.0);
    const Metrics base = evaluate(*popularity, dataset, m_split, EvalPhase::Test);

    auto sasrec = createModel("sasrec", sasrecConfig("\"batch_size\": 32, \"learning_rate\": 0.003"));
    sasrec->prepare(data, 1, "cpu");
    const auto start = std::chrono::steady_clock::now();
    EpochReport report;
    Metrics learned;
    for (int epoch = 1; epoch <= 20; ++epoch) {
        report = sasrec->trainEpoch({}, nullptr);
        if (epoch % 5 != 0) continue;
        learned = evaluate(*sasrec, dataset, m_split, EvalPhase::Test);
        qInfo("epoch %d: loss %.4f, test NDCG@10 %.4f", epoch, report.loss, learned.ndcg);
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    qInfo("synthetic NDCG@10: popularity %.4f, sasrec %.4f (recall %.4f vs %.4f; %lld users; %.1f s)", base.ndcg,
          learned.ndcg, base.recall, learned.recall, static_cast<long long>(learned.users), seconds);
    QCOMPARE(report.samples, static_cast<int64_t>(dataset.users.size()));
    QVERIFY(learned.users > 700);
    QVERIFY(learned.ndcg > 1.5 * base.ndcg);
}

void TestModels::sameSeedGivesIdenticalScores() {
    const Dataset& dataset = m_synthetic.dataset;
    const TrainingData data{&dataset, &m_split, nullptr};
    const std::vector<int32_t> users = {0, 5, 17, 300};
    std::vector<float> scores[3];
    for (int run = 0; run < 3; ++run) {
        auto model = createModel("sasrec", sasrecConfig("\"loss\": \"bce\""));
        model->prepare(data, run == 2 ? 99 : 5, "cpu");
        model->trainEpoch({}, nullptr);
        model->scoreUsers(users, EvalPhase::Valid, scores[run]);
    }
    QCOMPARE(scores[0].size(), users.size() * dataset.items.size());
    QVERIFY(scores[0] == scores[1]);
    QVERIFY(scores[0] != scores[2]);
}

void TestModels::checkpointRoundTripAndExactResume() {
    tokenbench::test::TempProject temp;
    const std::string path = temp.file("sasrec.pt");
    const Dataset& dataset = m_synthetic.dataset;
    const TrainingData data{&dataset, &m_split, nullptr};
    const std::vector<int32_t> users = {1, 2, 3, 400, 799};
    for (const char* loss : {"ce", "bce"}) {
        const std::string config = sasrecConfig(std::string("\"loss\": \"") + loss + "\"");
        auto model = createModel("sasrec", config);
        model->prepare(data, 11, "cpu");
        model->trainEpoch({}, nullptr);
        model->save(path);
        QVERIFY(std::filesystem::exists(path));
        QVERIFY(!std::filesystem::exists(path + ".tmp"));
        std::vector<float> before;
        model->scoreUsers(users, EvalPhase::Test, before);
        const double continued = model->trainEpoch({}, nullptr).loss;

        auto restored = createModel("sasrec", config);
        restored->prepare(data, 11, "cpu");
        restored->load(path);
        std::vector<float> after;
        restored->scoreUsers(users, EvalPhase::Test, after);
        QVERIFY(before == after);
        const double resumed = restored->trainEpoch({}, nullptr).loss;
        qInfo("%s: continued %.8f, resumed %.8f", loss, continued, resumed);
        QCOMPARE(resumed, continued);
    }
    auto small = createModel("sasrec", "{\"hidden\": 16}");
    small->prepare(data, 11, "cpu");
    QVERIFY_EXCEPTION_THROWN(small->load(path), std::exception);
}

void TestModels::popularityCheckpointRoundTrip() {
    tokenbench::test::TempProject temp;
    const std::string path = temp.file("popularity.json");
    const TrainingData data{&m_synthetic.dataset, &m_split, nullptr};
    auto model = createModel("popularity", "{}");
    model->prepare(data, 1, "cpu");
    model->trainEpoch({}, nullptr);
    std::vector<float> before, after;
    model->scoreUsers({0, 1}, EvalPhase::Valid, before);
    model->save(path);
    auto restored = createModel("popularity", "{}");
    restored->prepare(data, 1, "cpu");
    restored->load(path);
    restored->scoreUsers({0, 1}, EvalPhase::Valid, after);
    QVERIFY(before == after);
    QVERIFY(restored->attention({1, 2}).empty());
}

void TestModels::cancelStopsBetweenBatches() {
    const TrainingData data{&m_synthetic.dataset, &m_split, nullptr};
    auto model = createModel("sasrec", sasrecConfig("\"batch_size\": 64"));
    model->prepare(data, 3, "cpu");
    std::atomic<bool> cancel{false};
    int64_t steps = 0;
    QVERIFY_EXCEPTION_THROWN(model->trainEpoch(
                                 [&](int64_t, double) {
                                     ++steps;
                                     cancel = true;
                                 },
                                 &cancel),
                             CancelledError);
    QCOMPARE(steps, int64_t(1));
    steps = 0;
    QVERIFY_EXCEPTION_THROWN(model->trainEpoch([&](int64_t, double) { ++steps; }, &cancel), CancelledError);
    QCOMPARE(steps, int64_t(0));
}

void TestModels::attentionMapsAreCausalDistributions() {
    const TrainingData data{&m_synthetic.dataset, &m_split, nullptr};
    auto model = createModel("sasrec", sasrecConfig());
    model->prepare(data, 3, "cpu");
    model->trainEpoch({}, nullptr);
    std::vector<int32_t> history;
    for (int i = 0; i < 30; ++i) history.push_back((i * 7) % 200);
    const std::vector<AttentionMap> maps = model->attention(history);
    QCOMPARE(maps.size(), size_t(4));  // 2 blocks x 2 heads
    for (const AttentionMap& map : maps) {
        QCOMPARE(map.rows, 20);  // capped at max_length
        QCOMPARE(map.cols, 20);
        QCOMPARE(map.labels.size(), size_t(20));
        QCOMPARE(map.labels.back(), m_synthetic.dataset.items[static_cast<size_t>(history.back())].rawId);
        for (int r = 0; r < map.rows; ++r) {
            double sum = 0.0;
            for (int c = 0; c < map.cols; ++c) {
                const float w = map.weights[static_cast<size_t>(r * map.cols + c)];
                if (c > r) QCOMPARE(w, 0.0f);
                sum += w;
            }
            QVERIFY(std::abs(sum - 1.0) < 1e-4);
        }
    }
    QCOMPARE(model->attention({5, 6, 7}).front().rows, 3);
    QVERIFY(model->attention({}).empty());
}

void TestModels::benchmarkBeauty() {
    const char* enabled = std::getenv("TOKENBENCH_BENCH");
    if (!enabled || std::string(enabled) != "1") QSKIP("set TOKENBENCH_BENCH=1 to run the Beauty benchmark");
    const char* file = std::getenv("TOKENBENCH_BEAUTY");
    const std::string path = file ? file : "/work/shared/data/amazon-beauty/Beauty.txt";
    std::ifstream in(path);
    if (!in) QSKIP("Beauty.txt not found");
    Dataset dataset;
    std::string line;
    int32_t maxItem = 0;
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        UserSequence seq;
        fields >> seq.rawId;
        int32_t item = 0;
        while (fields >> item) {
            seq.items.push_back(item - 1);
            maxItem = std::max(maxItem, item);
        }
        if (!seq.items.empty()) dataset.users.push_back(std::move(seq));
    }
    for (int32_t i = 0; i < maxItem; ++i) dataset.items.push_back(ItemInfo{std::to_string(i + 1), "", "", {}});
    const DataSplit split = makeSplit(dataset, SplitConfig{});
    const TrainingData data{&dataset, &split, nullptr};
    const int threads = std::getenv("TOKENBENCH_BENCH_THREADS") ? std::atoi(std::getenv("TOKENBENCH_BENCH_THREADS")) : 2;
    at::set_num_threads(threads);
    const int epochs = std::getenv("TOKENBENCH_BENCH_EPOCHS") ? std::atoi(std::getenv("TOKENBENCH_BENCH_EPOCHS")) : 3;
    const std::string device = std::getenv("TOKENBENCH_BENCH_DEVICE") ? std::getenv("TOKENBENCH_BENCH_DEVICE") : "cpu";
    qInfo("Beauty: %zu users, %zu items, %d threads, device %s", dataset.users.size(), dataset.items.size(), threads,
          device.c_str());
    for (const char* loss : {"bce", "ce"}) {
        const std::string config =
            std::string("{\"hidden\": 50, \"blocks\": 2, \"heads\": 1, \"max_length\": 50, \"batch_size\": 128, "
                        "\"dropout\": 0.5, \"loss\": \"") +
            loss + "\"}";
        auto model = createModel("sasrec", config);
        model->prepare(data, 42, device);
        for (int epoch = 1; epoch <= epochs; ++epoch) {
            const auto start = std::chrono::steady_clock::now();
            const EpochReport report = model->trainEpoch({}, nullptr);
            const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            qInfo("%s epoch %d: loss %.4f, %.2f s/epoch (%lld steps)", loss, epoch, report.loss, seconds,
                  static_cast<long long>(report.steps));
        }
        const auto start = std::chrono::steady_clock::now();
        const Metrics test = evaluate(*model, dataset, split, EvalPhase::Test);
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        qInfo("%s after %d epochs: test NDCG@10 %.4f, Recall@10 %.4f (%lld users, eval %.1f s)", loss, epochs,
              test.ndcg, test.recall, static_cast<long long>(test.users), seconds);
    }
}

QTEST_GUILESS_MAIN(TestModels)
#include "test_models.moc"
