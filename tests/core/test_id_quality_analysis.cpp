// Which ID properties predict downstream quality: Spearman against hand-computed values (ties
// included), co-occurrence purity on a hand-made split (training pairs only), and a project with
// three tokenizer runs and model runs through the report and `analyze ids --json`.
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <QObject>
#include <QtTest>

#include "cli_runner.h"
#include "temp_project.h"
#include "tokenbench/data/split.h"
#include "tokenbench/data/synthetic.h"
#include "tokenbench/jobs/tokenize_job.h"
#include "tokenbench/project.h"
#include "tokenbench/storage/experiment_store.h"
#include "tokenbench/tokenizers/id_quality_analysis.h"
#include "tokenbench/training/id_quality_report.h"

using namespace tokenbench::core;
using tokenbench::test::runCli;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double metricOf(const IdQualityRow& row, const std::string& name) {
    for (const auto& [key, value] : row.metrics)
        if (key == name) return value;
    return kNaN;
}

const MetricCorrelation* correlationOf(const IdQualityReport& report, const std::string& name) {
    for (const MetricCorrelation& c : report.correlations)
        if (c.metric == name) return &c;
    return nullptr;
}

/// A finished model run of `model` trained on `tokenizerRun`'s IDs with test NDCG@10 `ndcg`.
int64_t addModelRun(ExperimentStore& store, int64_t datasetId, int64_t tokenizerRun, const std::string& model,
                    double ndcg, RunStatus status = RunStatus::Completed) {
    RunSpec spec;
    spec.kind = RunKind::Model;
    spec.componentId = model;
    spec.datasetId = datasetId;
    spec.tokenizerRunId = tokenizerRun;
    const int64_t id = store.createRun(spec);
    store.markRunStarted(id);
    const nlohmann::json summary = {{"model", model}, {"test", {{"ndcg@10", ndcg}, {"recall@10", 2 * ndcg}}}};
    store.finishRun(id, status, summary.dump());
    return id;
}

int64_t tokenize(const std::string& project, const std::string& method, const std::string& features,
                 const std::string& config) {
    TokenizeRequest request;
    request.projectDir = project;
    request.dataset = "syn";
    request.features = features;
    request.featureDim = 8;
    request.method = method;
    request.configJson = config;
    ProgressSink sink;
    const TokenizeResult result = runTokenizeJob(request, sink, nullptr);
    if (result.status != RunStatus::Completed) qWarning("%s", result.message.c_str());
    return result.status == RunStatus::Completed ? result.runId : 0;
}

}  // namespace

class TestIdQualityAnalysis final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void averageRanksShareTies() {
        const std::vector<double> ranks = averageRanks({10, 20, 20, 20, 5});
        QCOMPARE(ranks, (std::vector<double>{2, 4, 4, 4, 1}));
    }

    void spearmanMatchesHandComputedValues() {
        // y ranks 1, 2, 3.5, 5, 3.5 against 1..5: sum of products 8, sums of squares 10 and 9.5.
        const RankCorrelation tied = spearmanCorrelation({1, 2, 3, 4, 5}, {5, 6, 7, 8, 7});
        QVERIFY(tied.spearman.has_value());
        QCOMPARE(tied.n, int64_t{5});
        QVERIFY(std::abs(*tied.spearman - 8.0 / std::sqrt(95.0)) < 1e-12);
        const RankCorrelation reversed = spearmanCorrelation({1, 2, 3}, {30, 20, 10});
        QVERIFY(std::abs(*reversed.spearman + 1.0) < 1e-12);
        // Monotone but not linear: ranks agree perfectly.
        QVERIFY(std::abs(*spearmanCorrelation({1, 2, 3, 4}, {1, 8, 27, 1000}).spearman - 1.0) < 1e-12);
    }

    void spearmanSaysWhyItHasNoValue() {
        const RankCorrelation few = spearmanCorrelation({1, 2, kNaN, 4}, {1, 2, 3, kNaN});
        QCOMPARE(few.n, int64_t{2});
        QVERIFY(!few.spearman);
        QVERIFY(few.note.find("n < 3") != std::string::npos);
        const RankCorrelation constant = spearmanCorrelation({1, 1, 1, 1}, {1, 2, 3, 4});
        QVERIFY(!constant.spearman);
        QVERIFY(constant.note.find("constant") != std::string::npos);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, (void)spearmanCorrelation({1, 2}, {1}));
    }

    // Items 2 and 3 share a full ID, 0 and 1 a first code. Leave-one-out keeps the last two items of
    // each user out: user 0's validation pair (2, 3) would share every prefix if it counted.
    void cooccurrencePurityCountsTrainingPairsOnly() {
        Dataset d;
        for (int i = 0; i < 4; ++i) d.items.push_back(ItemInfo{"i" + std::to_string(i), "", "", {}});
        d.users.push_back({"u0", {0, 1, 2, 3, 0}, {}, {}});
        d.users.push_back({"u1", {3, 2, 2, 0, 1, 2}, {}, {}});
        const DataSplit split = makeSplit(d, SplitConfig{});
        const TrainingInteractions training = trainingInteractions(d, split);
        QCOMPARE(training.sequences[0], (std::vector<int32_t>{0, 1, 2}));
        const SemanticIds ids = SemanticIds::fromRows({{0, 0}, {0, 1}, {1, 0}, {1, 0}});
        // Pairs (0,1) (1,2) (3,2) (2,0); the repeat (2,2) is left out.
        QCOMPARE(cooccurrencePurity(ids, training, 1), 0.5);
        QCOMPARE(cooccurrencePurity(ids, training, 2), 0.25);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, (void)cooccurrencePurity(ids, training, 0));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, (void)cooccurrencePurity(ids, training, 3));
        TrainingInteractions none;
        none.sequences = {{1}, {}};
        QVERIFY(std::isnan(cooccurrencePurity(ids, none, 1)));
        const SemanticIds tooFew = SemanticIds::fromRows({{0, 0}, {0, 1}});
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, (void)cooccurrencePurity(tooFew, training, 1));
    }

    void projectReportAndCliGiveEveryRunAndCorrelation() {
        tokenbench::test::TempProject dir;
        const std::string project = dir.path();
        int64_t datasetId = 0;
        {
            ExperimentStore store(ensureProject(project).database);
            SyntheticConfig config;
            config.users = 300;
            config.items = 96;
            config.branching = {3, 2, 2};
            datasetId = storeSyntheticDataset(store, "syn", config);
        }
        const int64_t random = tokenize(project, "random", "attributes", R"({"levels": 2, "codebook_size": 8})");
        const int64_t kmeans = tokenize(project, "rq-kmeans", "attributes", R"({"levels": 2, "codebook_size": 8})");
        QVERIFY(random > 0 && kmeans > 0);
        ExperimentStore store(projectPaths(project).database);
        // A run stored without figures: everything but the reconstruction error comes from its codes.
        // Item i gets (i % 4, i % 3): four equal first-level codes, every tuple shared by 8 items.
        RunSpec spec;
        spec.kind = RunKind::Tokenizer;
        spec.componentId = "import";
        spec.datasetId = datasetId;
        const int64_t bare = store.createRun(spec);
        std::vector<std::vector<int32_t>> rows;
        for (int32_t i = 0; i < 96; ++i) rows.push_back({i % 4, i % 3});
        store.saveSemanticIds(bare, rows);
        store.finishRun(bare, RunStatus::Completed, "{}");
        const int64_t unused = tokenize(project, "random", "attributes", R"({"levels": 2, "codebook_size": 4})");
        QVERIFY(unused > 0);

        addModelRun(store, datasetId, random, "tiger", 0.01);
        addModelRun(store, datasetId, random, "tiger", 0.5, RunStatus::Failed);  // left out
        addModelRun(store, datasetId, kmeans, "tiger", 0.05);
        addModelRun(store, datasetId, kmeans, "sid-gpt", 0.07);
        addModelRun(store, datasetId, bare, "tiger", 0.03);

        const IdQualityReport report = analyzeIdQuality(store);
        QCOMPARE(report.runs.size(), size_t{3});
        QCOMPARE(report.runs[0].runId, random);
        QCOMPARE(report.runs[0].ndcg10, 0.01);
        QCOMPARE(report.runs[0].modelRuns.size(), size_t{1});
        QVERIFY(std::abs(report.runs[1].ndcg10 - 0.06) < 1e-12);
        QCOMPARE(report.runs[1].ndcgByModel.at("sid-gpt"), 0.07);
        QCOMPARE(report.runs[1].ndcgByModel.at("tiger"), 0.05);
        const IdQualityRow& hand = report.runs[2];
        QVERIFY(std::abs(metricOf(hand, "perplexity/l0") - 4.0) < 1e-9);
        QCOMPARE(metricOf(hand, "utilization/l0"), 1.0);
        QCOMPARE(metricOf(hand, "utilization/l1"), 0.75);
        QCOMPARE(metricOf(hand, "collision_rate"), 1.0);
        QVERIFY(std::isnan(metricOf(hand, "reconstruction_error")));
        for (const char* key : {"attribute_purity", "attribute_purity/d2", "cooccurrence_purity", "cooccurrence_purity/d2"})
            QVERIFY2(std::isfinite(metricOf(hand, key)), key);
        // Stored figures are the ones the tokenizer reported.
        const auto kmeansRun = store.findRun(kmeans);
        const auto stored = nlohmann::json::parse(kmeansRun->summaryJson);
        QCOMPARE(metricOf(report.runs[1], "perplexity/l1"), stored.at("perplexity")[1].get<double>());
        QCOMPARE(metricOf(report.runs[1], "collision_rate"), stored.at("collision_rate").get<double>());

        const MetricCorrelation* purity = correlationOf(report, "cooccurrence_purity");
        QVERIFY(purity);
        QCOMPARE(purity->correlation.n, int64_t{3});
        const RankCorrelation expected =
            spearmanCorrelation({metricOf(report.runs[0], "cooccurrence_purity"), metricOf(report.runs[1], "cooccurrence_purity"),
                                 metricOf(hand, "cooccurrence_purity")},
                                {0.01, 0.06, 0.03});
        QCOMPARE(purity->correlation.spearman.has_value(), expected.spearman.has_value());
        if (expected.spearman) QCOMPARE(*purity->correlation.spearman, *expected.spearman);
        // Only rq-kmeans reports a reconstruction error (its residual); random and the bare run have none.
        QCOMPARE(correlationOf(report, "reconstruction_error")->correlation.n, int64_t{1});

        const auto cli = runCli({"analyze", "ids", "--project", QString::fromStdString(project), "--json"});
        QVERIFY2(cli.exitCode == 0, cli.err.constData());
        const nlohmann::json j = cli.json();
        QCOMPARE(j.at("tokenizer_runs").size(), size_t{3});
        for (const nlohmann::json& run : j.at("tokenizer_runs"))
            for (const char* key : {"run_id", "method", "perplexity/l0", "utilization/l0", "collision_rate",
                                    "reconstruction_error", "attribute_purity", "cooccurrence_purity", "ndcg@10",
                                    "model_runs"})
                QVERIFY2(run.contains(key), key);
        QCOMPARE(j.at("tokenizer_runs")[1].at("model_runs").size(), size_t{2});
        QCOMPARE(j.at("correlations").at("cooccurrence_purity").at("n").get<int>(), 3);
        QVERIFY(j.at("correlations").at("collision_rate").contains("spearman"));

        // One model kind: only the k-means run has sid-gpt runs, so nothing can be correlated.
        const auto one = runCli({"analyze", "ids", "--project", QString::fromStdString(project), "--model", "sid-gpt", "--json"});
        QVERIFY2(one.exitCode == 0, one.err.constData());
        QCOMPARE(one.json().at("tokenizer_runs").size(), size_t{1});
        const nlohmann::json few = one.json().at("correlations").at("collision_rate");
        QVERIFY(few.at("spearman").is_null());
        QCOMPARE(few.at("note").get<std::string>(), std::string("n < 3: not enough runs"));

        const auto text = runCli({"analyze", "ids", "--project", QString::fromStdString(project)});
        QVERIFY2(text.exitCode == 0, text.err.constData());
        QVERIFY(text.out.contains("Spearman"));
        const auto badDataset =
            runCli({"analyze", "ids", "--project", QString::fromStdString(project), "--dataset", "nope"});
        QCOMPARE(badDataset.exitCode, 1);
        QVERIFY(badDataset.err.contains("no data set named 'nope'"));
    }
};

QTEST_GUILESS_MAIN(TestIdQualityAnalysis)
#include "test_id_quality_analysis.moc"
