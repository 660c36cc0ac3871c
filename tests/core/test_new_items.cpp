// Brand-new items: the held-out share is exact and seeded, no held-out item is left at a training
// position (leave-one-out, including the cut a shorter sequence moves, and temporal), the evaluator
// reports them as their own group, and the CLI's train JSON carries test.new_items.
#include <algorithm>

#include <QtTest>

#include "cli_runner.h"
#include "temp_project.h"
#include "tokenbench/data/split.h"
#include "tokenbench/data/synthetic.h"
#include "tokenbench/eval/ranking_evaluator.h"

using namespace tokenbench::core;
using tokenbench::test::runCli;

namespace {

SplitConfig heldOut(double share, uint64_t seed = 1, SplitMethod method = SplitMethod::LeaveOneOut) {
    SplitConfig c;
    c.method = method;
    c.newItemFraction = share;
    c.newItemSeed = seed;
    return c;
}

/// Fails the test when a held-out item sits at a training position of `config`'s split of `d`.
void verifyNoHeldOutTraining(const Dataset& d, const SplitConfig& config) {
    const DataSplit split = makeSplit(d, config);
    QCOMPARE(split.newItems.size(), d.items.size());
    for (size_t u = 0; u < d.users.size(); ++u) {
        QVERIFY(!d.users[u].items.empty());
        for (int32_t k = 0; k < split.users[u].trainEnd; ++k)
            QVERIFY2(!split.newItems[static_cast<size_t>(d.users[u].items[static_cast<size_t>(k)])],
                     qPrintable(QString("user %1 trains on held-out item at %2").arg(u).arg(k)));
    }
}

Dataset synthetic(int32_t users, int32_t items) {
    SyntheticConfig config;
    config.users = users;
    config.items = items;
    config.seed = 3;
    return generateSynthetic(config).dataset;
}

}  // namespace

class TestNewItems final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void selectionIsExactAndSeeded() {
        const auto a = selectNewItems(1000, heldOut(0.05, 1));
        QCOMPARE(std::count(a.begin(), a.end(), true), 50L);
        QVERIFY(a == selectNewItems(1000, heldOut(0.05, 1)));
        QVERIFY(a != selectNewItems(1000, heldOut(0.05, 2)));
        const auto none = selectNewItems(1000, heldOut(0.0));
        QCOMPARE(std::count(none.begin(), none.end(), true), 0L);
        QVERIFY_EXCEPTION_THROWN((void)selectNewItems(10, heldOut(1.0)), std::invalid_argument);
    }

    void leaveOneOutKeepsHeldOutItemsAsTargetsOnly() {
        Dataset d = synthetic(600, 200);
        const SplitConfig config = heldOut(0.1, 7);
        const int64_t before = d.interactionCount();
        const int64_t removed = removeNewItemTraining(d, config);
        QVERIFY(removed > 0);
        QCOMPARE(d.interactionCount(), before - removed);
        verifyNoHeldOutTraining(d, config);
        const SplitStats stats = computeSplitStats(d, makeSplit(d, config));
        QCOMPARE(stats.newItems, int64_t{20});
        QVERIFY(stats.newTestTargets > 0);  // they are still evaluated on
        QVERIFY(stats.newValidTargets > 0);
    }

    void aShorterSequenceDoesNotTurnAHeldOutTargetIntoHistory() {
        // Users built around the two items this seed holds out (h, h2) and the four it keeps (k).
        const auto held = selectNewItems(6, heldOut(0.34, 11));
        std::vector<int32_t> heldItems;
        std::vector<int32_t> kept;
        for (int32_t i = 0; i < 6; ++i) (held[static_cast<size_t>(i)] ? heldItems : kept).push_back(i);
        QCOMPARE(heldItems.size(), size_t{2});
        const int32_t h = heldItems[0];
        const int32_t h2 = heldItems[1];
        Dataset d;
        d.items.resize(6);
        // h2 trains and goes; the 2-item rest [h, k] would train on h, so h goes too.
        d.users.push_back({"a", {h2, h, kept[0]}, {}, {}});
        d.users.push_back({"b", {kept[0], kept[1], h, kept[2]}, {}, {}});  // h is validation: stays
        d.users.push_back({"c", {h}, {}, {}});  // training only: the user is left with nothing and goes
        const SplitConfig config = heldOut(0.34, 11);
        (void)removeNewItemTraining(d, config);
        verifyNoHeldOutTraining(d, config);
        QCOMPARE(d.users.size(), size_t{2});
        QVERIFY((d.users[0].items == std::vector<int32_t>{kept[0]}));
        QVERIFY((d.users[1].items == std::vector<int32_t>{kept[0], kept[1], h, kept[2]}));
    }

    void temporalSplitToo() {
        Dataset d = synthetic(400, 150);
        // Interleaved times, so the global cuts fall at different positions of different users.
        for (size_t u = 0; u < d.users.size(); ++u) {
            auto& user = d.users[u];
            user.timestamps.clear();
            for (size_t k = 0; k < user.items.size(); ++k)
                user.timestamps.push_back(static_cast<int64_t>(1000 + 37 * k + u % 53));
        }
        const SplitConfig config = heldOut(0.1, 5, SplitMethod::Temporal);
        QVERIFY(removeNewItemTraining(d, config) > 0);
        verifyNoHeldOutTraining(d, config);
    }

    void configRoundTripsThroughJson() {
        const SplitConfig c = splitConfigFromJson(toJson(heldOut(0.05, 9)));
        QCOMPARE(c.newItemFraction, 0.05);
        QCOMPARE(c.newItemSeed, uint64_t{9});
        QCOMPARE(splitConfigFromJson(toJson(SplitConfig{})).newItemFraction, 0.0);
    }

    void evaluatorReportsNewItemsAsAGroup() {
        RankingEvaluator ev(EvalOptions{{1}, false, 5}, std::vector<int64_t>(4, 10));
        ev.setNewItems({false, false, true, true});
        const float scores[2 * 4] = {0.9f, 0.1f, 0.2f, 0.3f,   // target 0 ranks first
                                     0.9f, 0.1f, 0.2f, 0.3f};  // target 3 ranks second
        const int32_t targets[2] = {0, 3};
        ev.addScores(scores, 2, targets, {nullptr, nullptr});
        const EvalReport report = ev.report();
        QVERIFY(report.hasNewItems);
        QCOMPARE(report.newItems.targets, int64_t{1});
        QCOMPARE(report.newItems.values.at("recall@1"), 0.0);
        QCOMPARE(report.all.values.at("recall@1"), 0.5);
        QVERIFY(toJson(report).find("\"new_items\"") != std::string::npos);
        RankingEvaluator plain(EvalOptions{{1}, false, 5}, std::vector<int64_t>(4, 10));
        QVERIFY(toJson(plain.report()).find("new_items") == std::string::npos);
        QVERIFY_EXCEPTION_THROWN(plain.setNewItems({true}), std::invalid_argument);
    }

    void trainJsonHasTestNewItems() {
        tokenbench::test::TempProject dir;
        const QString project = QString::fromStdString(dir.path());
        const auto made = runCli({"dataset", "generate", "--project", project, "--name", "syn", "--users", "400",
                                  "--items", "120", "--new-items", "0.1", "--json"});
        QVERIFY2(made.exitCode == 0, made.err.constData());
        const auto train = runCli({"train", "--project", project, "--dataset", "syn", "--model", "popularity",
                                   "--json"});
        QVERIFY2(train.exitCode == 0, train.err.constData());
        const auto j = train.json();
        const auto& fresh = j.at("test").at("new_items");
        QVERIFY(fresh.at("targets").get<int64_t>() > 0);
        // Popularity has never counted a held-out item: they tie at zero below every trained item.
        QCOMPARE(fresh.at("ndcg@10").get<double>(), 0.0);
        QVERIFY(j.contains("test_new_items"));
        const auto plain = runCli({"dataset", "generate", "--project", project, "--name", "plain", "--users", "50",
                                   "--items", "40"});
        QCOMPARE(plain.exitCode, 0);
        const auto bad = runCli({"dataset", "generate", "--project", project, "--name", "bad", "--new-items", "1.5"});
        QVERIFY(bad.exitCode != 0);
    }
};

QTEST_GUILESS_MAIN(TestNewItems)
#include "test_new_items.moc"
