// Splits: leave-one-out positions, global temporal cut, cold-target counting from training only.

#include <QtTest>

#include "tokenbench/data/split.h"

using namespace tokenbench::core;

namespace {

Dataset threeUsers() {
    Dataset d;
    d.items.resize(5);
    d.users.push_back({"u1", {0, 1, 2, 3}, {10, 20, 30, 40}, {}});
    d.users.push_back({"u2", {0, 4}, {15, 50}, {}});
    d.users.push_back({"u3", {1}, {5}, {}});
    return d;
}

}  // namespace

class TestSplit final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void leaveOneOutHoldsOutTheLastTwo() {
        const auto d = threeUsers();
        const auto s = makeSplit(d, {});
        QCOMPARE(s.users[0].trainEnd, 2);  // history 0,1; valid 2; test 3
        QCOMPARE(s.users[0].validEnd, 3);
        QCOMPARE(s.users[1].trainEnd, 1);  // two items: test only
        QCOMPARE(s.users[1].validEnd, 1);
        QCOMPARE(s.users[2].trainEnd, 1);  // one item: training only
        QCOMPARE(s.users[2].validEnd, 1);
    }

    void coldTargetsCountTrainingInteractionsOnly() {
        const auto d = threeUsers();
        SplitConfig c;
        c.coldThreshold = 0;
        const auto s = makeSplit(d, c);
        const auto counts = trainingItemCounts(d, s);
        QVERIFY((counts == std::vector<int64_t>{2, 2, 0, 0, 0}));
        const auto stats = computeSplitStats(d, s);
        QCOMPARE(stats.validTargets, int64_t{1});
        QCOMPARE(stats.testTargets, int64_t{2});
        QCOMPARE(stats.coldValidTargets, int64_t{1});  // item 2 never in training
        QCOMPARE(stats.coldTestTargets, int64_t{2});   // items 3 and 4
        QCOMPARE(stats.trainInteractions, int64_t{4});
        QCOMPARE(stats.itemsWithoutTraining, int64_t{3});
    }

    void temporalSplitCutsAtGlobalTimes() {
        const auto d = threeUsers();
        SplitConfig c;
        c.method = SplitMethod::Temporal;
        c.validFraction = 0.25;
        c.testFraction = 0.25;
        const auto s = makeSplit(d, c);
        // times sorted: 5 10 15 20 30 40 50 -> cuts at index 3 (20) and 5 (40)
        QCOMPARE(s.validCutTime, int64_t{20});
        QCOMPARE(s.testCutTime, int64_t{40});
        QCOMPARE(s.users[0].trainEnd, 1);
        QCOMPARE(s.users[0].validEnd, 3);
        QCOMPARE(s.users[1].trainEnd, 1);
        QCOMPARE(s.users[1].validEnd, 1);
    }

    void temporalSplitNeedsTimestamps() {
        Dataset d;
        d.items.resize(2);
        d.users.push_back({"u", {0, 1}, {}, {}});
        SplitConfig c;
        c.method = SplitMethod::Temporal;
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, (void)makeSplit(d, c));
    }

    void configRoundTripsThroughJson() {
        SplitConfig c;
        c.method = SplitMethod::Temporal;
        c.testFraction = 0.2;
        c.coldThreshold = 3;
        const auto back = splitConfigFromJson(toJson(c));
        QVERIFY(back.method == SplitMethod::Temporal);
        QCOMPARE(back.testFraction, 0.2);
        QCOMPARE(back.coldThreshold, 3);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, (void)splitMethodFromString("random"));
    }
};

QTEST_GUILESS_MAIN(TestSplit)
#include "test_split.moc"
