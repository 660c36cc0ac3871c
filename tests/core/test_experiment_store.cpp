// The experiment store: data sets, runs and their series round-trip; failed writes leave nothing.

#include <cmath>

#include <QtTest>

#include "temp_project.h"
#include "tokenbench/data/synthetic.h"
#include "tokenbench/project.h"
#include "tokenbench/storage/database.h"
#include "tokenbench/storage/experiment_store.h"

using namespace tokenbench::core;

namespace {

SyntheticConfig smallConfig() {
    SyntheticConfig c;
    c.users = 200;
    c.items = 80;
    c.branching = {3, 2, 2};
    return c;
}

RunSpec modelRun(int64_t datasetId) {
    RunSpec spec;
    spec.kind = RunKind::Model;
    spec.componentId = "sasrec";
    spec.datasetId = datasetId;
    spec.configJson = R"({"hidden":64})";
    spec.seed = 7;
    spec.dataHash = "abc";
    return spec;
}

int64_t countRows(ExperimentStore& store, const char* table) {
    return store.database().queryInt(std::string("SELECT count(*) FROM ") + table);
}

}  // namespace

class TestExperimentStore final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void datasetRoundTripsThroughReopen() {
        tokenbench::test::TempProject dir;
        const auto paths = ensureProject(dir.path());
        const SyntheticData data = generateSynthetic(smallConfig());
        int64_t id = 0;
        {
            ExperimentStore store(paths.database);
            id = store.saveDataset("small", data.dataset, "generator", "synthetic", "{}");
        }
        ExperimentStore store(paths.database, ExperimentStore::Access::ReadOnly);
        const auto record = store.findDataset("small");
        QVERIFY(record);
        QCOMPARE(record->id, id);
        QCOMPARE(record->dataHash.size(), size_t{64});
        const Dataset loaded = store.loadDataset(id);
        QCOMPARE(loaded.users.size(), data.dataset.users.size());
        QCOMPARE(loaded.items.size(), data.dataset.items.size());
        QCOMPARE(loaded.attributeVocab.size(), data.dataset.attributeVocab.size());
        for (size_t u = 0; u < loaded.users.size(); ++u) {
            QVERIFY(loaded.users[u].items == data.dataset.users[u].items);
            QVERIFY(loaded.users[u].timestamps == data.dataset.users[u].timestamps);
            QCOMPARE(loaded.users[u].rawId, data.dataset.users[u].rawId);
        }
        for (size_t i = 0; i < loaded.items.size(); ++i) {
            QCOMPARE(loaded.items[i].title, data.dataset.items[i].title);
            QVERIFY(loaded.items[i].attributes == data.dataset.items[i].attributes);
        }
        const auto stats = computeStats(loaded);
        QCOMPARE(stats.interactions, data.dataset.interactionCount());
    }

    void failedDatasetImportLeavesNothing() {
        tokenbench::test::TempProject dir;
        ExperimentStore store(dir.file("t.db"));
        const SyntheticData data = generateSynthetic(smallConfig());
        // Fail half-way through the users, after items and many sequences were written.
        store.database().exec(
            "CREATE TEMP TRIGGER fail_late BEFORE INSERT ON user_sequences WHEN NEW.user_idx = 150 "
            "BEGIN SELECT RAISE(ABORT, 'injected failure'); END");
        QVERIFY_THROWS_EXCEPTION(StorageError, store.saveDataset("broken", data.dataset, "", "synthetic", "{}"));
        for (const char* table : {"datasets", "dataset_items", "dataset_users", "user_sequences", "attribute_vocab"})
            QVERIFY2(countRows(store, table) == 0, table);
        store.database().exec("DROP TRIGGER fail_late");
        store.saveDataset("ok", data.dataset, "", "synthetic", "{}");
        QVERIFY_THROWS_EXCEPTION(StorageError, store.saveDataset("ok", data.dataset, "", "synthetic", "{}"));
        QCOMPARE(countRows(store, "datasets"), int64_t{1});
        QCOMPARE(countRows(store, "user_sequences"), int64_t{200});
    }

    void runLifecycleIsRecorded() {
        tokenbench::test::TempProject dir;
        ExperimentStore store(dir.file("t.db"));
        const int64_t ds = store.saveDataset("d", generateSynthetic(smallConfig()).dataset, "", "synthetic", "{}");
        RunSpec tok;
        tok.kind = RunKind::Tokenizer;
        tok.componentId = "rq-kmeans";
        tok.datasetId = ds;
        const int64_t tokRun = store.createRun(tok);
        RunSpec spec = modelRun(ds);
        spec.tokenizerRunId = tokRun;
        const int64_t run = store.createRun(spec);
        store.markRunStarted(run);
        store.finishRun(run, RunStatus::Completed, R"({"ndcg@10":0.1})");
        const auto record = store.findRun(run);
        QVERIFY(record);
        QVERIFY(record->status == RunStatus::Completed);
        QCOMPARE(record->componentId, std::string("sasrec"));
        QCOMPARE(record->datasetName, std::string("d"));
        QCOMPARE(record->seed, uint64_t{7});
        QVERIFY(record->startedAt && record->finishedAt);
        QCOMPARE(record->tokenizerRunId.value_or(-1), tokRun);
        QVERIFY(!record->codeVersion.empty());
        QCOMPARE(store.listRuns().size(), size_t{2});
        QVERIFY_THROWS_EXCEPTION(StorageError, store.finishRun(9999, RunStatus::Failed, "{}"));
    }

    void seriesSnapshotsAndArtifactsRoundTrip() {
        tokenbench::test::TempProject dir;
        ExperimentStore store(dir.file("t.db"));
        const int64_t ds = store.saveDataset("d", generateSynthetic(smallConfig()).dataset, "", "synthetic", "{}");
        const int64_t run = store.createRun(modelRun(ds));
        store.appendMetrics({{run, 1, 0, "train", "loss", 2.5, 1.0},
                             {run, 2, 0, "train", "loss", std::nan(""), 2.0},
                             {run, 2, 0, "valid", "ndcg@10", 0.05, 2.0}});
        const auto loss = store.metricSeries(run, "loss", "train");
        QCOMPARE(loss.size(), size_t{2});
        QCOMPARE(loss[0].value, 2.5);
        QVERIFY(std::isnan(loss[1].value));
        QCOMPARE(store.metricSeries(run, "ndcg@10").size(), size_t{1});

        store.appendCodebookSnapshots({{run, 10, 0, {5, 0, 3}}, {run, 10, 1, {1, 1, 6}}});
        const auto snaps = store.codebookSnapshots(run, 10);
        QCOMPARE(snaps.size(), size_t{2});
        QVERIFY((snaps[1].usage == std::vector<int64_t>{1, 1, 6}));

        AttentionMap map{run, 3, 1, 0, 2, 2, {0.5f, 0.5f, 0.1f, 0.9f}, {}};
        map.positions = {{AttentionPosition::Kind::Token, 4, 0, 7, "i1"}, {AttentionPosition::Kind::Mask, -1, -1, -1, "[MASK]"}};
        store.saveAttentionMap(map);
        const auto maps = store.attentionMaps(run, 3);
        QCOMPARE(maps.size(), size_t{1});
        QVERIFY(maps[0].weights == map.weights);
        QCOMPARE(maps[0].positions.size(), size_t(2));
        QVERIFY(maps[0].positions[0].kind == AttentionPosition::Kind::Token);
        QCOMPARE(maps[0].positions[0].item, 4);
        QCOMPARE(maps[0].positions[0].level, 0);
        QCOMPARE(maps[0].positions[0].code, 7);
        QCOMPARE(maps[0].positions[0].label, std::string("i1"));
        QVERIFY(maps[0].positions[1].kind == AttentionPosition::Kind::Mask);
        QCOMPARE(maps[0].positions[1].label, std::string("[MASK]"));
        map.weights.pop_back();
        QVERIFY_THROWS_EXCEPTION(StorageError, store.saveAttentionMap(map));

        store.addArtifact({0, run, "checkpoint", "artifacts/run-1/epoch-1.pt", std::string(64, 'a'), 123, ""});
        QCOMPARE(store.artifacts(run).size(), size_t{1});
        store.appendEvents({{run, 1.0, "warning", "collapse", "level 0 perplexity 1.2"}});
        QCOMPARE(store.events(run).at(0).kind, std::string("collapse"));

        store.saveSemanticIds(run, {{1, 2, 3}, {1, 2, 4}});
        QVERIFY((store.semanticIds(run) == std::vector<std::vector<int32_t>>{{1, 2, 3}, {1, 2, 4}}));
        QVERIFY_THROWS_EXCEPTION(StorageError, store.saveSemanticIds(run, {{1, 2}, {1}}));
        QCOMPARE(store.semanticIds(run).size(), size_t{2});  // the failed save kept the previous IDs

        store.deleteDataset(ds);  // cascades through runs to every series
        for (const char* table : {"runs", "run_configs", "metrics", "codebook_snapshots", "attention_maps",
                                  "artifacts", "run_events", "semantic_ids", "model_runs"})
            QVERIFY2(countRows(store, table) == 0, table);
    }

    void demoProjectIsCreatedOnce() {
        tokenbench::test::TempProject dir;
        const auto paths = ensureDemoProject(dir.path());
        QVERIFY(QFileInfo::exists(QString::fromStdString(paths.database)));
        QVERIFY(QFileInfo(QString::fromStdString(paths.artifacts)).isDir());
        ensureDemoProject(dir.path());
        ExperimentStore store(paths.database);
        QCOMPARE(store.listDatasets().size(), size_t{1});
        QCOMPARE(store.listDatasets().at(0).name, std::string(kDemoDatasetName));
    }
};

QTEST_GUILESS_MAIN(TestExperimentStore)
#include "test_experiment_store.moc"
