// SID-GPT: module shapes and padding invariance, cached incremental decoding equal to the full causal
// pass, constrained training's trie-normalised softmax, the schema, prepare's checks, constrained beams,
// beating popularity on synthetic data, determinism, checkpoint round trip and exact resume,
// cancellation, attention maps, export. Semantic IDs come from the synthetic category tree plus the
// collision level, so no tokenizer run is needed.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
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

#include "models/prefix_trie.h"
#include "models/sid_gpt_config.h"
#include "models/sid_gpt_id_decoder.h"
#include "models/sid_gpt_module.h"
#include "models/trie_training_mask.h"
#include "model_checks.h"
#include "module_fixtures.h"
#include "temp_project.h"
#include "test_data.h"
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

std::string sidGptConfig(const std::string& extra = "") {
    return "{\"hidden\": 32, \"layers\": 2, \"heads\": 2, \"feed_forward\": 64, \"batch_size\": 32, "
           "\"learning_rate\": 0.003, \"warmup_steps\": 10, \"max_items\": 10" +
           (extra.empty() ? std::string() : ", " + extra) + "}";
}

/// NDCG@10 of the model's ranked lists, by the project's evaluator.
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

SidGptOptions smallOptions() {
    SidGptOptions options;
    options.vocab = {3, 4, 5};
    options.hidden = 16;
    options.layers = 2;
    options.heads = 2;
    options.feedForward = 32;
    options.dropout = 0.3;
    options.maxItems = 4;
    return options;
}

/// BOS and the code tokens of `items` (each a tuple of codes), then `partial` codes of one more item.
std::vector<int64_t> streamOf(const SidGptImpl& net, const std::vector<std::vector<int64_t>>& items,
                              const std::vector<int64_t>& partial = {}) {
    std::vector<int64_t> tokens{SidGptImpl::kBos};
    for (const std::vector<int64_t>& codes : items)
        for (size_t l = 0; l < codes.size(); ++l) tokens.push_back(net.codeToken(static_cast<int64_t>(l), codes[l]));
    for (size_t l = 0; l < partial.size(); ++l) tokens.push_back(net.codeToken(static_cast<int64_t>(l), partial[l]));
    return tokens;
}

at::Tensor row(const std::vector<int64_t>& tokens, int64_t padTo = 0) {
    std::vector<int64_t> padded(static_cast<size_t>(std::max<int64_t>(0, padTo - static_cast<int64_t>(tokens.size()))), 0);
    padded.insert(padded.end(), tokens.begin(), tokens.end());
    return at::tensor(padded, at::kLong).view({1, -1});
}

}  // namespace

class TestSidGpt final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void moduleShapesAndPaddingInvariance();
    void cachedDecodingMatchesFullCausalPass();
    void constrainedSoftmaxPutsNoMassOnForbiddenCodes();
    void registryAndSchedule();
    void prepareRejectsMissingOrForeignIds();
    void trainsOneSequencePerUser();
    void constrainedBeamsAreRealDistinctItems();
    void sidGptBeatsPopularityOnSynthetic();
    void sameSeedGivesIdenticalTraining();
    void checkpointRoundTripAndExactResume();
    void cancelStopsBetweenBatches();
    void attentionMapsAreCausalDistributions();
    void exportWritesTokenLayout();

private:
    SyntheticData m_synthetic;  ///< 200 users, for behaviour tests
    DataSplit m_split;
    SemanticIds m_ids;  ///< category path plus the collision level: unique tuples
    SyntheticData m_large;  ///< 800 users, for quality
    DataSplit m_largeSplit;
    SemanticIds m_largeIds;
};

void TestSidGpt::initTestCase() {
    configureRuntime(0);  // TOKENBENCH_THREADS (1 under ctest)
    tokenbench::test::SyntheticSplit small = tokenbench::test::smallSynthetic(200, 200);
    m_synthetic = std::move(small.data);
    m_split = std::move(small.split);
    m_ids = resolveCollisions(SemanticIds::fromRows(m_synthetic.truth.categoryPath), CollisionStrategy::ExtraLevel,
                              FeatureMatrix{}, 12);
    QCOMPARE(m_ids.levels, 4);
    tokenbench::test::SyntheticSplit large = tokenbench::test::smallSynthetic(800, 200);
    m_large = std::move(large.data);
    m_largeSplit = std::move(large.split);
    m_largeIds = resolveCollisions(SemanticIds::fromRows(m_large.truth.categoryPath), CollisionStrategy::ExtraLevel,
                                   FeatureMatrix{}, 12);
}

void TestSidGpt::moduleShapesAndPaddingInvariance() {
    torch::NoGradGuard noGrad;
    SidGpt net = tokenbench::test::seededForEval(SidGpt(smallOptions()), 1);
    QCOMPARE(net->jointVocab(), int64_t(12));
    QCOMPARE(net->codeToken(2, 1), int64_t(2 + 7 + 1));
    QVERIFY(at::all(net->tokenEmbedding->weight[0] == 0).item<bool>());

    const std::vector<int64_t> tokens = streamOf(*net, {{1, 2, 4}, {0, 3, 0}});  // 7 tokens
    const SidGptOutput out = net->forward(row(tokens), 2, nullptr, /*withAttention=*/true);
    QCOMPARE(out.hidden.sizes().vec(), (std::vector<int64_t>{1, 7, 16}));
    QCOMPARE(out.attentions.size(), size_t(2));
    QCOMPARE(out.attentions[0].sizes().vec(), (std::vector<int64_t>{1, 2, 7, 7}));
    // Causal: no position looks ahead.
    for (int64_t q = 0; q < 7; ++q)
        QVERIFY(at::all(out.attentions[1][0][0][q].narrow(0, q + 1, 6 - q) == 0).item<bool>());

    // Left padding changes nothing for the real tokens and is never attended to.
    const SidGptOutput padded = net->forward(row(tokens, 12), 2, nullptr, true);
    QVERIFY(at::allclose(padded.hidden.narrow(1, 5, 7), out.hidden, 1e-5, 1e-5));
    QVERIFY(at::all(padded.attentions[0][0].narrow(1, 5, 7).narrow(2, 0, 5) == 0).item<bool>());
    QVERIFY(at::all(at::isfinite(padded.hidden)).item<bool>());

    // (max_items + 1) x levels tokens at most; levels in range.
    QVERIFY_EXCEPTION_THROWN((void)net->forward(at::ones({1, 16}, at::kLong), 2), std::invalid_argument);
    QVERIFY_EXCEPTION_THROWN((void)net->forward(row(tokens), 3), std::invalid_argument);
    SidGptOptions bad = smallOptions();
    bad.heads = 3;
    QVERIFY_EXCEPTION_THROWN(SidGpt{bad}, std::invalid_argument);
}

void TestSidGpt::cachedDecodingMatchesFullCausalPass() {
    torch::NoGradGuard noGrad;
    SidGpt net = tokenbench::test::seededForEval(SidGpt(smallOptions()), 2);
    // Two users, histories of 2 items and 1 item, left-padded into one prefix batch.
    const std::vector<std::vector<std::vector<int64_t>>> histories = {{{1, 2, 4}, {0, 3, 0}}, {{2, 0, 1}}};
    const std::vector<std::vector<int64_t>> next = {{2, 1, 3}, {0, 0, 4}};  // the codes each user's beams follow
    const int64_t t = 7;
    const at::Tensor prefixes = at::cat({row(streamOf(*net, histories[0]), t), row(streamOf(*net, histories[1]), t)}, 0);
    SidGptIdDecoder decoder(*net, prefixes);
    QCOMPARE(decoder.users(), int64_t(2));
    QCOMPARE(decoder.levels(), int64_t(3));

    const int64_t groups = 3;  // three beams per user from level 1 on, all following `next`
    at::Tensor previous;
    for (int64_t level = 0; level < 3; ++level) {
        const int64_t rows = level == 0 ? 1 : groups;
        const at::Tensor logits = decoder.step(previous, rows);
        QCOMPARE(logits.sizes().vec(), (std::vector<int64_t>{2 * rows, smallOptions().vocab[level]}));
        for (int64_t user = 0; user < 2; ++user) {
            // The full causal pass over the user's own, unpadded stream up to this level.
            const std::vector<int64_t> partial(next[user].begin(), next[user].begin() + level);
            const at::Tensor stream = row(streamOf(*net, histories[user], partial));
            const at::Tensor hidden = net->forward(stream, level).hidden.select(1, stream.size(1) - 1);
            const at::Tensor expected = net->levelLogits(hidden, level)[0];
            for (int64_t g = 0; g < rows; ++g) {
                const double gap = (logits[user * rows + g] - expected).abs().max().item<double>();
                QVERIFY2(gap < 1e-5, qPrintable(QString("level %1 user %2: max gap %3").arg(level).arg(user).arg(gap)));
            }
        }
        if (level + 1 == 3) break;
        // Each user's last row becomes all its beams (as a beam search's parents).
        const at::Tensor parents = at::tensor({0, 0, 0, 1, 1, 1}, at::kLong) * rows + (rows - 1);
        decoder.keepRows(parents);
        previous = at::tensor({next[0][level], next[0][level], next[0][level], next[1][level], next[1][level],
                               next[1][level]},
                              at::kLong);
    }
}

void TestSidGpt::constrainedSoftmaxPutsNoMassOnForbiddenCodes() {
    torch::NoGradGuard noGrad;
    SidGpt net = tokenbench::test::seededForEval(SidGpt(smallOptions()), 3);
    // Five items over vocab {3, 4, 5}: after code 0 only codes 1 and 3 follow, and so on.
    const std::vector<int32_t> codes = {0, 1, 2, 0, 1, 4, 0, 3, 0, 2, 0, 1, 2, 2, 3};
    const PrefixTrie trie(codes, 5, 3);
    const std::vector<int32_t> targets = {0, 1, 4, 2, 2, 3};  // items 1 and 4
    const at::Tensor mask = trieTrainingMask(trie, targets.data(), 2, net->offsets(), net->jointVocab());
    at::Generator generator = at::detail::createCPUGenerator(7);
    const at::Tensor hidden = at::randn({3, 2, 16}, generator);
    const std::vector<at::Tensor> constrained = net->levelLogProbs(hidden, mask);
    const std::vector<at::Tensor> free = net->levelLogProbs(hidden, at::Tensor());
    // Allowed codes per (row, level): the trie's children of the true prefix.
    const std::vector<std::vector<std::set<int64_t>>> allowed = {{{0, 2}, {1, 3}, {2, 4}}, {{0, 2}, {0, 2}, {3}}};
    for (int64_t l = 0; l < 3; ++l) {
        QCOMPARE(constrained[l].sizes().vec(), (std::vector<int64_t>{2, smallOptions().vocab[l]}));
        for (int64_t r = 0; r < 2; ++r) {
            const at::Tensor p = constrained[l][r].exp();
            double allowedMass = 0.0;
            for (int64_t c = 0; c < p.size(0); ++c) {
                if (allowed[r][l].count(c)) allowedMass += p[c].item<double>();
                else QCOMPARE(p[c].item<double>(), 0.0);
            }
            QVERIFY(std::abs(allowedMass - 1.0) < 1e-5);
            QVERIFY(std::abs(free[l][r].exp().sum().item<double>() - 1.0) < 1e-5);
            // Renormalised over fewer codes, the true code only gains probability.
            const int64_t target = targets[static_cast<size_t>(r * 3 + l)];
            QVERIFY(constrained[l][r][target].item<double>() >= free[l][r][target].item<double>() - 1e-6);
        }
    }
    QCOMPARE(constrained[2][1][3].item<double>(), 0.0);  // the only code allowed: probability 1

    // Trained with the trie-normalised softmax, the loss is below the plain one's (fewer codes compete).
    const TrainingData data{&m_synthetic.dataset, &m_split, &m_ids};
    auto plain = tokenbench::test::preparedModel("sid-gpt", sidGptConfig(), data, 4);
    auto masked = tokenbench::test::preparedModel("sid-gpt", sidGptConfig("\"constrained_training\": true"), data, 4);
    const double plainLoss = plain->trainEpoch({}, nullptr).loss;
    const double maskedLoss = masked->trainEpoch({}, nullptr).loss;
    qInfo("first-epoch loss: plain %.4f, constrained training %.4f", plainLoss, maskedLoss);
    QVERIFY(std::isfinite(maskedLoss));
    QVERIFY(maskedLoss < plainLoss);
}

void TestSidGpt::registryAndSchedule() {
    Registry registry;
    registerModels(registry);
    const ComponentInfo* info = registry.find("sid-gpt");
    QVERIFY(info);
    QCOMPARE(info->kind, ComponentKind::Model);
    QVERIFY(info->needsSemanticIds);
    const auto model = createModel("sid-gpt", "{}");
    QCOMPARE(model->id(), std::string("sid-gpt"));
    QVERIFY(model->ranksByList());
    QVERIFY_EXCEPTION_THROWN((void)createModel("sid-gpt", "{\"hidden\": 30, \"heads\": 4}"), ConfigError);
    QVERIFY_EXCEPTION_THROWN((void)createModel("sid-gpt", "{\"constrained_training\": 3}"), ConfigError);
    QVERIFY_EXCEPTION_THROWN((void)createModel("sid-gpt", "{\"layers\": 0}"), ConfigError);
    QVERIFY_EXCEPTION_THROWN(model->trainEpoch({}, nullptr), std::logic_error);

    const SidGptConfig config =
        parseSidGptConfig(validateConfig(*info, "{\"learning_rate\": 0.01, \"warmup_steps\": 100}"));
    QCOMPARE(config.learningRateAt(1), 0.0001);
    QCOMPARE(config.learningRateAt(50), 0.005);
    QCOMPARE(config.learningRateAt(100000), 0.01);
    const SidGptConfig cosine = parseSidGptConfig(validateConfig(
        *info, "{\"lr_schedule\": \"cosine\", \"learning_rate\": 0.01, \"warmup_steps\": 100, \"decay_steps\": 1000}"));
    QVERIFY(std::abs(cosine.learningRateAt(600) - 0.005) < 1e-12);  // half-way down the cosine, as TIGER's
    QCOMPARE(cosine.learningRateAt(1100), 0.0);
    QVERIFY(config.constrained);
    QVERIFY(!config.constrainedTraining);
    QCOMPARE(config.beamSize, int64_t(20));
}

void TestSidGpt::prepareRejectsMissingOrForeignIds() {
    const Dataset& dataset = m_synthetic.dataset;
    auto model = createModel("sid-gpt", sidGptConfig());
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
}

void TestSidGpt::trainsOneSequencePerUser() {
    const Dataset& dataset = m_synthetic.dataset;
    auto model = tokenbench::test::preparedModel("sid-gpt", sidGptConfig(), TrainingData{&dataset, &m_split, &m_ids}, 1);
    const EpochReport report = model->trainEpoch({}, nullptr);
    int64_t users = 0;
    for (const UserSplit& cut : m_split.users) users += cut.trainEnd >= 1 ? 1 : 0;
    QCOMPARE(report.samples, users);
    QCOMPARE(report.steps, (users + 31) / 32);
    QVERIFY(std::isfinite(report.loss) && report.loss > 0.0);
}

void TestSidGpt::constrainedBeamsAreRealDistinctItems() {
    const Dataset& dataset = m_synthetic.dataset;
    auto model = tokenbench::test::preparedModel("sid-gpt", sidGptConfig(), TrainingData{&dataset, &m_split, &m_ids}, 4);
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
    QCOMPARE(stats.at("beam_size"), 20.0);
    QVERIFY(model->takeEvalStats().empty());

    // Scores agree with the lists: the beam's items in list order, everything else below them.
    const std::vector<int32_t> some(targets.users.begin(), targets.users.begin() + 5);
    model->rankUsers(some, EvalPhase::Valid, 20, lists);
    std::vector<float> scores;
    model->scoreUsers(some, EvalPhase::Valid, scores);
    const size_t items = dataset.items.size();
    QCOMPARE(scores.size(), some.size() * items);
    for (size_t r = 0; r < some.size(); ++r) {
        const float* scoreRow = scores.data() + r * items;
        const std::vector<int32_t>& list = lists[r];
        for (size_t i = 1; i < list.size(); ++i)
            QVERIFY(scoreRow[static_cast<size_t>(list[i - 1])] > scoreRow[static_cast<size_t>(list[i])]);
        const std::set<int32_t> onBeam(list.begin(), list.end());
        for (size_t i = 0; i < items; ++i)
            if (!onBeam.count(static_cast<int32_t>(i))) QVERIFY(scoreRow[i] < scoreRow[static_cast<size_t>(list.back())]);
    }

    // Unconstrained, an untrained model mostly generates tuples no item has; they are counted.
    auto free = tokenbench::test::preparedModel("sid-gpt", sidGptConfig("\"constrained\": false"),
                                                TrainingData{&dataset, &m_split, &m_ids}, 6);
    free->rankUsers({0, 1, 2, 3, 4, 5, 6, 7}, EvalPhase::Test, 20, lists);
    const double invalid = free->takeEvalStats().at("invalid_id_rate");
    qInfo("untrained unconstrained invalid-ID rate %.3f", invalid);
    QVERIFY(invalid > 0.5 && invalid <= 1.0);
}

void TestSidGpt::sidGptBeatsPopularityOnSynthetic() {
    const Dataset& dataset = m_large.dataset;
    auto popularity = tokenbench::test::popularityBaseline(TrainingData{&dataset, &m_largeSplit, nullptr});
    const double base = ndcgAt10(*popularity, dataset, m_largeSplit, EvalPhase::Test);

    auto model = tokenbench::test::preparedModel("sid-gpt", sidGptConfig(),
                                                 TrainingData{&dataset, &m_largeSplit, &m_largeIds}, 1);
    const auto start = std::chrono::steady_clock::now();
    for (int epoch = 1; epoch <= 12; ++epoch) {
        const EpochReport report = model->trainEpoch({}, nullptr);
        qInfo("epoch %d: loss %.4f", epoch, report.loss);
    }
    const double learned = ndcgAt10(*model, dataset, m_largeSplit, EvalPhase::Test);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    qInfo("synthetic NDCG@10: popularity %.4f, sid-gpt %.4f (%.1f s)", base, learned, seconds);
    QCOMPARE(model->takeEvalStats().at("invalid_id_rate"), 0.0);
    QVERIFY(learned > 1.5 * base);
}

void TestSidGpt::sameSeedGivesIdenticalTraining() {
    const TrainingData data{&m_synthetic.dataset, &m_split, &m_ids};
    const std::vector<int32_t> users = {0, 5, 17, 150};
    double losses[3];
    std::vector<std::vector<int32_t>> lists[3];
    for (int run = 0; run < 3; ++run) {
        auto model = tokenbench::test::preparedModel("sid-gpt", sidGptConfig("\"batch_shards\": 2"), data,
                                                     run == 2 ? 99 : 5);
        losses[run] = model->trainEpoch({}, nullptr).loss;
        model->rankUsers(users, EvalPhase::Valid, 10, lists[run]);
    }
    QCOMPARE(losses[0], losses[1]);
    QVERIFY(lists[0] == lists[1]);
    QVERIFY(losses[0] != losses[2]);
}

void TestSidGpt::checkpointRoundTripAndExactResume() {
    tokenbench::test::TempProject temp;
    const std::string path = temp.file("sid-gpt.pt");
    const TrainingData data{&m_synthetic.dataset, &m_split, &m_ids};
    const std::vector<int32_t> users = {1, 2, 3, 100, 199};
    const std::string config = sidGptConfig();
    auto model = tokenbench::test::preparedModel("sid-gpt", config, data, 11);
    model->trainEpoch({}, nullptr);
    model->save(path);
    QVERIFY(tokenbench::test::savedAtomically(path));
    std::vector<std::vector<int32_t>> before, after;
    std::vector<float> scoresBefore, scoresAfter;
    model->rankUsers(users, EvalPhase::Test, 20, before);
    model->scoreUsers(users, EvalPhase::Test, scoresBefore);
    const double continued = model->trainEpoch({}, nullptr).loss;

    auto restored = tokenbench::test::preparedModel("sid-gpt", config, data, 11);
    restored->load(path);
    restored->rankUsers(users, EvalPhase::Test, 20, after);
    restored->scoreUsers(users, EvalPhase::Test, scoresAfter);
    QVERIFY(before == after);
    QVERIFY(scoresBefore == scoresAfter);
    QCOMPARE(restored->trainEpoch({}, nullptr).loss, continued);

    auto narrower = tokenbench::test::preparedModel("sid-gpt", sidGptConfig("\"feed_forward\": 32"), data, 11);
    QVERIFY_EXCEPTION_THROWN(narrower->load(path), DataError);
    SemanticIds shuffled = m_ids;  // items 0 and 1 trade tuples
    std::swap_ranges(shuffled.codes.begin(), shuffled.codes.begin() + 4, shuffled.codes.begin() + 4);
    auto otherIds =
        tokenbench::test::preparedModel("sid-gpt", config, TrainingData{&m_synthetic.dataset, &m_split, &shuffled}, 11);
    QVERIFY_EXCEPTION_THROWN(otherIds->load(path), DataError);
    QVERIFY_EXCEPTION_THROWN(restored->load(temp.file("missing.pt")), DataError);
}

void TestSidGpt::cancelStopsBetweenBatches() {
    const TrainingData data{&m_synthetic.dataset, &m_split, &m_ids};
    tokenbench::test::verifyCancelStopsBetweenBatches(
        *tokenbench::test::preparedModel("sid-gpt", sidGptConfig(), data, 3));
}

void TestSidGpt::attentionMapsAreCausalDistributions() {
    auto model = tokenbench::test::preparedModel("sid-gpt", sidGptConfig("\"max_items\": 5"),
                                                 TrainingData{&m_synthetic.dataset, &m_split, &m_ids}, 3);
    std::vector<int32_t> history;
    for (int i = 0; i < 8; ++i) history.push_back((i * 7) % 200);
    const std::vector<AttentionMap> maps = model->attention(history);
    QCOMPARE(maps.size(), size_t(4));  // 2 layers x 2 heads
    const int32_t last = history.back();
    for (const AttentionMap& map : maps) {
        QCOMPARE(map.rows, 21);  // BOS + 5 items (max_items) x 4 levels
        QCOMPARE(map.cols, 21);
        QVERIFY(map.positions.front().kind == AttentionPosition::Kind::Mask);
        QCOMPARE(map.positions.back().item, last);
        QCOMPARE(map.positions.back().level, 3);
        QCOMPARE(map.positions.back().code, m_ids.at(last, 3));
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
    QVERIFY(model->attention({}).empty());
    QVERIFY_EXCEPTION_THROWN((void)model->attention({5, 200}), std::out_of_range);
}

void TestSidGpt::exportWritesTokenLayout() {
    tokenbench::test::TempProject temp;
    const std::string dir = temp.file("export");
    auto model = tokenbench::test::preparedModel("sid-gpt", sidGptConfig(),
                                                 TrainingData{&m_synthetic.dataset, &m_split, &m_ids}, 3);
    model->exportModel(dir);
    QVERIFY(std::filesystem::exists(dir + "/weights.safetensors"));
    std::ifstream in(dir + "/config.json");
    const nlohmann::json config = nlohmann::json::parse(in);
    QCOMPARE(config.at("model").get<std::string>(), std::string("sid-gpt"));
    QCOMPARE(config.at("levels").get<int64_t>(), int64_t(4));
    const auto vocab = config.at("level_vocab").get<std::vector<int64_t>>();
    const auto offsets = config.at("level_offsets").get<std::vector<int64_t>>();
    const int64_t joint = offsets[3] + vocab[3];
    QCOMPARE(config.at("tensors").at("token_embedding.weight").get<std::vector<int64_t>>(),
             (std::vector<int64_t>{joint + 2, 32}));
    QCOMPARE(config.at("tensors").at("slot_embedding.weight").get<std::vector<int64_t>>(),
             (std::vector<int64_t>{11, 32}));  // max_items + 1 slots
    QCOMPARE(config.at("tensors").at("output.weight").get<std::vector<int64_t>>(), (std::vector<int64_t>{joint, 32}));
    QVERIFY(config.at("tensors").contains("layer1.self_attention.query.weight"));
    QVERIFY(config.at("layout").get<std::string>().find("BOS") != std::string::npos);
}

QTEST_GUILESS_MAIN(TestSidGpt)
#include "test_sid_gpt.moc"
