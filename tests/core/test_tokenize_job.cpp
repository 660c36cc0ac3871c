// A tokenizer run end to end: features built on the fly, live health in the store, unique IDs,
// export, a forced collapse reported as an event, cancellation recorded as such.

#include <atomic>
#include <thread>

#include <QtTest>

#include "cli_runner.h"
#include "temp_project.h"
#include "tokenbench/data/synthetic.h"
#include "tokenbench/jobs/feature_job.h"
#include "tokenbench/jobs/import_job.h"
#include "tokenbench/project.h"
#include "tokenbench/storage/experiment_store.h"
#include "tokenbench/jobs/tokenize_job.h"

using namespace tokenbench::core;
using tokenbench::test::runCli;

namespace {

// Records what a job reports, as the GUI's bridge would see it.
class RecordingSink final : public ProgressSink {
public:
    void progress(const ProgressUpdate& u) override { ++progressCalls, lastFraction = u.fraction; }
    void metrics(const std::vector<MetricPoint>& p) override { metricPoints += static_cast<int>(p.size()); }
    void codebookSnapshots(const std::vector<CodebookSnapshot>& s) override { snapshots += static_cast<int>(s.size()); }
    void event(const RunEvent& e) override { events.push_back(e); }
    void finished(int64_t, RunStatus s, const std::string&, const std::string&) override { status = s, ++finishedCalls; }
    std::atomic<int> progressCalls{0};
    double lastFraction = 0;
    int metricPoints = 0;
    int snapshots = 0;
    std::vector<RunEvent> events;
    RunStatus status = RunStatus::Created;
    int finishedCalls = 0;
};

std::string makeProject(const tokenbench::test::TempProject& dir, int users = 400, int items = 150) {
    const auto paths = ensureProject(dir.path());
    ExperimentStore store(paths.database);
    SyntheticConfig c;
    c.users = users;
    c.items = items;
    c.branching = {3, 2, 2};
    store.saveDataset("syn", generateSynthetic(c).dataset, "", "synthetic", "{}");
    return dir.path();
}

/// A request to tokenize the data set "syn" of `projectDir` with `method`, on the feature set or kinds `features`.
TokenizeRequest synRequest(const std::string& projectDir, const std::string& features, const std::string& method,
                           const std::string& configJson) {
    TokenizeRequest request;
    request.projectDir = projectDir;
    request.dataset = "syn";
    request.features = features;
    request.method = method;
    request.configJson = configJson;
    return request;
}

}  // namespace

class TestTokenizeJob final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void runStoresUniqueIdsHealthAndArtifacts() {
        tokenbench::test::TempProject dir;
        TokenizeRequest request =
            synRequest(makeProject(dir), "attributes+cooccurrence", "rq-kmeans", R"({"levels": 2, "codebook_size": 6})");
        request.featureDim = 8;
        RecordingSink sink;
        const auto result = runTokenizeJob(request, sink, nullptr);
        QVERIFY2(result.status == RunStatus::Completed, result.message.c_str());
        QCOMPARE(result.items, int64_t{150});
        QCOMPARE(result.uniqueIds, int64_t{150});  // extra level makes every ID unique
        QVERIFY(result.levels >= 2);
        QCOMPARE(result.utilization.size(), size_t{2});
        QVERIFY(result.utilization[0] > 0.99);
        QVERIFY(result.perplexity[0] > 1.0);
        QVERIFY(sink.progressCalls > 0);
        QVERIFY(sink.metricPoints > 0 && sink.snapshots >= 2);
        QCOMPARE(sink.finishedCalls, 1);

        ExperimentStore store(projectPaths(request.projectDir).database, ExperimentStore::Access::ReadOnly);
        const auto run = store.findRun(result.runId);
        QVERIFY(run && run->status == RunStatus::Completed);
        QVERIFY(run->featureSetId.has_value());
        QVERIFY(!store.metricSeries(result.runId, "utilization/l0").empty());
        QVERIFY(!store.codebookSnapshots(result.runId).empty());
        QCOMPARE(store.semanticIds(result.runId).size(), size_t{150});
        QCOMPARE(store.artifacts(result.runId).size(), size_t{2});
        QVERIFY(store.findFeatureSet(run->datasetId, "attributes+cooccurrence"));
    }

    void identicalInputsCollapseAndAreReported() {
        tokenbench::test::TempProject dir;
        const std::string project = makeProject(dir, 200, 60);
        {  // every item gets the same embedding
            QFile csv(QString::fromStdString(dir.file("same.csv")));
            QVERIFY(csv.open(QIODevice::WriteOnly));
            for (int i = 1; i <= 60; ++i) csv.write(QByteArray("i") + QByteArray::number(i) + ",0.5,0.25,1.0\n");
        }
        ExperimentStore store(projectPaths(project).database);
        FeatureSpec spec;
        spec.kinds = {"embeddings"};
        spec.embeddingsPath = dir.file("same.csv");
        createFeatureSet(store, store.findDataset("syn")->id, "same", spec);

        const TokenizeRequest request = synRequest(project, "same", "rq-kmeans", R"({"levels": 2, "codebook_size": 16})");
        RecordingSink sink;
        const auto result = runTokenizeJob(request, sink, nullptr);
        QVERIFY2(result.status == RunStatus::Completed, result.message.c_str());
        QVERIFY(!result.collapsedLevels.empty());
        QCOMPARE(result.collapsedLevels.front(), 0);
        QVERIFY(!sink.events.empty());
        QCOMPARE(sink.events.front().kind, std::string("collapse"));
        const auto stored = store.events(result.runId);
        QVERIFY(!stored.empty());
        QVERIFY(QString::fromStdString(stored.front().message).contains("level 1"));
        QCOMPARE(result.perplexity[0], 1.0);
    }

    void cancelledRunIsRecordedAsCancelled() {
        tokenbench::test::TempProject dir;
        TokenizeRequest request = synRequest(makeProject(dir), "attributes", "rq-vae",
                                             R"({"levels": 2, "codebook_size": 8, "epochs": 100000, "batch_size": 16})");
        request.featureDim = 8;
        RecordingSink sink;
        std::atomic<bool> cancel{false};
        std::thread canceller([&] {
            while (sink.progressCalls.load() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
            cancel = true;
        });
        QElapsedTimer timer;
        timer.start();
        const auto result = runTokenizeJob(request, sink, &cancel);
        canceller.join();
        QVERIFY(result.status == RunStatus::Cancelled);
        QVERIFY2(timer.elapsed() < 60000, "cancel was not honoured");
        ExperimentStore store(projectPaths(request.projectDir).database, ExperimentStore::Access::ReadOnly);
        QVERIFY(store.findRun(result.runId)->status == RunStatus::Cancelled);
        QVERIFY(store.semanticIds(result.runId).empty());
    }

    void badRequestsFailWithoutCrashing() {
        tokenbench::test::TempProject dir;
        TokenizeRequest request;
        request.projectDir = makeProject(dir, 100, 40);
        request.dataset = "missing";
        request.features = "attributes";
        request.method = "rq-kmeans";
        RecordingSink sink;
        auto result = runTokenizeJob(request, sink, nullptr);
        QVERIFY(result.status == RunStatus::Failed);
        QVERIFY(QString::fromStdString(result.message).contains("missing"));
        request.dataset = "syn";
        request.configJson = R"({"levels": 99})";
        result = runTokenizeJob(request, sink, nullptr);
        QVERIFY(result.status == RunStatus::Failed);
        QVERIFY(QString::fromStdString(result.message).contains("levels"));
    }

    // The alignment reads model runs through the job's FitContext (the model-embeddings path): a run
    // that is missing, or not a model run, fails the tokenizer run with a message naming it.
    void alignmentWithAnUnusableModelRunFailsNamingIt() {
        tokenbench::test::TempProject dir;
        const std::string project = makeProject(dir, 100, 40);
        TokenizeRequest request = synRequest(project, "attributes", "rq-vae",
                                             R"({"levels": 2, "codebook_size": 8, "epochs": 2, "align_model_run": 999})");
        RecordingSink sink;
        auto result = runTokenizeJob(request, sink, nullptr);
        QVERIFY(result.status == RunStatus::Failed);
        QVERIFY2(QString::fromStdString(result.message).contains("align_model_run 999"), result.message.c_str());
        QVERIFY2(QString::fromStdString(result.message).contains("no run with id 999"), result.message.c_str());
        const int64_t failedRun = result.runId;
        request.configJson = R"({"levels": 2, "codebook_size": 8, "epochs": 2, "align_model_run": )" +
                             std::to_string(failedRun) + "}";
        result = runTokenizeJob(request, sink, nullptr);
        QVERIFY(result.status == RunStatus::Failed);
        QVERIFY2(QString::fromStdString(result.message).contains("is a tokenizer run"), result.message.c_str());
    }

    // graph-rq-vae through the job: the training interactions reach it, and its popularity token
    // makes every ID unique before any collision handling.
    void graphRqVaeGivesUniqueIds() {
        tokenbench::test::TempProject dir;
        const TokenizeRequest request = synRequest(makeProject(dir, 100, 40), "attributes", "graph-rq-vae",
                                                   R"({"levels": 2, "codebook_size": 8, "epochs": 3})");
        RecordingSink sink;
        const auto result = runTokenizeJob(request, sink, nullptr);
        QVERIFY2(result.status == RunStatus::Completed, result.message.c_str());
        QCOMPARE(result.levels, 3);
        QCOMPARE(result.uniqueIds, result.items);
        // Health and the collision rate before resolution cover the two codebook levels, not the token.
        QCOMPARE(result.utilization.size(), size_t{2});
        QVERIFY(result.collisionRate > 0.0);  // 40 items on 8 x 8 codes after 3 epochs
        QVERIFY(result.collapsedLevels.empty() || result.collapsedLevels.back() < 2);
    }

    // Imported IDs run through the same job as fitted methods: no features, the file named by the
    // config's "path" (or the CLI's --path), the run finished exactly once on success and on failure.
    void importedIdsRunThroughTheSameLifecycle() {
        tokenbench::test::TempProject dir;
        const std::string project = makeProject(dir, 100, 40);
        RecordingSink sink;
        TokenizeRequest request;
        request.projectDir = project;
        request.dataset = "missing";
        request.method = "import";
        auto result = runTokenizeJob(request, sink, nullptr);
        QVERIFY(result.status == RunStatus::Failed);
        QCOMPARE(result.runId, int64_t{0});
        QCOMPARE(sink.finishedCalls, 0);  // no run was created, so none is finished

        // A file that does not cover the items: the run exists, fails, and is recorded once.
        {
            QFile csv(QString::fromStdString(dir.file("few.csv")));
            QVERIFY(csv.open(QIODevice::WriteOnly));
            csv.write("i1,0,1\n");
        }
        request.dataset = "syn";
        request.configJson = "{\"path\": \"" + dir.file("few.csv") + "\"}";
        result = runTokenizeJob(request, sink, nullptr);
        QVERIFY(result.status == RunStatus::Failed);
        QVERIFY(result.runId > 0);
        QCOMPARE(sink.finishedCalls, 1);
        QVERIFY2(QString::fromStdString(result.message).contains("few.csv"), result.message.c_str());
        {
            ExperimentStore store(projectPaths(project).database, ExperimentStore::Access::ReadOnly);
            QVERIFY(store.findRun(result.runId)->status == RunStatus::Failed);
        }

        // Every item covered: completed, no feature set, the IDs stored as given.
        {
            QFile csv(QString::fromStdString(dir.file("all.csv")));
            QVERIFY(csv.open(QIODevice::WriteOnly));
            const Dataset data = ExperimentStore(projectPaths(project).database).loadDataset(1);
            for (size_t i = 0; i < data.items.size(); ++i)
                csv.write(QByteArray::fromStdString(data.items[i].rawId) + "," + QByteArray::number(int(i % 5)) + "," +
                          QByteArray::number(int(i / 5)) + "\n");
        }
        const auto cli = runCli({"tokenize", "--project", QString::fromStdString(project), "--dataset", "syn", "--method",
                                 "import", "--path", QString::fromStdString(dir.file("all.csv")), "--json"});
        QVERIFY2(cli.exitCode == 0, cli.err.constData());
        const auto json = cli.json();
        QCOMPARE(json.at("unique_ids").get<int>(), 40);
        QCOMPARE(json.at("feature_set").get<std::string>(), std::string());
        ExperimentStore store(projectPaths(project).database, ExperimentStore::Access::ReadOnly);
        const auto run = store.findRun(json.at("run_id").get<int64_t>());
        QVERIFY(run && run->status == RunStatus::Completed && !run->featureSetId);
        const std::vector<int32_t> row = store.semanticIds(run->id)[7];
        QVERIFY(row.size() >= 2);
        QCOMPARE(row[0], 2);
        QCOMPARE(row[1], 1);
    }

    // Imports and feature builds are jobs of the same shape: (request, sink, cancel) -> typed result,
    // a cancel reported as Cancelled (one exception type underneath), nothing stored when it fails.
    void importAndFeatureJobsReturnTypedOutcomes() {
        tokenbench::test::TempProject dir;
        const std::string project = makeProject(dir, 100, 40);
        {
            QFile seq(QString::fromStdString(dir.file("seq.txt")));
            QVERIFY(seq.open(QIODevice::WriteOnly));
            for (int u = 0; u < 30; ++u) {
                QByteArray line = "u" + QByteArray::number(u);
                for (int k = 0; k < 6; ++k) line += " i" + QByteArray::number((u * 7 + k * 3) % 25);
                seq.write(line + "\n");
            }
        }
        ImportRequest import;
        import.projectDir = project;
        import.name = "seq";
        import.load.format = "seqtxt";
        import.load.paths = {dir.file("seq.txt")};
        RecordingSink sink;
        std::atomic<bool> cancel{true};
        ImportResult imported = runImportJob(import, sink, &cancel);
        QVERIFY(imported.status == RunStatus::Cancelled);
        QCOMPARE(imported.message, std::string("cancelled by the user"));
        QVERIFY(!ExperimentStore(projectPaths(project).database).findDataset("seq"));
        cancel = false;
        imported = runImportJob(import, sink, &cancel);
        QVERIFY2(imported.status == RunStatus::Completed, imported.message.c_str());
        QVERIFY(imported.datasetId > 0);
        QCOMPARE(imported.stats.users, int64_t{30});
        QVERIFY(QString::fromStdString(describe(imported, "seq")).contains("30 users"));
        imported = runImportJob(import, sink, &cancel);  // the name is taken now
        QVERIFY(imported.status == RunStatus::Failed);
        QVERIFY2(imported.message.find("already exists") != std::string::npos, imported.message.c_str());
        QCOMPARE(sink.finishedCalls, 0);  // imports create no run

        FeatureRequest features;
        features.projectDir = project;
        features.dataset = "syn";
        features.spec.kinds = {"attributes"};
        features.spec.dim = 8;
        cancel = true;
        FeatureResult built = runFeatureJob(features, sink, &cancel);
        QVERIFY(built.status == RunStatus::Cancelled);
        cancel = false;
        built = runFeatureJob(features, sink, &cancel);
        QVERIFY2(built.status == RunStatus::Completed, built.message.c_str());
        QCOMPARE(built.featureSet.name, std::string("attributes"));
        QCOMPARE(built.featureSet.rows, int64_t{40});
        const auto summary = nlohmann::json::parse(toJson(built));
        QCOMPARE(summary.at("rows").get<int64_t>(), int64_t{40});
        QCOMPARE(summary.at("feature_set").get<std::string>(), std::string("attributes"));
        features.dataset = "nope";
        built = runFeatureJob(features, sink, &cancel);
        QVERIFY(built.status == RunStatus::Failed);
        QCOMPARE(built.message, std::string("no data set named 'nope'"));
    }

    void cliTokenizeAndExportCoverEveryItemOnce() {
        tokenbench::test::TempProject dir;
        const QString project = QString::fromStdString(makeProject(dir));
        const auto tok = runCli({"tokenize", "--project", project, "--dataset", "syn", "--features", "attributes",
                                 "--feature-dim", "8", "--method", "rq-kmeans", "--levels", "2", "--codebook-size", "6",
                                 "--iterations", "20", "--collisions", "reassign", "--seed", "3", "--json"});
        QVERIFY2(tok.exitCode == 0, tok.err.constData());
        const auto json = tok.json();
        for (const char* key : {"run_id", "items", "unique_ids", "collision_rate", "max_collision_group", "utilization",
                                "perplexity", "seconds"})
            QVERIFY2(json.contains(key), key);
        QCOMPARE(json.at("unique_ids").get<int>(), 150);
        const QString runId = QString::number(json.at("run_id").get<int>());
        QCOMPARE(runCli({"tokenize", "--project", project, "--dataset", "syn", "--features", "attributes", "--method",
                         "rq-kmeans", "--beta", "0.5"}).exitCode, 1);  // rq-vae's option on rq-kmeans

        for (const char* ext : {"csv", "json"}) {
            const QString out = QString::fromStdString(dir.file(std::string("ids.") + ext));
            QCOMPARE(runCli({"export", "semantic-ids", "--project", project, "--run", runId, "--out", out}).exitCode, 0);
            QFile f(out);
            QVERIFY(f.open(QIODevice::ReadOnly));
            const QByteArray text = f.readAll();
            if (QByteArray(ext) == "json") {
                const auto ids = nlohmann::json::parse(text.toStdString());
                QCOMPARE(ids.size(), size_t{150});
            } else {
                QStringList lines = QString(text).split('\n', Qt::SkipEmptyParts);
                QCOMPARE(lines.size(), 151);  // header + one line per item
                QSet<QString> items, tuples;
                for (int i = 1; i < lines.size(); ++i) {
                    items.insert(lines[i].section(',', 0, 0));
                    tuples.insert(lines[i].section(',', 1));
                }
                QCOMPARE(items.size(), 150);
                QCOMPARE(tuples.size(), 150);
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestTokenizeJob)
#include "test_tokenize_job.moc"
