// Component registry and schema validation: what the UI forms and the CLI rely on.

#include <QtTest>

#include <nlohmann/json.hpp>

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
        try {
            (void)registry.get("nope");
            QFAIL("unknown id accepted");
        } catch (const ConfigError& e) {
            QVERIFY(QString(e.what()).contains("example-tokenizer"));
        }
    }
};

QTEST_GUILESS_MAIN(TestRegistry)
#include "test_registry.moc"
