// Component registry and schema validation: what the UI forms and the CLI rely on.

#include <QtTest>

#include <nlohmann/json.hpp>

#include "expect_error.h"
#include "tokenbench/jobs/run_settings.h"
#include "tokenbench/registry.h"

using namespace tokenbench::core;

namespace {

ComponentInfo exampleTokenizer() {
    ComponentInfo info;
    info.id = "example-tokenizer";
    info.displayName = "Example";
    info.kind = ComponentKind::Tokenizer;
    info.params = {
        {"levels", "Levels", ParamType::Int, "3", 1, 8, {}, "code tuple length"},
        {"beta", "Commitment weight", ParamType::Float, "0.25", 0.0, 10.0, {}, ""},
        {"normalize", "Normalise inputs", ParamType::Bool, "true", {}, {}, {}, ""},
        {"distance", "Distance", ParamType::Choice, "l2", {}, {}, {"l2", "cosine"}, ""},
        {"file", "File", ParamType::Path, "", {}, {}, {}, "a file to read"},
    };
    return info;
}

}  // namespace

class TestRegistry final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void validationFillsDefaultsAndTypes() {
        const auto out = nlohmann::json::parse(validateConfig(exampleTokenizer(), R"({"levels": 4.0})"));
        QCOMPARE(out.at("levels").get<int>(), 4);
        QVERIFY(out.at("levels").is_number_integer());
        QCOMPARE(out.at("beta").get<double>(), 0.25);
        QCOMPARE(out.at("normalize").get<bool>(), true);
        QCOMPARE(out.at("distance").get<std::string>(), std::string("l2"));
        QCOMPARE(out.at("file").get<std::string>(), std::string());
        const auto withFile = nlohmann::json::parse(validateConfig(exampleTokenizer(), R"({"file": "/tmp/ids.csv"})"));
        QCOMPARE(withFile.at("file").get<std::string>(), std::string("/tmp/ids.csv"));
    }

    void validationRejectsWithTheKeyNamed_data() {
        QTest::addColumn<QString>("config");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("out of range") << R"({"levels": 9})" << "levels";
        QTest::newRow("fractional int") << R"({"levels": 2.5})" << "integer";
        QTest::newRow("wrong type") << R"({"beta": "high"})" << "beta";
        QTest::newRow("bad choice") << R"({"distance": "manhattan"})" << "cosine";
        QTest::newRow("unknown key") << R"({"levles": 3})" << "levles";
        QTest::newRow("not json") << R"({levels: 3)" << "JSON";
        QTest::newRow("not an object") << R"([1,2])" << "object";
        QTest::newRow("path not a string") << R"({"file": 3})" << "file path";
    }
    void validationRejectsWithTheKeyNamed() {
        QFETCH(QString, config);
        QFETCH(QString, mentions);
        try {
            (void)validateConfig(exampleTokenizer(), config.toStdString());
            QFAIL("accepted");
        } catch (const ConfigError& e) {
            QVERIFY2(QString(e.what()).contains(mentions), e.what());
        }
    }

    void registryRejectsDuplicatesAndBadDefaults() {
        Registry registry;
        registry.add(exampleTokenizer());
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, registry.add(exampleTokenizer()));
        ComponentInfo bad = exampleTokenizer();
        bad.id = "bad";
        bad.params[0].defaultValue = "99";
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, registry.add(bad));
        QVERIFY(registry.find("example-tokenizer"));
        QCOMPARE(registry.list(ComponentKind::Tokenizer).size(), size_t{1});
        QCOMPARE(registry.list(ComponentKind::Model).size(), size_t{0});
        const auto error = tokenbench::test::thrownError<ConfigError>([&] { (void)registry.get("nope"); });
        QVERIFY2(error, "unknown id accepted");
        QVERIFY(QString(error->what()).contains("example-tokenizer"));
        // One recommended component per kind: what forms select first.
        ComponentInfo first = exampleTokenizer();
        first.id = "first";
        first.recommended = true;
        registry.add(first);
        ComponentInfo second = first;
        second.id = "second";
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, registry.add(second));
    }

    // Run settings have one schema: what the CLI, experiment files and the model page accept.
    void runSettingsHaveOneSchema() {
        const ComponentInfo& info = runSettingsInfo();
        Registry registry;
        registry.add(info);  // a well-formed schema: defaults inside their own ranges and choices
        std::vector<std::string> keys;
        for (const ParamSpec& spec : runSettingsSchema()) keys.push_back(spec.key);
        QCOMPARE(keys, (std::vector<std::string>{"epochs", "patience", "max_minutes", "valid_metric", "eval_every", "seed",
                                                 "device", "mixed_precision"}));
        // The schema's defaults are TrainRequest's, so a request built from "{}" is a default request.
        TrainRequest fromDefaults;
        fromDefaults.epochs = 7;
        applyRunSettings("{}", fromDefaults);
        const TrainRequest plain;
        QCOMPARE(runSettingsJson(fromDefaults), runSettingsJson(plain));
        TrainRequest request;
        applyRunSettings(R"({"epochs": 3, "max_minutes": 1.5, "valid_metric": "mrr", "mixed_precision": true})", request);
        QCOMPARE(request.epochs, int64_t{3});
        QCOMPARE(request.maxMinutes, 1.5);
        QCOMPARE(request.validMetric, std::string("mrr"));
        QVERIFY(request.mixedPrecision);
        QCOMPARE(nlohmann::json::parse(runSettingsJson(request)).at("epochs").get<int>(), 3);
        for (const char* bad : {R"({"epochs": 0})", R"({"patience": -1})", R"({"valid_metric": "auc"})",
                                R"({"eval_every": 0})", R"({"max_minutes": -2})", R"({"epoch": 3})"}) {
            TrainRequest r;
            QVERIFY_THROWS_EXCEPTION(ConfigError, applyRunSettings(bad, r));
        }
    }
};

QTEST_GUILESS_MAIN(TestRegistry)
#include "test_registry.moc"
