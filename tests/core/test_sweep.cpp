// Sweep files: what a trial gets (grid order, reproducible random draws, integer rounding, log
// ranges), and errors that name the file, the line or key, and what was expected.
#include <cmath>
#include <set>

#include <QtTest>
#include <nlohmann/json.hpp>

#include "expect_error.h"
#include "tokenbench/data/data_error.h"
#include "tokenbench/experiment/sweep.h"

using namespace tokenbench::core;
using tokenbench::test::contains;
using tokenbench::test::thrownError;
using nlohmann::json;

namespace {

/// Keys stay in the order written (a sweep varies its parameters in file order).
using ordered = nlohmann::ordered_json;

std::string sweepText(const ordered& parameters, const std::string& search = "random", int trials = 6) {
    return ordered{{"format", "tokenbench-sweep/1"},
                {"name", "s"},
                {"dataset", "syn"},
                {"model", "sasrec"},
                {"search", search},
                {"trials", trials},
                {"seed", 3},
                {"settings", {{"epochs", 2}}},
                {"fixed", {{"blocks", 1}}},
                {"parameters", parameters}}
        .dump(2);
}

std::string errorOf(const std::string& text) {
    const auto e = thrownError<DataError>([&] { (void)parseSweep(text, "s.json"); });
    return e ? e->what() : std::string("no error");
}

}  // namespace

class TestSweep final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void gridTakesEveryCombinationInOrder() {
        const SweepFile file = parseSweep(
            sweepText({{"hidden", {16, 32}}, {"dropout", {{"min", 0.1}, {"max", 0.3}, {"steps", 3}}}}, "grid", 100),
            "s.json");
        const auto trials = sweepTrials(file);
        QCOMPARE(trials.size(), size_t{6});
        QCOMPARE(trials[0].values[0].second, std::string("16"));
        QCOMPARE(json::parse(trials[1].values[1].second).get<double>(), 0.2);
        QCOMPARE(trials[3].values[0].second, std::string("32"));
        const json config = json::parse(trials[5].modelConfigJson);
        QCOMPARE(config.at("hidden").get<int>(), 32);
        QCOMPARE(config.at("blocks").get<int>(), 1);  // the fixed value
        QVERIFY(std::abs(config.at("dropout").get<double>() - 0.3) < 1e-12);
        QCOMPARE(json::parse(trials[5].settingsJson).at("epochs").get<int>(), 2);
        // "trials" caps a grid.
        const SweepFile capped = parseSweep(sweepText({{"hidden", {16, 32, 64}}}, "grid", 2), "s.json");
        QCOMPARE(sweepTrials(capped).size(), size_t{2});
    }

    void randomDrawsAreReproducibleAndInRange() {
        const std::string text = sweepText({{"hidden", {{"min", 8}, {"max", 64}}},
                                            {"learning_rate", {{"min", 1e-4}, {"max", 1e-2}, {"log", true}}},
                                            {"patience", {1, 2}}},
                                           "random", 12);
        const auto a = sweepTrials(parseSweep(text, "s.json"));
        const auto b = sweepTrials(parseSweep(text, "s.json"));
        QCOMPARE(a.size(), size_t{12});
        std::set<std::string> distinct;
        int small = 0;
        for (size_t i = 0; i < a.size(); ++i) {
            QCOMPARE(a[i].modelConfigJson, b[i].modelConfigJson);
            const json config = json::parse(a[i].modelConfigJson);
            QVERIFY(config.at("hidden").is_number_integer());  // an Int parameter is rounded
            QVERIFY(config.at("hidden").get<int>() >= 8 && config.at("hidden").get<int>() <= 64);
            const double lr = config.at("learning_rate").get<double>();
            QVERIFY(lr >= 1e-4 && lr <= 1e-2);
            small += lr < 1e-3 ? 1 : 0;  // log-uniform: about half the draws fall below the geometric middle
            distinct.insert(a[i].modelConfigJson);
            const int patience = json::parse(a[i].settingsJson).at("patience").get<int>();  // a run setting
            QVERIFY(patience == 1 || patience == 2);
        }
        QVERIFY(distinct.size() > 8);
        QVERIFY2(small >= 3 && small <= 9, std::to_string(small).c_str());
    }

    void badFilesNameWhatIsWrong() {
        QVERIFY(contains(errorOf("{\n  \"model\": \"sasrec\",\n  oops\n}"), "s.json:3:"));
        QVERIFY(contains(errorOf(sweepText({{"hiddn", {16}}})), "parameters.hiddn"));
        QVERIFY(contains(errorOf(sweepText({{"hidden", {{"min", 64}, {"max", 8}}}})), "parameters.hidden.max"));
        QVERIFY(contains(errorOf(sweepText({{"hidden", {{"min", 8}, {"max", 64}}}}, "grid")), "steps"));
        QVERIFY(contains(errorOf(sweepText({{"hidden", {0, 16}}})), "trial"));  // 0 is below the schema's minimum
        QVERIFY(contains(errorOf(sweepText({{"loss", {{"min", 1}, {"max", 2}}}})), "a list of values"));
        QVERIFY(contains(errorOf(sweepText(ordered::object())), "parameters"));
        json unknownKey = json::parse(sweepText({{"hidden", {16}}}));
        unknownKey["trails"] = 3;
        QVERIFY(contains(errorOf(unknownKey.dump()), "trails"));
        json badModel = json::parse(sweepText({{"hidden", {16}}}));
        badModel["model"] = "gpt";
        QVERIFY(contains(errorOf(badModel.dump()), "sasrec"));
        json noTokenizer = json::parse(sweepText({{"hidden", {16}}}));
        noTokenizer["model"] = "tiger";
        QVERIFY(contains(errorOf(noTokenizer.dump()), "tokenizer_run"));
        const auto missing = thrownError<DataError>([] { (void)readSweepFile("/nonexistent/s.json"); });
        QVERIFY(missing && contains(missing->what(), "/nonexistent/s.json"));
    }
};

QTEST_GUILESS_MAIN(TestSweep)
#include "test_sweep.moc"
