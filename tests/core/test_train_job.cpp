// The training engine end to end on a small synthetic data set: JSON keys, metrics in the store while
// training, SASRec beating popularity, same seed → same metrics, resume from a checkpoint equal to an
// uninterrupted run, cancel within a second, the time budget (a budget spent inside the first epoch
// keeps that partial epoch, marked), bad requests failing cleanly, and the
// tools for finished runs (eval, attention, export). Also experiment files.
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include <nlohmann/json.hpp>

#include <QObject>
#include <QtTest>

#include "temp_project.h"
#include "tokenbench/experiment/experiment_file.h"
#include "tokenbench/io/safetensors.h"
#include "tokenbench/project.h"
#include "tokenbench/data/data_error.h"
#include "tokenbench/storage/experiment_store.h"
#include "tokenbench/jobs/train_job.h"
#include "tokenbench/training/run_tools.h"

using namespace tokenbench::core;
using nlohmann::json;

namespace {

constexpr const char* kDataset = "small";
constexpr const char* kSasRecConfig = R"({"hidden": 32, "blocks": 1, "heads": 1, "max_length": 20, "dropout": 0.2, "learning_rate": 0.003})";

/// A project holding a small synthetic data set (900 users, 300 items).
std::string makeProject(const tokenbench::test::TempProject& temp) {
    const ProjectPaths paths = ensureProject(temp.path());
    ExperimentStore store(paths.database);
    SyntheticConfig config;
    config.users = 900;
    config.items = 300;
    config.seed = 5;
    (void)storeSyntheticDataset(store, kDataset, config);
    return paths.root;
}

TrainRequest sasrecRequest(const std::string& project, int64_t epochs) {
    TrainRequest request;
    request.projectDir = project;
    request.dataset = kDataset;
    request.model = "sasrec";
    request.configJson = kSasRecConfig;
    request.epochs = epochs;
    request.patience = 0;
    request.seed = 11;
    request.device = "cpu";
    return request;
}

/// Remembers what the engine reported.
class RecordingSink final : public ProgressSink {
public:
    void progress(const ProgressUpdate& u) override {
        ++updates;
        lastFraction = u.fraction;
        if (onProgress) onProgress(u);
    }
    void metrics(const std::vector<MetricPoint>& points) override {
        for (const MetricPoint& p : points) names.push_back(p.split + ":" + p.name);
    }
    std::function<void(const ProgressUpdate&)> onProgress;
    std::atomic<int64_t> updates{0};
    double lastFraction = 0.0;
    std::vector<std::string> names;
};

}  // namespace

class TestTrainJob final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void trainsAndReportsTheCliKeys() {
        tokenbench::test::TempProject temp;
        const std::string project = makeProject(temp);
        RecordingSink sink;
        const TrainResult result = runTrainJob(sasrecRequest(project, 4), sink, nullptr);
        QCOMPARE(int(result.status), int(RunStatus::Completed));
        QCOMPARE(result.epochs, int64_t{4});
        QVERIFY(result.bestEpoch >= 1 && result.bestEpoch <= 4);
        QVERIFY(result.secondsPerEpoch > 0);
        const json j = json::parse(toJson(result));
        for (const char* key : {"run_id", "epochs", "seconds_per_epoch", "valid", "test", "test_cold"}) QVERIFY2(j.contains(key), key);
        for (const char* split : {"valid", "test"})
            for (const char* key : {"recall@5", "ndcg@5", "recall@10", "ndcg@10", "recall@20", "ndcg@20", "mrr"})
                QVERIFY2(j.at(split).contains(key), key);
        QVERIFY(j.at("test_cold").contains("ndcg@10"));
        QVERIFY(j.at("protocol").get<std::string>().find("history kept") != std::string::npos);
        QVERIFY(sink.updates > 0);
        QVERIFY(std::count(sink.names.begin(), sink.names.end(), "valid:ndcg@10") == 4);
        QVERIFY(std::count(sink.names.begin(), sink.names.end(), "test:ndcg@10") == 1);

        // The store holds the run, its series and a summary; the checkpoint state names real files.
        ExperimentStore store(projectPaths(project).database);
        const auto run = store.findRun(result.runId);
        QVERIFY(run);
        QCOMPARE(int(run->status), int(RunStatus::Completed));
        QCOMPARE(store.metricSeries(result.runId, "ndcg@10", "valid").size(), size_t{4});
        QVERIFY(!store.metricSeries(result.runId, "loss", "train").empty());
        QVERIFY(json::parse(run->summaryJson).contains("test"));
        const auto dir = std::filesystem::path(projectPaths(project).artifacts) / ("run-" + std::to_string(result.runId)) / "checkpoints";
        QVERIFY(std::filesystem::exists(dir / "state.json"));
        int checkpoints = 0;
        for (const auto& entry : std::filesystem::directory_iterator(dir)) checkpoints += entry.path().extension() == ".ckpt";
        QVERIFY(checkpoints >= 1 && checkpoints <= 2);  // the last and the best

        // SASRec learned something popularity cannot: a clear margin on NDCG@10.
        TrainRequest pop = sasrecRequest(project, 1);
        pop.model = "popularity";
        pop.configJson = "{}";
        const TrainResult baseline = runTrainJob(pop, sink, nullptr);
        QCOMPARE(int(baseline.status), int(RunStatus::Completed));
        const double sasrec = result.test.all.values.at("ndcg@10");
        const double popularity = baseline.test.all.values.at("ndcg@10");
        qInfo("test NDCG@10: sasrec %.4f, popularity %.4f", sasrec, popularity);
        QVERIFY(sasrec > 1.3 * popularity);

        // Tools for the finished run: eval reproduces the test figures, export and attention work.
        const EvalReport again = evaluateRun(project, result.runId, "test", EvalOptions{});
        QCOMPARE(again.all.values.at("ndcg@10"), sasrec);
        const std::string out = temp.file("export");
        const auto files = exportModelRun(project, result.runId, out);
        QVERIFY(files.size() >= 3);
        std::map<std::string, std::string> metadata;
        const auto tensors = readSafetensors(out + "/weights.safetensors", &metadata);
        QVERIFY(std::any_of(tensors.begin(), tensors.end(), [](const TensorData& t) { return t.name == "item_embedding.weight"; }));
        QVERIFY(json::parse(std::ifstream(out + "/items.json")).at("items").size() == 300);
        const auto maps = computeAttention(project, result.runId, "#3");
        QCOMPARE(maps.size(), size_t{1});  // 1 block x 1 head
        QCOMPARE(store.attentionMaps(result.runId, 3).size(), size_t{1});
        QVERIFY_EXCEPTION_THROWN((void)computeAttention(project, result.runId, "no-such-user"), std::invalid_argument);
    }

    void sameSeedSameMetricsAndResumeIsIdentical() {
        tokenbench::test::TempProject temp;
        const std::string project = makeProject(temp);
        ProgressSink quiet;
        const TrainResult first = runTrainJob(sasrecRequest(project, 3), quiet, nullptr);
        const TrainResult second = runTrainJob(sasrecRequest(project, 3), quiet, nullptr);
        QCOMPARE(int(first.status), int(RunStatus::Completed));
        QCOMPARE(first.test.all.values, second.test.all.values);

        // Two epochs, then resume to three: the same numbers as the uninterrupted run.
        const TrainResult part = runTrainJob(sasrecRequest(project, 2), quiet, nullptr);
        QCOMPARE(int(part.status), int(RunStatus::Completed));
        TrainRequest resume;
        resume.projectDir = project;
        resume.resumeRunId = part.runId;
        resume.epochs = 3;
        resume.device = "cpu";
        const TrainResult resumed = runTrainJob(resume, quiet, nullptr);
        QCOMPARE(int(resumed.status), int(RunStatus::Completed));
        QCOMPARE(resumed.runId, part.runId);
        QCOMPARE(resumed.epochs, int64_t{3});
        QCOMPARE(resumed.valid.all.values, first.valid.all.values);
        QCOMPARE(resumed.test.all.values, first.test.all.values);
        ExperimentStore store(projectPaths(project).database);
        QCOMPARE(store.metricSeries(part.runId, "ndcg@10", "valid").size(), size_t{3});  // no duplicate epochs
    }

    void cancelReturnsWithinOneSecond() {
        tokenbench::test::TempProject temp;
        const std::string project = makeProject(temp);
        std::atomic<bool> cancel{false};
        RecordingSink sink;
        std::chrono::steady_clock::time_point cancelledAt;
        sink.onProgress = [&](const ProgressUpdate& u) {
            if (u.epoch >= 2 && !cancel.load()) {
                cancelledAt = std::chrono::steady_clock::now();
                cancel = true;
            }
        };
        const TrainResult result = runTrainJob(sasrecRequest(project, 1000), sink, &cancel);
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - cancelledAt).count();
        qInfo("returned %.3f s after the cancel", seconds);
        QCOMPARE(int(result.status), int(RunStatus::Cancelled));
        QVERIFY(seconds < 1.0);
        // Epoch 1 was committed before the cancel: the result says so.
        QCOMPARE(result.epochs, int64_t{1});
        QCOMPARE(nlohmann::json::parse(toJson(result)).at("epochs").get<int64_t>(), int64_t{1});
        ExperimentStore store(projectPaths(project).database);
        QCOMPARE(int(store.findRun(result.runId)->status), int(RunStatus::Cancelled));
    }

    void metricsReachTheStoreWhileTraining() {
        tokenbench::test::TempProject temp;
        const std::string project = makeProject(temp);
        std::atomic<bool> cancel{false};
        std::atomic<int64_t> runId{0};
        std::atomic<bool> seenWhileRunning{false};
        std::thread watcher([&] {
            // A separate connection, like the GUI's: rows must show up before the job ends.
            for (int i = 0; i < 600 && !seenWhileRunning; ++i) {
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
                if (runId == 0) continue;
                ExperimentStore reader(projectPaths(project).database, ExperimentStore::Access::ReadOnly);
                if (!reader.metricSeries(runId, "ndcg@10", "valid").empty() &&
                    reader.findRun(runId)->status == RunStatus::Running)
                    seenWhileRunning = true;
            }
            cancel = true;
        });
        RecordingSink sink;
        sink.onProgress = [&](const ProgressUpdate& u) { runId = u.runId; };
        const TrainResult result = runTrainJob(sasrecRequest(project, 1000), sink, &cancel);
        watcher.join();
        QVERIFY(seenWhileRunning);
        QCOMPARE(int(result.status), int(RunStatus::Cancelled));
    }

    void timeBudgetStopsAndBadRequestsFail() {
        tokenbench::test::TempProject temp;
        const std::string project = makeProject(temp);
        ProgressSink quiet;
        // A budget of about three epochs, measured here so a loaded machine cannot make it too short.
        const TrainResult one = runTrainJob(sasrecRequest(project, 1), quiet, nullptr);
        QCOMPARE(int(one.status), int(RunStatus::Completed));
        TrainRequest request = sasrecRequest(project, 100000);
        request.maxMinutes = 3.0 * one.seconds / 60.0;
        const auto start = std::chrono::steady_clock::now();
        const TrainResult budget = runTrainJob(request, quiet, nullptr);
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        QCOMPARE(int(budget.status), int(RunStatus::Completed));
        QCOMPARE(QString::fromStdString(budget.stopReason), QString("time budget"));
        QVERIFY(budget.epochs >= 1);
        QVERIFY(seconds < 3.0 * one.seconds + 10.0);

        // A budget that ends inside the first epoch: the steps done are kept, validated, tested and
        // marked partial. One-sequence batches make the epoch long enough to stop inside it.
        TrainRequest slow = sasrecRequest(project, 1);
        const nlohmann::json slowConfig = [] {
            nlohmann::json config = nlohmann::json::parse(kSasRecConfig);
            config["batch_size"] = 1;
            return config;
        }();
        slow.configJson = slowConfig.dump();
        const TrainResult whole = runTrainJob(slow, quiet, nullptr);
        QCOMPARE(int(whole.status), int(RunStatus::Completed));
        QVERIFY(!whole.partialEpoch);
        slow.epochs = 10;
        slow.maxMinutes = 0.4 * whole.secondsPerEpoch / 60.0;
        const TrainResult partial = runTrainJob(slow, quiet, nullptr);
        QVERIFY2(partial.status == RunStatus::Completed, partial.message.c_str());
        QVERIFY(partial.partialEpoch);
        QVERIFY(partial.partialSteps > 0 && partial.partialSteps < 900);
        QCOMPARE(partial.epochs, int64_t{1});
        QCOMPARE(QString::fromStdString(partial.stopReason), QString("time budget (partial epoch 1)"));
        const nlohmann::json partialJson = nlohmann::json::parse(toJson(partial));
        QVERIFY(partialJson.at("partial_epoch").get<bool>());
        QVERIFY(partialJson.at("test").at("ndcg@10").get<double>() >= 0.0);
        QVERIFY(!nlohmann::json::parse(toJson(whole)).at("partial_epoch").get<bool>());
        // Timed over its first steps, the epoch was seen not to fit: the run says so and how long it
        // would take, close to what the whole epoch really took.
        QVERIFY(partial.budgetProposal.has_value());
        QVERIFY(!whole.budgetProposal.has_value());  // no budget, nothing to fit
        const auto& estimate = partialJson.at("budget_proposal");
        QVERIFY(estimate.at("epoch_steps").get<int64_t>() > estimate.at("timed_steps").get<int64_t>());
        const double estimated = estimate.at("estimated_epoch_seconds").get<double>();
        QVERIFY2(estimated > whole.secondsPerEpoch / 3.0 && estimated < whole.secondsPerEpoch * 3.0,
                 (std::to_string(estimated) + " s estimated, " + std::to_string(whole.secondsPerEpoch) + " s measured").c_str());
        QVERIFY(estimate.at("minutes_needed").get<double>() > slow.maxMinutes);

        TrainRequest unknown = sasrecRequest(project, 1);
        unknown.dataset = "missing";
        QCOMPARE(int(runTrainJob(unknown, quiet, nullptr).status), int(RunStatus::Failed));
        TrainRequest badConfig = sasrecRequest(project, 1);
        badConfig.configJson = R"({"hidden": "wide"})";
        const TrainResult bad = runTrainJob(badConfig, quiet, nullptr);
        QCOMPARE(int(bad.status), int(RunStatus::Failed));
        QVERIFY(bad.message.find("hidden") != std::string::npos);
        TrainRequest metric = sasrecRequest(project, 1);
        metric.validMetric = "ndcg@7";
        QVERIFY(runTrainJob(metric, quiet, nullptr).message.find("ndcg@10") != std::string::npos);
        TrainRequest device = sasrecRequest(project, 1);
        device.device = "tpu";
        QCOMPARE(int(runTrainJob(device, quiet, nullptr).status), int(RunStatus::Failed));
        ExperimentStore store(projectPaths(project).database);
        for (const RunRecord& run : store.listRuns()) QVERIFY(run.status != RunStatus::Running);
    }

    void experimentFilesParseAndRun() {
        tokenbench::test::TempProject temp;
        const std::string path = temp.file("broken.json");
        std::ofstream(path) << "{\n  \"format\": \"tokenbench-experiment/1\",\n  \"name\": \"x\",\n  \"dataset\": {,\n}\n";
        try {
            (void)readExperimentFile(path);
            QFAIL("no error for broken JSON");
        } catch (const DataError& e) {
            QCOMPARE(e.line(), int64_t{4});
            QVERIFY(std::string(e.what()).find("broken.json") != std::string::npos);
        }
        const std::string wrong = temp.file("wrong.json");
        std::ofstream(wrong) << R"({"name": "x", "dataset": {"name": "d", "synthetic": {}}, "models": [{"name": "m", "model": "sasrec", "epochs": 0}]})";
        try {
            (void)readExperimentFile(wrong);
            QFAIL("no error for epochs 0");
        } catch (const DataError& e) {
            QVERIFY2(std::string(e.what()).find("models[0].epochs") != std::string::npos, e.what());
        }

        const std::string good = temp.file("small.json");
        std::ofstream(good) << R"({"format": "tokenbench-experiment/1", "name": "small",
            "dataset": {"name": "small", "synthetic": {"users": 300, "items": 120, "seed": 3}},
            "models": [{"name": "pop", "model": "popularity", "epochs": 1},
                       {"name": "sas", "model": "sasrec", "epochs": 1, "config": {"hidden": 16, "blocks": 1}}]})";
        ExperimentOptions options;
        options.projectDir = temp.path();
        options.device = "cpu";
        ProgressSink quiet;
        const json summary = json::parse(runExperiment(readExperimentFile(good), options, quiet, nullptr));
        QCOMPARE(summary.at("models").size(), size_t{2});
        QVERIFY(summary.at("models")[1].at("test").contains("ndcg@10"));
        // Run again: everything is reused, nothing retrained.
        const json again = json::parse(runExperiment(readExperimentFile(good), options, quiet, nullptr));
        QVERIFY(again.at("models")[1].value("reused", false));
        QCOMPARE(again.at("models")[1].at("run_id"), summary.at("models")[1].at("run_id"));

        // exclude_history reaches the run's evaluation settings; anything but a boolean is refused.
        const std::string excluded = temp.file("excluded.json");
        std::ofstream(excluded) << R"({"name": "small", "dataset": {"name": "small", "synthetic": {"users": 300, "items": 120, "seed": 3}},
            "models": [{"name": "pop-excluded", "model": "popularity", "epochs": 1, "exclude_history": true}]})";
        const json excludedSummary = json::parse(runExperiment(readExperimentFile(excluded), options, quiet, nullptr));
        const int64_t excludedRun = excludedSummary.at("models")[0].at("run_id").get<int64_t>();
        ExperimentStore store(projectPaths(temp.path()).database);
        const json storedConfig = json::parse(store.findRun(excludedRun)->configJson);
        QVERIFY2(storedConfig.at("eval").at("exclude_history").get<bool>(), storedConfig.dump().c_str());
        std::ofstream(excluded) << R"({"name": "small", "dataset": {"name": "small", "synthetic": {}},
            "models": [{"name": "m", "model": "popularity", "exclude_history": "yes"}]})";
        try {
            (void)readExperimentFile(excluded);
            QFAIL("exclude_history \"yes\" was accepted");
        } catch (const DataError& e) {
            QVERIFY2(std::string(e.what()).find("models[0].exclude_history: expected true or false") != std::string::npos,
                     e.what());
        }

        // A missing data file says where to get the data.
        const std::string missing = temp.file("missing.json");
        std::ofstream(missing) << R"({"name": "m", "dataset": {"name": "b", "import": {"format": "seqtxt", "paths": ["nope/Beauty.txt"]},
            "download": "get it from the S3-Rec repository"}})";
        options.dataDir = temp.file("data");
        try {
            (void)runExperiment(readExperimentFile(missing), options, quiet, nullptr);
            QFAIL("no error for a missing data file");
        } catch (const std::invalid_argument& e) {
            QVERIFY(std::string(e.what()).find("S3-Rec") != std::string::npos);
            QVERIFY(std::string(e.what()).find("--data-dir") != std::string::npos);
        }
    }
};

QTEST_GUILESS_MAIN(TestTrainJob)
#include "test_train_job.moc"
