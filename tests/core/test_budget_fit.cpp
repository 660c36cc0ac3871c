// The configuration proposed when a first epoch will not fit the time budget: smaller where the
// compute is, valid for the schema, and honest when even the smallest does not fit.
#include <QtTest>
#include <nlohmann/json.hpp>

#include "tokenbench/models/recommender.h"
#include "tokenbench/registry.h"
#include "tokenbench/training/budget_fit.h"

using namespace tokenbench::core;
using nlohmann::json;

class TestBudgetFit final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void paperSizedTigerShrinksToFit() {
        Registry registry;
        registerModels(registry);
        const ComponentInfo& tiger = registry.get("tiger");
        const std::string config = validateConfig(
            tiger, R"({"hidden": 128, "encoder_layers": 4, "decoder_layers": 4, "feed_forward": 1024, "heads": 4})");
        QVERIFY(!proposeBudgetConfig(tiger, config, 60.0, 900.0));  // a 1-minute epoch fits 15 minutes
        const auto proposal = proposeBudgetConfig(tiger, config, 3600.0, 900.0);
        QVERIFY(proposal.has_value());
        QVERIFY(proposal->fits);
        QVERIFY2(proposal->speedup >= 3600.0 / (0.3 * 900.0), std::to_string(proposal->speedup).c_str());
        QVERIFY(proposal->changes.count("encoder_layers") == 1);
        // The proposal is a valid config of the model.
        json proposed = json::parse(config);
        for (const auto& [key, value] : proposal->changes) proposed[key] = json::parse(value);
        QVERIFY(json::parse(validateConfig(tiger, proposed.dump())).at("hidden").get<int>() % 4 == 0);
        const std::string text = describe(*proposal);
        QVERIFY2(text.find("--encoder-layers") != std::string::npos, text.c_str());
        QVERIFY2(text.find("200 min") != std::string::npos, text.c_str());  // 3600 s / 0.3 / 60
    }

    void nothingToShrinkSaysWhatBudgetWouldDo() {
        Registry registry;
        registerModels(registry);
        const ComponentInfo& popularity = registry.get("popularity");
        const auto proposal = proposeBudgetConfig(popularity, validateConfig(popularity, "{}"), 600.0, 60.0);
        QVERIFY(proposal.has_value());
        QVERIFY(proposal->changes.empty());
        QVERIFY(!proposal->fits);
        QCOMPARE(proposal->minutesNeeded, 34.0);  // ceil(600 s / 0.3 / 60)
        QVERIFY(describe(*proposal).find("34 min") != std::string::npos);
        QVERIFY(json::parse(toJson(*proposal)).at("config").empty());
    }
};

QTEST_GUILESS_MAIN(TestBudgetFit)
#include "test_budget_fit.moc"
