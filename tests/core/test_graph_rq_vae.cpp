// graph-rq-vae: LightGCN-style propagation over the training interactions only, the RQ-VAE on the
// propagated features, and the popularity-ordered last token.
#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include <QObject>
#include <QtTest>

#include "test_data.h"
#include "tiny_configs.h"
#include "tokenbench/registry.h"
#include "tokenbench/tokenizers/codebook_health.h"
#include "tokenbench/tokenizers/tokenizer.h"
#include "tokenizers/builtin_tokenizers.h"
#include "tokenizers/graph_propagation.h"
#include "tokenizers/popularity_token.h"

using namespace tokenbench::core;

namespace {

constexpr const char* kSmall =
    R"({"levels": 2, "codebook_size": 8, "hidden_dims": "32", "latent_dim": 8, "epochs": 8, "batch_size": 64})";

/// `items` x 4 features of a fixed pattern.
FeatureMatrix patterned(int64_t items) {
    FeatureMatrix m{items, 4, {}};
    for (int64_t i = 0; i < items; ++i)
        for (int d = 0; d < 4; ++d) m.values.push_back(static_cast<float>(std::sin(0.7 * i + 1.3 * d) + 1.1));
    return m;
}

SemanticIds fitAndEncode(const Dataset& dataset, const FeatureMatrix& features, const std::string& config = kSmall) {
    const DataSplit split = makeSplit(dataset, SplitConfig{});
    const TrainingInteractions interactions = trainingInteractions(dataset, split);
    FitContext context;
    context.seed = 3;
    context.interactions = &interactions;
    auto tokenizer = makeGraphRqVae(validateConfig(graphRqVaeInfo(), config));
    tokenizer->fit(features, context);
    return tokenizer->encode(features);
}

FeatureMatrix propagatedOf(const Dataset& dataset, const FeatureMatrix& features) {
    const DataSplit split = makeSplit(dataset, SplitConfig{});
    const InteractionGraph graph = interactionGraph(trainingInteractions(dataset, split), features.rows);
    return propagateFeatures(features, graph, PropagationOptions{});
}

}  // namespace

class TestGraphRqVae final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void propagationAveragesOverSharedUsers();
    void itemsWithoutInteractionsKeepTheirContent();
    void propagationReadsNoValidationOrTestInteraction();
    void popularityTokenRanksWithinAPrefix();
    void fittedIdsAreUniqueWithThePopularityToken();
    void fitWithoutInteractionsIsRefused();
    void schemaAddsGraphOptionsToTheRqVaes();
};

void TestGraphRqVae::propagationAveragesOverSharedUsers() {
    // User 0 bought items 0 and 1, user 1 item 2 only: one hop makes items 0 and 1 alike, item 2 stays itself.
    TrainingInteractions interactions;
    interactions.sequences = {{0, 1, 1}, {2}};
    const InteractionGraph graph = interactionGraph(interactions, 4);
    QCOMPARE(graph.popularity, (std::vector<int32_t>{1, 2, 1, 0}));
    QCOMPARE(graph.usersOfItem[1], std::vector<int32_t>{0});  // the repeat is one edge
    FeatureMatrix oneHot{4, 4, std::vector<float>(16, 0.0F)};
    for (int i = 0; i < 4; ++i) oneHot.values[static_cast<size_t>(i * 5)] = 1.0F;
    const FeatureMatrix graphOnly = propagateFeatures(oneHot, graph, PropagationOptions{1, 1.0});
    const float half = static_cast<float>(std::sqrt(0.5));
    for (int row = 0; row < 2; ++row) {
        QVERIFY(std::abs(graphOnly.row(row)[0] - half) < 1e-6F);
        QVERIFY(std::abs(graphOnly.row(row)[1] - half) < 1e-6F);
    }
    QCOMPARE(graphOnly.row(2)[2], 1.0F);
    const FeatureMatrix contentOnly = propagateFeatures(oneHot, graph, PropagationOptions{2, 0.0});
    QVERIFY(contentOnly.values == oneHot.values);
    const FeatureMatrix halfway = propagateFeatures(oneHot, graph, PropagationOptions{1, 0.5});
    QVERIFY(std::abs(halfway.row(0)[0] - (0.5F + 0.5F * half)) < 1e-6F);
    QVERIFY(std::abs(halfway.row(0)[1] - 0.5F * half) < 1e-6F);
}

void TestGraphRqVae::itemsWithoutInteractionsKeepTheirContent() {
    TrainingInteractions interactions;
    interactions.sequences = {{0, 1}};
    const InteractionGraph graph = interactionGraph(interactions, 3);
    const FeatureMatrix features = patterned(3);
    const FeatureMatrix out = propagateFeatures(features, graph, PropagationOptions{2, 0.8});
    double norm = 0.0;
    for (int d = 0; d < 4; ++d) norm += features.row(2)[d] * features.row(2)[d];
    for (int d = 0; d < 4; ++d) QVERIFY(std::abs(out.row(2)[d] - features.row(2)[d] / std::sqrt(norm)) < 1e-6);
    // Rows of another catalogue (cold items) are content only.
    const FeatureMatrix cold = propagateFeatures(patterned(5), graph, PropagationOptions{2, 0.8});
    QCOMPARE(cold.rows, int64_t{5});
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, (void)interactionGraph(interactions, 1));
}

void TestGraphRqVae::propagationReadsNoValidationOrTestInteraction() {
    const tokenbench::test::SyntheticSplit synthetic = tokenbench::test::smallSynthetic(80, 40);
    const Dataset& original = synthetic.data.dataset;
    const FeatureMatrix features = tokenbench::test::multiHot(original);
    const auto items = static_cast<int32_t>(original.items.size());

    // Leave-one-out: the last two items of a 3+ item user are validation and test targets. Replace
    // them by other items: the training graph, the propagated features and the IDs must not move.
    Dataset evaluationChanged = original;
    int changed = 0;
    for (UserSequence& user : evaluationChanged.users) {
        if (user.items.size() < 3) continue;
        for (size_t k = user.items.size() - 2; k < user.items.size(); ++k) {
            user.items[k] = (user.items[k] + 7) % items;
            ++changed;
        }
    }
    QVERIFY(changed > 50);
    QVERIFY(propagatedOf(evaluationChanged, features).values == propagatedOf(original, features).values);
    QVERIFY(fitAndEncode(evaluationChanged, features).codes == fitAndEncode(original, features).codes);

    // The same change one position earlier (a training item) does move the propagated features.
    Dataset trainingChanged = original;
    for (UserSequence& user : trainingChanged.users)
        if (user.items.size() >= 3) user.items[user.items.size() - 3] = (user.items[user.items.size() - 3] + 7) % items;
    QVERIFY(propagatedOf(trainingChanged, features).values != propagatedOf(original, features).values);
}

void TestGraphRqVae::popularityTokenRanksWithinAPrefix() {
    SemanticIds ids;
    ids.items = 5;
    ids.levels = 2;
    ids.codes = {0, 1, 0, 1, 2, 2, 0, 1, 0, 1};  // items 0, 1, 3, 4 share (0, 1)
    const SemanticIds out = appendPopularityToken(ids, {5, 9, 1, 9, 0});
    QCOMPARE(out.levels, 3);
    QCOMPARE(tokenbench::test::levelCodes(out, 2), (std::vector<int32_t>{2, 0, 0, 1, 3}));  // ties by index
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, (void)appendPopularityToken(ids, {1, 2}));
}

void TestGraphRqVae::fittedIdsAreUniqueWithThePopularityToken() {
    const tokenbench::test::SyntheticSplit synthetic = tokenbench::test::smallSynthetic(80, 60);
    const Dataset& dataset = synthetic.data.dataset;
    const FeatureMatrix features = tokenbench::test::multiHot(dataset);
    const SemanticIds ids = fitAndEncode(dataset, features);
    QCOMPARE(ids.levels, 3);
    QCOMPARE(collisionStats(ids).uniqueIds, ids.items);
    // Within every prefix the token follows training popularity.
    const std::vector<int64_t> counts = trainingItemCounts(dataset, synthetic.split);
    std::map<std::pair<int32_t, int32_t>, std::map<int32_t, int64_t>> byPrefix;
    for (int64_t i = 0; i < ids.items; ++i) byPrefix[{ids.row(i)[0], ids.row(i)[1]}][ids.row(i)[2]] = counts[static_cast<size_t>(i)];
    for (const auto& [prefix, ranks] : byPrefix) {
        int64_t previous = INT64_MAX;
        for (const auto& [rank, count] : ranks) {
            QVERIFY(count <= previous);
            previous = count;
        }
    }
    const SemanticIds plain = fitAndEncode(dataset, features, R"({"levels": 2, "codebook_size": 8, "hidden_dims": "32",
        "latent_dim": 8, "epochs": 8, "batch_size": 64, "popularity_token": false})");
    QCOMPARE(plain.levels, 2);
}

void TestGraphRqVae::fitWithoutInteractionsIsRefused() {
    auto tokenizer = makeGraphRqVae(validateConfig(graphRqVaeInfo(), kSmall));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, tokenizer->fit(patterned(10), FitContext{}));
    QVERIFY_THROWS_EXCEPTION(std::logic_error, (void)tokenizer->encode(patterned(10)));
}

void TestGraphRqVae::schemaAddsGraphOptionsToTheRqVaes() {
    Registry registry;
    registerTokenizers(registry);  // throws when a default breaks its own schema
    const ComponentInfo& info = registry.get("graph-rq-vae");
    for (const ParamSpec& spec : rqVaeInfo().params) QVERIFY2(tokenbench::test::findParam(info, spec.key), spec.key.c_str());
    for (const char* key : {"graph_hops", "graph_mix", "popularity_token"}) QVERIFY2(tokenbench::test::findParam(info, key), key);
    QCOMPARE(createTokenizer("graph-rq-vae", "{}")->levels(), 4);  // 3 RQ-VAE levels + the popularity token
    QCOMPARE(createTokenizer("graph-rq-vae", R"({"popularity_token": false})")->levels(), 3);
}

QTEST_GUILESS_MAIN(TestGraphRqVae)
#include "test_graph_rq_vae.moc"
