// Versioned schema: fresh databases reach the latest version, old ones migrate forward, newer ones
// are refused, a failing step leaves the previous version intact.

#include <QtTest>

#include "temp_project.h"
#include "tokenbench/storage/database.h"
#include "tokenbench/storage/experiment_store.h"
#include "tokenbench/storage/migrations.h"

using namespace tokenbench::core;

namespace {

std::vector<Migration> twoSteps() {
    return {{1, "create a", "CREATE TABLE a (x INTEGER)"},
            {2, "add b", "CREATE TABLE b (y INTEGER); INSERT INTO a VALUES (42)"}};
}

}  // namespace

class TestMigrations final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void freshStoreHasLatestSchemaAndHistory() {
        tokenbench::test::TempProject dir;
        ExperimentStore store(dir.file("t.db"));
        QCOMPARE(store.schemaVersion(), latestSchemaVersion());
        QCOMPARE(store.database().queryInt("SELECT count(*) FROM schema_history"),
                 static_cast<int64_t>(schemaMigrations().size()));
        for (const char* table : {"datasets", "dataset_users", "dataset_items", "user_sequences", "dataset_splits",
                                  "feature_sets", "runs", "run_configs", "tokenizer_runs", "model_runs",
                                  "semantic_ids", "metrics", "codebook_snapshots", "attention_maps", "artifacts",
                                  "run_events", "run_groups", "target_ranks"}) {
            auto st = store.database().prepare("SELECT count(*) FROM sqlite_master WHERE type='table' AND name=?");
            st.bind(1, table);
            QVERIFY(st.step());
            QVERIFY2(st.int64(0) == 1, table);
        }
    }

    void olderDatabaseMigratesForward() {
        tokenbench::test::TempProject dir;
        Database db(dir.file("m.db"));
        auto steps = twoSteps();
        QCOMPARE(migrate(db, {steps[0]}), 1);
        QCOMPARE(db.queryInt("SELECT count(*) FROM a"), int64_t{0});
        QCOMPARE(migrate(db, steps), 2);
        QCOMPARE(db.queryInt("PRAGMA user_version"), int64_t{2});
        QCOMPARE(db.queryInt("SELECT x FROM a"), int64_t{42});
        QCOMPARE(migrate(db, steps), 2);  // idempotent
        QCOMPARE(db.queryInt("SELECT count(*) FROM a"), int64_t{1});
    }

    void failingStepKeepsPreviousVersion() {
        tokenbench::test::TempProject dir;
        Database db(dir.file("m.db"));
        auto steps = twoSteps();
        steps.push_back({3, "broken", "CREATE TABLE c (z INTEGER); INSERT INTO missing VALUES (1)"});
        QVERIFY_THROWS_EXCEPTION(StorageError, migrate(db, steps));
        QCOMPARE(db.queryInt("PRAGMA user_version"), int64_t{2});
        QCOMPARE(db.queryInt("SELECT count(*) FROM sqlite_master WHERE name = 'c'"), int64_t{0});
    }

    void version2RunsSurviveTheRunsRebuild() {
        tokenbench::test::TempProject dir;
        const std::string path = dir.file("v2.db");
        {
            Database db(path);
            const auto& all = schemaMigrations();
            QCOMPARE(migrate(db, {all[0], all[1]}), 2);
            db.exec("INSERT INTO datasets(id, name, created_at) VALUES (1, 'd', 't');"
                    "INSERT INTO runs(id, kind, component_id, component_version, dataset_id, status, created_at) "
                    "VALUES (7, 'model', 'sasrec', 1, 1, 'completed', 't');"
                    "INSERT INTO run_configs VALUES (7, '{}', 1, 'h', 'v', 'cpu');"
                    "INSERT INTO model_runs(run_id) VALUES (7);"
                    "INSERT INTO metrics VALUES (7, 1, 1, 'train', 'loss', 0.5, 0);");
        }
        ExperimentStore store(path);
        QCOMPARE(store.schemaVersion(), 3);
        QCOMPARE(store.database().queryInt("PRAGMA application_id"), int64_t{1416315502});
        // Dropping the old runs table must not have cascaded into what hangs off it.
        QCOMPARE(store.database().queryInt("SELECT count(*) FROM metrics WHERE run_id = 7"), int64_t{1});
        QCOMPARE(store.database().queryInt("SELECT count(*) FROM model_runs WHERE run_id = 7"), int64_t{1});
        QCOMPARE(toString(store.findRun(7)->status), toString(RunStatus::Completed));
        QCOMPARE(store.database().queryInt("PRAGMA foreign_keys"), int64_t{1});
        store.database().exec("UPDATE runs SET status = 'interrupted' WHERE id = 7");
        QCOMPARE(toString(store.findRun(7)->status), toString(RunStatus::Interrupted));
        QCOMPARE(QString::fromStdString(store.integrityCheck()), QStringLiteral("ok"));
    }

    void newerDatabaseIsRefused() {
        tokenbench::test::TempProject dir;
        const std::string path = dir.file("new.db");
        {
            Database db(path);
            db.exec("PRAGMA user_version = 999");
        }
        try {
            ExperimentStore store(path);
            QFAIL("a newer schema was accepted");
        } catch (const StorageError& e) {
            QVERIFY2(QString(e.what()).contains("newer"), e.what());
        }
    }

    void storeIsInWalModeWithForeignKeys() {
        tokenbench::test::TempProject dir;
        ExperimentStore store(dir.file("w.db"));
        QCOMPARE(QString::fromStdString(store.journalMode()), QStringLiteral("wal"));
        QCOMPARE(store.database().queryInt("PRAGMA foreign_keys"), int64_t{1});
        QCOMPARE(QString::fromStdString(store.integrityCheck()), QStringLiteral("ok"));
    }
};

QTEST_GUILESS_MAIN(TestMigrations)
#include "test_migrations.moc"
