// BERT4Rec: schema and registry, bidirectional attention and padding invariance of the module,
// training on the training prefix only, beating popularity on synthetic data, determinism,
// checkpoint round trip and exact resume, cancellation, attention maps, export.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <torch/utils.h>

#include <QObject>
#include <QtTest>

#include "models/bert4rec_module.h"
#include "models/sasrec_module.h"
#include "model_checks.h"
#include "module_fixtures.h"
#include "temp_project.h"
#include "test_data.h"
#include "tokenbench/cancellation.h"
#include "tokenbench/data/data_error.h"
#include "tokenbench/data/split.h"
#include "tokenbench/data/synthetic.h"
#include "tokenbench/io/safetensors.h"
#include "tokenbench/models/recommender.h"
#include "tokenbench/registry.h"
#include "tokenbench/runtime.h"

using namespace tokenbench::core;

namespace {

double ndcgAt(Recommender& model, const Dataset& dataset, const DataSplit& split, EvalPhase phase) {
    return tokenbench::test::fullRankingMetrics(model, dataset, split, phase).ndcg;
}

std::string bertConfig(const std::string& extra = "") {
    return "{\"hidden\": 32, \"blocks\": 2, \"heads\": 2, \"max_length\": 20, \"dropout\": 0.1" +
           (extra.empty() ? std::string() : ", " + extra) + "}";
}

Bert4Rec smallNet() {
    auto options = tokenbench::test::smallModuleOptions<Bert4RecOptions>();
    options.blocks = 2;
    options.dropout = 0.3;
    return tokenbench::test::seededForEval(Bert4Rec(options), 1);
}

}  // namespace

class TestBert4Rec final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void schemaAndRegistry();
    void moduleShapes();
    void attentionIsBidirectional();
    void leftPaddingChangesNoOutput();
    void trainsOnTrainingPrefixAndScoresByPhase();
    void learnsADeterministicChain();
    void beatsPopularityOnSynthetic();
    void sameSeedGivesSameLoss();
    void checkpointRoundTripAndExactResume();
    void cancelStopsBetweenBatches();
    void attentionMapsAreDistributionsOverHistoryAndMask();
    void exportWritesWeightsAndConfig();
    void misuseGivesClearErrors();

private:
    SyntheticData m_synthetic;
    DataSplit m_split;
};

void TestBert4Rec::initTestCase() {
    (void)configureRuntime(0);  // TOKENBENCH_THREADS (1 under ctest)
    tokenbench::test::SyntheticSplit synthetic = tokenbench::test::smallSynthetic(800, 200);
    m_synthetic = std::move(synthetic.data);
    m_split = std::move(synthetic.split);
}

void TestBert4Rec::schemaAndRegistry() {
    Registry registry;
    registerModels(registry);
    const ComponentInfo* info = registry.find("bert4rec");
    QVERIFY(info);
    QCOMPARE(info->kind, ComponentKind::Model);
    std::map<std::string, std::string> defaults;
    for (const ParamSpec& spec : info->params) defaults[spec.key] = spec.defaultValue;
    const std::map<std::string, std::string> expected = {
        {"hidden", "64"},    {"blocks", "2"},         {"heads", "2"},
        {"dropout", "0.1"},  {"max_length", "50"},    {"mask_prob", "0.2"},
        {"batch_size", "128"}, {"learning_rate", "0.001"}, {"weight_decay", "0"}};
    QVERIFY(defaults == expected);  // no "epochs": the engine owns it
    for (const ParamSpec& spec : info->params)
        if (spec.key == "mask_prob") QVERIFY(spec.help.find("0.6 Beauty") != std::string::npos);

    const auto model = createModel("bert4rec", "{}");
    QCOMPARE(model->id(), std::string("bert4rec"));
    QVERIFY(!model->ranksByList());
    QVERIFY_EXCEPTION_THROWN((void)createModel("bert4rec", "{\"hidden\": 30, \"heads\": 4}"), ConfigError);
    QVERIFY_EXCEPTION_THROWN((void)createModel("bert4rec", "{\"mask_prob\": 0}"), ConfigError);
    QVERIFY_EXCEPTION_THROWN((void)createModel("bert4rec", "{\"max_length\": 1}"), ConfigError);
    QVERIFY_EXCEPTION_THROWN((void)createModel("bert4rec", "{\"epochs\": 3}"), ConfigError);
}

void TestBert4Rec::moduleShapes() {
    torch::NoGradGuard noGrad;
    Bert4Rec net = smallNet();
    QCOMPARE(net->itemEmbedding->weight.size(0), int64_t(32));  // padding + 30 items + [MASK]
    QCOMPARE(net->maskToken(), int64_t(31));
    QVERIFY(at::all(net->itemEmbedding->weight[0] == 0).item<bool>());
    QCOMPARE(net->layers[0]->feedForward1->weight.sizes().vec(), (std::vector<int64_t>{64, 16}));  // 4 x hidden

    const at::Tensor tokens = at::tensor({0, 0, 3, 4, 5, 31, 1, 2, 3, 4, 5, 30}, at::kLong).view({2, 6});
    const Bert4RecOutput out = net->forward(tokens, nullptr, /*withAttention=*/true);
    QCOMPARE(out.hidden.sizes().vec(), (std::vector<int64_t>{2, 6, 16}));
    QCOMPARE(out.attentions.size(), size_t(2));
    QCOMPARE(out.attentions[0].sizes().vec(), (std::vector<int64_t>{2, 2, 6, 6}));
    QCOMPARE(net->scoreAll(out.hidden.select(1, 5)).sizes().vec(), (std::vector<int64_t>{2, 30}));
    QVERIFY_EXCEPTION_THROWN(net->forward(at::ones({1, 9}, at::kLong)), std::invalid_argument);
}

void TestBert4Rec::attentionIsBidirectional() {
    torch::NoGradGuard noGrad;
    Bert4Rec net = smallNet();
    const at::Tensor tokens = at::tensor({0, 0, 3, 4, 5, 6, 1, 2, 3, 4, 5, 30}, at::kLong).view({2, 6});
    at::Tensor changed = tokens.clone();
    changed[0][5] = 17;
    changed[1][5] = 17;
    // A later item changes an earlier position's output (BERT4Rec sees both sides)...
    const at::Tensor before = net->forward(tokens).hidden;
    const at::Tensor after = net->forward(changed).hidden;
    QVERIFY(!at::allclose(before.select(1, 2), after.select(1, 2)));
    QVERIFY(!at::allclose(before.select(1, 0).select(0, 1), after.select(1, 0).select(0, 1)));

    // ...whereas SASRec's causal attention leaves earlier positions untouched.
    SasRec causal = tokenbench::test::seededForEval(SasRec(tokenbench::test::smallModuleOptions<SasRecOptions>()), 1);
    QVERIFY(at::equal(causal->forward(tokens).hidden.narrow(1, 0, 5), causal->forward(changed).hidden.narrow(1, 0, 5)));

    // Padding keys get no attention from any query.
    const Bert4RecOutput out = net->forward(tokens, nullptr, /*withAttention=*/true);
    for (const at::Tensor& weights : out.attentions)
        QVERIFY(at::all(weights[0].narrow(1, 2, 4).narrow(2, 0, 2) == 0).item<bool>());
}

void TestBert4Rec::leftPaddingChangesNoOutput() {
    torch::NoGradGuard noGrad;
    Bert4Rec net = smallNet();
    const at::Tensor tokens = at::tensor({0, 0, 3, 4, 5, 31, 1, 2, 3, 4, 5, 31}, at::kLong).view({2, 6});
    const at::Tensor out = net->forward(tokens).hidden;
    const at::Tensor padded = at::cat({at::zeros({2, 2}, at::kLong), tokens}, 1);
    const at::Tensor paddedOut = net->forward(padded).hidden.narrow(1, 2, 6);
    QVERIFY(at::allclose(paddedOut.select(0, 0).narrow(0, 2, 4), out.select(0, 0).narrow(0, 2, 4), 1e-5, 1e-5));
    QVERIFY(at::allclose(paddedOut.select(0, 1), out.select(0, 1), 1e-5, 1e-5));
    // A row alone scores as it does inside a batch padded to a longer neighbour.
    const at::Tensor alone = net->forward(tokens.select(0, 0).narrow(0, 2, 4).unsqueeze(0)).hidden;
    QVERIFY(at::allclose(alone.select(0, 0), out.select(0, 0).narrow(0, 2, 4), 1e-5, 1e-5));
}

void TestBert4Rec::trainsOnTrainingPrefixAndScoresByPhase() {
    // Two data sets that differ only in validation and test items: training must not see them, so
    // the same seed trains the same model; validation scores (training history) agree, test scores
    // (training + validation history) do not.
    const Dataset first = tokenbench::test::cyclingDataset(12, 20, 10);
    Dataset second = first;
    for (UserSequence& seq : second.users) {
        seq.items[seq.items.size() - 2] = (seq.items[seq.items.size() - 2] + 7) % 20;
        seq.items.back() = (seq.items.back() + 3) % 20;
    }
    const DataSplit split = makeSplit(first, SplitConfig{});
    const std::vector<int32_t> users = {0, 3, 11};
    std::vector<float> scores[2][2];
    double losses[2] = {0, 0};
    for (int d = 0; d < 2; ++d) {
        auto model = createModel("bert4rec", bertConfig("\"batch_size\": 4"));
        model->prepare(TrainingData{d == 0 ? &first : &second, &split, nullptr}, 5, "cpu");
        const EpochReport report = model->trainEpoch({}, nullptr);
        QCOMPARE(report.samples, int64_t(12));
        QCOMPARE(report.steps, int64_t(3));
        losses[d] = report.loss;
        model->scoreUsers(users, EvalPhase::Valid, scores[d][0]);
        model->scoreUsers(users, EvalPhase::Test, scores[d][1]);
    }
    QCOMPARE(losses[0], losses[1]);
    QCOMPARE(scores[0][0].size(), size_t(3 * 20));
    QVERIFY(scores[0][0] == scores[1][0]);
    QVERIFY(scores[0][1] != scores[1][1]);
    QVERIFY(scores[0][0] != scores[0][1]);
}

void TestBert4Rec::learnsADeterministicChain() {
    // Every sequence follows one fixed permutation of 50 items from a random start: the item before
    // the [MASK] determines the target. Popularity scores about 0.11 here; a model that learned to
    // read its left neighbour ranks the target near the top (0.7 after 6 epochs).
    Dataset dataset;
    const int items = 50;
    for (int i = 0; i < items; ++i) dataset.items.push_back(ItemInfo{"i" + std::to_string(i), "", "", {}});
    uint64_t state = 12345;
    for (int u = 0; u < 400; ++u) {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        UserSequence seq;
        seq.rawId = "u" + std::to_string(u);
        int item = static_cast<int>((state >> 33) % items);
        const int length = 6 + static_cast<int>((state >> 20) % 6);
        for (int p = 0; p < length; ++p, item = (item * 7 + 3) % items) seq.items.push_back(item);
        dataset.users.push_back(std::move(seq));
    }
    const DataSplit split = makeSplit(dataset, SplitConfig{});
    const TrainingData data{&dataset, &split, nullptr};
    const double base = ndcgAt(*tokenbench::test::popularityBaseline(data), dataset, split, EvalPhase::Valid);

    auto model = createModel("bert4rec", bertConfig("\"batch_size\": 32, \"learning_rate\": 0.003"));
    model->prepare(data, 7, "cpu");
    for (int epoch = 0; epoch < 6; ++epoch) model->trainEpoch({}, nullptr);
    const double learned = ndcgAt(*model, dataset, split, EvalPhase::Valid);
    qInfo("chain: valid NDCG@10 popularity %.3f, bert4rec %.3f", base, learned);
    QVERIFY(learned > 0.5);
    QVERIFY(learned > 3.0 * base);
}

void TestBert4Rec::beatsPopularityOnSynthetic() {
    const Dataset& dataset = m_synthetic.dataset;
    const TrainingData data{&dataset, &m_split, nullptr};
    const double base = ndcgAt(*tokenbench::test::popularityBaseline(data), dataset, m_split, EvalPhase::Test);

    // BERT4Rec learns more slowly than SASRec here (one cloze sample per user and epoch, about 20%
    // of it masked): about 1.3 x popularity after 15 epochs, against SASRec's 2.4 x after 20.
    auto bert = createModel("bert4rec", bertConfig("\"batch_size\": 32, \"learning_rate\": 0.005"));
    bert->prepare(data, 1, "cpu");
    const auto start = std::chrono::steady_clock::now();
    EpochReport first, report;
    for (int epoch = 1; epoch <= 15; ++epoch) {
        report = bert->trainEpoch({}, nullptr);
        if (epoch == 1) first = report;
    }
    const double learned = ndcgAt(*bert, dataset, m_split, EvalPhase::Test);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    qInfo("synthetic NDCG@10: popularity %.4f, bert4rec %.4f (loss %.3f -> %.3f, %.1f s)", base, learned, first.loss,
          report.loss, seconds);
    QCOMPARE(report.samples, static_cast<int64_t>(dataset.users.size()));
    QVERIFY(report.loss < first.loss - 0.2);
    QVERIFY(learned > 1.15 * base);
}

void TestBert4Rec::sameSeedGivesSameLoss() {
    const TrainingData data{&m_synthetic.dataset, &m_split, nullptr};
    const std::vector<int32_t> users = {0, 5, 17, 300};
    double losses[3];
    std::vector<float> scores[3];
    for (int run = 0; run < 3; ++run) {
        auto model = createModel("bert4rec", bertConfig("\"batch_size\": 64"));
        model->prepare(data, run == 2 ? 99 : 5, "cpu");
        losses[run] = model->trainEpoch({}, nullptr).loss;
        model->scoreUsers(users, EvalPhase::Valid, scores[run]);
    }
    QCOMPARE(losses[0], losses[1]);
    QVERIFY(scores[0] == scores[1]);
    QVERIFY(losses[0] != losses[2]);
    QVERIFY(scores[0] != scores[2]);
}

void TestBert4Rec::checkpointRoundTripAndExactResume() {
    tokenbench::test::TempProject temp;
    const std::string path = temp.file("bert4rec.pt");
    const TrainingData data{&m_synthetic.dataset, &m_split, nullptr};
    const std::vector<int32_t> users = {1, 2, 3, 400, 799};
    const std::string config = bertConfig("\"batch_size\": 64");
    auto model = tokenbench::test::preparedModel("bert4rec", config, data, 11);
    model->trainEpoch({}, nullptr);
    model->save(path);
    QVERIFY(tokenbench::test::savedAtomically(path));
    std::vector<float> before;
    model->scoreUsers(users, EvalPhase::Test, before);
    const double continued = model->trainEpoch({}, nullptr).loss;
    std::vector<float> continuedScores;
    model->scoreUsers(users, EvalPhase::Test, continuedScores);

    auto restored = tokenbench::test::preparedModel("bert4rec", config, data, 11);
    restored->load(path);
    std::vector<float> after;
    restored->scoreUsers(users, EvalPhase::Test, after);
    QVERIFY(before == after);
    const double resumed = restored->trainEpoch({}, nullptr).loss;
    std::vector<float> resumedScores;
    restored->scoreUsers(users, EvalPhase::Test, resumedScores);
    qInfo("continued %.8f, resumed %.8f", continued, resumed);
    QCOMPARE(resumed, continued);
    QVERIFY(resumedScores == continuedScores);

    // Other sizes, another model's checkpoint and a non-checkpoint are refused with DataError.
    auto small = createModel("bert4rec", "{\"hidden\": 16}");
    small->prepare(data, 11, "cpu");
    QVERIFY_EXCEPTION_THROWN(small->load(path), DataError);
    const std::string sasrecPath = temp.file("sasrec.pt");
    auto sasrec = createModel("sasrec", "{\"hidden\": 32, \"blocks\": 2, \"heads\": 2, \"max_length\": 20}");
    sasrec->prepare(data, 11, "cpu");
    sasrec->save(sasrecPath);
    QVERIFY_EXCEPTION_THROWN(restored->load(sasrecPath), DataError);
    const std::string junk = temp.file("junk.pt");
    std::ofstream(junk) << "not a checkpoint";
    QVERIFY_EXCEPTION_THROWN(restored->load(junk), DataError);
    // A failed load leaves the model usable.
    std::vector<float> still;
    restored->scoreUsers(users, EvalPhase::Test, still);
    QVERIFY(still == resumedScores);
}

void TestBert4Rec::cancelStopsBetweenBatches() {
    const TrainingData data{&m_synthetic.dataset, &m_split, nullptr};
    tokenbench::test::verifyCancelStopsBetweenBatches(
        *tokenbench::test::preparedModel("bert4rec", bertConfig("\"batch_size\": 64"), data, 3));
}

void TestBert4Rec::attentionMapsAreDistributionsOverHistoryAndMask() {
    const Dataset& dataset = m_synthetic.dataset;
    const TrainingData data{&dataset, &m_split, nullptr};
    auto model = createModel("bert4rec", "{\"hidden\": 32, \"blocks\": 3, \"heads\": 2, \"max_length\": 20}");
    model->prepare(data, 3, "cpu");
    model->trainEpoch({}, nullptr);
    std::vector<int32_t> history;
    for (int i = 0; i < 30; ++i) history.push_back((i * 7) % 200);
    const std::vector<AttentionMap> maps = model->attention(history);
    QCOMPARE(maps.size(), size_t(6));  // 3 layers x 2 heads
    for (size_t m = 0; m < maps.size(); ++m) {
        const AttentionMap& map = maps[m];
        QCOMPARE(map.layer, static_cast<int32_t>(m / 2));
        QCOMPARE(map.head, static_cast<int32_t>(m % 2));
        QCOMPARE(map.rows, 20);  // the last 19 items and the [MASK]
        QCOMPARE(map.cols, 20);
        QCOMPARE(map.weights.size(), size_t(400));
        QCOMPARE(map.positions.size(), size_t(20));
        QCOMPARE(map.positions.back().label, std::string("[MASK]"));
        QCOMPARE(map.positions[18].label, dataset.items[static_cast<size_t>(history.back())].rawId);
        QCOMPARE(map.positions[0].label, dataset.items[static_cast<size_t>(history[11])].rawId);
        double upper = 0.0;  // weight on later positions: zero for a causal model
        for (int r = 0; r < map.rows; ++r) {
            double sum = 0.0;
            for (int c = 0; c < map.cols; ++c) {
                const float w = map.weights[static_cast<size_t>(r * map.cols + c)];
                QVERIFY(w >= 0.0f);
                if (c > r) upper += w;
                sum += w;
            }
            QVERIFY(std::abs(sum - 1.0) < 1e-4);
        }
        QVERIFY(upper > 0.1);
    }
    QCOMPARE(model->attention({5, 6, 7}).front().rows, 4);
    QVERIFY(model->attention({}).empty());
    QVERIFY_EXCEPTION_THROWN((void)model->attention({5, 200}), std::out_of_range);
}

void TestBert4Rec::exportWritesWeightsAndConfig() {
    tokenbench::test::TempProject temp;
    const std::string dir = temp.file("export");
    const TrainingData data{&m_synthetic.dataset, &m_split, nullptr};
    auto model = createModel("bert4rec", bertConfig());
    model->prepare(data, 3, "cpu");
    model->exportModel(dir);
    std::map<std::string, std::string> metadata;
    const std::vector<TensorData> tensors = readSafetensors(dir + "/weights.safetensors", &metadata);
    QCOMPARE(metadata["model"], std::string("bert4rec"));
    std::map<std::string, std::vector<int64_t>> shapes;
    for (const TensorData& t : tensors) shapes[t.name] = t.shape;
    QCOMPARE(shapes["item_embedding.weight"], (std::vector<int64_t>{202, 32}));
    QCOMPARE(shapes["position_embedding.weight"], (std::vector<int64_t>{20, 32}));
    QCOMPARE(shapes["output_bias"], (std::vector<int64_t>{200}));
    QCOMPARE(shapes["layer1.feed_forward1.weight"], (std::vector<int64_t>{128, 32}));
    std::ifstream config(dir + "/config.json");
    const std::string text((std::istreambuf_iterator<char>(config)), std::istreambuf_iterator<char>());
    QVERIFY(text.find("\"model\": \"bert4rec\"") != std::string::npos);
    QVERIFY(text.find("\"mask_token\": 201") != std::string::npos);
}

void TestBert4Rec::misuseGivesClearErrors() {
    auto model = createModel("bert4rec", bertConfig());
    std::vector<float> scores;
    QVERIFY_EXCEPTION_THROWN(model->scoreUsers({0}, EvalPhase::Valid, scores), std::logic_error);
    QVERIFY_EXCEPTION_THROWN(model->trainEpoch({}, nullptr), std::logic_error);
    QVERIFY_EXCEPTION_THROWN(model->prepare(TrainingData{}, 1, "cpu"), std::invalid_argument);
    const TrainingData data{&m_synthetic.dataset, &m_split, nullptr};
    QVERIFY_EXCEPTION_THROWN(model->prepare(data, 1, "tpu"), std::invalid_argument);
    model->prepare(data, 1, "cpu");
    QVERIFY_EXCEPTION_THROWN(model->scoreUsers({800}, EvalPhase::Valid, scores), std::out_of_range);
    std::vector<std::vector<int32_t>> lists;
    QVERIFY_EXCEPTION_THROWN(model->rankUsers({0}, EvalPhase::Valid, 10, lists), std::logic_error);
}

QTEST_GUILESS_MAIN(TestBert4Rec)
#include "test_bert4rec.moc"
