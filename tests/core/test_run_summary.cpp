// Typed readers of what jobs store as JSON: metric names taken apart, model and tokenizer run
// summaries (in the shape train_job.cpp and tokenize_job.cpp write them), configs, display lists.
#include <cmath>
#include <string>

#include <QObject>
#include <QtTest>

#include "tokenbench/eval/metric_keys.h"
#include "tokenbench/storage/run_summary.h"

using namespace tokenbench::core;

class TestRunSummary final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void parsesTrainingAndEvaluationNames() {
        MetricKey key = parseMetricKey("train", "loss");
        QCOMPARE(key.phase, MetricPhase::Train);
        QCOMPARE(key.kind, MetricKind::Loss);
        QVERIFY(key.term.empty());

        QCOMPARE(parseMetricKey("valid", "warm/mrr").group, TargetGroup::Warm);
        QCOMPARE(parseMetricKey("valid", "popularity@5").k, 5);

        // eval --exact: the exact ranking and the beam on its sample, never taken for the usual metric.
        const MetricKey exact = parseMetricKey("test", "exact/ndcg@10");
        QCOMPARE(exact.source, RankingSource::Exact);
        QCOMPARE(exact.kind, MetricKind::Ranking);
        QCOMPARE(exact.k, 10);
        QVERIFY(!exact.isRankingAt(10));
        QCOMPARE(parseMetricKey("test", "exact_beam/recall@10").source, RankingSource::SampleModel);
        QCOMPARE(parseMetricKey("test", "exact_beam/mrr").kind, MetricKind::Ranking);
        QVERIFY(parseMetricKey("test", "ndcg@10").isRankingAt(10));
        QCOMPARE(parseMetricKey("test", "exact/users").kind, MetricKind::Other);
        QCOMPARE(parseMetricKey("test", "exact/users").source, RankingSource::Model);
        QCOMPARE(parseMetricKey("test", "exact/coverage@10").kind, MetricKind::Other);
    }

    // One name per row: the kind parseMetricKey gives it.
    void parsesMetricKinds_data() {
        QTest::addColumn<QString>("phase");
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("kind");  // MetricKind
        QTest::newRow("epoch_loss") << "train" << "epoch_loss" << int(MetricKind::EpochLoss);
        QTest::newRow("epoch_seconds") << "train" << "epoch_seconds" << int(MetricKind::EpochSeconds);
        QTest::newRow("samples_per_second") << "train" << "samples_per_second" << int(MetricKind::SamplesPerSecond);
        QTest::newRow("mrr") << "valid" << "mrr" << int(MetricKind::Ranking);
        QTest::newRow("coverage@10") << "valid" << "coverage@10" << int(MetricKind::Coverage);
        QTest::newRow("popularity@5") << "valid" << "popularity@5" << int(MetricKind::Popularity);
        QTest::newRow("perplexity/l0") << "train" << "perplexity/l0" << int(MetricKind::CodebookPerplexity);
        QTest::newRow("entropy/l1") << "train" << "entropy/l1" << int(MetricKind::CodebookEntropy);
        QTest::newRow("dead_codes/l1") << "train" << "dead_codes/l1" << int(MetricKind::CodebookDeadCodes);
        QTest::newRow("inertia/l1") << "train" << "inertia/l1" << int(MetricKind::ClusterInertia);
        QTest::newRow("collision_rate") << "train" << "collision_rate" << int(MetricKind::CollisionRate);
        QTest::newRow("reconstruction_error") << "train" << "reconstruction_error" << int(MetricKind::ReconstructionError);
    }

    void parsesMetricKinds() {
        QFETCH(QString, phase);
        QFETCH(QString, name);
        QFETCH(int, kind);
        QCOMPARE(int(parseMetricKey(phase.toStdString(), name.toStdString()).kind), kind);
    }

    void parsesRankingNames_data() {
        QTest::addColumn<QString>("phase");
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("expectedPhase");  // MetricPhase
        QTest::addColumn<int>("group");          // TargetGroup
        QTest::addColumn<QString>("metric");
        QTest::addColumn<int>("k");
        QTest::addColumn<bool>("rankingAtK");  // isRankingAt(k): true for all targets only
        QTest::addColumn<int>("notRankingAt");  // a K where isRankingAt is false
        QTest::newRow("valid ndcg@10") << "valid" << "ndcg@10" << int(MetricPhase::Valid) << int(TargetGroup::All)
                                       << "ndcg" << 10 << true << 20;
        QTest::newRow("test cold/recall@20") << "test" << "cold/recall@20" << int(MetricPhase::Test)
                                             << int(TargetGroup::Cold) << "recall" << 20 << false
                                             << 20;  // cold targets only
    }

    void parsesRankingNames() {
        QFETCH(QString, phase);
        QFETCH(QString, name);
        QFETCH(int, expectedPhase);
        QFETCH(int, group);
        QFETCH(QString, metric);
        QFETCH(int, k);
        QFETCH(bool, rankingAtK);
        QFETCH(int, notRankingAt);
        const MetricKey key = parseMetricKey(phase.toStdString(), name.toStdString());
        QCOMPARE(int(key.phase), expectedPhase);
        QCOMPARE(key.kind, MetricKind::Ranking);
        QCOMPARE(int(key.group), group);
        QCOMPARE(key.metric, metric.toStdString());
        QCOMPARE(key.k, k);
        QCOMPARE(key.isRankingAt(k), rankingAtK);
        QVERIFY(!key.isRankingAt(notRankingAt));
    }

    void parsesCodebookNames() {
        MetricKey key = parseMetricKey("train", "utilization/l2");
        QCOMPARE(key.kind, MetricKind::CodebookUtilization);
        QCOMPARE(key.level, 2);
        QCOMPARE(key.metric, std::string("utilization"));
        key = parseMetricKey("train", "loss/commitment");
        QCOMPARE(key.kind, MetricKind::Loss);
        QCOMPARE(key.term, std::string("commitment"));
        QCOMPARE(levelMetricName(metric_name::kUtilization, 3), std::string("utilization/l3"));
        QCOMPARE(rankingMetricName(metric_name::kNdcg, 10), std::string("ndcg@10"));
    }

    void unknownNamesStayWhole() {
        for (const char* name : {"ndcg@", "ndcg@x", "foo@10", "utilization/lx", "cold/loss", "lossy", "", "gini"}) {
            const MetricKey key = parseMetricKey("train", name);
            QCOMPARE(key.kind, MetricKind::Other);
            QCOMPARE(key.metric, std::string(name));
            QCOMPARE(key.group, TargetGroup::All);
        }
        QCOMPARE(parseMetricKey("somewhere", "loss").phase, MetricPhase::Other);
    }

    void readsTrainSummary() {
        const std::string json = R"({"run_id":3,"status":"completed","model":"sasrec","device":"cpu","epochs":6,
            "best_epoch":4,"seconds_per_epoch":1.5,"eval_seconds":0.2,"stop_reason":"patience","seconds":12.0,
            "valid":{"targets":50,"ndcg@10":0.2,"cold":{"targets":5}},
            "test":{"targets":60,"ndcg@10":0.3,"recall@10":0.4},
            "test_cold":{"targets":6,"ndcg@10":0.1},"test_warm":{"targets":54,"ndcg@10":0.32},
            "protocol":"full ranking over 100 items"})";
        const auto s = parseTrainSummary(json);
        QVERIFY(s.has_value());
        QCOMPARE(s->model, std::string("sasrec"));
        QCOMPARE(s->stopReason, std::string("patience"));
        QCOMPARE(*s->epochs, int64_t{6});
        QCOMPARE(*s->bestEpoch, int64_t{4});
        QCOMPARE(*s->secondsPerEpoch, 1.5);
        QCOMPARE(*s->test.targets, int64_t{60});
        QCOMPARE(s->test.value("recall@10"), 0.4);
        QVERIFY(std::isnan(s->test.value("recall@20")));
        QCOMPARE(s->testGroup(TargetGroup::Cold).value("ndcg@10"), 0.1);
        QCOMPARE(s->testGroup(TargetGroup::Warm).value("ndcg@10"), 0.32);
        QCOMPARE(s->valid.values.size(), size_t{1});  // nested objects and "targets" are not metrics
        QCOMPARE(s->protocol, std::string("full ranking over 100 items"));

        const auto failed = parseTrainSummary(R"({"status":"failed","message":"boom"})");
        QVERIFY(failed.has_value());
        QVERIFY(!failed->bestEpoch);
        QVERIFY(failed->test.values.empty());
        QVERIFY(!parseTrainSummary("{}"));
        QVERIFY(!parseTrainSummary("not json"));
        QVERIFY(!parseTrainSummary("[1]"));
    }

    void readsTokenizerSummary() {
        const std::string json = R"({"run_id":1,"status":"completed","items":200,"levels":4,"codebook_size":16,
            "unique_ids":200,"collision_rate":0.05,"max_collision_group":3,"utilization":[1.0,0.75,0.5],
            "perplexity":[14.1,10.2,7.5],"collapsed_levels":[2],"feature_set":"text","seconds":2.5,
            "reconstruction_error":null})";
        const auto s = parseTokenizerSummary(json);
        QVERIFY(s.has_value());
        QCOMPARE(*s->items, int64_t{200});
        QCOMPARE(*s->levels, int64_t{4});
        QCOMPARE(*s->codebookSize, int64_t{16});
        QCOMPARE(*s->collisionRate, 0.05);
        QCOMPARE(*s->maxCollisionGroup, int64_t{3});
        QCOMPARE(s->utilization.size(), size_t{3});
        QCOMPARE(s->utilization[1], 0.75);
        QCOMPARE(s->perplexity[2], 7.5);
        QCOMPARE(s->collapsedLevels, std::vector<int64_t>{2});
        QVERIFY(!s->reconstructionError);
        QCOMPARE(s->featureSet, std::string("text"));
    }

    void readsConfigs() {
        const StoredRunConfig model = parseRunConfig(
            R"({"model":{"hidden":64},"epochs":20,"max_minutes":1.5,"patience":3,"valid_metric":"recall@10"})");
        QCOMPARE(model.componentConfigJson, std::string(R"({"hidden":64})"));
        QCOMPARE(*model.epochs, int64_t{20});
        QCOMPARE(*model.patience, int64_t{3});
        QCOMPARE(*model.maxMinutes, 1.5);
        QCOMPARE(model.validMetric, std::string("recall@10"));
        const StoredRunConfig tokenizer =
            parseRunConfig(R"({"method":{"codebook_size":32},"features":"text","collisions":"extra-level"})");
        QCOMPARE(*tokenizer.codebookSize, int64_t{32});
        QCOMPARE(tokenizer.features, std::string("text"));
        QCOMPARE(tokenizer.collisions, std::string("extra-level"));
        QVERIFY(!tokenizer.epochs);
        QCOMPARE(parseRunConfig("garbage").componentConfigJson, std::string("{}"));
        QCOMPARE(parseRunConfig(tokenizerRunConfigJson(R"({"codebook_size":8})")).codebookSize.value_or(0), int64_t{8});
    }

    void readsTopLevelConfigValuesAsText() {
        const auto values =
            configValues(R"({"layers": 6, "lr": 0.001, "tied": false, "loss": "bce", "model": {"hidden": 8}, "ks": [5]})");
        QVERIFY(values.has_value());
        QCOMPARE(values->size(), size_t(4));  // the nested object and the array are not form values
        QCOMPARE(values->at("layers"), std::string("6"));
        QCOMPARE(values->at("lr"), std::string("0.001"));
        QCOMPARE(values->at("tied"), std::string("false"));
        QCOMPARE(values->at("loss"), std::string("bce"));
        QVERIFY(!configValues("not json").has_value());
        QVERIFY(!configValues("[1, 2]").has_value());
    }

    void listsFieldsForDisplay() {
        const std::string json = R"({"b":"text","a":1.5,"c":true,"d":[1,2],"e":{"x":2,"y":{"z":1}},"run_id":7})";
        const auto fields = summaryFields(json);
        QCOMPARE(fields.size(), size_t{6});
        QCOMPARE(fields[0].key, std::string("a"));  // key order
        QCOMPARE(fields[0].type, SummaryField::Type::Number);
        QCOMPARE(fields[1].text, std::string("text"));
        QCOMPARE(fields[2].text, std::string("true"));
        QCOMPARE(fields[3].type, SummaryField::Type::Other);

        const auto numbers = summaryNumbers(json);
        QCOMPARE(numbers.size(), size_t{2});
        QCOMPARE(numbers[0].first, std::string("a"));
        QCOMPARE(numbers[1].first, std::string("e.x"));

        const auto entries = displayEntries(json);
        QCOMPARE(entries.size(), size_t{7});
        QCOMPARE(entries[3].first, std::string("d"));
        QCOMPARE(entries[3].second, std::string("[1, 2]"));
        QCOMPARE(entries[5].first, std::string("e.y.z"));
        QCOMPARE(entries[1].second, std::string("text"));
        QVERIFY(displayEntries("{}").empty());
        QCOMPARE(displayEntries("oops").size(), size_t{1});
        QVERIFY(summaryFields("oops").empty());
    }
};

QTEST_GUILESS_MAIN(TestRunSummary)
#include "test_run_summary.moc"
