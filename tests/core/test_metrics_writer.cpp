// The writer thread: batches commit as they come, readers on other connections never block on it.

#include <atomic>
#include <chrono>
#include <thread>

#include <QtTest>

#include "temp_project.h"
#include "tokenbench/data/synthetic.h"
#include "tokenbench/storage/database.h"
#include "tokenbench/storage/experiment_store.h"
#include "tokenbench/storage/metrics_writer.h"

using namespace tokenbench::core;

namespace {

int64_t makeRun(const std::string& dbPath) {
    ExperimentStore store(dbPath);
    SyntheticConfig c;
    c.users = 50;
    c.items = 30;
    c.branching = {2, 2, 2};
    const int64_t ds = store.saveDataset("d", generateSynthetic(c).dataset, "", "synthetic", "{}");
    RunSpec spec;
    spec.componentId = "popularity";
    spec.datasetId = ds;
    return store.createRun(spec);
}

}  // namespace

class TestMetricsWriter final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void reportsArePersistedInOrder() {
        tokenbench::test::TempProject dir;
        const std::string db = dir.file("t.db");
        const int64_t run = makeRun(db);
        {
            SqliteMetricsWriter writer(db);
            writer.runStarted(run);
            for (int step = 1; step <= 100; ++step) writer.metrics({{run, step, step / 10, "train", "loss", 1.0 / step, 0}});
            writer.codebookSnapshots({{run, 100, 0, {1, 2, 3}}});
            writer.event({run, 0, "warning", "collapse", "test"});
            writer.finished(run, RunStatus::Completed, R"({"loss":0.01})", "");
            writer.flush();
            QVERIFY2(writer.lastError().empty(), writer.lastError().c_str());
            QVERIFY(writer.batchesWritten() >= 1);
        }
        ExperimentStore store(db, ExperimentStore::Access::ReadOnly);
        const auto loss = store.metricSeries(run, "loss", "train");
        QCOMPARE(loss.size(), size_t{100});
        QCOMPARE(loss.back().step, int64_t{100});
        QVERIFY(store.findRun(run)->status == RunStatus::Completed);
        QCOMPARE(store.codebookSnapshots(run).size(), size_t{1});
        QCOMPARE(store.events(run).size(), size_t{1});
    }

    void failedWriteDoesNotLoseTheRestOfTheBatch() {
        tokenbench::test::TempProject dir;
        const std::string db = dir.file("t.db");
        const int64_t run = makeRun(db);
        SqliteMetricsWriter writer(db);
        writer.finished(run + 1000, RunStatus::Completed, "{}", "");  // no such run: fails alone
        writer.metrics({{run, 1, 0, "train", "loss", 1.0, 0}});
        writer.flush();
        QVERIFY(QString::fromStdString(writer.lastError()).contains("no run"));
        ExperimentStore store(db, ExperimentStore::Access::ReadOnly);
        QCOMPARE(store.metricSeries(run, "loss").size(), size_t{1});
    }

    void readerIsNotBlockedByAnOpenWriteTransaction() {
        tokenbench::test::TempProject dir;
        const std::string db = dir.file("t.db");
        const int64_t run = makeRun(db);
        ExperimentStore writer(db);
        Transaction tx(writer.database());
        writer.appendMetrics({{run, 1, 0, "train", "loss", 1.0, 0}});  // uncommitted, write lock held

        ExperimentStore reader(db, ExperimentStore::Access::ReadOnly);
        QElapsedTimer timer;
        timer.start();
        QCOMPARE(reader.metricSeries(run, "loss").size(), size_t{0});  // sees the last commit...
        QVERIFY2(timer.elapsed() < 1000, "reader waited for the writer");  // ...without waiting (busy timeout is 5 s)
        tx.commit();
        QCOMPARE(reader.metricSeries(run, "loss").size(), size_t{1});
    }

    void concurrentReaderSeesGrowingSeriesWhileWriterThreadWrites() {
        tokenbench::test::TempProject dir;
        const std::string db = dir.file("t.db");
        const int64_t run = makeRun(db);
        std::atomic<bool> done{false};
        std::atomic<int> readerErrors{0};
        std::atomic<int> reads{0};
        std::atomic<int64_t> lastSeen{0};
        std::thread reader([&] {
            try {
                ExperimentStore store(db, ExperimentStore::Access::ReadOnly);
                while (!done) {
                    const auto n = static_cast<int64_t>(store.metricSeries(run, "loss").size());
                    if (n < lastSeen) ++readerErrors;  // committed rows never disappear
                    lastSeen = n;
                    ++reads;
                }
            } catch (const std::exception&) {
                ++readerErrors;
            }
        });
        {
            SqliteMetricsWriter writer(db);
            for (int step = 1; step <= 2000; ++step) {
                writer.metrics({{run, step, 0, "train", "loss", 1.0, 0}});
                if (step % 200 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
            }
            writer.flush();
        }
        QTRY_VERIFY_WITH_TIMEOUT(lastSeen.load() == 2000, 5000);
        done = true;
        reader.join();
        QCOMPARE(readerErrors.load(), 0);
        QVERIFY(reads.load() > 1);
    }
};

QTEST_GUILESS_MAIN(TestMetricsWriter)
#include "test_metrics_writer.moc"
