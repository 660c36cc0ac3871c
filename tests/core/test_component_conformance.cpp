// Conformance of every registered model and tokenizer, found through the registry (a new component is
// covered without editing this file): cancel returns within a second, checkpoint round trip, same seed
// same result, exports load back, out-of-range and mistyped parameters are rejected naming the key.
// Runs on a tiny synthetic set with tiny configs (tests/support/tiny_configs.h); uses only the public
// Recommender / Tokenizer interfaces and the registry.
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include <QObject>
#include <QtTest>

#include "temp_project.h"
#include "test_data.h"
#include "tiny_configs.h"
#include "tokenbench/cancellation.h"
#include "tokenbench/io/safetensors.h"
#include "tokenbench/models/recommender.h"
#include "tokenbench/registry.h"
#include "tokenbench/runtime.h"
#include "tokenbench/tokenizers/collisions.h"
#include "tokenbench/tokenizers/import_ids.h"
#include "tokenbench/tokenizers/tokenizer.h"

using namespace tokenbench::core;
using nlohmann::json;
using tokenbench::test::findParam;
using tokenbench::test::SyntheticSplit;
using tokenbench::test::TempProject;
using tokenbench::test::tinyConfig;

namespace {

using Clock = std::chrono::steady_clock;

/// Every built-in component, registered as app/ does.
const Registry& registry() {
    static const Registry instance = [] {
        Registry r;
        registerModels(r);
        registerTokenizers(r);
        return r;
    }();
    return instance;
}

const ComponentInfo& componentOf(const QString& id) {
    return registry().get(id.toStdString());
}

/// A tokenizer whose IDs are read from a file (a Path parameter "path", no features) rather than fitted.
bool readsIdsFromFile(const ComponentInfo& info) {
    const ParamSpec* path = findParam(info, "path");
    return info.kind == ComponentKind::Tokenizer && !info.needsFeatures && path && path->type == ParamType::Path;
}

SemanticIds tinyDataIds();

/// The one call of Tokenizer::fit, with the training interactions of `data` in the context and, for
/// a method built on other runs, every run id standing for the tiny data's semantic IDs.
void fitTokenizer(Tokenizer& tokenizer, const SyntheticSplit& data, const FeatureMatrix& features,
                  FitContext context) {
    const TrainingInteractions interactions = trainingInteractions(data.data.dataset, data.split);
    context.interactions = &interactions;
    context.tokenizerRunIds = [](int64_t) { return StoredTokenizerIds{tinyDataIds(), 8, "tiny"}; };
    tokenizer.fit(features, context);
}

/// The tiny data every component trains on: 120 users, 60 items, multi-hot item features and
/// unique semantic IDs from the first registered tokenizer that fits.
struct TinyData final {
    SyntheticSplit synthetic = tokenbench::test::smallSynthetic(120, 60);
    FeatureMatrix features = tokenbench::test::multiHot(synthetic.data.dataset);
    SemanticIds semanticIds;

    TinyData() {
        for (const ComponentInfo* info : registry().list(ComponentKind::Tokenizer)) {
            if (readsIdsFromFile(*info)) continue;
            auto tokenizer = createTokenizer(info->id, tinyConfig(*info));
            FitContext context;
            context.seed = 1;
            fitTokenizer(*tokenizer, synthetic, features, context);
            semanticIds = resolveCollisions(tokenizer->encode(features), CollisionStrategy::ExtraLevel,
                                            tokenizer->lastLevelDistances(features), tokenizer->codebookSize());
            return;
        }
    }
};

const TinyData& tinyData() {
    static const TinyData data;
    return data;
}

SemanticIds tinyDataIds() { return tinyData().semanticIds; }

/// A model of `info` with its tiny config, prepared on the tiny data (with semantic IDs when it needs
/// them) through tokenbench::test::preparedModel, the one place that names prepare().
std::unique_ptr<Recommender> preparedModel(const ComponentInfo& info, uint64_t seed) {
    const TinyData& data = tinyData();
    const TrainingData training{&data.synthetic.data.dataset, &data.synthetic.split,
                                info.needsSemanticIds ? &data.semanticIds : nullptr};
    return tokenbench::test::preparedModel(info.id, tinyConfig(info), training, seed);
}

std::unique_ptr<Tokenizer> fittedTokenizer(const ComponentInfo& info, uint64_t seed) {
    auto tokenizer = createTokenizer(info.id, tinyConfig(info));
    FitContext context;
    context.seed = seed;
    fitTokenizer(*tokenizer, tinyData().synthetic, tinyData().features, context);
    return tokenizer;
}

/// What a model says about a few users in both phases: scores, or ranked lists for list rankers.
struct ModelOutputs final {
    std::vector<float> scores;
    std::vector<std::vector<int32_t>> lists;
    bool operator==(const ModelOutputs& other) const { return scores == other.scores && lists == other.lists; }
};

ModelOutputs outputsOf(Recommender& model) {
    std::vector<int32_t> users;
    for (int32_t u = 0; u < 20; ++u) users.push_back(u);
    ModelOutputs out;
    for (const EvalPhase phase : {EvalPhase::Valid, EvalPhase::Test}) {
        if (model.ranksByList()) {
            std::vector<std::vector<int32_t>> lists;
            model.rankUsers(users, phase, 10, lists);
            out.lists.insert(out.lists.end(), lists.begin(), lists.end());
        } else {
            std::vector<float> scores;
            model.scoreUsers(users, phase, scores);
            out.scores.insert(out.scores.end(), scores.begin(), scores.end());
        }
    }
    return out;
}

/// Sets a cancel flag from another thread when the work first reports, and remembers when.
class Canceller final {
public:
    ~Canceller() {
        if (m_thread.joinable()) m_thread.join();
    }
    /// Called on the worker thread at every report; the first call has the other thread set the flag
    /// and waits until it has, so the next cancellation check is bound to see it.
    void onReport() {
        if (m_requested.exchange(true)) return;
        m_thread = std::thread([this] {
            m_setAt = Clock::now();
            m_flag.store(true, std::memory_order_release);
        });
        while (!m_flag.load(std::memory_order_acquire)) std::this_thread::yield();
    }
    [[nodiscard]] const std::atomic<bool>* flag() const { return &m_flag; }
    [[nodiscard]] bool requested() const { return m_requested; }
    /// Seconds from the flag being set until now.
    [[nodiscard]] double secondsSinceSet() const {
        return std::chrono::duration<double>(Clock::now() - m_setAt).count();
    }

private:
    std::atomic<bool> m_flag{false};
    std::atomic<bool> m_requested{false};
    Clock::time_point m_setAt;
    std::thread m_thread;
};

/// Runs `work`, which reports to `canceller`, and checks that it reported and returned within a second
/// of the cancel flag; `cancelled` tells whether it stopped with CancelledError.
template <typename Work>
void runUntilCancelled(const ComponentInfo& info, const Canceller& canceller, bool& cancelled, Work work) {
    cancelled = false;
    try {
        work();
    } catch (const CancelledError&) {
        cancelled = true;
    }
    const double seconds = canceller.secondsSinceSet();
    QVERIFY2(canceller.requested(), "no step or progress was reported");
    qInfo("%s: returned %.3f s after the cancel flag", info.id.c_str(), seconds);
    QVERIFY(seconds < 1.0);
}

/// Writes `ids` as the JSON import format {"raw item id": [codes...]}.
void writeIdsFile(const std::string& path, const Dataset& dataset, const SemanticIds& ids) {
    json file = json::object();
    for (int64_t i = 0; i < ids.items; ++i)
        file[dataset.items[static_cast<size_t>(i)].rawId] = std::vector<int32_t>(ids.row(i), ids.row(i) + ids.levels);
    std::ofstream(path) << file.dump();
}

/// Writes `ids` to a file in `temp` and reads it back as the file-reading tokenizer's validated
/// config (the file's path, the id kind) says.
SemanticIds importedThroughFile(const ComponentInfo& info, const TempProject& temp, const SemanticIds& ids) {
    const Dataset& dataset = tinyData().synthetic.data.dataset;
    const std::string path = temp.file("ids.json");
    writeIdsFile(path, dataset, ids);
    const json config = json::parse(validateConfig(info, json{{"path", path}}.dump()));
    const ImportedIdKind kind =
        config.value("id_kind", std::string("raw")) == "index" ? ImportedIdKind::DenseIndex : ImportedIdKind::RawId;
    return importSemanticIds(config.at("path").get<std::string>(), dataset, kind);
}

/// Checks a safetensors file: at least one tensor, unique names, sizes that match shapes and dtypes,
/// finite float values.
void verifySafetensors(const std::string& path) {
    const std::vector<TensorData> tensors = readSafetensors(path);
    QVERIFY2(!tensors.empty(), path.c_str());
    std::set<std::string> names;
    for (const TensorData& t : tensors) {
        QVERIFY2(!t.name.empty() && names.insert(t.name).second, t.name.c_str());
        int64_t count = 1;
        for (const int64_t d : t.shape) {
            QVERIFY2(d >= 0, t.name.c_str());
            count *= d;
        }
        QCOMPARE(t.elementCount(), count);
        QCOMPARE(static_cast<int64_t>(t.bytes.size()), count * dtypeSize(t.dtype));
        if (t.dtype == "F32" || t.dtype == "F16" || t.dtype == "BF16" || t.dtype == "F64")
            for (const float v : t.toFloats()) QVERIFY2(std::isfinite(v), t.name.c_str());
    }
}

json readJson(const std::string& path) {
    std::ifstream in(path);
    return json::parse(in);
}

/// Bad values for a parameter, each as JSON text with what makes it bad.
std::vector<std::pair<std::string, std::string>> badValues(const ParamSpec& spec) {
    std::vector<std::pair<std::string, std::string>> out;
    const bool integer = spec.type == ParamType::Int;
    if (integer || spec.type == ParamType::Float) {
        if (spec.min)
            out.emplace_back(json(integer ? *spec.min - 1 : *spec.min - std::max(1.0, std::abs(*spec.min))).dump(),
                             "below min");
        if (spec.max)
            out.emplace_back(json(integer ? *spec.max + 1 : *spec.max + std::max(1.0, std::abs(*spec.max))).dump(),
                             "above max");
        out.emplace_back("\"12\"", "a string");
        if (integer) out.emplace_back("1.5", "not an integer");
    } else if (spec.type == ParamType::Bool) {
        out.emplace_back("\"yes\"", "a string");
    } else if (spec.type == ParamType::Choice) {
        out.emplace_back("\"no-such-choice\"", "not a choice");
        out.emplace_back("3", "a number");
    } else {
        out.emplace_back("3", "a number");
    }
    return out;
}

/// One data row per registered component (models, then tokenizers), named by its id.
void addComponentRows() {
    QTest::addColumn<QString>("component");
    for (const ComponentKind kind : {ComponentKind::Model, ComponentKind::Tokenizer})
        for (const ComponentInfo* info : registry().list(kind))
            QTest::newRow(info->id.c_str()) << QString::fromStdString(info->id);
}

}  // namespace

class TestComponentConformance final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cancelReturnsWithinOneSecond_data() { addComponentRows(); }
    void cancelReturnsWithinOneSecond();
    void checkpointRoundTrip_data() { addComponentRows(); }
    void checkpointRoundTrip();
    void sameSeedGivesSameResult_data() { addComponentRows(); }
    void sameSeedGivesSameResult();
    void exportLoadsBack_data() { addComponentRows(); }
    void exportLoadsBack();
    void badParameterValuesAreRejected_data() { addComponentRows(); }
    void badParameterValuesAreRejected();
};

void TestComponentConformance::initTestCase() {
    configureRuntime(0);  // TOKENBENCH_THREADS (1 under ctest)
    QVERIFY(!registry().list(ComponentKind::Model).empty());
    QVERIFY(!registry().list(ComponentKind::Tokenizer).empty());
    for (const ComponentKind kind : {ComponentKind::Model, ComponentKind::Tokenizer})
        for (const ComponentInfo* info : registry().list(kind))
            qInfo("%s: tiny config %s", info->id.c_str(), tinyConfig(*info).c_str());
    const SemanticIds& ids = tinyData().semanticIds;
    QCOMPARE(ids.items, static_cast<int64_t>(tinyData().synthetic.data.dataset.items.size()));
}

void TestComponentConformance::cancelReturnsWithinOneSecond() {
    QFETCH(QString, component);
    const ComponentInfo& info = componentOf(component);
    if (readsIdsFromFile(info)) QSKIP("nothing to cancel: the IDs are read from a file, not fitted");
    Canceller canceller;
    bool cancelled = false;
    if (info.kind == ComponentKind::Model) {
        auto model = preparedModel(info, 3);
        int64_t stepAtCancel = 0;
        EpochReport report;
        const auto onStep = [&](int64_t step, double) {
            if (!canceller.requested()) stepAtCancel = step;
            canceller.onReport();
        };
        runUntilCancelled(info, canceller, cancelled, [&] { report = model->trainEpoch(onStep, canceller.flag()); });
        if (QTest::currentTestFailed()) return;
        // Finishing normally is right only when the flag came during the last batch.
        if (!cancelled) QCOMPARE(report.steps, stepAtCancel);
        QVERIFY_EXCEPTION_THROWN(model->trainEpoch({}, canceller.flag()), CancelledError);
    } else {
        auto tokenizer = createTokenizer(info.id, tinyConfig(info));
        double fractionAtCancel = 0.0;
        FitContext context;
        context.seed = 3;
        context.cancel = canceller.flag();
        context.progress = [&](double fraction, const std::string&) {
            if (!canceller.requested()) fractionAtCancel = fraction;
            canceller.onReport();
        };
        runUntilCancelled(info, canceller, cancelled,
                          [&] { fitTokenizer(*tokenizer, tinyData().synthetic, tinyData().features, context); });
        if (QTest::currentTestFailed()) return;
        if (!cancelled) QVERIFY2(fractionAtCancel >= 1.0, "fit went on after the cancel flag was set");
        auto fresh = createTokenizer(info.id, tinyConfig(info));
        FitContext alreadyCancelled;
        alreadyCancelled.cancel = canceller.flag();
        QVERIFY_EXCEPTION_THROWN(fitTokenizer(*fresh, tinyData().synthetic, tinyData().features, alreadyCancelled),
                                 CancelledError);
    }
}

void TestComponentConformance::checkpointRoundTrip() {
    QFETCH(QString, component);
    const ComponentInfo& info = componentOf(component);
    TempProject temp;
    if (readsIdsFromFile(info)) {
        const SemanticIds read = importedThroughFile(info, temp, tinyData().semanticIds);
        QVERIFY(read.codes == tinyData().semanticIds.codes);
        QCOMPARE(read.levels, tinyData().semanticIds.levels);
        return;
    }
    if (info.kind == ComponentKind::Model) {
        auto model = preparedModel(info, 5);
        model->trainEpoch({}, nullptr);
        const ModelOutputs before = outputsOf(*model);
        const std::string path = temp.file("checkpoint");
        model->save(path);
        auto restored = preparedModel(info, 5);
        restored->load(path);
        QVERIFY(outputsOf(*restored) == before);
    } else {
        auto tokenizer = fittedTokenizer(info, 5);
        const FeatureMatrix& features = tinyData().features;
        const std::string dir = temp.file("tokenizer");
        tokenizer->save(dir);
        auto restored = createTokenizer(info.id, tinyConfig(info));
        restored->loadState(dir);
        QVERIFY(restored->encode(features).codes == tokenizer->encode(features).codes);
        QVERIFY(restored->lastLevelDistances(features).values == tokenizer->lastLevelDistances(features).values);
        QVERIFY(loadTokenizer(dir)->encode(features).codes == tokenizer->encode(features).codes);
    }
}

void TestComponentConformance::sameSeedGivesSameResult() {
    QFETCH(QString, component);
    const ComponentInfo& info = componentOf(component);
    if (readsIdsFromFile(info)) {
        TempProject temp;
        const SemanticIds& ids = tinyData().semanticIds;
        QVERIFY(importedThroughFile(info, temp, ids).codes == importedThroughFile(info, temp, ids).codes);
        return;
    }
    if (info.kind == ComponentKind::Model) {
        auto first = preparedModel(info, 7);
        auto second = preparedModel(info, 7);
        const EpochReport a = first->trainEpoch({}, nullptr);
        const EpochReport b = second->trainEpoch({}, nullptr);
        QCOMPARE(a.loss, b.loss);
        QCOMPARE(a.steps, b.steps);
        QVERIFY(outputsOf(*first) == outputsOf(*second));
    } else {
        const FeatureMatrix& features = tinyData().features;
        const SemanticIds a = fittedTokenizer(info, 7)->encode(features);
        const SemanticIds b = fittedTokenizer(info, 7)->encode(features);
        QCOMPARE(a.items, features.rows);
        QVERIFY(a.codes == b.codes);
    }
}

void TestComponentConformance::exportLoadsBack() {
    QFETCH(QString, component);
    const ComponentInfo& info = componentOf(component);
    TempProject temp;
    const std::string dir = temp.file("export");
    if (readsIdsFromFile(info)) {
        // The export of imported IDs is the IDs themselves: rows out and back, then a file read back.
        const SemanticIds& ids = tinyData().semanticIds;
        QVERIFY(SemanticIds::fromRows(ids.toRows()).codes == ids.codes);
        QVERIFY(importedThroughFile(info, temp, SemanticIds::fromRows(ids.toRows())).codes == ids.codes);
        return;
    }
    if (info.kind == ComponentKind::Model) {
        auto model = preparedModel(info, 9);
        model->trainEpoch({}, nullptr);
        model->exportModel(dir);
        verifySafetensors(dir + "/weights.safetensors");
        if (QTest::currentTestFailed()) return;
        const json config = readJson(dir + "/config.json");
        QVERIFY(config.is_object());
        QCOMPARE(config.value("model", std::string()), info.id);
    } else {
        auto tokenizer = fittedTokenizer(info, 9);
        tokenizer->save(dir);
        const json config = readJson(dir + "/config.json");
        QCOMPARE(config.value("id", std::string()), info.id);
        QCOMPARE(config.value("version", -1), info.version);
        QCOMPARE(config.value("levels", -1), tokenizer->levels());
        QCOMPARE(config.value("codebook_size", -1), tokenizer->codebookSize());
        QCOMPARE(config.value("input_dim", int64_t(-1)), tinyData().features.dim);
        QVERIFY(config.contains("config") && config["config"].is_object());
        if (std::filesystem::exists(dir + "/weights.safetensors")) verifySafetensors(dir + "/weights.safetensors");
        if (QTest::currentTestFailed()) return;
        const SemanticIds ids = tokenizer->encode(tinyData().features);
        QVERIFY(SemanticIds::fromRows(ids.toRows()).codes == ids.codes);
        QVERIFY(loadTokenizer(dir)->encode(tinyData().features).codes == ids.codes);
    }
}

void TestComponentConformance::badParameterValuesAreRejected() {
    QFETCH(QString, component);
    const ComponentInfo& info = componentOf(component);
    QVERIFY_THROWS_EXCEPTION(ConfigError, (void)validateConfig(info, R"({"no_such_parameter": 1})"));
    for (const ParamSpec& spec : info.params) {
        for (const auto& [value, what] : badValues(spec)) {
            const std::string config = "{\"" + spec.key + "\": " + value + "}";
            const QByteArray label = QByteArray::fromStdString(info.id + " " + config + " (" + what + ")");
            std::string message;
            try {
                (void)validateConfig(info, config);
            } catch (const ConfigError& e) {
                message = e.what();
            }
            QVERIFY2(!message.empty(), label.constData());
            QVERIFY2(message.find("'" + spec.key + "'") != std::string::npos,
                     (label + ": " + message.c_str()).constData());
            if (readsIdsFromFile(info)) continue;
            if (info.kind == ComponentKind::Model)
                QVERIFY_THROWS_EXCEPTION(ConfigError, (void)createModel(info.id, config));
            else
                QVERIFY_THROWS_EXCEPTION(ConfigError, (void)createTokenizer(info.id, config));
        }
    }
}

QTEST_GUILESS_MAIN(TestComponentConformance)
#include "test_component_conformance.moc"
