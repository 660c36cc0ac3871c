// The RQ-VAE's regularisers: Sinkhorn-balanced last level, diversity term, collaborative alignment
// (LETTER). Each is checked to change what it claims to (loads, collisions, perplexity, codes) against
// the same fit without it, and the alignment to fail clearly on a run it cannot read.
#include <algorithm>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include <ATen/ATen.h>
#include <QObject>
#include <nlohmann/json.hpp>
#include <QtTest>

#include "temp_project.h"
#include "test_data.h"
#include "tokenbench/tokenizers/codebook_health.h"
#include "tokenbench/tokenizers/collisions.h"
#include "tokenbench/tokenizers/tokenizer.h"
#include "tokenizers/builtin_tokenizers.h"
#include "tokenizers/sinkhorn_assignment.h"

using namespace tokenbench::core;
using tokenbench::test::clusteredFeatures;
using tokenbench::test::levelCodes;

namespace {

/// The IDs of a fit and its metrics, one map per epoch.
struct Fit final {
    SemanticIds ids;
    std::vector<std::map<std::string, double>> metrics;
};

Fit fitAndEncode(const std::string& config, const FeatureMatrix& features, FitContext context = {}) {
    Fit fit;
    context.seed = 5;
    context.metrics = [&fit](int64_t, int64_t, const std::map<std::string, double>& values) {
        fit.metrics.push_back(values);
    };
    auto tokenizer = makeRqVae(config);
    tokenizer->fit(features, context);
    fit.ids = tokenizer->encode(features);
    return fit;
}

int32_t maxLoad(const std::vector<int32_t>& codes) {
    std::map<int32_t, int32_t> load;
    for (const int32_t c : codes) ++load[c];
    int32_t most = 0;
    for (const auto& [code, count] : load) most = std::max(most, count);
    return most;
}

/// Content: 4 tight clusters of 50 items: few distinct residuals, so codebooks collapse without help.
const FeatureMatrix& clusteredContent() {
    static const FeatureMatrix features = clusteredFeatures(4, 50, 16);
    return features;
}

constexpr const char* kBase = R"("levels": 2, "codebook_size": 16, "hidden_dims": "32", "latent_dim": 8, "epochs": 20,
                                 "batch_size": 100, "learning_rate": 0.003)";

/// The base config with the keys of `extra` (a JSON object's members, without braces) set over it.
std::string config(const std::string& extra = "") {
    nlohmann::json merged = nlohmann::json::parse("{" + std::string(kBase) + "}");
    merged.update(nlohmann::json::parse("{" + extra + "}"));
    return merged.dump();
}

}  // namespace

class TestRqVaeRegularisers final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void sinkhornSpreadsPointsThatShareANearestCode();
    void balancedLastLevelLowersLoadAndCollisions();
    void balancedCodesSurviveSaveAndLoad();
    void diversityRaisesLastLevelPerplexity();
    void defaultsReportNoRegulariserLosses();
    void alignmentPullsCodesTowardsTheModelsClusters();
    void alignmentWithAnUnreadableRunNamesIt();
};

void TestRqVaeRegularisers::sinkhornSpreadsPointsThatShareANearestCode() {
    // 40 points, all nearest to code 0 (distance 0.1 + a little), 4 codes: argmin puts all on code 0.
    at::Tensor distances = at::ones({40, 4});
    distances.select(1, 0).fill_(0.1);
    distances += at::arange(40, at::kFloat).unsqueeze(1) * 1e-3 * at::arange(4, at::kFloat).unsqueeze(0);
    const at::Tensor plain = distances.argmin(1);
    QCOMPARE(plain.eq(0).sum().item<int64_t>(), int64_t{40});
    const at::Tensor balanced = sinkhornAssignment(distances, SinkhornOptions{});
    const at::Tensor loads = at::bincount(balanced, {}, 4);
    qInfo("balanced loads: %lld %lld %lld %lld", static_cast<long long>(loads[0].item<int64_t>()),
          static_cast<long long>(loads[1].item<int64_t>()), static_cast<long long>(loads[2].item<int64_t>()),
          static_cast<long long>(loads[3].item<int64_t>()));
    QVERIFY(loads.max().item<int64_t>() <= 12);  // 10 each when exactly balanced
    // A small epsilon takes the log-domain path; it balances as well.
    SinkhornOptions sharp;
    sharp.epsilon = 0.001;
    sharp.iterations = 300;
    QVERIFY(at::bincount(sinkhornAssignment(distances, sharp), {}, 4).max().item<int64_t>() <= 12);
    // With distinct nearest codes and no pressure, the assignment stays the argmin.
    const at::Tensor easy = at::ones({4, 4}) - at::eye(4);
    QVERIFY(at::equal(sinkhornAssignment(easy, SinkhornOptions{}), at::arange(4, at::kLong)));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, (void)sinkhornAssignment(at::ones({0, 4}), SinkhornOptions{}));
}

void TestRqVaeRegularisers::balancedLastLevelLowersLoadAndCollisions() {
    // 400 scattered items over 16 x 16 tuples: a plain last level crowds some codes (and their tuples).
    const FeatureMatrix scattered = clusteredFeatures(400, 1, 16);
    const Fit plain = fitAndEncode(config(), scattered);
    const Fit balanced = fitAndEncode(config(R"("sinkhorn_last_level": true)"), scattered);
    const int32_t plainLoad = maxLoad(levelCodes(plain.ids, 1));
    const int32_t balancedLoad = maxLoad(levelCodes(balanced.ids, 1));
    const double plainCollisions = collisionStats(plain.ids).collisionRate;
    const double balancedCollisions = collisionStats(balanced.ids).collisionRate;
    qInfo("last-level max load %d -> %d; collision rate %.3f -> %.3f", plainLoad, balancedLoad, plainCollisions,
          balancedCollisions);
    QVERIFY(balancedLoad < plainLoad);
    QVERIFY(balancedCollisions < plainCollisions);
    QVERIFY(balancedLoad <= 2 * 400 / 16);  // near the even share of 25 per code
}

void TestRqVaeRegularisers::balancedCodesSurviveSaveAndLoad() {
    auto tokenizer = makeRqVae(config(R"("sinkhorn_last_level": true, "epochs": 3)"));
    FitContext context;
    context.seed = 2;
    tokenizer->fit(clusteredContent(), context);
    tokenbench::test::TempProject temp;
    const std::string dir = temp.file("tokenizer");
    tokenizer->save(dir);
    const auto restored = loadTokenizer(dir);
    QVERIFY(restored->encode(clusteredContent()).codes == tokenizer->encode(clusteredContent()).codes);
}

void TestRqVaeRegularisers::diversityRaisesLastLevelPerplexity() {
    // Without k-means start or dead-code restart the codebooks collapse onto few codes; the term spreads them.
    const std::string common = R"("kmeans_init": false, "dead_code_restart": false)";
    const Fit plain = fitAndEncode(config(common), clusteredContent());
    const Fit diverse = fitAndEncode(config(common + R"(, "diversity_weight": 1.0)"), clusteredContent());
    const double plainPerplexity = levelHealth(plain.ids, 16).back().perplexity;
    const double diversePerplexity = levelHealth(diverse.ids, 16).back().perplexity;
    qInfo("last-level perplexity %.2f -> %.2f; loss/diversity %.4f -> %.4f", plainPerplexity, diversePerplexity,
          diverse.metrics.front().at("loss/diversity"), diverse.metrics.back().at("loss/diversity"));
    QVERIFY(diversePerplexity > plainPerplexity * 1.2);
    QVERIFY(diverse.metrics.back().at("loss/diversity") < diverse.metrics.front().at("loss/diversity"));
}

void TestRqVaeRegularisers::defaultsReportNoRegulariserLosses() {
    const Fit plain = fitAndEncode(config(R"("epochs": 2)"), clusteredContent());
    QVERIFY(!plain.metrics.back().count("loss/alignment"));
    QVERIFY(!plain.metrics.back().count("loss/diversity"));
    const auto& m = plain.metrics.back();
    QCOMPARE(m.at("loss"), m.at("loss/reconstruction") + m.at("loss/codebook") + m.at("loss/commitment"));
}

void TestRqVaeRegularisers::alignmentPullsCodesTowardsTheModelsClusters() {
    // Content: 16 clusters (item k in cluster k % 16); the "model" groups them into 4 (item k in group
    // k % 4), which the content's geometry does not suggest. With 4 first-level codes, aligned codes
    // follow the model's groups more than content-only codes do.
    const FeatureMatrix content = clusteredFeatures(16, 25, 16);
    std::vector<int> groups;
    const FeatureMatrix table = clusteredFeatures(4, 100, 12, &groups, /*seed=*/91);
    const std::vector<int32_t> modelLabels(groups.begin(), groups.end());
    FitContext context;
    int64_t askedFor = 0;
    context.modelItemEmbeddings = [&](int64_t run) {
        askedFor = run;
        return table;
    };
    const std::string common = R"("epochs": 40, "latent_dim": 8, "codebook_size": 4)";
    const Fit plain = fitAndEncode(config(common), content, context);
    const Fit aligned =
        fitAndEncode(config(common + R"(, "align_model_run": 42, "align_weight": 1.0)"), content, context);
    QCOMPARE(askedFor, int64_t{42});
    const std::vector<int32_t>& truth = modelLabels;
    const double plainNmi = tokenbench::test::nmiArithmetic(levelCodes(plain.ids, 0), truth);
    const double alignedNmi = tokenbench::test::nmiArithmetic(levelCodes(aligned.ids, 0), truth);
    qInfo("NMI(first-level codes, model clusters) %.3f -> %.3f; loss/alignment %.4f -> %.4f", plainNmi, alignedNmi,
          aligned.metrics.front().at("loss/alignment"), aligned.metrics.back().at("loss/alignment"));
    QVERIFY(alignedNmi > plainNmi + 0.1);
    QVERIFY(aligned.metrics.back().at("loss/alignment") < aligned.metrics.front().at("loss/alignment"));
    const auto& m = aligned.metrics.back();
    QVERIFY(std::abs(m.at("loss") - (m.at("loss/reconstruction") + m.at("loss/codebook") + m.at("loss/commitment") +
                                     m.at("loss/alignment"))) < 1e-9);
}

void TestRqVaeRegularisers::alignmentWithAnUnreadableRunNamesIt() {
    const std::string aligned = config(R"("epochs": 1, "align_model_run": 77)");
    auto expectError = [&](const FitContext& context, const std::string& needle) {
        auto tokenizer = makeRqVae(aligned);
        try {
            tokenizer->fit(clusteredContent(), context);
        } catch (const std::invalid_argument& e) {
            const std::string message = e.what();
            qInfo("%s", message.c_str());
            QVERIFY2(message.find("align_model_run 77") != std::string::npos, message.c_str());
            QVERIFY2(message.find(needle) != std::string::npos, message.c_str());
            QVERIFY_THROWS_EXCEPTION(std::logic_error, (void)tokenizer->encode(clusteredContent()));
            return;
        }
        QFAIL("fit accepted an alignment run it could not read");
    };
    FitContext missing;
    missing.modelItemEmbeddings = [](int64_t run) -> FeatureMatrix {
        throw std::invalid_argument("model-embeddings: no run with id " + std::to_string(run));
    };
    expectError(missing, "no run with id 77");
    expectError(FitContext{}, "cannot be read here");
    FitContext wrongRows;
    wrongRows.modelItemEmbeddings = [](int64_t) { return clusteredFeatures(2, 10, 4); };
    expectError(wrongRows, "20 rows");
}

QTEST_GUILESS_MAIN(TestRqVaeRegularisers)
#include "test_rq_vae_regularisers.moc"
