// Confidence intervals and paired tests: figures checked against values worked out by hand (Student
// t quantiles and the textbook one-sample t-test), plus the properties a reader relies on.
#include <cmath>

#include <QtTest>

#include "tokenbench/eval/paired_statistics.h"
#include "tokenbench/eval/ranking_evaluator.h"

using namespace tokenbench::core;

class TestPairedStatistics final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void meanIntervalUsesStudentT() {
        const MeanInterval three = meanWithInterval({1.0, 2.0, 3.0});
        QCOMPARE(three.n, int64_t{3});
        QCOMPARE(three.mean, 2.0);
        QCOMPARE(three.sd, 1.0);
        // t(0.975, 2 df) = 4.302653: the interval is much wider than the normal 1.96 would make it.
        QVERIFY2(std::abs(three.ci95 - 4.302653 / std::sqrt(3.0)) < 1e-5, std::to_string(three.ci95).c_str());
        const MeanInterval one = meanWithInterval({0.25});
        QCOMPARE(one.mean, 0.25);
        QCOMPARE(one.ci95, 0.0);
        QCOMPARE(meanWithInterval({}).n, int64_t{0});
    }

    void pairedTTestMatchesTheTextbook() {
        // Differences 1..5: mean 3, sd sqrt(2.5), t = 3 / (sqrt(2.5)/sqrt(5)) = 4.2426, 4 df, p = 0.01324.
        const std::vector<double> a = {10, 10, 10, 10, 10};
        const std::vector<double> b = {11, 12, 13, 14, 15};
        const PairedComparison c = comparePaired(a, b, 2000, 7);
        QCOMPARE(c.n, int64_t{5});
        QCOMPARE(c.meanDifference, 3.0);
        QVERIFY(std::abs(c.tStatistic - 4.242641) < 1e-5);
        QVERIFY2(std::abs(c.pValue - 0.013236) < 1e-4, std::to_string(c.pValue).c_str());
        QVERIFY(std::abs(c.effectSize - 3.0 / std::sqrt(2.5)) < 1e-9);
        QVERIFY(c.differenceLow >= 1.0 && c.differenceHigh <= 5.0 && c.differenceLow < 3.0 && c.differenceHigh > 3.0);
        // Swapping the sides flips the signs, not the p-value.
        const PairedComparison swapped = comparePaired(b, a, 2000, 7);
        QCOMPARE(swapped.meanDifference, -3.0);
        QCOMPARE(swapped.pValue, c.pValue);
    }

    void bootstrapSeparatesSignalFromNoise() {
        std::vector<double> a;
        std::vector<double> shifted;
        std::vector<double> noisy;
        for (int i = 0; i < 400; ++i) {
            const double base = std::sin(i * 0.37);
            a.push_back(base);
            shifted.push_back(base + 0.2 + 0.3 * std::cos(i * 1.7));  // a real gain with spread
            noisy.push_back(base + 0.3 * std::cos(i * 1.7));          // the spread alone (mean ~0)
        }
        const PairedComparison gain = comparePaired(a, shifted, 5000, 1);
        QVERIFY2(gain.pValue < 1e-6, std::to_string(gain.pValue).c_str());
        QVERIFY2(gain.bootstrapPValue < 0.001, std::to_string(gain.bootstrapPValue).c_str());
        QVERIFY(gain.differenceLow > 0.15 && gain.differenceHigh < 0.25);
        const PairedComparison none = comparePaired(a, noisy, 5000, 1);
        QVERIFY2(none.pValue > 0.3, std::to_string(none.pValue).c_str());
        QVERIFY2(none.bootstrapPValue > 0.3, std::to_string(none.bootstrapPValue).c_str());
        QVERIFY(none.differenceLow < 0.0 && none.differenceHigh > 0.0);
        // Reproducible from its seed.
        QCOMPARE(comparePaired(a, noisy, 5000, 1).bootstrapPValue, none.bootstrapPValue);
    }

    void identicalSidesAreNotDifferent() {
        const std::vector<double> a = {0.1, 0.5, 0.0, 1.0};
        const PairedComparison same = comparePaired(a, a);
        QCOMPARE(same.pValue, 1.0);
        QCOMPARE(same.bootstrapPValue, 1.0);
        QCOMPARE(same.effectSize, 0.0);
    }

    void badInputIsRefused() {
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, comparePaired({1.0, 2.0}, {1.0}));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, comparePaired({1.0}, {2.0}));
    }

    void perTargetMetricsMatchTheReport() {
        QCOMPARE(metricOfRank("ndcg@10", 0), 1.0);
        QCOMPARE(metricOfRank("ndcg@10", 9), 1.0 / std::log2(11.0));
        QCOMPARE(metricOfRank("ndcg@10", 10), 0.0);
        QCOMPARE(metricOfRank("recall@5", 4), 1.0);
        QCOMPARE(metricOfRank("recall@5", 5), 0.0);
        QCOMPARE(metricOfRank("mrr", 3), 0.25);
        for (const char* bad : {"ndcg", "ndcg@", "ndcg@0", "ndcg@x", "auc@10", "recall@5x"})
            QVERIFY_THROWS_EXCEPTION(std::invalid_argument, (void)metricOfRank(bad, 0));

        // The report's mean equals the mean of the per-target values it keeps.
        RankingEvaluator evaluator(EvalOptions{}, std::vector<int64_t>(6, 10));
        const std::vector<float> scores = {0.9f, 0.1f, 0.2f, 0.3f, 0.4f, 0.5f,   // target 0 ranks first
                                           0.1f, 0.2f, 0.9f, 0.8f, 0.0f, 0.3f};  // target 5 ranks third
        const std::vector<int32_t> targets = {0, 5};
        evaluator.addScores(scores.data(), 2, targets.data(), {nullptr, nullptr});
        const EvalReport report = evaluator.report();
        QCOMPARE(report.ranks, (std::vector<int64_t>{0, 2}));
        QCOMPARE(report.all.values.at("ndcg@10"), (metricOfRank("ndcg@10", 0) + metricOfRank("ndcg@10", 2)) / 2.0);
    }
};

QTEST_GUILESS_MAIN(TestPairedStatistics)
#include "test_paired_statistics.moc"
