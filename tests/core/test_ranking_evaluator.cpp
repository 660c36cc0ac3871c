// Full-ranking evaluator: hand-computed Recall/NDCG/MRR, ties against the target, history exclusion,
// cold/warm split, coverage and popularity, ranked lists with misses, a random-scorer baseline, JSON.

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>

#include <nlohmann/json.hpp>

#include "tokenbench/eval/ranking_evaluator.h"

using namespace tokenbench::core;

namespace {

using Histories = std::vector<const std::vector<int32_t>*>;

// Five items; row scores 0.1 0.9 0.5 0.3 0.7 -> order 1, 4, 2, 3, 0.
const std::vector<float> kRow = {0.1F, 0.9F, 0.5F, 0.3F, 0.7F};
const std::vector<int64_t> kCounts = {0, 10, 3, 8, 5};  // items 0, 2, 4 cold at threshold 5

EvalOptions withKs(std::vector<int32_t> ks, bool excludeHistory = false) {
    EvalOptions o;
    o.ks = std::move(ks);
    o.excludeHistory = excludeHistory;
    return o;
}

/// Rank of one target in one row.
int64_t rankOf(const std::vector<float>& row, int32_t target, const std::vector<int32_t>* history = nullptr) {
    RankingEvaluator ev(withKs({1}, history != nullptr), std::vector<int64_t>(row.size(), 0));
    ev.addScores(row.data(), 1, &target, Histories{history});
    const double mrr = ev.report().all.values.at("mrr");
    return std::llround(1.0 / mrr) - 1;
}

bool near(double a, double b, double eps = 1e-12) { return std::abs(a - b) <= eps; }

}  // namespace

class TestRankingEvaluator final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void handComputedMetrics() {
        RankingEvaluator ev(withKs({1, 3}), kCounts);
        std::vector<float> rows = kRow;
        rows.insert(rows.end(), kRow.begin(), kRow.end());
        const int32_t targets[] = {1, 2};  // ranks 0 and 2
        ev.addScores(rows.data(), 2, targets, {});
        QCOMPARE(ev.targets(), int64_t{2});
        const auto r = ev.report();
        QCOMPARE(r.all.targets, int64_t{2});
        QVERIFY(near(r.all.values.at("recall@1"), 0.5));
        QVERIFY(near(r.all.values.at("ndcg@1"), 0.5));
        QVERIFY(near(r.all.values.at("recall@3"), 1.0));
        QVERIFY(near(r.all.values.at("ndcg@3"), (1.0 + 0.5) / 2));  // rank 2 -> 1/log2(4) = 0.5
        QVERIFY(near(r.all.values.at("mrr"), (1.0 + 1.0 / 3) / 2));
        QCOMPARE(r.all.values.size(), size_t{5});
    }

    void lastRankAtTheCutOff() {
        RankingEvaluator ev({}, kCounts);  // ks 5, 10, 20
        const int32_t target = 0;          // lowest score: rank 4
        ev.addScores(kRow.data(), 1, &target, {});
        const auto r = ev.report();
        QVERIFY(near(r.all.values.at("recall@5"), 1.0));
        QVERIFY(near(r.all.values.at("ndcg@5"), 1.0 / std::log2(6.0)));
        QVERIFY(near(r.all.values.at("ndcg@20"), 1.0 / std::log2(6.0)));
        QVERIFY(near(r.all.values.at("mrr"), 0.2));
    }

    void tiesCountAgainstTheTarget() {
        const std::vector<float> constant(7, 0.25F);
        for (int32_t t = 0; t < 7; ++t) {
            QCOMPARE(rankOf(constant, t), int64_t{6});
        }
        RankingEvaluator ev({}, std::vector<int64_t>(7, 0));
        const int32_t target = 3;
        ev.addScores(constant.data(), 1, &target, {});
        const auto r = ev.report();
        QVERIFY(near(r.all.values.at("recall@5"), 0.0));  // a constant scorer cannot look good
        QVERIFY(near(r.all.values.at("recall@10"), 1.0));
        QVERIFY(near(r.all.values.at("ndcg@10"), 1.0 / 3.0));  // 1/log2(8)
        // A partial tie: item 4 ties the target (0.5), so the target ranks after it.
        const std::vector<float> row = {0.1F, 0.9F, 0.5F, 0.3F, 0.5F};
        QCOMPARE(rankOf(row, 2), int64_t{2});
        QCOMPARE(rankOf(row, 4), int64_t{2});
    }

    void nanTargetRanksLast() {
        const std::vector<float> row = {0.1F, std::numeric_limits<float>::quiet_NaN(), 0.5F};
        QCOMPARE(rankOf(row, 1), int64_t{2});
        QCOMPARE(rankOf(row, 2), int64_t{0});  // a NaN competitor does not outrank
    }

    void historyExclusion() {
        const std::vector<int32_t> history = {1, 1, 2, 0};  // repeats; holds the target
        QCOMPARE(rankOf(kRow, 2), int64_t{2});
        QCOMPARE(rankOf(kRow, 2, &history), int64_t{1});  // item 1 removed once; target and item 4 stay
        const std::vector<int32_t> onlyTarget = {2};
        QCOMPARE(rankOf(kRow, 2, &onlyTarget), int64_t{2});  // the target is never removed
        const std::vector<int32_t> all = {0, 1, 2, 3, 4};
        QCOMPARE(rankOf(kRow, 3, &all), int64_t{0});

        // History ignored without excludeHistory; null histories allowed with it.
        RankingEvaluator kept(withKs({2}), kCounts);
        const int32_t target = 2;
        kept.addScores(kRow.data(), 1, &target, Histories{&history});
        QVERIFY(near(kept.report().all.values.at("mrr"), 1.0 / 3));
        RankingEvaluator nullHistory(withKs({2}, true), kCounts);
        nullHistory.addScores(kRow.data(), 1, &target, Histories{nullptr});
        QVERIFY(near(nullHistory.report().all.values.at("mrr"), 1.0 / 3));

        // Top-2 with item 1 excluded is {4, 2}: coverage 2/5, popularity (5 + 3) / 2.
        RankingEvaluator ev(withKs({2}, true), kCounts);
        ev.addScores(kRow.data(), 1, &target, Histories{&history});
        const auto r = ev.report();
        QVERIFY(near(r.coverage.at("coverage@2"), 0.4));
        QVERIFY(near(r.meanPopularity.at("popularity@2"), 4.0));
        QVERIFY(r.protocol.find("history excluded") != std::string::npos);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, ev.addScores(kRow.data(), 1, &target, {}));
    }

    void coldWarmSplit() {
        RankingEvaluator ev(withKs({1}), kCounts);  // coldThreshold 5
        std::vector<float> rows;
        for (int i = 0; i < 3; ++i) {
            rows.insert(rows.end(), kRow.begin(), kRow.end());
        }
        const int32_t targets[] = {1, 2, 4};  // warm rank 0; cold (3) rank 2; cold (5 = threshold) rank 1
        ev.addScores(rows.data(), 3, targets, {});
        const auto r = ev.report();
        QCOMPARE(r.all.targets, int64_t{3});
        QCOMPARE(r.warm.targets, int64_t{1});
        QCOMPARE(r.cold.targets, int64_t{2});
        QVERIFY(near(r.warm.values.at("recall@1"), 1.0));
        QVERIFY(near(r.cold.values.at("recall@1"), 0.0));
        QVERIFY(near(r.cold.values.at("mrr"), (1.0 / 3 + 1.0 / 2) / 2));
        QVERIFY(near(r.all.values.at("mrr"), (1.0 + 1.0 / 3 + 1.0 / 2) / 3));

        // An empty group reports zeros, not NaN.
        RankingEvaluator warmOnly(withKs({1}), kCounts);
        warmOnly.addScores(kRow.data(), 1, targets, {});
        const auto w = warmOnly.report();
        QCOMPARE(w.cold.targets, int64_t{0});
        QVERIFY(near(w.cold.values.at("mrr"), 0.0));
    }

    void coverageAndPopularity() {
        RankingEvaluator ev(withKs({1, 2}), kCounts);
        std::vector<float> rows = kRow;                   // top-2: 1, 4
        const std::vector<float> b = {0.9F, 0.1F, 0.1F, 0.8F, 0.2F};  // top-2: 0, 3
        rows.insert(rows.end(), b.begin(), b.end());
        const int32_t targets[] = {0, 0};
        ev.addScores(rows.data(), 2, targets, {});
        const auto r = ev.report();
        QVERIFY(near(r.coverage.at("coverage@1"), 0.4));
        QVERIFY(near(r.coverage.at("coverage@2"), 0.8));
        QVERIFY(near(r.meanPopularity.at("popularity@1"), (10.0 + 0.0) / 2));
        QVERIFY(near(r.meanPopularity.at("popularity@2"), (10.0 + 5.0 + 0.0 + 8.0) / 4));
    }

    void tiesBreakByLowerIndex() {
        // 1000 equal scores: the top-10 is items 0..9 (counts = index: mean popularity 4.5).
        std::vector<int64_t> counts(1000);
        std::iota(counts.begin(), counts.end(), 0);
        RankingEvaluator ev(withKs({10}), counts);
        const std::vector<float> row(1000, 1.0F);
        const int32_t target = 999;
        ev.addScores(row.data(), 1, &target, {});
        const auto r = ev.report();
        QVERIFY(near(r.coverage.at("coverage@10"), 0.01));
        QVERIFY(near(r.meanPopularity.at("popularity@10"), 4.5));
    }

    void topKMatchesBruteForce() {
        // Coarse scores (many ties), some NaN, ascending runs; with and without history exclusion.
        std::mt19937 rng(11);
        const int32_t items = 3000;
        std::vector<int64_t> counts(items);
        std::iota(counts.begin(), counts.end(), 0);
        for (int trial = 0; trial < 40; ++trial) {
            const int32_t target = static_cast<int32_t>(rng() % items);
            std::vector<float> row(items);
            for (int32_t i = 0; i < items; ++i) {
                row[static_cast<size_t>(i)] = trial % 3 == 0 ? static_cast<float>(i)  // worst case: ascending
                                                             : static_cast<float>(rng() % 50);
            }
            const int32_t nanItem = static_cast<int32_t>(rng() % items);
            if (trial % 3 == 1 && nanItem != target) {
                row[static_cast<size_t>(nanItem)] = std::numeric_limits<float>::quiet_NaN();
            }
            std::vector<int32_t> history;
            for (int i = 0; i < 30; ++i) {
                history.push_back(static_cast<int32_t>(rng() % items));
            }
            const bool exclude = trial % 2 == 1;

            std::vector<int32_t> order;
            for (int32_t i = 0; i < items; ++i) {
                const bool excluded = exclude && i != target &&
                                      std::find(history.begin(), history.end(), i) != history.end();
                if (!excluded && !std::isnan(row[static_cast<size_t>(i)])) {
                    order.push_back(i);
                }
            }
            std::stable_sort(order.begin(), order.end(),
                             [&](int32_t a, int32_t c) { return row[size_t(a)] > row[size_t(c)]; });
            int64_t expectedRank = 0;
            for (const int32_t i : order) {
                expectedRank += i != target && row[size_t(i)] >= row[size_t(target)] ? 1 : 0;
            }
            const double expectedPopularity = std::accumulate(order.begin(), order.begin() + 20, 0.0) / 20;

            RankingEvaluator ev(withKs({20}, exclude), counts);
            ev.addScores(row.data(), 1, &target, Histories{&history});
            const auto r = ev.report();
            QCOMPARE(std::llround(1.0 / r.all.values.at("mrr")) - 1, expectedRank);
            QVERIFY2(near(r.meanPopularity.at("popularity@20"), expectedPopularity, 1e-9),
                     qPrintable(QString("trial %1").arg(trial)));
        }
    }

    void rankedListsWithMisses() {
        RankingEvaluator ev(withKs({1, 2}), kCounts);
        const std::vector<std::vector<int32_t>> lists = {{3, 1, 2}, {0, 4}, {}, {-1, 7, 2, 2}};
        const std::vector<int32_t> targets = {1, 2, 0, 2};  // rank 1, miss, miss, rank 0 (invalid skipped)
        ev.addRankedLists(lists, targets);
        const auto r = ev.report();
        QCOMPARE(r.all.targets, int64_t{4});
        QVERIFY(near(r.all.values.at("recall@1"), 0.25));
        QVERIFY(near(r.all.values.at("recall@2"), 0.5));
        QVERIFY(near(r.all.values.at("ndcg@2"), (1.0 / std::log2(3.0) + 1.0) / 4));
        QVERIFY(near(r.all.values.at("mrr"), (0.5 + 1.0 / 6 + 1.0 / 6 + 1.0) / 4));  // a miss is rank 5
        QVERIFY(near(r.coverage.at("coverage@1"), 3.0 / 5));                      // 3, 0, 2
        QVERIFY(near(r.coverage.at("coverage@2"), 1.0));                          // 3, 1, 0, 4, 2
        QVERIFY(near(r.meanPopularity.at("popularity@1"), (8.0 + 0.0 + 3.0) / 3));
        QVERIFY(near(r.meanPopularity.at("popularity@2"), (8.0 + 10.0 + 0.0 + 5.0 + 3.0) / 5));
        QVERIFY(r.protocol.find("ranked lists") != std::string::npos);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, ev.addRankedLists({{1}}, {}));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, ev.addRankedLists({{1}}, {5}));
    }

    void randomScorerIsAtChance() {
        const int32_t items = 1000;
        const int64_t users = 5000;
        const int64_t batch = 100;
        std::mt19937 rng(3);
        std::uniform_real_distribution<float> uniform(0.0F, 1.0F);
        RankingEvaluator ev({}, std::vector<int64_t>(items, 1));
        std::vector<float> scores(static_cast<size_t>(batch * items));
        std::vector<int32_t> targets(static_cast<size_t>(batch));
        for (int64_t u = 0; u < users; u += batch) {
            for (auto& s : scores) {
                s = uniform(rng);
            }
            for (auto& t : targets) {
                t = static_cast<int32_t>(rng() % items);
            }
            ev.addScores(scores.data(), batch, targets.data(), {});
        }
        const auto r = ev.report();
        QCOMPARE(r.all.targets, users);
        // Recall@K = K / items; std of the mean is sqrt(0.01 * 0.99 / 5000) = 0.0014.
        QVERIFY2(std::abs(r.all.values.at("recall@10") - 0.01) < 0.005,
                 qPrintable(QString::number(r.all.values.at("recall@10"))));
        QVERIFY(std::abs(r.all.values.at("recall@20") - 0.02) < 0.007);
        double harmonic = 0.0;  // E[MRR] = H(items) / items
        for (int i = 1; i <= items; ++i) {
            harmonic += 1.0 / i;
        }
        QVERIFY(std::abs(r.all.values.at("mrr") - harmonic / items) < 0.003);
        QVERIFY(r.coverage.at("coverage@10") > 0.9);  // random top-10s cover nearly everything
    }

    void rejectsBadInput() {
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, RankingEvaluator(withKs({0}), kCounts));
        RankingEvaluator ev({}, kCounts);
        const int32_t bad = 5;
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, ev.addScores(kRow.data(), 1, &bad, {}));
        QCOMPARE(ev.targets(), int64_t{0});
    }

    void jsonLayout() {
        RankingEvaluator ev({}, kCounts);
        const int32_t target = 1;
        ev.addScores(kRow.data(), 1, &target, {});
        const auto j = nlohmann::json::parse(toJson(ev.report()));
        for (const char* key : {"recall@5", "ndcg@5", "recall@10", "ndcg@10", "recall@20", "ndcg@20", "mrr"}) {
            QVERIFY2(j.contains(key) && j[key].is_number(), key);
            QVERIFY2(j["cold"].contains(key) && j["warm"].contains(key), key);
        }
        QVERIFY(j["cold"].is_object() && j["warm"].is_object());
        QCOMPARE(j["targets"].get<int64_t>(), int64_t{1});
        QCOMPARE(j["warm"]["targets"].get<int64_t>(), int64_t{1});
        QCOMPARE(j["cold"]["targets"].get<int64_t>(), int64_t{0});
        QVERIFY(j["coverage"].contains("coverage@10"));
        QVERIFY(j["popularity"].contains("popularity@10"));
        QCOMPARE(j["protocol"].get<std::string>(), std::string("full ranking over 5 items, history kept"));
        QCOMPARE(j["recall@5"].get<double>(), 1.0);
    }
};

QTEST_GUILESS_MAIN(TestRankingEvaluator)
#include "test_ranking_evaluator.moc"
