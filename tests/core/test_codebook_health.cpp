// Codebook health figures, collision statistics and both ways of making IDs unique.

#include <cmath>

#include <QtTest>

#include "tokenbench/tokenizers/codebook_health.h"
#include "tokenbench/tokenizers/collisions.h"

using namespace tokenbench::core;

namespace {

SemanticIds idsOf(const std::vector<std::vector<int32_t>>& rows) { return SemanticIds::fromRows(rows); }

}  // namespace

class TestCodebookHealth final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void uniformUsageHasFullPerplexity() {
        const auto health = levelHealth(idsOf({{0}, {1}, {2}, {3}}), 4);
        QCOMPARE(health.size(), size_t{1});
        QCOMPARE(health[0].usedCodes, 4);
        QCOMPARE(health[0].utilization, 1.0);
        QVERIFY(std::abs(health[0].perplexity - 4.0) < 1e-9);
        QVERIFY(std::abs(health[0].entropy - std::log(4.0)) < 1e-9);
        QCOMPARE(health[0].deadCodes, 0);
        QVERIFY(!isCollapsed(health[0]));
    }

    void collapsedLevelIsDetected() {
        std::vector<std::vector<int32_t>> rows(100, {7, 0});
        rows[0] = {7, 1};
        const auto health = levelHealth(idsOf(rows), 256);
        QCOMPARE(health[0].usedCodes, 1);
        QCOMPARE(health[0].perplexity, 1.0);
        QCOMPARE(health[0].deadCodes, 255);
        QVERIFY(isCollapsed(health[0]));
        QCOMPARE(health[1].usage[1], int64_t{1});
    }

    void collisionStatsCountSharedTuples() {
        const auto stats = collisionStats(idsOf({{0, 1}, {0, 1}, {0, 1}, {2, 3}, {2, 4}}));
        QCOMPARE(stats.uniqueIds, int64_t{3});
        QCOMPARE(stats.maxGroup, int64_t{3});
        QCOMPARE(stats.collisionRate, 0.6);
    }

    void extraLevelMakesEveryIdUnique() {
        const auto ids = idsOf({{0, 1}, {0, 1}, {0, 1}, {2, 3}});
        const auto out = resolveCollisions(ids, CollisionStrategy::ExtraLevel, {}, 4);
        QCOMPARE(out.levels, 3);
        QCOMPARE(collisionStats(out).uniqueIds, int64_t{4});
        QCOMPARE(out.at(0, 2), 0);
        QCOMPARE(out.at(1, 2), 1);
        QCOMPARE(out.at(2, 2), 2);
        QCOMPARE(out.at(3, 2), 0);  // no collision: 0
        QCOMPARE(out.at(0, 0), 0);  // prefixes untouched
    }

    void reassignMovesToTheNearestFreeCode() {
        // Items 0 and 1 share (0, 1); item 0 is closer to code 1 and keeps it; item 1's nearest free
        // code under prefix 0 is 3 (code 2 is taken by item 2).
        const auto ids = idsOf({{0, 1}, {0, 1}, {0, 2}});
        FeatureMatrix d{3, 4, {9, 0.1f, 9, 9, /**/ 9, 0.5f, 0.2f, 0.3f, /**/ 9, 9, 0, 9}};
        const auto out = resolveCollisions(ids, CollisionStrategy::Reassign, d, 4);
        QCOMPARE(out.levels, 2);
        QCOMPARE(out.at(0, 1), 1);
        QCOMPARE(out.at(1, 1), 3);
        QCOMPARE(collisionStats(out).uniqueIds, int64_t{3});
    }

    void reassignFallsBackToAnExtraLevelWhenThePrefixIsFull() {
        const auto ids = idsOf({{0, 0}, {0, 0}, {0, 1}});
        const auto out = resolveCollisions(ids, CollisionStrategy::Reassign, {}, 2);
        QCOMPARE(out.levels, 3);
        QCOMPARE(collisionStats(out).uniqueIds, int64_t{3});
    }

    void strategyNamesRoundTrip() {
        for (auto s : {CollisionStrategy::ExtraLevel, CollisionStrategy::Reassign, CollisionStrategy::None})
            QVERIFY(collisionStrategyFromString(toString(s)) == s);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, (void)collisionStrategyFromString("merge"));
    }
};

QTEST_GUILESS_MAIN(TestCodebookHealth)
#include "test_codebook_health.moc"
