// RQ-VAE / VQ-VAE tokenizers (TIGER): shapes, learning, recovery of synthetic categories,
// determinism, checkpoint round trip, visible collapse, cancellation.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <QObject>
#include <QtTest>

#include "tokenizers/builtin_tokenizers.h"
#include "temp_project.h"
#include "test_data.h"
#include "tiny_configs.h"
#include "tokenbench/cancellation.h"
#include "tokenbench/data/data_error.h"
#include "tokenbench/data/synthetic.h"
#include "tokenbench/io/safetensors.h"
#include "tokenbench/registry.h"
#include "tokenbench/tokenizers/codebook_health.h"
#include "tokenbench/tokenizers/tokenizer.h"

using namespace tokenbench::core;

namespace {

using tokenbench::test::clusteredFeatures;
using tokenbench::test::findParam;
using tokenbench::test::levelCodes;

/// Everything a fit reported.
struct Recorded final {
    std::vector<std::map<std::string, double>> metrics;  ///< per epoch
    std::vector<SemanticIds> health;
    std::vector<double> reconstructionErrors;
    std::vector<std::string> phases;
};

FitContext recordingContext(Recorded& recorded, uint64_t seed) {
    FitContext context;
    context.seed = seed;
    context.metrics = [&recorded](int64_t, int64_t, const std::map<std::string, double>& values) {
        recorded.metrics.push_back(values);
    };
    context.health = [&recorded](int64_t, const SemanticIds& codes, double error) {
        recorded.health.push_back(codes);
        recorded.reconstructionErrors.push_back(error);
    };
    context.progress = [&recorded](double, const std::string& phase) { recorded.phases.push_back(phase); };
    return context;
}

/// A small network that trains in well under a second on the test data sets.
const char* kSmallConfig =
    R"({"levels": 2, "codebook_size": 16, "hidden_dims": "32", "latent_dim": 8, "epochs": 30,
        "batch_size": 128, "learning_rate": 0.003})";

}  // namespace

class TestRqVae final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void schemasCarryLevelsAndCodebookSize();
    void moduleShapesFollowTheConfig();
    void trainingReducesLossAndUsesTheFirstCodebook();
    void codesRecoverSyntheticTopCategories();
    void sameSeedGivesSameCodes();
    void saveThenLoadStateEncodesIdentically();
    void loadStateRejectsMismatchedWeights();
    void identicalInputsShowACollapsedFirstLevel();
    void cancelFromAnotherThreadStopsWithinOneSecond();
    void vqVaeHasOneLevel();
    void registryCreatesAndReloadsBothIds();
    void fitsOnCudaWhenAvailable();
};

void TestRqVae::schemasCarryLevelsAndCodebookSize() {
    Registry registry;
    registry.add(tokenbench::core::rqVaeInfo());  // throws when a default falls outside its own range
    registry.add(tokenbench::core::vqVaeInfo());
    const ComponentInfo& rq = registry.get("rq-vae");
    const ComponentInfo& vq = registry.get("vq-vae");
    for (const ComponentInfo* info : {&rq, &vq}) {
        const ParamSpec* levels = findParam(*info, "levels");
        const ParamSpec* size = findParam(*info, "codebook_size");
        QVERIFY(levels && size);
        QVERIFY(levels->type == ParamType::Int && size->type == ParamType::Int);
        QCOMPARE(*size->min, 2.0);
        QCOMPARE(*size->max, 65536.0);
        for (const char* key :
             {"hidden_dims", "latent_dim", "beta", "epochs", "batch_size", "learning_rate", "optimizer", "weight_decay",
              "dropout", "normalize", "kmeans_init", "dead_code_restart", "restart_interval"})
            QVERIFY2(findParam(*info, key), key);
    }
    QCOMPARE(*findParam(rq, "levels")->max, 8.0);
    QCOMPARE(findParam(rq, "levels")->defaultValue, std::string("3"));
    QCOMPARE(*findParam(vq, "levels")->max, 1.0);
    QCOMPARE(tokenbench::core::makeRqVae("{}")->levels(), 3);
    QCOMPARE(tokenbench::core::makeRqVae("{}")->codebookSize(), 256);
    QCOMPARE(tokenbench::core::makeRqVae("{}")->id(), std::string("rq-vae"));
    QVERIFY_THROWS_EXCEPTION(ConfigError, (void)tokenbench::core::makeRqVae(R"({"hidden_dims": "64,x"})"));
    QVERIFY_THROWS_EXCEPTION(ConfigError, (void)tokenbench::core::makeRqVae(R"({"levels": 9})"));
    QVERIFY_THROWS_EXCEPTION(ConfigError, (void)tokenbench::core::makeRqVae(R"({"optimizer": "sgd"})"));
    QCOMPARE(tokenbench::core::makeRqVae(R"({"hidden_dims": ""})")->levels(), 3);  // a linear encoder is allowed
}

void TestRqVae::moduleShapesFollowTheConfig() {
    const FeatureMatrix features = clusteredFeatures(4, 10, 12);
    auto tokenizer = tokenbench::core::makeRqVae(
        R"({"levels": 3, "codebook_size": 5, "hidden_dims": "20,10", "latent_dim": 6, "epochs": 1})");
    tokenizer->fit(features, FitContext{});

    const SemanticIds ids = tokenizer->encode(features);
    QCOMPARE(ids.items, int64_t{40});
    QCOMPARE(ids.levels, 3);
    for (const int32_t code : ids.codes) QVERIFY(code >= 0 && code < 5);
    const FeatureMatrix distances = tokenizer->lastLevelDistances(features);
    QCOMPARE(distances.rows, int64_t{40});
    QCOMPARE(distances.dim, int64_t{5});
    for (int64_t i = 0; i < distances.rows; ++i) {
        const float* row = distances.row(i);
        QVERIFY(*std::min_element(row, row + 5) >= 0.0f);
        // The last code is the nearest last-level codeword.
        QCOMPARE(static_cast<int32_t>(std::min_element(row, row + 5) - row), ids.at(i, 2));
    }

    tokenbench::test::TempProject project;
    tokenizer->save(project.path());
    std::map<std::string, std::vector<int64_t>> shapes;
    for (const TensorData& t : tokenbench::core::readSafetensors(project.path() + "/weights.safetensors")) {
        QCOMPARE(t.dtype, std::string("F32"));
        shapes[t.name] = t.shape;
    }
    const std::map<std::string, std::vector<int64_t>> expected = {
        {"encoder.linear0.weight", {20, 12}}, {"encoder.linear0.bias", {20}},
        {"encoder.linear1.weight", {10, 20}}, {"encoder.linear1.bias", {10}},
        {"encoder.linear2.weight", {6, 10}},  {"encoder.linear2.bias", {6}},
        {"quantizer.codebook0", {5, 6}},      {"quantizer.codebook1", {5, 6}},
        {"quantizer.codebook2", {5, 6}},      {"decoder.linear0.weight", {10, 6}},
        {"decoder.linear0.bias", {10}},       {"decoder.linear1.weight", {20, 10}},
        {"decoder.linear1.bias", {20}},       {"decoder.linear2.weight", {12, 20}},
        {"decoder.linear2.bias", {12}}};
    QCOMPARE(shapes, expected);

    std::ifstream configFile(project.path() + "/config.json");
    const std::string config((std::istreambuf_iterator<char>(configFile)), std::istreambuf_iterator<char>());
    for (const char* key : {"\"id\": \"rq-vae\"", "\"input_dim\": 12", "\"codebook_size\": 5", "\"levels\": 3",
                            "\"version\"", "\"hidden_dims\": \"20,10\""})
        QVERIFY2(config.find(key) != std::string::npos, key);
}

void TestRqVae::trainingReducesLossAndUsesTheFirstCodebook() {
    const FeatureMatrix features = clusteredFeatures(16, 40, 16);
    auto tokenizer = tokenbench::core::makeRqVae(kSmallConfig);
    Recorded recorded;
    tokenizer->fit(features, recordingContext(recorded, 1));

    QCOMPARE(recorded.metrics.size(), size_t{30});
    for (const char* key : {"loss", "loss/reconstruction", "loss/commitment", "loss/codebook"})
        QVERIFY2(recorded.metrics.front().count(key), key);
    const double first = recorded.metrics.front().at("loss");
    const double last = recorded.metrics.back().at("loss");
    qInfo("loss %.4f -> %.4f, reconstruction %.4f -> %.4f", first, last,
          recorded.metrics.front().at("loss/reconstruction"), recorded.metrics.back().at("loss/reconstruction"));
    QVERIFY(last < 0.5 * first);
    QVERIFY(recorded.metrics.back().at("loss/reconstruction") < recorded.metrics.front().at("loss/reconstruction"));

    // Health: every 5 epochs by default, and at the end, each over the whole ID (it trains in steps).
    QCOMPARE(recorded.health.size(), size_t{6});
    for (const SemanticIds& ids : recorded.health) QCOMPARE(ids.levels, 2);
    QVERIFY(recorded.reconstructionErrors.back() < recorded.reconstructionErrors.front());
    const auto health = tokenbench::core::levelHealth(recorded.health.back(), 16);
    qInfo("first level: %d/16 codes used, perplexity %.2f; second level: %d used, perplexity %.2f; final MSE %.5f",
          health[0].usedCodes, health[0].perplexity, health[1].usedCodes, health[1].perplexity,
          recorded.reconstructionErrors.back());
    QVERIFY(health[0].utilization >= 0.75);
    QVERIFY(health[0].perplexity >= 8.0);
    QVERIFY(!tokenbench::core::isCollapsed(health[0]));
    QVERIFY(std::find(recorded.phases.begin(), recorded.phases.end(), "epoch 30/30") != recorded.phases.end());
}

void TestRqVae::codesRecoverSyntheticTopCategories() {
    SyntheticConfig config;
    config.users = 50;
    config.items = 600;
    config.branching = {6, 3, 2};
    const SyntheticData data = tokenbench::core::generateSynthetic(config);
    const FeatureMatrix features = tokenbench::test::multiHot(data.dataset);

    auto tokenizer = tokenbench::core::makeRqVae(
        R"({"levels": 2, "codebook_size": 8, "hidden_dims": "64", "latent_dim": 16, "epochs": 40,
            "batch_size": 128, "learning_rate": 0.003})");
    tokenizer->fit(features, FitContext{});
    const SemanticIds ids = tokenizer->encode(features);
    std::vector<int> truth(data.truth.topCategory.begin(), data.truth.topCategory.end());
    const double score = tokenbench::test::nmiArithmetic(levelCodes(ids, 0), truth);
    const auto health = tokenbench::core::levelHealth(ids, 8);
    qInfo("NMI(first-level code, top category) = %.3f; first level uses %d/8 codes", score, health[0].usedCodes);
    QVERIFY(score >= 0.6);
}

void TestRqVae::sameSeedGivesSameCodes() {
    const FeatureMatrix features = clusteredFeatures(6, 30, 10);
    const char* config = R"({"levels": 2, "codebook_size": 8, "hidden_dims": "16", "latent_dim": 4, "epochs": 6,
                             "batch_size": 32, "dropout": 0.1})";
    auto fitOnce = [&](uint64_t seed, Recorded& recorded) {
        auto tokenizer = tokenbench::core::makeRqVae(config);
        tokenizer->fit(features, recordingContext(recorded, seed));
        return tokenizer->encode(features).codes;
    };
    Recorded a, b, c;
    const auto codesA = fitOnce(11, a);
    const auto codesB = fitOnce(11, b);
    const auto codesC = fitOnce(12, c);
    QVERIFY(codesA == codesB);
    QCOMPARE(a.metrics.size(), b.metrics.size());
    for (size_t i = 0; i < a.metrics.size(); ++i) QCOMPARE(a.metrics[i].at("loss"), b.metrics[i].at("loss"));
    QVERIFY(a.metrics.back().at("loss") != c.metrics.back().at("loss"));
}

void TestRqVae::saveThenLoadStateEncodesIdentically() {
    const FeatureMatrix features = clusteredFeatures(8, 20, 12);
    auto trained = tokenbench::core::makeRqVae(kSmallConfig);
    FitContext context;
    context.seed = 5;
    trained->fit(features, context);
    tokenbench::test::TempProject project;
    trained->save(project.path());

    auto restored = tokenbench::core::makeRqVae(kSmallConfig);
    QVERIFY_THROWS_EXCEPTION(std::logic_error, (void)restored->encode(features));
    restored->loadState(project.path());
    QVERIFY(restored->encode(features).codes == trained->encode(features).codes);
    QVERIFY(restored->lastLevelDistances(features).values == trained->lastLevelDistances(features).values);
    // Cold items (new rows with the same columns) encode the same way too.
    const FeatureMatrix cold = clusteredFeatures(8, 3, 12, nullptr, 99);
    QVERIFY(restored->encode(cold).codes == trained->encode(cold).codes);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, (void)restored->encode(clusteredFeatures(2, 2, 7)));
}

void TestRqVae::loadStateRejectsMismatchedWeights() {
    const FeatureMatrix features = clusteredFeatures(4, 10, 12);
    auto trained = tokenbench::core::makeRqVae(kSmallConfig);
    trained->fit(features, FitContext{});
    tokenbench::test::TempProject project;
    trained->save(project.path());

    // Other hidden sizes: same keys, different shapes.
    auto wider =
        tokenbench::core::makeRqVae(R"({"levels": 2, "codebook_size": 16, "hidden_dims": "48", "latent_dim": 8})");
    QVERIFY_THROWS_EXCEPTION(DataError, wider->loadState(project.path()));
    // One more hidden layer: a tensor the file lacks.
    auto deeper =
        tokenbench::core::makeRqVae(R"({"levels": 2, "codebook_size": 16, "hidden_dims": "32,32", "latent_dim": 8})");
    try {
        deeper->loadState(project.path());
        QFAIL("loadState accepted weights without encoder.linear2");
    } catch (const DataError& e) {
        QVERIFY2(std::string(e.what()).find("weights.safetensors") != std::string::npos, e.what());
    }
    auto otherLevels =
        tokenbench::core::makeRqVae(R"({"levels": 3, "codebook_size": 16, "hidden_dims": "32", "latent_dim": 8})");
    QVERIFY_THROWS_EXCEPTION(DataError, otherLevels->loadState(project.path()));
    QVERIFY_THROWS_EXCEPTION(DataError,
                             tokenbench::core::makeVqVae(R"({"codebook_size": 16})")->loadState(project.path()));
    QVERIFY_THROWS_EXCEPTION(DataError, deeper->loadState(project.file("missing")));
}

void TestRqVae::identicalInputsShowACollapsedFirstLevel() {
    FeatureMatrix features;
    features.rows = 200;
    features.dim = 8;
    for (int i = 0; i < 200; ++i)
        for (int d = 0; d < 8; ++d) features.values.push_back(static_cast<float>(d + 1));
    auto tokenizer = tokenbench::core::makeRqVae(
        R"({"levels": 2, "codebook_size": 16, "hidden_dims": "16", "latent_dim": 4, "epochs": 4, "batch_size": 50})");
    Recorded recorded;
    FitContext context = recordingContext(recorded, 2);
    context.healthInterval = 4;  // steps: once per epoch here
    tokenizer->fit(features, context);
    QCOMPARE(recorded.health.size(), size_t{4});
    for (const SemanticIds& ids : recorded.health) {
        const auto health = tokenbench::core::levelHealth(ids, 16);
        QCOMPARE(health[0].usedCodes, 1);
        QVERIFY(std::abs(health[0].perplexity - 1.0) < 1e-9);
        QVERIFY(tokenbench::core::isCollapsed(health[0]));
    }
}

void TestRqVae::cancelFromAnotherThreadStopsWithinOneSecond() {
    const FeatureMatrix features = clusteredFeatures(16, 100, 32);
    auto tokenizer = tokenbench::core::makeRqVae(
        R"({"levels": 3, "codebook_size": 64, "hidden_dims": "128,64", "latent_dim": 16, "epochs": 100000, "batch_size": 256})");
    std::atomic<bool> cancel{false};
    std::atomic<int> epochs{0};
    std::atomic<bool> cancelled{false};
    std::atomic<bool> finished{false};
    std::string otherError;
    FitContext context;
    context.cancel = &cancel;
    context.metrics = [&epochs](int64_t, int64_t, const std::map<std::string, double>&) { ++epochs; };
    std::thread worker([&] {
        try {
            tokenizer->fit(features, context);
        } catch (const CancelledError&) {
            cancelled = true;
        } catch (const std::exception& e) {
            otherError = e.what();
        }
        finished = true;
    });
    const auto startWait = std::chrono::steady_clock::now();
    while (epochs < 2 && !finished && std::chrono::steady_clock::now() - startWait < std::chrono::seconds(30))
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    const auto requested = std::chrono::steady_clock::now();
    cancel = true;
    while (!finished && std::chrono::steady_clock::now() - requested < std::chrono::seconds(10))
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    const auto stopped = std::chrono::steady_clock::now();
    worker.join();
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(stopped - requested).count();
    qInfo("stopped %lld ms after the cancel request, after %d epochs", static_cast<long long>(ms), epochs.load());
    QVERIFY2(otherError.empty(), otherError.c_str());
    QVERIFY(cancelled);
    QVERIFY(ms < 1000);
    QVERIFY_THROWS_EXCEPTION(std::logic_error, (void)tokenizer->encode(features));  // no half-trained model
}

void TestRqVae::vqVaeHasOneLevel() {
    QVERIFY_THROWS_EXCEPTION(ConfigError, (void)tokenbench::core::makeVqVae(R"({"levels": 2})"));
    auto tokenizer =
        tokenbench::core::makeVqVae(R"({"codebook_size": 8, "hidden_dims": "16", "latent_dim": 4, "epochs": 5})");
    QCOMPARE(tokenizer->id(), std::string("vq-vae"));
    QCOMPARE(tokenizer->levels(), 1);
    std::vector<int> labels;
    const FeatureMatrix features = clusteredFeatures(8, 20, 10, &labels);
    tokenizer->fit(features, FitContext{});
    const SemanticIds ids = tokenizer->encode(features);
    QCOMPARE(ids.levels, 1);
    QCOMPARE(ids.items, features.rows);
    QCOMPARE(tokenizer->lastLevelDistances(features).dim, int64_t{8});
    qInfo("vq-vae NMI with blob labels: %.3f", tokenbench::test::nmiArithmetic(levelCodes(ids, 0), labels));
}

void TestRqVae::registryCreatesAndReloadsBothIds() {
    Registry registry;
    tokenbench::core::registerTokenizers(registry);
    QVERIFY(registry.find("rq-vae"));
    QVERIFY(registry.find("vq-vae"));
    const FeatureMatrix features = clusteredFeatures(6, 10, 8);
    for (const char* id : {"rq-vae", "vq-vae"}) {
        auto tokenizer = tokenbench::core::createTokenizer(
            id, R"({"codebook_size": 8, "hidden_dims": "16", "latent_dim": 4, "epochs": 3, "batch_size": 16})");
        QCOMPARE(tokenizer->id(), std::string(id));
        tokenizer->fit(features, FitContext{});
        tokenbench::test::TempProject project;
        tokenizer->save(project.path());
        const auto reloaded = tokenbench::core::loadTokenizer(project.path());
        QCOMPARE(reloaded->id(), std::string(id));
        QCOMPARE(reloaded->levels(), tokenizer->levels());
        QVERIFY(reloaded->encode(features).codes == tokenizer->encode(features).codes);
    }
}

void TestRqVae::fitsOnCudaWhenAvailable() {
    const FeatureMatrix features = clusteredFeatures(8, 20, 12);
    auto onGpu = tokenbench::core::makeRqVae(kSmallConfig);
    FitContext context;
    context.device = "cuda";
    try {
        onGpu->fit(features, context);
    } catch (const std::invalid_argument& e) {
        if (std::string(e.what()).find("CUDA is not available") != std::string::npos) QSKIP("no CUDA device");
        throw;
    }
    const SemanticIds ids = onGpu->encode(features);
    QCOMPARE(ids.items, features.rows);
    QCOMPARE(onGpu->lastLevelDistances(features).rows, features.rows);
    tokenbench::test::TempProject project;
    onGpu->save(project.path());
    auto onCpu = tokenbench::core::makeRqVae(kSmallConfig);
    onCpu->loadState(project.path());
    QVERIFY(onCpu->encode(features).codes == ids.codes);
}

QTEST_GUILESS_MAIN(TestRqVae)
#include "test_rq_vae.moc"
