// The model-embeddings feature kind: a trained model run's item embedding table as a feature set.
// A tiny SASRec and BERT4Rec trained through the normal train job give features whose rows are the
// checkpoint's item table (read back through the model export); the set concatenates with other
// kinds, feeds a tokenizer, and comes from experiment files; every run that cannot give a table
// fails with a clear message and leaves no feature set behind.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include <QObject>
#include <QtTest>

#include "temp_project.h"
#include "tokenbench/data/data_error.h"
#include "tokenbench/experiment/experiment_file.h"
#include "tokenbench/io/safetensors.h"
#include "tokenbench/jobs/feature_job.h"
#include "tokenbench/jobs/tokenize_job.h"
#include "tokenbench/jobs/train_job.h"
#include "tokenbench/project.h"
#include "tokenbench/storage/experiment_store.h"
#include "tokenbench/training/run_tools.h"

using namespace tokenbench::core;
using nlohmann::json;

namespace {

constexpr int kItems = 120;
constexpr int kHidden = 16;

/// Ignores every report.
class QuietSink final : public ProgressSink {
public:
    void progress(const ProgressUpdate&) override {}
};

/// The message of the std::invalid_argument `f` throws ("" when it throws none).
template <typename F>
std::string invalidArgument(F f) {
    try {
        f();
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return {};
}

TrainResult train(const std::string& project, const std::string& dataset, const std::string& model,
                  const std::string& config, int64_t tokenizerRunId = 0) {
    TrainRequest request;
    request.projectDir = project;
    request.dataset = dataset;
    request.model = model;
    request.configJson = config;
    request.tokenizerRunId = tokenizerRunId;
    request.epochs = 1;
    request.patience = 0;
    request.seed = 7;
    request.device = "cpu";
    QuietSink sink;
    TrainResult result = runTrainJob(request, sink, nullptr);
    if (result.status != RunStatus::Completed) qWarning("%s: %s", model.c_str(), result.message.c_str());
    return result;
}

/// Rows 1..items of item_embedding.weight in the run's exported weights: the checkpoint's item table without padding.
std::vector<float> exportedItemRows(const std::string& project, int64_t runId, const std::string& outDir) {
    (void)exportModelRun(project, runId, outDir);
    for (const TensorData& t : readSafetensors(outDir + "/weights.safetensors")) {
        if (t.name != "item_embedding.weight") continue;
        const int64_t dim = t.shape.at(1);
        const std::vector<float> values = t.toFloats();
        return std::vector<float>(values.begin() + dim, values.begin() + dim * (kItems + 1));
    }
    return {};
}

}  // namespace

class TestModelEmbeddings final : public QObject {
    Q_OBJECT

private:
    tokenbench::test::TempProject m_temp;
    std::string m_project;
    int64_t m_datasetId = 0;
    int64_t m_sasrecRun = 0;
    int64_t m_bert4recRun = 0;

    FeatureSetRecord build(ExperimentStore& store, const FeatureSpec& spec, const std::string& name = {}) {
        return createFeatureSet(store, m_datasetId, name, spec, {}, projectFeatureSources(m_project, m_datasetId));
    }

private Q_SLOTS:
    void initTestCase() {
        const ProjectPaths paths = ensureProject(m_temp.path());
        m_project = paths.root;
        ExperimentStore store(paths.database);
        SyntheticConfig config;
        config.users = 400;
        config.items = kItems;
        config.seed = 3;
        m_datasetId = storeSyntheticDataset(store, "syn", config);
        const TrainResult sasrec = train(m_project, "syn", "sasrec",
                                         R"({"hidden": 16, "blocks": 1, "heads": 1, "max_length": 10})");
        QCOMPARE(int(sasrec.status), int(RunStatus::Completed));
        m_sasrecRun = sasrec.runId;
        const TrainResult bert = train(m_project, "syn", "bert4rec",
                                       R"({"hidden": 16, "blocks": 1, "heads": 1, "max_length": 10})");
        QCOMPARE(int(bert.status), int(RunStatus::Completed));
        m_bert4recRun = bert.runId;
    }

    void sasrecRowsAreTheCheckpointsItemTable() {
        ExperimentStore store(projectPaths(m_project).database);
        FeatureSpec spec;
        spec.kinds = {"model-embeddings"};
        spec.modelRunId = m_sasrecRun;
        const FeatureSetRecord record = build(store, spec);
        QCOMPARE(record.name, "model-embeddings-run" + std::to_string(m_sasrecRun));
        QCOMPARE(record.kind, std::string("model-embeddings"));
        QCOMPARE(record.rows, int64_t{kItems});
        QCOMPARE(record.dim, int64_t{kHidden});
        QCOMPARE(json::parse(record.configJson).at("run").get<int64_t>(), m_sasrecRun);
        QCOMPARE(featureSpecFromJson(record.configJson).modelRunId, m_sasrecRun);

        const FeatureMatrix stored = store.loadFeatureMatrix(record.id);
        const std::vector<float> table = exportedItemRows(m_project, m_sasrecRun, m_temp.file("sasrec-export"));
        QCOMPARE(table.size(), stored.values.size());
        QVERIFY(stored.values == table);
        // Trained rows, not the zero padding row or an untouched copy of one row.
        QVERIFY(std::any_of(stored.values.begin(), stored.values.end(), [](float v) { return v != 0.0f; }));
        QVERIFY(!std::equal(stored.row(0), stored.row(0) + stored.dim, stored.row(1)));
    }

    void bert4recLeavesPaddingAndMaskRowsOut() {
        const FeatureMatrix table = modelRunItemEmbeddings(m_project, m_bert4recRun, m_datasetId);
        QCOMPARE(table.rows, int64_t{kItems});
        QCOMPARE(table.dim, int64_t{kHidden});
        QVERIFY(table.values == exportedItemRows(m_project, m_bert4recRun, m_temp.file("bert-export")));
    }

    void concatenatesWithWeightsAndFeedsATokenizer() {
        ExperimentStore store(projectPaths(m_project).database);
        FeatureSpec spec;
        spec.kinds = {"attributes", "model-embeddings"};
        spec.attributesSvd = false;
        spec.modelRunId = m_sasrecRun;
        spec.weights = {1.0, 2.0};
        const FeatureSetRecord record = build(store, spec);
        QCOMPARE(record.name, "attributes+model-embeddings-run" + std::to_string(m_sasrecRun));
        const FeatureMatrix both = store.loadFeatureMatrix(record.id);
        QVERIFY(both.dim > kHidden);
        // The model block is each unit item vector times its weight.
        const FeatureMatrix table = modelRunItemEmbeddings(m_project, m_sasrecRun, m_datasetId);
        for (int64_t i = 0; i < both.rows; ++i) {
            const float* block = both.row(i) + (both.dim - kHidden);
            double norm = 0.0;
            for (int64_t d = 0; d < kHidden; ++d) norm += double(table.row(i)[d]) * table.row(i)[d];
            norm = std::sqrt(norm);
            for (int64_t d = 0; d < kHidden; ++d) QVERIFY(std::abs(block[d] - 2.0 * table.row(i)[d] / norm) < 1e-5);
        }

        TokenizeRequest request;
        request.projectDir = m_project;
        request.dataset = "syn";
        request.features = "model-embeddings-run" + std::to_string(m_sasrecRun);
        request.method = "rq-kmeans";
        request.configJson = R"({"levels": 2, "codebook_size": 8})";
        QuietSink sink;
        const TokenizeResult ids = runTokenizeJob(request, sink, nullptr);
        QVERIFY2(ids.status == RunStatus::Completed, ids.message.c_str());
        QCOMPARE(ids.items, int64_t{kItems});
        QCOMPARE(ids.featureSet, request.features);
    }

    void experimentFilesTakeTheRunKey() {
        const std::string text = R"({"name": "me",
            "dataset": {"name": "syn", "synthetic": {"users": 400, "items": 120, "seed": 3}},
            "features": [{"name": "from-model", "kinds": "model-embeddings", "run": )" +
                                 std::to_string(m_sasrecRun) + "}]}";
        const ExperimentFile file = parseExperiment(text, "me.json");
        QCOMPARE(file.features.at(0).modelRunId, m_sasrecRun);
        ExperimentOptions options;
        options.projectDir = m_project;
        QuietSink sink;
        const json summary = json::parse(runExperiment(file, options, sink, nullptr));
        QCOMPARE(summary.at("features").at(0).at("dim").get<int64_t>(), int64_t{kHidden});

        std::string bad = text;
        bad.replace(bad.find("\"run\": ") + 7, std::to_string(m_sasrecRun).size(), "0");
        try {
            (void)parseExperiment(bad, "me.json");
            QFAIL("run 0 was accepted");
        } catch (const DataError& e) {
            const std::string message = e.what();
            QVERIFY2(message.find("features[0].run: expected an integer >= 1") != std::string::npos, e.what());
        }
    }

    void runsWithoutAnItemTableFailClearlyAndStoreNothing() {
        ExperimentStore store(projectPaths(m_project).database);
        // Another data set, a tokenizer run, models without an item table, a run without checkpoints.
        SyntheticConfig small;
        small.users = 100;
        small.items = 40;
        (void)storeSyntheticDataset(store, "other", small);
        const TrainResult otherRun =
            train(m_project, "other", "sasrec", R"({"hidden": 8, "blocks": 1, "max_length": 5})");
        const TrainResult popularity = train(m_project, "syn", "popularity", "{}");
        TokenizeRequest tokenize;
        tokenize.projectDir = m_project;
        tokenize.dataset = "syn";
        tokenize.features = "attributes";
        tokenize.featureDim = 8;
        tokenize.method = "rq-kmeans";
        tokenize.configJson = R"({"levels": 2, "codebook_size": 8})";
        QuietSink sink;
        const TokenizeResult ids = runTokenizeJob(tokenize, sink, nullptr);
        const TrainResult tiger = train(m_project, "syn", "tiger",
                                        R"({"hidden": 16, "encoder_layers": 1, "decoder_layers": 1, "heads": 1,
                                            "feed_forward": 32, "beam_size": 5, "user_buckets": 10})",
                                        ids.runId);
        for (const auto* run : {&otherRun, &popularity, &tiger})
            QVERIFY2(run->status == RunStatus::Completed, run->message.c_str());
        QVERIFY(ids.status == RunStatus::Completed);
        const TrainResult unsaved = train(m_project, "syn", "sasrec", R"({"hidden": 8, "blocks": 1, "max_length": 5})");
        std::filesystem::remove_all(std::filesystem::path(projectPaths(m_project).artifacts) /
                                    ("run-" + std::to_string(unsaved.runId)) / "checkpoints");

        const size_t before = store.listFeatureSets(m_datasetId).size();
        const auto failure = [&](int64_t run, std::vector<std::string> kinds = {"model-embeddings"}) {
            FeatureSpec spec;
            spec.kinds = std::move(kinds);
            spec.modelRunId = run;
            spec.dim = 8;
            return invalidArgument([&] { (void)build(store, spec, "must-not-exist"); });
        };
        const auto says = [](const std::string& message, const std::string& part) {
            if (message.find(part) != std::string::npos) return true;
            qWarning("'%s' does not say '%s'", message.c_str(), part.c_str());
            return false;
        };
        QVERIFY(says(failure(999), "no run with id 999"));
        QVERIFY(says(failure(ids.runId), "is a tokenizer run"));
        QVERIFY(says(failure(otherRun.runId), "was trained on data set 'other', not 'syn'"));
        QVERIFY(says(failure(popularity.runId), "'popularity' model, which has no item embedding table"));
        QVERIFY(says(failure(tiger.runId), "'tiger' model, which has no item embedding table"));
        QVERIFY(says(failure(unsaved.runId), "has no checkpoint"));
        // In a concatenation the other blocks are built first: still nothing is stored.
        QVERIFY(says(failure(popularity.runId, {"attributes", "model-embeddings"}), "no item embedding table"));
        QVERIFY(says(failure(0), "needs a model run (--run RUN_ID of `features build`"));
        QVERIFY(says(failure(m_sasrecRun, {"attributes"}), "only read by kind 'model-embeddings'"));
        QCOMPARE(store.listFeatureSets(m_datasetId).size(), before);
        QVERIFY(!store.findFeatureSet(m_datasetId, "must-not-exist"));

        // Without sources (a caller that cannot load models) the kind fails instead of guessing.
        FeatureSpec spec;
        spec.kinds = {"model-embeddings"};
        spec.modelRunId = m_sasrecRun;
        QVERIFY(says(invalidArgument([&] { (void)createFeatureSet(store, m_datasetId, "x", spec); }),
                     "no access to model runs"));

        // The GUI's job path reports the same message as a failed job.
        FeatureRequest request;
        request.projectDir = m_project;
        request.dataset = "syn";
        request.spec.kinds = {"model-embeddings"};
        request.spec.modelRunId = popularity.runId;
        const FeatureResult result = runFeatureJob(request, sink, nullptr);
        QCOMPARE(int(result.status), int(RunStatus::Failed));
        QVERIFY(says(result.message, "no item embedding table"));
        QCOMPARE(store.listFeatureSets(m_datasetId).size(), before);
    }
};

QTEST_GUILESS_MAIN(TestModelEmbeddings)
#include "test_model_embeddings.moc"
