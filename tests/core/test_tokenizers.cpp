// The k-means family of tokenizers, the random control, importing external IDs and the tokenizer
// registry: recovery of known structure, determinism, save/load, balance, cancellation, errors.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <exception>
#include <fstream>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <QObject>
#include <QtTest>

#include "expect_error.h"
#include "temp_project.h"
#include "test_data.h"
#include "tokenbench/cancellation.h"
#include "tokenbench/data/data_error.h"
#include "tokenbench/data/split.h"
#include "tokenbench/data/synthetic.h"
#include "tokenbench/registry.h"
#include "tokenbench/tokenizers/codebook_sizing.h"
#include "tokenbench/tokenizers/import_ids.h"
#include "tokenbench/tokenizers/tokenizer.h"

using tokenbench::core::CancelledError;
using tokenbench::core::ComponentKind;
using tokenbench::core::ConfigError;
using tokenbench::core::createTokenizer;
using tokenbench::core::DataError;
using tokenbench::core::Dataset;
using tokenbench::core::FeatureMatrix;
using tokenbench::core::FitContext;
using tokenbench::core::ImportedIdKind;
using tokenbench::core::importSemanticIds;
using tokenbench::core::ItemInfo;
using tokenbench::core::loadTokenizer;
using tokenbench::core::registerTokenizers;
using tokenbench::core::Registry;
using tokenbench::core::SemanticIds;
using tokenbench::core::SyntheticConfig;
using tokenbench::core::SyntheticData;
using tokenbench::core::Tokenizer;
using tokenbench::test::TempProject;

using tokenbench::test::contains;

namespace {

using tokenbench::test::levelCodes;
using tokenbench::test::multiHot;
using tokenbench::test::randomNormal;
using tokenbench::test::TestRng;

/// `perBlob` points around each of `blobs` centres 10 apart (noise 0.1) in `dim` dimensions;
/// `truth` receives each point's blob.
FeatureMatrix gaussianBlobs(int blobs, int perBlob, int dim, uint64_t seed, std::vector<int32_t>* truth) {
    TestRng rng(seed);
    FeatureMatrix m{static_cast<int64_t>(blobs) * perBlob, dim, {}};
    for (int i = 0; i < perBlob; ++i) {
        for (int b = 0; b < blobs; ++b) {  // interleaved so no cluster is a contiguous block
            for (int j = 0; j < dim; ++j)
                m.values.push_back(
                    static_cast<float>((j == b % dim ? 10.0 * (1 + b / dim) : 0.0) + 0.1 * rng.normal()));
            truth->push_back(b);
        }
    }
    return m;
}

std::unique_ptr<Tokenizer> fitted(const std::string& id, const std::string& config, const FeatureMatrix& features,
                                  uint64_t seed) {
    auto tokenizer = createTokenizer(id, config);
    FitContext context;
    context.seed = seed;
    tokenizer->fit(features, context);
    return tokenizer;
}

/// Three items a, b, c for the import tests.
Dataset smallDataset() {
    Dataset d;
    for (const char* id : {"a", "b", "c"}) {
        ItemInfo item;
        item.rawId = id;
        d.items.push_back(item);
    }
    return d;
}

std::string writeFile(const TempProject& dir, const std::string& name, const std::string& text) {
    const std::string path = dir.file(name);
    std::ofstream(path, std::ios::binary) << text;
    return path;
}

/// Runs the import and returns its DataError (failing the test when none is thrown).
DataError importError(const std::string& path, ImportedIdKind kind = ImportedIdKind::RawId, int32_t codebookSize = 0) {
    try {
        (void)importSemanticIds(path, smallDataset(), kind, codebookSize);
    } catch (const DataError& e) {
        return e;
    }
    throw std::runtime_error("no DataError for " + path);
}

}  // namespace

class TestTokenizers final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void proposedCodebookSizesFitTheCatalogue() {
        QCOMPARE(tokenbench::core::proposedCodebookSize(2000, 3), int64_t{64});    // the README tour's 3 x 64
        QCOMPARE(tokenbench::core::proposedCodebookSize(12101, 3), int64_t{128});  // Amazon Beauty
        QCOMPARE(tokenbench::core::proposedCodebookSize(120, 3), int64_t{16});
        QCOMPARE(tokenbench::core::proposedCodebookSize(100, 1), int64_t{128});    // one level must hold every item
        QCOMPARE(tokenbench::core::proposedCodebookSize(64, 2), int64_t{8});       // exact powers need no rounding up
        QCOMPARE(tokenbench::core::proposedCodebookSize(0, 3), int64_t{8});        // the bounds
        QCOMPARE(tokenbench::core::proposedCodebookSize(int64_t{1} << 40, 3), int64_t{1024});
    }

    void kmeansRecoversSeparatedBlobsExactly() {
        std::vector<int32_t> truth;
        const FeatureMatrix blobs = gaussianBlobs(12, 40, 8, 7, &truth);
        const auto tokenizer =
            fitted("rq-kmeans", R"({"levels": 1, "codebook_size": 12, "normalize": false})", blobs, 3);
        const SemanticIds ids = tokenizer->encode(blobs);
        // The same partition: every blob on one code, every code one blob.
        std::map<int32_t, std::set<int32_t>> codesOfBlob, blobsOfCode;
        for (int64_t i = 0; i < ids.items; ++i) {
            codesOfBlob[truth[static_cast<size_t>(i)]].insert(ids.at(i, 0));
            blobsOfCode[ids.at(i, 0)].insert(truth[static_cast<size_t>(i)]);
        }
        QCOMPARE(codesOfBlob.size(), size_t{12});
        QCOMPARE(blobsOfCode.size(), size_t{12});
        for (const auto& [_, codes] : codesOfBlob) QCOMPARE(codes.size(), size_t{1});
        QCOMPARE(tokenbench::test::nmiGeometric(levelCodes(ids, 0), truth), 1.0);
    }

    void rqKmeansFirstLevelFindsTopCategories() {
        SyntheticConfig config;
        config.users = 200;
        const SyntheticData data = tokenbench::core::generateSynthetic(config);
        const FeatureMatrix features = multiHot(data.dataset);
        const auto topCategories = static_cast<int32_t>(
            std::set<int32_t>(data.truth.topCategory.begin(), data.truth.topCategory.end()).size());
        const auto tokenizer = fitted(
            "rq-kmeans", R"({"levels": 3, "codebook_size": )" + std::to_string(topCategories) + "}", features, 42);
        const SemanticIds ids = tokenizer->encode(features);
        QCOMPARE(ids.levels, 3);
        const double nmi = tokenbench::test::nmiGeometric(levelCodes(ids, 0), data.truth.topCategory);
        qInfo("NMI(level 1, top category) = %.4f with %d codes", nmi, topCategories);
        QVERIFY2(nmi >= 0.8, qPrintable(QString::number(nmi)));
    }

    void sameSeedGivesSameCodes() {
        const FeatureMatrix features = randomNormal(600, 16, 11);
        for (const std::string id : {"rq-kmeans", "balanced-kmeans", "random"}) {
            const std::string config = R"({"levels": 2, "codebook_size": 16})";
            const SemanticIds a = fitted(id, config, features, 5)->encode(features);
            const SemanticIds b = fitted(id, config, features, 5)->encode(features);
            QVERIFY2(a.codes == b.codes, id.c_str());
        }
        const std::string config = R"({"levels": 2, "codebook_size": 16})";
        QVERIFY(fitted("random", config, features, 5)->encode(features).codes !=
                fitted("random", config, features, 6)->encode(features).codes);
    }

    void saveThenLoadEncodesIdentically() {
        TempProject dir;
        const FeatureMatrix features = randomNormal(500, 12, 21);
        const FeatureMatrix unseen = randomNormal(50, 12, 22);
        for (const std::string id : {"rq-kmeans", "balanced-kmeans", "random"}) {
            const auto original = fitted(id, R"({"levels": 3, "codebook_size": 8})", features, 9);
            const std::string where = dir.path() + "/" + id;
            original->save(where);
            QVERIFY(QFile::exists(QString::fromStdString(where + "/config.json")));
            QVERIFY(QFile::exists(QString::fromStdString(where + "/weights.safetensors")));
            const auto loaded = loadTokenizer(where);
            QCOMPARE(loaded->id(), id);
            QCOMPARE(loaded->levels(), 3);
            QCOMPARE(loaded->codebookSize(), 8);
            QVERIFY2(loaded->encode(features).codes == original->encode(features).codes, id.c_str());
            QVERIFY2(loaded->encode(unseen).codes == original->encode(unseen).codes, id.c_str());
            QVERIFY2(loaded->lastLevelDistances(unseen).values == original->lastLevelDistances(unseen).values,
                     id.c_str());
        }
    }

    void loadRejectsWeightsThatDoNotFit() {
        TempProject dir;
        const FeatureMatrix features = randomNormal(300, 6, 4);
        fitted("rq-kmeans", R"({"levels": 2, "codebook_size": 8})", features, 1)->save(dir.path());
        auto other = createTokenizer("rq-kmeans", R"({"levels": 2, "codebook_size": 16})");
        try {
            other->loadState(dir.path());
            QFAIL("loaded codebooks of the wrong size");
        } catch (const DataError& e) {
            QVERIFY2(contains(e.file(), "weights.safetensors") && contains(e.message(), "codebook.0"), e.what());
        }
        QVERIFY_THROWS_EXCEPTION(DataError, (void)loadTokenizer(dir.file("nowhere")));
    }

    void lastLevelDistancesMatchTheCodes() {
        const FeatureMatrix features = randomNormal(400, 10, 31);
        const auto tokenizer = fitted("rq-kmeans", R"({"levels": 2, "codebook_size": 16})", features, 2);
        const SemanticIds ids = tokenizer->encode(features);
        const FeatureMatrix d = tokenizer->lastLevelDistances(features);
        QCOMPARE(d.rows, features.rows);
        QCOMPARE(d.dim, int64_t{16});
        for (int64_t i = 0; i < d.rows; ++i) {
            const float* row = d.row(i);
            QCOMPARE(static_cast<int32_t>(std::min_element(row, row + d.dim) - row), ids.at(i, 1));
        }
        QCOMPARE(fitted("random", "{}", features, 2)->lastLevelDistances(features).values.size(), size_t{0});
    }

    void balancedClustersDifferByAtMostOne() {
        const FeatureMatrix features = randomNormal(500, 8, 41);  // 500 = 7 * 71 + 3
        SemanticIds fromFit;
        auto tokenizer = createTokenizer("balanced-kmeans", R"({"levels": 2, "codebook_size": 7})");
        FitContext context;
        context.health = [&](int64_t, const SemanticIds& codes, double) { fromFit = codes; };
        tokenizer->fit(features, context);
        const SemanticIds ids = tokenizer->encode(features);
        QVERIFY(ids.codes == fromFit.codes);
        for (int32_t level = 0; level < 2; ++level) {
            std::vector<int64_t> sizes(7, 0);
            for (const int32_t c : levelCodes(ids, level)) ++sizes[static_cast<size_t>(c)];
            const auto [lo, hi] = std::minmax_element(sizes.begin(), sizes.end());
            QVERIFY2(*hi - *lo <= 1, qPrintable(QString("level %1: %2..%3").arg(level + 1).arg(*lo).arg(*hi)));
        }
    }

    void randomCodesCoverTheRangeAndRepeat() {
        const FeatureMatrix features = randomNormal(2000, 4, 51);
        const auto tokenizer = fitted("random", R"({"levels": 2, "codebook_size": 16})", features, 77);
        const SemanticIds ids = tokenizer->encode(features);
        for (int32_t level = 0; level < 2; ++level) {
            std::vector<int64_t> counts(16, 0);
            for (const int32_t c : levelCodes(ids, level)) {
                QVERIFY(c >= 0 && c < 16);
                ++counts[static_cast<size_t>(c)];
            }
            for (const int64_t c : counts)
                QVERIFY2(c > 2000 / 16 / 2 && c < 2000 / 16 * 2, qPrintable(QString::number(c)));
        }
        QVERIFY(fitted("random", R"({"levels": 2, "codebook_size": 16})", features, 77)->encode(features).codes ==
                ids.codes);
        const FeatureMatrix unseen = randomNormal(10, 4, 52);
        QVERIFY(tokenizer->encode(unseen).codes == tokenizer->encode(unseen).codes);
    }

    void firstLevelUsesTheWholeCodebook() {
        const FeatureMatrix features = randomNormal(12000, 64, 61);
        QElapsedTimer timer;
        timer.start();
        const auto tokenizer =
            fitted("rq-kmeans", R"({"levels": 1, "codebook_size": 256, "iterations": 20})", features, 1);
        const std::vector<int32_t> codes = levelCodes(tokenizer->encode(features), 0);
        const double utilization = static_cast<double>(std::set<int32_t>(codes.begin(), codes.end()).size()) / 256.0;
        qInfo("level-1 utilization %.4f (12k x 64, K = 256, 20 iterations: %lld ms)", utilization,
              static_cast<long long>(timer.elapsed()));
        QVERIFY(utilization >= 0.95);
    }

    // What a tokenizer without training steps promises (the GUI draws its figures per level from it):
    // one health report per level, covering the levels done so far.
    void healthIsReportedForEveryLevel() {
        const FeatureMatrix features = randomNormal(300, 8, 71);
        Registry registry;
        registerTokenizers(registry);
        std::set<std::string> levelWise;
        for (const auto* info : registry.list(ComponentKind::Tokenizer))
            if (!info->trainsInSteps && info->needsFeatures) levelWise.insert(info->id);
        QVERIFY((levelWise == std::set<std::string>{"rq-kmeans", "balanced-kmeans", "random"}));
        QVERIFY(!registry.get("import").trainsInSteps);
        QVERIFY(registry.get("rq-vae").trainsInSteps && registry.get("vq-vae").trainsInSteps);
        for (const std::string& id : levelWise) {
            auto tokenizer = createTokenizer(id, R"({"levels": 3, "codebook_size": 8})");
            std::vector<int32_t> levels;
            std::vector<double> errors;
            SemanticIds last;
            double lastFraction = 0.0;
            FitContext context;
            context.progress = [&](double fraction, const std::string&) { lastFraction = fraction; };
            context.health = [&](int64_t, const SemanticIds& codes, double error) {
                QCOMPARE(codes.items, features.rows);
                levels.push_back(codes.levels);
                errors.push_back(error);
                last = codes;
            };
            tokenizer->fit(features, context);
            QCOMPARE(levels, (std::vector<int32_t>{1, 2, 3}));
            QCOMPARE(lastFraction, 1.0);
            QVERIFY(last.codes == tokenizer->encode(features).codes);
            if (id != "random") QVERIFY(errors[0] > errors[1] && errors[1] > errors[2]);
        }
    }

    void metricsReportInertiaAndQuantizationLoss() {
        const FeatureMatrix features = randomNormal(300, 8, 72);
        auto tokenizer = createTokenizer("rq-kmeans", R"({"levels": 2, "codebook_size": 8})");
        std::set<std::string> keys;
        int64_t lastStep = 0;
        FitContext context;
        context.metrics = [&](int64_t step, int64_t, const std::map<std::string, double>& values) {
            QVERIFY(step >= lastStep);
            lastStep = step;
            for (const auto& [k, v] : values) {
                keys.insert(k);
                QVERIFY(std::isfinite(v) && v >= 0);
            }
        };
        tokenizer->fit(features, context);
        QVERIFY(keys.count("inertia/l1") && keys.count("inertia/l2") && keys.count("loss/quantization"));
    }

    void cancelStopsWithinOneSecond() {
        const FeatureMatrix features = randomNormal(200000, 64, 81);
        auto tokenizer =
            createTokenizer("rq-kmeans", R"({"levels": 3, "codebook_size": 1024, "iterations": 1000, "tolerance": 0})");
        std::atomic<bool> cancel{false};
        std::atomic<bool> done{false};
        std::exception_ptr error;
        std::thread worker([&] {
            FitContext context;
            context.cancel = &cancel;
            try {
                tokenizer->fit(features, context);
            } catch (...) {
                error = std::current_exception();
            }
            done = true;
        });
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        const auto flagged = std::chrono::steady_clock::now();
        cancel = true;
        worker.join();
        const auto reaction =
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - flagged).count();
        qInfo("fit returned %lld ms after the cancel flag", static_cast<long long>(reaction));
        QVERIFY(done);
        QVERIFY(error);
        QVERIFY_THROWS_EXCEPTION(CancelledError, std::rethrow_exception(error));
        QVERIFY(reaction < 1000);
        QVERIFY_THROWS_EXCEPTION(std::logic_error,
                                 (void)tokenizer->encode(features));  // a cancelled fit leaves no state
    }

    void fitRejectsUnusableInput() {
        auto tokenizer = createTokenizer("rq-kmeans", R"({"codebook_size": 16})");
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, tokenizer->fit(randomNormal(10, 4, 1), FitContext{}));
        FeatureMatrix bad = randomNormal(100, 4, 2);
        bad.values[7] = std::nanf("");
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, tokenizer->fit(bad, FitContext{}));
        FitContext nowhere;
        nowhere.device = "abacus:3";
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, tokenizer->fit(randomNormal(100, 4, 2), nowhere));
        QVERIFY_THROWS_EXCEPTION(std::logic_error, (void)tokenizer->encode(randomNormal(3, 4, 3)));
        tokenizer->fit(randomNormal(100, 4, 4), FitContext{});
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, (void)tokenizer->encode(randomNormal(3, 5, 3)));
    }

    void registryListsEveryTokenizerWithValidSchemas() {
        Registry registry;
        registerTokenizers(registry);
        std::set<std::string> ids;
        for (const auto* info : registry.list(ComponentKind::Tokenizer)) {
            ids.insert(info->id);
            QVERIFY(!info->description.empty());
            QVERIFY(!info->displayName.empty());
            const std::string complete = tokenbench::core::validateConfig(*info, "{}");
            const auto tokenizer = createTokenizer(info->id, "{}");
            QCOMPARE(tokenizer->id(), info->id);
            if (!info->needsFeatures) continue;  // imported IDs: levels and codebook come from the file
            QVERIFY(tokenizer->levels() >= 1 && tokenizer->codebookSize() >= 2);
        }
        for (const char* id : {"rq-kmeans", "balanced-kmeans", "random", "rq-vae", "vq-vae", "import"})
            QVERIFY2(ids.count(id), id);
        QVERIFY(registry.list(ComponentKind::Model).empty());
    }

    void createTokenizerRejectsBadConfigsNamingTheKey() {
        const auto message = [](const std::string& id, const std::string& config) -> std::string {
            try {
                (void)createTokenizer(id, config);
            } catch (const ConfigError& e) {
                return e.what();
            }
            return "";
        };
        QVERIFY(contains(message("rq-kmeans", R"({"levels": 9})"), "levels"));
        QVERIFY(contains(message("balanced-kmeans", R"({"codebook_size": 1})"), "codebook_size"));
        QVERIFY(contains(message("rq-kmeans", R"({"normalize": "yes"})"), "normalize"));
        QVERIFY(contains(message("random", R"({"iterations": 3})"), "iterations"));
        QVERIFY(contains(message("no-such-tokenizer", "{}"), "rq-kmeans"));
        QVERIFY(contains(message("import", R"({"id_kind": "name"})"), "id_kind"));
    }

    // The fit context offers every user's training interactions and nothing of validation or test:
    // items 90.. appear only as the last two interactions of users (their valid and test targets).
    void fitContextOffersOnlyTrainingInteractions() {
        Dataset d;
        for (int i = 0; i < 100; ++i) {
            ItemInfo item;
            item.rawId = "i" + std::to_string(i);
            d.items.push_back(item);
        }
        for (int u = 0; u < 10; ++u) {
            tokenbench::core::UserSequence user;
            user.rawId = "u" + std::to_string(u);
            for (int k = 0; k < 5 + u % 3; ++k) user.items.push_back((u * 7 + k * 3) % 80);
            user.items.push_back(80 + u);  // validation target, never in training
            user.items.push_back(90 + u);  // test target, never in training
            d.users.push_back(user);
        }
        tokenbench::core::UserSequence shortUser;  // one interaction: training only
        shortUser.rawId = "short";
        shortUser.items = {5};
        d.users.push_back(shortUser);
        const auto split = tokenbench::core::makeSplit(d, tokenbench::core::SplitConfig{});
        const auto interactions = tokenbench::core::trainingInteractions(d, split);
        QCOMPARE(interactions.items, &d.items);
        QCOMPARE(interactions.sequences.size(), d.users.size());
        for (size_t u = 0; u < d.users.size(); ++u) {
            const auto& seen = interactions.sequences[u];
            const auto& all = d.users[u].items;
            QCOMPARE(static_cast<int32_t>(seen.size()), split.users[u].trainEnd);
            QVERIFY(std::equal(seen.begin(), seen.end(), all.begin()));  // the training prefix, in order
            for (const int32_t item : seen) QVERIFY2(item < 80, "a validation or test item is visible to fit()");
        }
        QCOMPARE(interactions.sequences.back(), std::vector<int32_t>{5});

        // A tokenizer sees exactly that through its context: the import method checks its file against
        // the context's catalogue (raw ids), needing no feature at all.
        TempProject dir;
        std::string csv;
        for (int i = 0; i < 100; ++i) csv += "i" + std::to_string(i) + "," + std::to_string(i % 4) + "," + std::to_string(i / 4) + "\n";
        const std::string path = writeFile(dir, "ids.csv", csv);
        auto tokenizer = createTokenizer("import", "{\"path\": \"" + path + "\"}");
        FitContext context;
        context.interactions = &interactions;
        tokenizer->fit(FeatureMatrix{}, context);
        const SemanticIds ids = tokenizer->encode(FeatureMatrix{});
        QCOMPARE(ids.items, int64_t{100});
        QCOMPARE(ids.levels, 2);
        QCOMPARE(ids.at(97, 0), 1);
        QCOMPARE(ids.at(97, 1), 24);
        QCOMPARE(tokenizer->codebookSize(), 25);
        QVERIFY(tokenizer->lastLevelDistances(FeatureMatrix{}).values.empty());
        // Saved and loaded back like any tokenizer.
        tokenizer->save(dir.file("saved"));
        const auto loaded = loadTokenizer(dir.file("saved"));
        QCOMPARE(loaded->encode(FeatureMatrix{}).codes, ids.codes);
        QCOMPARE(loaded->codebookSize(), 25);
        // Without a catalogue in the context there is nothing to check the file against.
        auto bare = createTokenizer("import", "{\"path\": \"" + path + "\"}");
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, bare->fit(FeatureMatrix{}, FitContext{}));
    }

    void importReadsJsonRawIds() {
        TempProject dir;
        const std::string path = writeFile(dir, "ids.json", R"({"b": [0, 3], "a": [1, 2], "c": [2.0, 2]})");
        int32_t size = 0;
        const SemanticIds ids = importSemanticIds(path, smallDataset(), ImportedIdKind::RawId, 0, &size);
        QCOMPARE(ids.items, int64_t{3});
        QCOMPARE(ids.levels, 2);
        QCOMPARE(ids.codes, (std::vector<int32_t>{1, 2, 0, 3, 2, 2}));
        QCOMPARE(size, 4);
    }

    void importReadsJsonDenseIndexes() {
        TempProject dir;
        const std::string path =
            writeFile(dir, "ids.json", "{\n \"2\": [5, 1, 1],\n \"0\": [0, 0, 1],\n \"1\": [3, 0, 0]\n}\n");
        const SemanticIds ids = importSemanticIds(path, smallDataset(), ImportedIdKind::DenseIndex, 6);
        QCOMPARE(ids.codes, (std::vector<int32_t>{0, 0, 1, 3, 0, 0, 5, 1, 1}));
    }

    void importReadsCsvInBothLayouts() {
        TempProject dir;
        const std::string wide = writeFile(dir, "wide.csv", "item,c1,c2,c3\r\na,1,2,3\r\nc,0,0,0\r\n\r\nb,4,5,6\r\n");
        QCOMPARE(importSemanticIds(wide, smallDataset(), ImportedIdKind::RawId).codes,
                 (std::vector<int32_t>{1, 2, 3, 4, 5, 6, 0, 0, 0}));
        const std::string quoted = writeFile(dir, "quoted.csv", "a,\"1 2 3\"\nb,\"4 5 6\"\nc,\"0 0 0\"\n");
        QCOMPARE(importSemanticIds(quoted, smallDataset(), ImportedIdKind::RawId).codes,
                 (std::vector<int32_t>{1, 2, 3, 4, 5, 6, 0, 0, 0}));
        const std::string dense =
            writeFile(dir, "dense.csv", "item_index,semantic_id\n2,\"7 7\"\n0,\"1 1\"\n1,\"2 2\"\n");
        int32_t size = 0;
        QCOMPARE(importSemanticIds(dense, smallDataset(), ImportedIdKind::DenseIndex, 0, &size).codes,
                 (std::vector<int32_t>{1, 1, 2, 2, 7, 7}));
        QCOMPARE(size, 8);
    }

    void importErrorsNameFileLineAndItem() {
        TempProject dir;
        const auto csv = [&](const std::string& name, const std::string& text) { return writeFile(dir, name, text); };

        DataError e = importError(csv("unknown.csv", "a,1,2\nb,1,2\nzz,1,2\nc,1,2\n"));
        QCOMPARE(e.file(), dir.file("unknown.csv"));
        QCOMPARE(e.line(), int64_t{3});
        QVERIFY2(contains(e.message(), "'zz'"), e.what());

        e = importError(csv("twice.csv", "a,1,2\nb,1,2\na,0,0\nc,1,2\n"));
        QCOMPARE(e.line(), int64_t{3});
        QVERIFY2(contains(e.message(), "'a'") && contains(e.message(), "twice") && contains(e.message(), "line 1"),
                 e.what());

        e = importError(csv("twice.json", "{\"a\": [1],\n \"b\": [1],\n \"a\": [2],\n \"c\": [0]}"));
        QVERIFY2(contains(e.message(), "'a'") && contains(e.message(), "twice"), e.what());
        QCOMPARE(e.line(), int64_t{3});

        e = importError(csv("missing.csv", "b,1,2\n"));
        QCOMPARE(e.line(), int64_t{0});
        QVERIFY2(contains(e.message(), "2 of 3 items") && contains(e.message(), "'a'") && contains(e.message(), "'c'"),
                 e.what());

        e = importError(csv("ragged.csv", "a,1,2\nb,1,2,3\nc,1,2\n"));
        QCOMPARE(e.line(), int64_t{2});
        QVERIFY2(contains(e.message(), "'b'") && contains(e.message(), "3 codes, expected 2"), e.what());

        e = importError(csv("ragged.json", R"({"a": [1, 2], "b": [1], "c": [1, 2]})"));
        QVERIFY2(contains(e.message(), "'b'") && contains(e.message(), "expected 2"), e.what());

        e = importError(csv("negative.csv", "a,1,2\nb,1,-2\nc,1,2\n"));
        QCOMPARE(e.line(), int64_t{2});
        QCOMPARE(e.column(), int64_t{3});
        QVERIFY2(contains(e.message(), "'b'") && contains(e.message(), "negative"), e.what());

        e = importError(csv("fraction.csv", "a,\"1 2.5\"\nb,1 2\nc,1 2\n"));
        QCOMPARE(e.line(), int64_t{1});
        QVERIFY2(contains(e.message(), "'a'") && contains(e.message(), "not an integer"), e.what());

        e = importError(csv("fraction.json", R"({"a": [1, 2.5], "b": [1, 2], "c": [1, 2]})"));
        QVERIFY2(contains(e.message(), "'a'") && contains(e.message(), "not an integer"), e.what());

        // A string code must be an LC-Rec token ("<a_12>"); anything else says so.
        e = importError(csv("text.json", R"({"a": [1, "x"], "b": [1, 2], "c": [1, 2]})"));
        QVERIFY2(contains(e.message(), "'a'") && contains(e.message(), "not a semantic-ID token"), e.what());

        e = importError(csv("range.csv", "a,1,2\nb,1,3\nc,0,0\n"), ImportedIdKind::RawId, 3);
        QCOMPARE(e.line(), int64_t{2});
        QVERIFY2(
            contains(e.message(), "'b'") && contains(e.message(), "out of range") && contains(e.message(), "3 codes"),
            e.what());

        e = importError(csv("index.json", R"({"0": [1], "1": [1], "3": [1]})"), ImportedIdKind::DenseIndex);
        QVERIFY2(contains(e.message(), "'3'") && contains(e.message(), "[0, 3)"), e.what());

        e = importError(csv("empty.csv", "  \n\n"));
        QCOMPARE(e.file(), dir.file("empty.csv"));
        QVERIFY2(contains(e.message(), "empty"), e.what());

        e = importError(csv("header-only.csv", "item,c1,c2\n"));
        QVERIFY2(contains(e.message(), "no semantic IDs"), e.what());

        e = importError(csv("broken.json", "{\"a\": [1,\n \"b\": [2]}"));
        QVERIFY2(e.line() == 2 && contains(e.message(), "JSON"), e.what());

        e = importError(dir.file("absent.csv"));
        QCOMPARE(e.file(), dir.file("absent.csv"));
    }
};

QTEST_GUILESS_MAIN(TestTokenizers)
#include "test_tokenizers.moc"
