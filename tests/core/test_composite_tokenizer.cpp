// The composite tokenizer through the tokenize job and the CLI: the runs' codes joined level after
// level (their collision levels dropped), collisions resolved on the whole tuple, and clear errors
// for run ids that name no usable tokenizer run.
#include <set>
#include <string>
#include <vector>

#include <QObject>
#include <QtTest>

#include "cli_runner.h"
#include "temp_project.h"
#include "tokenbench/data/synthetic.h"
#include "tokenbench/jobs/tokenize_job.h"
#include "tokenbench/project.h"
#include "tokenbench/storage/experiment_store.h"

using namespace tokenbench::core;
using tokenbench::test::runCli;

namespace {

TokenizeRequest requestFor(const std::string& project, const std::string& method, const std::string& config) {
    TokenizeRequest request;
    request.projectDir = project;
    request.dataset = "syn";
    request.features = "attributes";
    request.featureDim = 8;
    request.method = method;
    request.configJson = config;
    return request;
}

TokenizeResult tokenize(const std::string& project, const std::string& method, const std::string& config) {
    ProgressSink sink;
    return runTokenizeJob(requestFor(project, method, config), sink, nullptr);
}

}  // namespace

class TestCompositeTokenizer final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void joinsRunsAndResolvesTheWholeTuple() {
        tokenbench::test::TempProject dir;
        const std::string project = dir.path();
        {
            ExperimentStore store(ensureProject(project).database);
            SyntheticConfig config;
            config.users = 200;
            config.items = 80;
            config.branching = {3, 2, 2};
            (void)storeSyntheticDataset(store, "syn", config);
        }
        // Two levels of four codes cannot hold 80 items: A stores an extra collision level.
        const TokenizeResult a = tokenize(project, "random", R"({"levels": 2, "codebook_size": 4})");
        const TokenizeResult b = tokenize(project, "rq-kmeans", R"({"levels": 1, "codebook_size": 6})");
        QVERIFY2(a.status == RunStatus::Completed && b.status == RunStatus::Completed, (a.message + b.message).c_str());
        QCOMPARE(a.levels, 3);

        const TokenizeResult joined =
            tokenize(project, "composite", "{\"runs\": \"" + std::to_string(a.runId) + "," + std::to_string(b.runId) + "\"}");
        QVERIFY2(joined.status == RunStatus::Completed, joined.message.c_str());
        QCOMPARE(joined.uniqueIds, int64_t{80});
        QCOMPARE(joined.utilization.size(), size_t{3});  // A's two levels, then B's one
        QCOMPARE(joined.codebookSize, 6);
        ExperimentStore store(projectPaths(project).database, ExperimentStore::Access::ReadOnly);
        const auto idsA = store.semanticIds(a.runId);
        const auto idsB = store.semanticIds(b.runId);
        const auto ids = store.semanticIds(joined.runId);
        QCOMPARE(ids.size(), size_t{80});
        std::set<std::vector<int32_t>> distinct;
        for (size_t i = 0; i < ids.size(); ++i) {
            QVERIFY(ids[i].size() >= 3);
            QCOMPARE(ids[i][0], idsA[i][0]);
            QCOMPARE(ids[i][1], idsA[i][1]);
            QCOMPARE(ids[i][2], idsB[i][0]);
            distinct.insert(ids[i]);
        }
        QCOMPARE(distinct.size(), size_t{80});

        // The CLI takes the runs as --runs A,B.
        const QString runs = QString::number(a.runId) + "," + QString::number(b.runId);
        const auto cli = runCli({"tokenize", "--project", QString::fromStdString(project), "--dataset", "syn", "--method",
                                 "composite", "--runs", runs, "--json"});
        QVERIFY2(cli.exitCode == 0, cli.err.constData());
        QCOMPARE(cli.json().at("unique_ids").get<int>(), 80);
    }

    void badRunIdsFailWithAClearMessage() {
        tokenbench::test::TempProject dir;
        const std::string project = dir.path();
        {
            ExperimentStore store(ensureProject(project).database);
            SyntheticConfig config;
            config.users = 100;
            config.items = 40;
            (void)storeSyntheticDataset(store, "syn", config);
        }
        const TokenizeResult a = tokenize(project, "random", R"({"levels": 2, "codebook_size": 4})");
        QVERIFY(a.status == RunStatus::Completed);
        const std::string id = std::to_string(a.runId);
        const auto failure = [&](const std::string& runs) {
            const TokenizeResult r = tokenize(project, "composite", "{\"runs\": \"" + runs + "\"}");
            return r.status == RunStatus::Failed ? r.message : std::string("did not fail");
        };
        const auto says = [](const std::string& message, const std::string& part) {
            return message.find(part) != std::string::npos;
        };
        QVERIFY2(says(failure(id + ",999"), "no run with id 999"), failure(id + ",999").c_str());
        QVERIFY2(says(failure(id + ",x"), "'x'"), failure(id + ",x").c_str());
        QVERIFY2(says(failure(id), "at least two"), failure(id).c_str());
        QVERIFY2(says(failure(id + "," + id), "twice"), failure(id + "," + id).c_str());
        QVERIFY2(says(failure(""), "runs"), failure("").c_str());
        const TokenizeResult failed = tokenize(project, "composite", "{\"runs\": \"" + id + ",999\"}");
        QVERIFY2(says(failure(id + "," + std::to_string(failed.runId)), "failed"), "a failed run cannot be joined");

        const auto cli = runCli({"tokenize", "--project", QString::fromStdString(project), "--dataset", "syn", "--method",
                                 "composite", "--runs", QString::fromStdString(id) + ",999"});
        QCOMPARE(cli.exitCode, 1);
        QVERIFY2(cli.err.contains("no run with id 999"), cli.err.constData());
    }
};

QTEST_GUILESS_MAIN(TestCompositeTokenizer)
#include "test_composite_tokenizer.moc"
