// TIGER: module shapes, incremental decoding equal to teacher forcing, the schema and its learning-rate
// schedule, prepare's checks, constrained beam search (only real items, no duplicates, full lists),
// unconstrained invalid IDs, beating popularity on synthetic data, determinism, checkpoint round trip
// and exact resume, cancellation, attention maps, export. Semantic IDs come from the synthetic
// category tree plus TIGER's collision level, so no tokenizer run is needed.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <torch/utils.h>
#include <nlohmann/json.hpp>

#include <QObject>
#include <QtTest>

#include "models/tiger_config.h"
#include "models/tiger_module.h"
#include "model_checks.h"
#include "module_fixtures.h"
#include "temp_project.h"
#include "test_data.h"
#include "tokenbench/cancellation.h"
#include "tokenbench/data/data_error.h"
#include "tokenbench/data/split.h"
#include "tokenbench/data/synthetic.h"
#include "tokenbench/eval/ranking_evaluator.h"
#include "tokenbench/models/recommender.h"
#include "tokenbench/registry.h"
#include "tokenbench/runtime.h"
#include "tokenbench/tokenizers/collisions.h"

using namespace tokenbench::core;

namespace {

std::string tigerConfig(const std::string& extra = "") {
    return "{\"hidden\": 32, \"encoder_layers\": 2, \"decoder_layers\": 2, \"heads\": 2, \"feed_forward\": 64, "
           "\"batch_size\": 64, \"learning_rate\": 0.003, \"warmup_steps\": 20, \"user_buckets\": 50" +
           (extra.empty() ? std::string() : ", " + extra) + "}";
}

/// NDCG@10 of the model's ranked lists (ranksByList) or scores, by the project's evaluator.
double ndcgAt10(Recommender& model, const Dataset& dataset, const DataSplit& split, EvalPhase phase) {
    const tokenbench::test::EvalTargets targets = tokenbench::test::evalTargets(dataset, split, phase);
    RankingEvaluator evaluator(EvalOptions{}, trainingItemCounts(dataset, split));
    if (model.ranksByList()) {
        std::vector<std::vector<int32_t>> lists;
        model.rankUsers(targets.users, phase, 20, lists);
        evaluator.addRankedLists(lists, targets.items);
    } else {
        std::vector<float> scores;
        model.scoreUsers(targets.users, phase, scores);
        evaluator.addScores(scores.data(), static_cast<int64_t>(targets.users.size()), targets.items.data(), {});
    }
    return evaluator.report().all.values.at("ndcg@10");
}

TigerOptions smallOptions() {
    TigerOptions options;
    options.vocab = {3, 4, 5};
    options.hidden = 16;
    options.encoderLayers = 2;
    options.decoderLayers = 2;
    options.heads = 2;
    options.feedForward = 32;
    options.dropout = 0.3;
    options.maxItems = 4;
    options.userBuckets = 7;
    return options;
}

}  // namespace

class TestTiger final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void moduleShapesAndPaddingInvariance();
    void incrementalDecodingMatchesTeacherForcing();
    void registryAndSchedule();
    void prepareRejectsMissingOrForeignIds();
    void constrainedBeamsAreRealDistinctItems();
    void sharedTuplesAndShortCataloguesFillLists();
    void unconstrainedBeamsCountInvalidIds();
    void rankingIsTheSameOnOneOrTwoThreads();
    void exactScoresAgreeWithBeamScores();
    void tigerBeatsPopularityOnSynthetic();
    void sameSeedGivesIdenticalTraining();
    void labelSmoothingKeepsMassOnEveryCode();
    void checkpointRoundTripAndExactResume();
    void cancelStopsBetweenBatches();
    void attentionMapsAreDistributionsOverTokens();
    void exportWritesTokenLayout();

private:
    // 200 users (fast) for behaviour tests; m_large (800 users, same catalogue size) for quality.
    SyntheticData m_synthetic;
    DataSplit m_split;
    SemanticIds m_treeIds;  ///< category path only: items of a leaf category share a tuple
    SemanticIds m_ids;      ///< plus TIGER's disambiguation level: unique tuples
    SyntheticData m_large;
    DataSplit m_largeSplit;
    SemanticIds m_largeIds;
};

void TestTiger::initTestCase() {
    configureRuntime(0);  // TOKENBENCH_THREADS (1 under ctest) for LibTorch and OpenBLAS alike
    tokenbench::test::SyntheticSplit small = tokenbench::test::smallSynthetic(200, 200);
    m_synthetic = std::move(small.data);
    m_split = std::move(small.split);
    m_treeIds = SemanticIds::fromRows(m_synthetic.truth.categoryPath);
    m_ids = resolveCollisions(m_treeIds, CollisionStrategy::ExtraLevel, FeatureMatrix{}, 12);
    QCOMPARE(m_ids.levels, 4);
    tokenbench::test::SyntheticSplit large = tokenbench::test::smallSynthetic(800, 200);
    m_large = std::move(large.data);
    m_largeSplit = std::move(large.split);
    m_largeIds = resolveCollisions(SemanticIds::fromRows(m_large.truth.categoryPath), CollisionStrategy::ExtraLevel,
                                   FeatureMatrix{}, 12);
    int32_t extra = 0;
    for (int64_t i = 0; i < m_ids.items; ++i) extra = std::max(extra, m_ids.at(i, 3));
    qInfo("semantic IDs: 3 tree levels + a collision level with codes up to %d", extra);
    QVERIFY(extra > 12);  // the collision level exceeds the tree's largest level, so vocab sizes must follow it
}

void TestTiger::moduleShapesAndPaddingInvariance() {
    torch::NoGradGuard noGrad;
    Tiger net = tokenbench::test::seededForEval(Tiger(smallOptions()), 1);
    QCOMPARE(net->jointVocab(), int64_t(12));
    QCOMPARE(net->codeToken(2, 1), int64_t(2 + 7 + 1));
    QVERIFY(at::all(net->tokenEmbedding->weight[0] == 0).item<bool>());

    // Two users: one item and two items (3 tokens each), left-padded.
    const at::Tensor tokens =
        at::tensor(std::vector<int64_t>{0, 0, 0, net->codeToken(0, 1), net->codeToken(1, 2), net->codeToken(2, 4),
                                        net->codeToken(0, 0), net->codeToken(1, 3), net->codeToken(2, 0),
                                        net->codeToken(0, 2), net->codeToken(1, 1), net->codeToken(2, 2)},
                   at::kLong)
            .view({2, 6});
    const at::Tensor users = at::tensor({3, 6}, at::kLong);
    const TigerMemory memory = net->encode(tokens, users, nullptr, /*withAttention=*/true);
    QCOMPARE(memory.hidden.sizes().vec(), (std::vector<int64_t>{2, 7, 16}));  // + the user token
    QCOMPARE(memory.attentions.size(), size_t(2));
    QCOMPARE(memory.attentions[0].sizes().vec(), (std::vector<int64_t>{2, 2, 7, 7}));
    // Padding is never attended to.
    QVERIFY(at::all(memory.attentions[1][0].narrow(2, 0, 3) == 0).item<bool>());

    const at::Tensor targets = at::tensor({1, 2, 3, 0, 0, 4}, at::kLong).view({2, 3});
    const at::Tensor logits = net->decodeAll(memory, targets);
    QCOMPARE(logits.sizes().vec(), (std::vector<int64_t>{2, 3, 12}));

    // One more item of left padding changes nothing for the real tokens or the decoder.
    const at::Tensor padded = at::cat({at::zeros({2, 3}, at::kLong), tokens}, 1);
    const TigerMemory paddedMemory = net->encode(padded, users);
    QVERIFY(at::allclose(paddedMemory.hidden.narrow(1, 3, 7).select(0, 1), memory.hidden.select(0, 1), 1e-5, 1e-5));
    QVERIFY(at::allclose(net->decodeAll(paddedMemory, targets), logits, 1e-5, 1e-5));
    // Without the user token the history alone is encoded, padding still masked.
    QCOMPARE(net->encode(tokens, at::Tensor()).hidden.size(1), int64_t(6));

    QVERIFY_EXCEPTION_THROWN((void)net->encode(at::zeros({1, 4}, at::kLong), users), std::invalid_argument);
    QVERIFY_EXCEPTION_THROWN((void)net->encode(at::zeros({1, 15}, at::kLong), users), std::invalid_argument);
    TigerOptions bad = smallOptions();
    bad.heads = 3;
    QVERIFY_EXCEPTION_THROWN(Tiger{bad}, std::invalid_argument);
}

void TestTiger::incrementalDecodingMatchesTeacherForcing() {
    torch::NoGradGuard noGrad;
    Tiger net = tokenbench::test::seededForEval(Tiger(smallOptions()), 2);
    const at::Tensor tokens = at::tensor({net->codeToken(0, 1), net->codeToken(1, 2), net->codeToken(2, 4),
                                          net->codeToken(0, 2), net->codeToken(1, 0), net->codeToken(2, 3)},
                                         at::kLong)
                                  .view({2, 3});
    const TigerMemory memory = net->encode(tokens, at::tensor({1, 5}, at::kLong));
    const at::Tensor targets = at::tensor({2, 3, 1, 0, 1, 4}, at::kLong).view({2, 3});
    const at::Tensor full = net->decodeAll(memory, targets);

    // Three beams per user, all following the same targets: every beam must see its own user only.
    const int64_t groups = 3;
    TigerDecoderState state = net->startDecoding(memory);
    at::Tensor stepTokens = at::ones({2}, at::kLong);  // BOS, one row per user
    for (int64_t level = 0; level < 3; ++level) {
        const int64_t rows = level == 0 ? 1 : groups;
        const at::Tensor logits = net->decodeStep(state, stepTokens, rows);
        QCOMPARE(logits.sizes().vec(), (std::vector<int64_t>{2 * rows, smallOptions().vocab[level]}));
        const at::Tensor expected = full.select(1, level).narrow(1, net->offsets()[level], smallOptions().vocab[level]);
        for (int64_t r = 0; r < 2 * rows; ++r) QVERIFY(at::allclose(logits[r], expected[r / rows], 1e-5, 1e-5));
        // Rows of the next step: each user's first row repeated `groups` times (as a beam's parents).
        const at::Tensor parents = at::tensor({0, 0, 0, 1, 1, 1}, at::kLong) * rows;
        net->selectRows(state, parents);
        stepTokens = (targets.select(1, level) + 2 + net->offsets()[level]).repeat_interleave(groups);
    }
    QVERIFY_EXCEPTION_THROWN((void)net->decodeStep(state, stepTokens, groups), std::logic_error);
}

void TestTiger::registryAndSchedule() {
    Registry registry;
    registerModels(registry);
    const ComponentInfo* info = registry.find("tiger");
    QVERIFY(info);
    QCOMPARE(info->kind, ComponentKind::Model);
    const auto model = createModel("tiger", "{}");
    QCOMPARE(model->id(), std::string("tiger"));
    QVERIFY(model->ranksByList());
    QVERIFY_EXCEPTION_THROWN((void)createModel("tiger", "{\"hidden\": 30, \"heads\": 4}"), ConfigError);
    QVERIFY_EXCEPTION_THROWN((void)createModel("tiger", "{\"lr_schedule\": \"linear\"}"), ConfigError);
    QVERIFY_EXCEPTION_THROWN((void)createModel("tiger", "{\"constrained\": 3}"), ConfigError);
    QVERIFY_EXCEPTION_THROWN(model->trainEpoch({}, nullptr), std::logic_error);

    const TigerConfig config =
        parseTigerConfig(validateConfig(
            *info, "{\"learning_rate\": 0.01, \"warmup_steps\": 100, \"lr_schedule\": \"inverse-sqrt\"}"));
    QCOMPARE(config.learningRateAt(1), 0.0001);
    QCOMPARE(config.learningRateAt(50), 0.005);
    QCOMPARE(config.learningRateAt(100), 0.01);
    QVERIFY(std::abs(config.learningRateAt(400) - 0.005) < 1e-12);  // 0.01 * sqrt(100 / 400)
    const TigerConfig flat =
        parseTigerConfig(validateConfig(*info, "{\"lr_schedule\": \"constant\", \"warmup_steps\": 0}"));
    QCOMPARE(flat.learningRateAt(1), flat.lr.peak);
    QCOMPARE(flat.learningRateAt(100000), flat.lr.peak);
    QVERIFY(flat.constrained);
    QCOMPARE(flat.userBuckets, int64_t(0));  // the measured default: no user token
    const TigerConfig defaults = parseTigerConfig(validateConfig(*info, "{}"));
    QCOMPARE(defaults.lr.decay, LrDecay::Cosine);
    QCOMPARE(defaults.lr.decaySteps, int64_t(14000));
    QCOMPARE(defaults.encoderLayers, int64_t(2));
    const TigerConfig cosine = parseTigerConfig(validateConfig(
        *info, "{\"lr_schedule\": \"cosine\", \"learning_rate\": 0.01, \"warmup_steps\": 100, \"decay_steps\": 1000}"));
    QCOMPARE(cosine.learningRateAt(50), 0.005);
    QCOMPARE(cosine.learningRateAt(100), 0.01);
    QVERIFY(std::abs(cosine.learningRateAt(600) - 0.005) < 1e-12);  // half-way down the cosine
    QCOMPARE(cosine.learningRateAt(1100), 0.0);
    QCOMPARE(cosine.learningRateAt(5000), 0.0);
}

void TestTiger::prepareRejectsMissingOrForeignIds() {
    const Dataset& dataset = m_synthetic.dataset;
    auto model = createModel("tiger", tigerConfig());
    try {
        model->prepare(TrainingData{&dataset, &m_split, nullptr}, 1, "cpu");
        QFAIL("prepare accepted a model without semantic IDs");
    } catch (const std::invalid_argument& e) {
        QVERIFY2(std::string(e.what()).find("semantic IDs") != std::string::npos, e.what());
    }
    SemanticIds shorter = m_ids;
    shorter.items -= 1;
    shorter.codes.resize(static_cast<size_t>(shorter.items * shorter.levels));
    try {
        model->prepare(TrainingData{&dataset, &m_split, &shorter}, 1, "cpu");
        QFAIL("prepare accepted IDs of another catalogue");
    } catch (const std::invalid_argument& e) {
        QVERIFY2(std::string(e.what()).find("199") != std::string::npos, e.what());
    }
    SemanticIds negative = m_ids;
    negative.codes[5] = -1;
    QVERIFY_EXCEPTION_THROWN(model->prepare(TrainingData{&dataset, &m_split, &negative}, 1, "cpu"),
                             std::invalid_argument);
    QVERIFY_EXCEPTION_THROWN(model->prepare(TrainingData{&dataset, &m_split, &m_ids}, 1, "tpu"), std::invalid_argument);
}

void TestTiger::constrainedBeamsAreRealDistinctItems() {
    const Dataset& dataset = m_synthetic.dataset;
    auto model = createModel("tiger", tigerConfig());
    model->prepare(TrainingData{&dataset, &m_split, &m_ids}, 4, "cpu");
    model->trainEpoch({}, nullptr);
    const tokenbench::test::EvalTargets targets = tokenbench::test::evalTargets(dataset, m_split, EvalPhase::Valid);
    std::vector<std::vector<int32_t>> lists;
    model->rankUsers(targets.users, EvalPhase::Valid, 20, lists);
    QCOMPARE(lists.size(), targets.users.size());
    for (const std::vector<int32_t>& list : lists) {
        QCOMPARE(list.size(), size_t(20));
        QCOMPARE(std::set<int32_t>(list.begin(), list.end()).size(), list.size());
        for (const int32_t item : list) QVERIFY(item >= 0 && item < static_cast<int32_t>(dataset.items.size()));
    }
    const std::map<std::string, double> stats = model->takeEvalStats();
    QCOMPARE(stats.at("invalid_id_rate"), 0.0);
    QCOMPARE(stats.at("invalid_rate"), 0.0);
    QCOMPARE(stats.at("duplicate_rate"), 0.0);  // the collision level makes every tuple one item's
    QCOMPARE(stats.at("beam_size"), 20.0);
    QVERIFY(model->takeEvalStats().empty());  // reset on reading

    // Scores agree with the lists: the beam's items in list order, everything else below them.
    const std::vector<int32_t> some(targets.users.begin(), targets.users.begin() + 5);
    model->rankUsers(some, EvalPhase::Valid, 20, lists);  // the same batch as scoreUsers: identical arithmetic
    std::vector<float> scores;
    model->scoreUsers(some, EvalPhase::Valid, scores);
    const size_t items = dataset.items.size();
    QCOMPARE(scores.size(), some.size() * items);
    for (size_t r = 0; r < some.size(); ++r) {
        const float* row = scores.data() + r * items;
        const std::vector<int32_t>& list = lists[r];
        for (size_t i = 1; i < list.size(); ++i)
            QVERIFY(row[static_cast<size_t>(list[i - 1])] > row[static_cast<size_t>(list[i])]);
        const std::set<int32_t> onBeam(list.begin(), list.end());
        for (size_t i = 0; i < items; ++i)
            if (!onBeam.count(static_cast<int32_t>(i))) QVERIFY(row[i] < row[static_cast<size_t>(list.back())]);
    }
}

void TestTiger::sharedTuplesAndShortCataloguesFillLists() {
    const Dataset& dataset = m_synthetic.dataset;
    // Category paths alone: 12 tuples for 200 items, so a beam of 20 tuples lists every item of each.
    auto model = createModel("tiger", tigerConfig("\"beam_size\": 20, \"user_buckets\": 0"));
    model->prepare(TrainingData{&dataset, &m_split, &m_treeIds}, 5, "cpu");
    const auto& paths = m_synthetic.truth.categoryPath;
    std::map<std::vector<int32_t>, std::vector<int32_t>> members;  // tuple -> items, ascending
    for (size_t i = 0; i < paths.size(); ++i) members[paths[i]].push_back(static_cast<int32_t>(i));
    std::vector<std::vector<int32_t>> lists;
    model->rankUsers({0, 1, 2, 3}, EvalPhase::Test, 30, lists);
    for (const std::vector<int32_t>& list : lists) {
        QCOMPARE(list.size(), size_t(30));  // a request beyond the beam widens it
        QCOMPARE(std::set<int32_t>(list.begin(), list.end()).size(), list.size());
        // The list is whole tuples, each with all its items in id order; only the last may be cut short.
        std::set<std::vector<int32_t>> seen;
        for (size_t start = 0; start < list.size();) {
            const std::vector<int32_t>& tuple = paths[static_cast<size_t>(list[start])];
            QVERIFY(seen.insert(tuple).second);
            const std::vector<int32_t>& expected = members.at(tuple);
            const size_t length = std::min(expected.size(), list.size() - start);
            QCOMPARE(std::vector<int32_t>(list.begin() + static_cast<std::ptrdiff_t>(start),
                                          list.begin() + static_cast<std::ptrdiff_t>(start + length)),
                     std::vector<int32_t>(expected.begin(), expected.begin() + static_cast<std::ptrdiff_t>(length)));
            start += length;
        }
        QVERIFY(seen.size() >= 2);
    }
    const std::map<std::string, double> stats = model->takeEvalStats();
    QCOMPARE(stats.at("beam_size"), 30.0);
    QCOMPARE(stats.at("duplicate_rate"), 1.0);  // every category holds several items

    // A catalogue smaller than the request: every item, once.
    Dataset small;
    for (int i = 0; i < 6; ++i) small.items.push_back(ItemInfo{"i" + std::to_string(i), "", "", {}});
    for (int u = 0; u < 10; ++u) {
        UserSequence seq;
        seq.rawId = "u" + std::to_string(u);
        for (int p = 0; p < 5; ++p) seq.items.push_back((u + p) % 6);
        small.users.push_back(seq);
    }
    const DataSplit smallSplit = makeSplit(small, SplitConfig{});
    const SemanticIds smallIds = SemanticIds::fromRows({{0, 0}, {0, 1}, {1, 0}, {1, 0}, {2, 5}, {2, 1}});
    auto tiny = createModel("tiger", tigerConfig("\"beam_size\": 4"));
    tiny->prepare(TrainingData{&small, &smallSplit, &smallIds}, 1, "cpu");
    tiny->trainEpoch({}, nullptr);
    tiny->rankUsers({0, 1, 9}, EvalPhase::Valid, 20, lists);
    for (const std::vector<int32_t>& list : lists) {
        std::vector<int32_t> sorted = list;
        std::sort(sorted.begin(), sorted.end());
        QCOMPARE(sorted, (std::vector<int32_t>{0, 1, 2, 3, 4, 5}));
    }
    // Each user's beam holds all 5 tuples, one of them ({1, 0}) shared by two items.
    QCOMPARE(tiny->takeEvalStats().at("duplicate_rate"), 0.2);
    tiny->rankUsers({0}, EvalPhase::Valid, 3, lists);
    QCOMPARE(lists.front().size(), size_t(3));
    QCOMPARE(tiny->takeEvalStats().at("invalid_id_rate"), 0.0);
}

void TestTiger::unconstrainedBeamsCountInvalidIds() {
    const Dataset& dataset = m_synthetic.dataset;
    // Tree codes are global node numbers (3 x 6 x 12 tuples, 12 real): an untrained decoder mostly
    // produces tuples no item has.
    auto free = createModel("tiger", tigerConfig("\"constrained\": false"));
    free->prepare(TrainingData{&dataset, &m_split, &m_treeIds}, 6, "cpu");
    std::vector<std::vector<int32_t>> lists;
    free->rankUsers({0, 1, 2, 3, 4, 5, 6, 7}, EvalPhase::Test, 20, lists);
    const std::map<std::string, double> stats = free->takeEvalStats();
    const double invalid = stats.at("invalid_id_rate");
    QCOMPARE(stats.at("invalid_rate"), invalid);
    // Every real tuple of the category tree holds several items: each valid beam is a shared one.
    QVERIFY(std::abs(stats.at("duplicate_rate") - (1.0 - invalid)) < 1e-12);
    qInfo("untrained unconstrained invalid-ID rate %.3f", invalid);
    QVERIFY(invalid > 0.5 && invalid <= 1.0);
    for (const std::vector<int32_t>& list : lists) {
        QVERIFY(list.size() <= 20);
        QCOMPARE(std::set<int32_t>(list.begin(), list.end()).size(), list.size());
    }

    auto bound = createModel("tiger", tigerConfig());
    bound->prepare(TrainingData{&dataset, &m_split, &m_treeIds}, 6, "cpu");
    bound->rankUsers({0, 1, 2, 3, 4, 5, 6, 7}, EvalPhase::Test, 20, lists);
    QCOMPARE(bound->takeEvalStats().at("invalid_id_rate"), 0.0);
}

void TestTiger::rankingIsTheSameOnOneOrTwoThreads() {
    const Dataset& dataset = m_synthetic.dataset;
    // Beam 64: 80 users per decoding batch, so the test users make several batches to share out.
    auto model = createModel("tiger", tigerConfig("\"beam_size\": 64"));
    model->prepare(TrainingData{&dataset, &m_split, &m_ids}, 8, "cpu");
    model->trainEpoch({}, nullptr);
    const tokenbench::test::EvalTargets targets = tokenbench::test::evalTargets(dataset, m_split, EvalPhase::Test);
    QVERIFY(targets.users.size() > 160);
    const int before = runtimeInfo().intraOpThreads;
    std::vector<std::vector<int32_t>> lists[2];
    std::vector<float> scores[2];
    for (const int threads : {1, 2}) {
        setComputeThreads(threads);
        model->rankUsers(targets.users, EvalPhase::Test, 20, lists[threads - 1]);
        model->scoreUsers(targets.users, EvalPhase::Test, scores[threads - 1]);
        QCOMPARE(runtimeInfo().intraOpThreads, threads);  // the decoding workers give the threads back
    }
    setComputeThreads(before);
    QCOMPARE(lists[0], lists[1]);
    QVERIFY(scores[0] == scores[1]);
}

void TestTiger::exactScoresAgreeWithBeamScores() {
    const Dataset& dataset = m_synthetic.dataset;
    auto model = createModel("tiger", tigerConfig());
    QVERIFY(model->scoresExactly());
    model->prepare(TrainingData{&dataset, &m_split, &m_ids}, 9, "cpu");
    model->trainEpoch({}, nullptr);
    const std::vector<int32_t> users = {0, 3, 40, 77, 150, 199};
    std::vector<float> beam, exact;
    model->scoreUsers(users, EvalPhase::Valid, beam);
    model->exactScoreUsers(users, EvalPhase::Valid, exact);
    const size_t items = dataset.items.size();
    QCOMPARE(exact.size(), users.size() * items);
    for (size_t r = 0; r < users.size(); ++r) {
        const float* b = beam.data() + r * items;
        const float* e = exact.data() + r * items;
        // Every item has a finite exact score; the beam's items score their exact log-likelihood, and no
        // beam finds a tuple more likely than the exact best.
        int onBeam = 0;
        for (size_t i = 0; i < items; ++i) {
            QVERIFY(std::isfinite(e[i]) && e[i] < 0.0f);
            if (b[i] == std::numeric_limits<float>::lowest()) continue;
            ++onBeam;
            QVERIFY2(std::abs(b[i] - e[i]) < 1e-4, qPrintable(QString("%1 vs %2").arg(b[i]).arg(e[i])));
        }
        QCOMPARE(onBeam, 20);
        QVERIFY(*std::max_element(e, e + items) >= *std::max_element(b, b + items) - 1e-5f);
    }
    QVERIFY_EXCEPTION_THROWN(createModel("popularity", "{}")->exactScoreUsers(users, EvalPhase::Valid, exact),
                             std::logic_error);
}

void TestTiger::tigerBeatsPopularityOnSynthetic() {
    const Dataset& dataset = m_large.dataset;
    auto popularity = tokenbench::test::popularityBaseline(TrainingData{&dataset, &m_largeSplit, nullptr});
    const double base = ndcgAt10(*popularity, dataset, m_largeSplit, EvalPhase::Test);

    auto tiger = createModel("tiger", tigerConfig());
    tiger->prepare(TrainingData{&dataset, &m_largeSplit, &m_largeIds}, 1, "cpu");
    const auto start = std::chrono::steady_clock::now();
    EpochReport report;
    for (int epoch = 1; epoch <= 4; ++epoch) {
        report = tiger->trainEpoch({}, nullptr);
        qInfo("epoch %d: loss %.4f", epoch, report.loss);
    }
    const double learned = ndcgAt10(*tiger, dataset, m_largeSplit, EvalPhase::Test);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    qInfo("synthetic NDCG@10: popularity %.4f, tiger %.4f (%lld samples/epoch, %.1f s)", base, learned,
          static_cast<long long>(report.samples), seconds);
    int64_t expectedSamples = 0;
    for (size_t u = 0; u < dataset.users.size(); ++u)
        expectedSamples += std::max(0, m_largeSplit.users[u].trainEnd - 1);
    QCOMPARE(report.samples, expectedSamples);
    QCOMPARE(tiger->takeEvalStats().at("invalid_id_rate"), 0.0);
    QVERIFY(learned > 1.5 * base);
}

void TestTiger::sameSeedGivesIdenticalTraining() {
    const Dataset& dataset = m_synthetic.dataset;
    const std::vector<int32_t> users = {0, 5, 17, 150};
    double losses[3];
    std::vector<std::vector<int32_t>> lists[3];
    for (int run = 0; run < 3; ++run) {
        auto model = createModel("tiger", tigerConfig());
        model->prepare(TrainingData{&dataset, &m_split, &m_ids}, run == 2 ? 99 : 5, "cpu");
        losses[run] = model->trainEpoch({}, nullptr).loss;
        model->rankUsers(users, EvalPhase::Valid, 10, lists[run]);
    }
    QCOMPARE(losses[0], losses[1]);
    QVERIFY(lists[0] == lists[1]);
    QVERIFY(losses[0] != losses[2]);
}

void TestTiger::labelSmoothingKeepsMassOnEveryCode() {
    // Same seed, same batches: the smoothed loss adds the cross-entropy against a uniform target,
    // which training cannot drive to zero, so after an epoch it stays above the plain loss.
    double losses[2];
    for (int run = 0; run < 2; ++run) {
        auto model = createModel("tiger", tigerConfig(run == 0 ? "" : "\"label_smoothing\": 0.3"));
        model->prepare(TrainingData{&m_synthetic.dataset, &m_split, &m_ids}, 5, "cpu");
        (void)model->trainEpoch({}, nullptr);
        losses[run] = model->trainEpoch({}, nullptr).loss;
    }
    QVERIFY(std::isfinite(losses[1]));
    QVERIFY2(losses[1] > losses[0] + 0.1, qPrintable(QString("plain %1, smoothed %2").arg(losses[0]).arg(losses[1])));
}

void TestTiger::checkpointRoundTripAndExactResume() {
    tokenbench::test::TempProject temp;
    const std::string path = temp.file("tiger.pt");
    const Dataset& dataset = m_synthetic.dataset;
    const TrainingData data{&dataset, &m_split, &m_ids};
    const std::vector<int32_t> users = {1, 2, 3, 100, 199};
    const std::string config = tigerConfig();
    auto model = tokenbench::test::preparedModel("tiger", config, data, 11);
    model->trainEpoch({}, nullptr);
    model->save(path);
    QVERIFY(tokenbench::test::savedAtomically(path));
    std::vector<std::vector<int32_t>> before, after;
    std::vector<float> scoresBefore, scoresAfter;
    model->rankUsers(users, EvalPhase::Test, 20, before);
    model->scoreUsers(users, EvalPhase::Test, scoresBefore);
    const double continued = model->trainEpoch({}, nullptr).loss;

    auto restored = tokenbench::test::preparedModel("tiger", config, data, 11);
    restored->load(path);
    restored->rankUsers(users, EvalPhase::Test, 20, after);
    restored->scoreUsers(users, EvalPhase::Test, scoresAfter);
    QVERIFY(before == after);
    QVERIFY(scoresBefore == scoresAfter);
    const double resumed = restored->trainEpoch({}, nullptr).loss;
    qInfo("continued %.8f, resumed %.8f", continued, resumed);
    QCOMPARE(resumed, continued);

    auto narrower = createModel("tiger", tigerConfig("\"feed_forward\": 32"));
    narrower->prepare(data, 11, "cpu");
    QVERIFY_EXCEPTION_THROWN(narrower->load(path), DataError);
    auto otherIds = createModel("tiger", config);
    SemanticIds shuffled = m_ids;  // items 0 and 1 trade tuples
    std::swap_ranges(shuffled.codes.begin(), shuffled.codes.begin() + 4, shuffled.codes.begin() + 4);
    otherIds->prepare(TrainingData{&dataset, &m_split, &shuffled}, 11, "cpu");
    QVERIFY_EXCEPTION_THROWN(otherIds->load(path), DataError);
    QVERIFY_EXCEPTION_THROWN(restored->load(temp.file("missing.pt")), DataError);
}

void TestTiger::cancelStopsBetweenBatches() {
    const TrainingData data{&m_synthetic.dataset, &m_split, &m_ids};
    tokenbench::test::verifyCancelStopsBetweenBatches(
        *tokenbench::test::preparedModel("tiger", tigerConfig(), data, 3));
}

void TestTiger::attentionMapsAreDistributionsOverTokens() {
    auto model = createModel("tiger", tigerConfig("\"max_items\": 5"));
    model->prepare(TrainingData{&m_synthetic.dataset, &m_split, &m_ids}, 3, "cpu");
    model->trainEpoch({}, nullptr);
    std::vector<int32_t> history;
    for (int i = 0; i < 8; ++i) history.push_back((i * 7) % 200);
    const std::vector<AttentionMap> maps = model->attention(history);
    QCOMPARE(maps.size(), size_t(4));  // 2 encoder layers x 2 heads
    const int32_t last = history.back();
    const std::string lastLabel =
        m_synthetic.dataset.items[static_cast<size_t>(last)].rawId + ":L4=" + std::to_string(m_ids.at(last, 3));
    for (const AttentionMap& map : maps) {
        QCOMPARE(map.rows, 20);  // 5 items (max_items) x 4 levels
        QCOMPARE(map.cols, 20);
        QCOMPARE(map.positions.size(), size_t(20));
        QCOMPARE(positionText(map.positions.back()), lastLabel);
        QVERIFY(map.positions.back().kind == AttentionPosition::Kind::Token);
        QCOMPARE(map.positions.back().item, last);
        QCOMPARE(map.positions.back().level, 3);
        QCOMPARE(map.positions.back().code, m_ids.at(last, 3));
        for (int r = 0; r < map.rows; ++r) {
            double sum = 0.0;
            for (int c = 0; c < map.cols; ++c) sum += map.weights[static_cast<size_t>(r * map.cols + c)];
            QVERIFY(std::abs(sum - 1.0) < 1e-4);
        }
    }
    QCOMPARE(model->attention({5}).front().rows, 4);
    QVERIFY(model->attention({}).empty());
    QVERIFY_EXCEPTION_THROWN((void)model->attention({5, 200}), std::out_of_range);
}

void TestTiger::exportWritesTokenLayout() {
    tokenbench::test::TempProject temp;
    const std::string dir = temp.file("export");
    auto model = createModel("tiger", tigerConfig());
    model->prepare(TrainingData{&m_synthetic.dataset, &m_split, &m_ids}, 3, "cpu");
    model->exportModel(dir);
    QVERIFY(std::filesystem::exists(dir + "/weights.safetensors"));
    std::ifstream in(dir + "/config.json");
    const nlohmann::json config = nlohmann::json::parse(in);
    QCOMPARE(config.at("model").get<std::string>(), std::string("tiger"));
    QCOMPARE(config.at("levels").get<int64_t>(), int64_t(4));
    const auto vocab = config.at("level_vocab").get<std::vector<int64_t>>();
    const auto offsets = config.at("level_offsets").get<std::vector<int64_t>>();
    QCOMPARE(vocab.size(), size_t(4));
    QCOMPARE(offsets[3], vocab[0] + vocab[1] + vocab[2]);
    const int64_t joint = offsets[3] + vocab[3];
    QCOMPARE(config.at("tensors").at("token_embedding.weight").get<std::vector<int64_t>>(),
             (std::vector<int64_t>{joint + 2, 32}));
    QCOMPARE(config.at("tensors").at("output.weight").get<std::vector<int64_t>>(), (std::vector<int64_t>{joint, 32}));
    QVERIFY(config.at("tensors").contains("user_embedding.weight"));
    QVERIFY(config.at("layout").get<std::string>().find("BOS") != std::string::npos);
}

QTEST_GUILESS_MAIN(TestTiger)
#include "test_tiger.moc"
