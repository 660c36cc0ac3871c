// Per-level codebook figures of a tokenizer fitted level by level: per-level names by their level,
// whole-ID figures by the depth of the health report at their step, latest values winning.

#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include <QtTest>

#include "tokenbench/tokenizers/level_figures.h"

using namespace tokenbench::core;

namespace {

constexpr int64_t kFinal = std::numeric_limits<int32_t>::max();

MetricPoint point(int64_t step, const std::string& name, double value, const std::string& split = "train") {
    return {1, step, 0, split, name, value, 0.0};
}

/// What a two-level residual k-means run records: inertia per iteration, a health report when each
/// level is done (covering the levels so far) and a final one over the whole ID.
std::vector<MetricPoint> twoLevelRun() {
    return {
        point(1, "inertia/l1", 40.0), point(2, "inertia/l1", 30.0),
        point(2, "loss/quantization", 0.3),
        point(2, "utilization/l0", 0.9), point(2, "perplexity/l0", 5.0),
        point(2, "collision_rate", 0.5), point(2, "reconstruction_error", 0.3),
        point(3, "inertia/l2", 20.0), point(4, "inertia/l2", 15.0),
        point(4, "loss/quantization", 0.2),
        point(4, "utilization/l0", 0.9), point(4, "utilization/l1", 0.75),
        point(4, "perplexity/l0", 5.0), point(4, "perplexity/l1", 4.0),
        point(4, "collision_rate", 0.125), point(4, "reconstruction_error", 0.2),
        point(kFinal, "utilization/l0", 1.0), point(kFinal, "utilization/l1", 0.75),
        point(kFinal, "perplexity/l0", 5.5), point(kFinal, "perplexity/l1", 4.0),
        point(kFinal, "collision_rate", 0.1), point(kFinal, "reconstruction_error", 0.2),
    };
}

using Levels = std::map<int32_t, double>;

}  // namespace

class TestLevelFigures final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void figuresAreGivenPerLevel() {
        LevelFigures figures;
        for (const MetricPoint& p : twoLevelRun()) figures.add(p);
        QVERIFY((figures.byLevel(MetricKind::CodebookUtilization) == Levels{{1, 1.0}, {2, 0.75}}));
        QVERIFY((figures.byLevel(MetricKind::CodebookPerplexity) == Levels{{1, 5.5}, {2, 4.0}}));
        QVERIFY((figures.byLevel(MetricKind::ClusterInertia) == Levels{{1, 30.0}, {2, 15.0}}));
        // IDs cut after one level collide more than after two; the final report replaces level 2's.
        QVERIFY((figures.byLevel(MetricKind::CollisionRate) == Levels{{1, 0.5}, {2, 0.1}}));
        QVERIFY((figures.byLevel(MetricKind::ReconstructionError) == Levels{{1, 0.3}, {2, 0.2}}));
        QVERIFY(figures.byLevel(MetricKind::Loss).empty());
    }

    void arrivalOrderDoesNotMatter() {
        std::vector<MetricPoint> points = twoLevelRun();
        std::reverse(points.begin(), points.end());  // whole-ID figures before their step's health report
        LevelFigures figures;
        for (const MetricPoint& p : points) figures.add(p);
        QVERIFY((figures.byLevel(MetricKind::CodebookUtilization) == Levels{{1, 1.0}, {2, 0.75}}));
        QVERIFY((figures.byLevel(MetricKind::CollisionRate) == Levels{{1, 0.5}, {2, 0.1}}));
    }

    void onlyTrainingHealthReportsCount() {
        LevelFigures figures;
        figures.add(point(7, "collision_rate", 0.9));            // no health report at step 7
        figures.add(point(8, "utilization/l0", 0.5, "valid"));   // another split
        figures.add(point(8, "collision_rate", 0.4));
        QVERIFY(figures.byLevel(MetricKind::CollisionRate).empty());
        QVERIFY(figures.byLevel(MetricKind::CodebookUtilization).empty());
        figures.add(point(8, "utilization/l0", 0.5));
        QVERIFY((figures.byLevel(MetricKind::CollisionRate) == Levels{{1, 0.4}}));
        figures.clear();
        QVERIFY(figures.byLevel(MetricKind::CollisionRate).empty());
    }
};

QTEST_GUILESS_MAIN(TestLevelFigures)
#include "test_level_figures.moc"
