// Process-level fault guarantees, through the real binary: a foreign or truncated database is
// refused unchanged; three processes writing one new project at once all succeed; a training process
// killed with SIGKILL leaves an intact database and a run that --resume completes; a checkpoint
// write that hits a file size limit (a full disk) fails cleanly and keeps the previous checkpoint.
#include <algorithm>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include <sys/resource.h>

#include <QElapsedTimer>
#include <QObject>
#include <QProcess>
#include <QtTest>

#include "cli_runner.h"
#include "temp_project.h"
#include "tokenbench/storage/database.h"
#include "tokenbench/storage/experiment_store.h"

using namespace tokenbench::core;
using tokenbench::test::runCli;
namespace fs = std::filesystem;

namespace {

std::string readBytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
}

void writeBytes(const std::string& path, const std::string& bytes) {
    fs::create_directories(fs::path(path).parent_path());
    std::ofstream(path, std::ios::binary) << bytes;
}

QString q(const std::string& s) { return QString::fromStdString(s); }

void startCli(QProcess& process, const QStringList& args) {
    process.start(QStringLiteral(TOKENBENCH_CLI_PATH), args);
    QVERIFY(process.waitForStarted());
}

int exitCodeOf(QProcess& process) {
    if (!process.waitForFinished(240000)) return -1;
    return process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -2;
}

int64_t checkpointEvents(ExperimentStore& store, int64_t run) {
    int64_t n = 0;
    for (const RunEvent& e : store.events(run)) n += e.kind == "checkpoint";
    return n;
}

/// Epoch numbers of a run's per-epoch training loss, in order.
std::vector<int64_t> lossEpochs(ExperimentStore& store, int64_t run) {
    std::vector<int64_t> epochs;
    for (const MetricPoint& p : store.metricSeries(run, "epoch_loss", "train")) epochs.push_back(p.epoch);
    std::sort(epochs.begin(), epochs.end());
    return epochs;
}

const QStringList kTinySasrec = {"--model", "sasrec", "--hidden", "16", "--blocks", "1", "--max-length", "10",
                                 "--device", "cpu", "--seed", "3"};

}  // namespace

class TestCliFaults final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void foreignOrTruncatedDatabaseIsRefusedUnchanged() {
        tokenbench::test::TempProject dir;
        const std::string good = dir.file("good");
        QCOMPARE(runCli({"dataset", "generate", "--project", q(good), "--name", "syn", "--users", "200", "--items",
                         "80"}).exitCode, 0);
        const std::string valid = readBytes(good + "/tokenbench.db");
        QVERIFY(valid.size() > 8192);
        QVERIFY(!fs::exists(good + "/tokenbench.db-wal"));  // closed cleanly: the whole database is in the file

        std::mt19937 random(7);
        std::string noise(8192, '\0');
        for (char& c : noise) c = static_cast<char>(random());
        const std::map<std::string, std::string> cases = {
            {"random", noise},
            {"truncated", valid.substr(0, valid.size() / 2)},
            {"header-only", valid.substr(0, 60)},
        };
        for (const auto& [name, bytes] : cases) writeBytes(dir.file(name) + "/tokenbench.db", bytes);
        fs::create_directories(dir.file("other"));
        fs::create_directories(dir.file("other-id"));
        {  // SQLite databases of other programs: one with tables and no id, one with another id
            Database other(dir.file("other") + "/tokenbench.db");
            other.exec("CREATE TABLE notes (x TEXT); INSERT INTO notes VALUES ('mine')");
        }
        {
            Database other(dir.file("other-id") + "/tokenbench.db");
            other.exec("PRAGMA application_id = 42; CREATE TABLE t (x)");
        }
        for (const char* name : {"random", "truncated", "header-only", "other", "other-id"}) {
            const std::string db = dir.file(name) + "/tokenbench.db";
            const std::string before = readBytes(db);
            for (const QStringList& command : {QStringList{"db", "check"}, QStringList{"runs", "list"}}) {
                const auto result = runCli(command + QStringList{"--project", q(dir.file(name))});
                QVERIFY2(result.exitCode == 1, name);
                QVERIFY2(result.err.contains(q(db).toUtf8()), result.err.constData());
                QVERIFY2(result.err.contains("expected an SQLite database written by Tokenbench"), result.err.constData());
            }
            QVERIFY2(readBytes(db) == before, name);  // not one byte changed
        }
    }

    void threeProcessesWriteOneNewProject() {
        tokenbench::test::TempProject dir;
        const QString project = q(dir.path());
        // Three first opens of a project that does not exist yet: creation and migration race.
        QProcess generate[3];
        for (int i = 0; i < 3; ++i)
            startCli(generate[i], {"dataset", "generate", "--project", project, "--name", QString("syn%1").arg(i),
                                   "--users", "150", "--items", "60", "--seed", QString::number(i + 1)});
        for (auto& p : generate) QVERIFY2(exitCodeOf(p) == 0, p.readAllStandardError().constData());
        // Three training runs at once: three writer threads and three main threads on one file.
        QProcess train[3];
        for (int i = 0; i < 3; ++i)
            startCli(train[i], QStringList{"train", "--project", project, "--dataset", QString("syn%1").arg(i),
                                           "--epochs", "2"} + kTinySasrec);
        for (auto& p : train) QVERIFY2(exitCodeOf(p) == 0, p.readAllStandardError().constData());

        ExperimentStore store(dir.path() + "/tokenbench.db", ExperimentStore::Access::ReadOnly);
        QCOMPARE(store.listDatasets().size(), size_t{3});
        const auto runs = store.listRuns();
        QCOMPARE(runs.size(), size_t{3});
        for (const RunRecord& run : runs) {
            QCOMPARE(toString(run.status), toString(RunStatus::Completed));
            QCOMPARE(lossEpochs(store, run.id), (std::vector<int64_t>{1, 2}));
        }
        QCOMPARE(QString::fromStdString(store.integrityCheck()), QStringLiteral("ok"));
    }

    void killedTrainingResumes() {
        tokenbench::test::TempProject dir;
        const QString project = q(dir.path());
        const std::string db = dir.path() + "/tokenbench.db";
        QCOMPARE(runCli({"dataset", "generate", "--project", project, "--name", "syn", "--users", "600", "--items",
                         "200"}).exitCode, 0);
        // Far more epochs than it will live for.
        QProcess child;
        startCli(child, QStringList{"train", "--project", project, "--dataset", "syn", "--epochs", "500"} + kTinySasrec);
        QElapsedTimer waited;
        waited.start();
        int64_t committed = 0;
        while (committed == 0) {
            QVERIFY2(waited.elapsed() < 120000, "no epoch was checkpointed in two minutes");
            QVERIFY2(child.state() == QProcess::Running, child.readAllStandardError().constData());
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            ExperimentStore store(db, ExperimentStore::Access::ReadOnly);
            if (!store.listRuns().empty()) committed = checkpointEvents(store, 1);
        }

        // While its owner lives, the run cannot be resumed by another process.
        const auto twice = runCli({"train", "--project", project, "--resume", "1", "--epochs", "2"});
        QCOMPARE(twice.exitCode, 1);
        QVERIFY2(twice.err.contains("still running in another process"), twice.err.constData());

        ::kill(static_cast<pid_t>(child.processId()), SIGKILL);
        QVERIFY(child.waitForFinished(30000));
        QCOMPARE(child.exitStatus(), QProcess::CrashExit);

        int64_t epochs = 0;
        {
            ExperimentStore store(db);  // a read-write open finds the run without a live owner
            QCOMPARE(QString::fromStdString(store.integrityCheck()), QStringLiteral("ok"));
            const auto run = store.findRun(1);
            QVERIFY(run);
            QCOMPARE(toString(run->status), toString(RunStatus::Interrupted));
            QVERIFY2(run->message.find("resume") != std::string::npos, run->message.c_str());
            epochs = checkpointEvents(store, 1);
            QVERIFY(epochs >= committed);
            // Every checkpointed epoch has its figures (an epoch in progress may have some too).
            const auto stored = lossEpochs(store, 1);
            QVERIFY(static_cast<int64_t>(stored.size()) >= epochs);
            for (int64_t e = 1; e <= epochs; ++e) QCOMPARE(stored[static_cast<size_t>(e - 1)], e);
        }

        const int64_t target = epochs + 2;
        const auto resumed = runCli({"train", "--project", project, "--resume", "1", "--epochs",
                                     QString::number(target), "--json"});
        QVERIFY2(resumed.exitCode == 0, resumed.err.constData());
        const auto j = resumed.json();
        QCOMPARE(j.at("status").get<std::string>(), std::string("completed"));
        QCOMPARE(j.at("epochs").get<int64_t>(), target);
        QVERIFY(j.at("test").contains("ndcg@10"));
        ExperimentStore store(db, ExperimentStore::Access::ReadOnly);
        QCOMPARE(toString(store.findRun(1)->status), toString(RunStatus::Completed));
        std::vector<int64_t> all;
        for (int64_t e = 1; e <= target; ++e) all.push_back(e);
        QCOMPARE(lossEpochs(store, 1), all);  // the interrupted epoch's points were replaced, not doubled
        QVERIFY(!store.metricSeries(1, "ndcg@10", "test").empty());
    }

    void fullDiskDuringCheckpointKeepsThePrevious() {
        tokenbench::test::TempProject dir;
        const QString project = q(dir.path());
        const std::string db = dir.path() + "/tokenbench.db";
        // Many items and a wide model: checkpoints far larger than the database and the log.
        QCOMPARE(runCli({"dataset", "generate", "--project", project, "--name", "syn", "--users", "200", "--items",
                         "3000"}).exitCode, 0);
        const QStringList wide = {"--model", "sasrec", "--hidden", "64", "--blocks", "1", "--max-length", "8",
                                  "--device", "cpu", "--seed", "3"};
        const auto first = runCli(QStringList{"train", "--project", project, "--dataset", "syn", "--epochs", "2"} + wide);
        QVERIFY2(first.exitCode == 0, first.err.constData());

        const std::string folder = dir.path() + "/artifacts/run-1/checkpoints";
        const std::string state = readBytes(folder + "/state.json");
        std::map<std::string, std::string> before;
        uintmax_t checkpointBytes = 0;
        for (const auto& entry : fs::directory_iterator(folder)) {
            before[entry.path().filename().string()] = readBytes(entry.path().string());
            checkpointBytes = std::max(checkpointBytes, entry.file_size());
        }
        const uintmax_t limit = checkpointBytes - 1;
        const uintmax_t logBytes = fs::file_size(dir.path() + "/logs/tokenbench.log");
        QVERIFY2(fs::file_size(db) + 512 * 1024 < limit && logBytes + 64 * 1024 < limit,
                 "the test's checkpoints are not larger than its database and log");

        QProcess limited;
        limited.setChildProcessModifier([limit] {
            const rlimit bytes{limit, limit};
            setrlimit(RLIMIT_FSIZE, &bytes);
        });
        startCli(limited, {"train", "--project", project, "--resume", "1", "--epochs", "3"});
        const int code = exitCodeOf(limited);
        const QByteArray err = limited.readAllStandardError();
        QVERIFY2(code == 1, err.constData());  // an error, not a SIGXFSZ death (-2)
        QVERIFY2(err.contains("epoch-3.ckpt") && err.contains("File too large"), err.constData());

        // The folder is as it was: the previous checkpoints byte for byte, no temporary file.
        std::map<std::string, std::string> after;
        for (const auto& entry : fs::directory_iterator(folder))
            after[entry.path().filename().string()] = readBytes(entry.path().string());
        QVERIFY(after == before);
        QCOMPARE(readBytes(folder + "/state.json"), state);
        {
            ExperimentStore store(db);
            QCOMPARE(QString::fromStdString(store.integrityCheck()), QStringLiteral("ok"));
            QCOMPARE(toString(store.findRun(1)->status), toString(RunStatus::Failed));
        }

        // And the run goes on from it once there is room.
        const auto resumed = runCli({"train", "--project", project, "--resume", "1", "--epochs", "3", "--json"});
        QVERIFY2(resumed.exitCode == 0, resumed.err.constData());
        QCOMPARE(resumed.json().at("epochs").get<int64_t>(), int64_t{3});
        QVERIFY(resumed.json().at("test").contains("ndcg@10"));
    }
};

QTEST_GUILESS_MAIN(TestCliFaults)
#include "test_cli_faults.moc"
