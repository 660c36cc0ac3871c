// Data-parallel training through the real binary: two CPU ranks over loopback (c10d Gloo) train the
// same model as one process with the same global batch, and a rank that dies fails the run cleanly.
#include <chrono>
#include <cmath>
#include <csignal>
#include <thread>

#include <QObject>
#include <QProcess>
#include <QtTest>

#include "cli_runner.h"
#include "temp_project.h"

using tokenbench::test::runCli;

namespace {

// Dropout 0 and the full softmax: nothing random inside a step, so one process and two ranks
// (each with half of every batch, gradients summed) must agree up to floating-point order.
const QStringList kModel = {"--model", "sasrec", "--hidden", "16", "--blocks", "1", "--max-length", "10",
                            "--dropout", "0", "--batch-size", "64", "--seed", "5", "--device", "cpu"};

QString cliPath() { return QStringLiteral(TOKENBENCH_CLI_PATH); }

}  // namespace

class TestCliDataParallel final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void twoRanksMatchOneProcess() {
        tokenbench::test::TempProject dir;
        const QString project = QString::fromStdString(dir.path());
        QCOMPARE(runCli({"dataset", "generate", "--project", project, "--name", "syn", "--users", "300", "--items",
                         "120"}).exitCode, 0);
        const QStringList train = QStringList{"train", "--project", project, "--dataset", "syn", "--epochs", "3",
                                              "--patience", "0", "--json"} + kModel;
        const auto one = runCli(QStringList{"--threads", "1"} + train);
        QVERIFY2(one.exitCode == 0, one.err.constData());
        const auto two = runCli(train + QStringList{"--nproc", "2"});
        QVERIFY2(two.exitCode == 0, two.err.constData());
        const auto a = one.json();
        const auto b = two.json();
        QCOMPARE(a.at("world_size").get<int>(), 1);
        QCOMPARE(b.at("world_size").get<int>(), 2);
        QCOMPARE(b.at("epochs").get<int>(), 3);
        for (const char* metric : {"ndcg@10", "recall@10", "mrr"}) {
            const double x = a.at("test").at(metric).get<double>();
            const double y = b.at("test").at(metric).get<double>();
            QVERIFY2(std::abs(x - y) <= 1e-3, qPrintable(QString("%1: one process %2, two ranks %3").arg(metric).arg(x).arg(y)));
        }
        // Rank 0 alone wrote the store: two runs, both completed (no row from rank 1).
        const auto runs = runCli({"runs", "list", "--project", project, "--json"});
        QVERIFY2(runs.exitCode == 0, runs.err.constData());
        const auto list = runs.json();
        const auto& rows = list.is_array() ? list : list.at("runs");
        QCOMPARE(rows.size(), size_t{2});
        for (const auto& row : rows) QCOMPARE(row.at("status").get<std::string>(), std::string("completed"));
    }

    void aDeadRankFailsTheRun() {
        tokenbench::test::TempProject dir;
        const QString project = QString::fromStdString(dir.path());
        QCOMPARE(runCli({"dataset", "generate", "--project", project, "--name", "syn", "--users", "2000", "--items",
                         "300"}).exitCode, 0);
        const QString port = QString::number(29600 + (QCoreApplication::applicationPid() % 2000));
        const QStringList train = QStringList{"--threads", "1", "train", "--project", project, "--dataset", "syn",
                                              "--epochs", "200", "--patience", "0", "--world-size", "2",
                                              "--master-port", port, "--dist-timeout", "0.5"} + kModel;
        QProcess rank0;
        QProcess rank1;
        rank0.start(cliPath(), train + QStringList{"--rank", "0"});
        rank1.start(cliPath(), train + QStringList{"--rank", "1"});
        QVERIFY(rank0.waitForStarted() && rank1.waitForStarted());
        // Once rank 0 reports training progress both ranks are in the group: kill rank 1.
        QByteArray log;
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
        while (!log.contains("progress: train") && std::chrono::steady_clock::now() < deadline &&
               rank0.state() == QProcess::Running) {
            rank0.waitForReadyRead(200);
            log += rank0.readAllStandardError();
        }
        QVERIFY2(log.contains("progress: train"), log.constData());
        ::kill(static_cast<pid_t>(rank1.processId()), SIGKILL);
        rank1.waitForFinished(10000);
        // Rank 0 must notice and end the run as failed, well before its 200 epochs.
        QVERIFY2(rank0.waitForFinished(90000), "rank 0 hung after rank 1 died");
        log += rank0.readAllStandardError();
        QVERIFY2(rank0.exitCode() != 0, log.constData());
        const auto runs = runCli({"runs", "list", "--project", project, "--json"});
        QVERIFY2(runs.exitCode == 0, runs.err.constData());
        const auto list = runs.json();
        const auto& run = list.is_array() ? list.at(0) : list.at("runs").at(0);
        QCOMPARE(run.at("status").get<std::string>(), std::string("failed"));
        QVERIFY2(run.at("message").get<std::string>().find("rank") != std::string::npos,
                 run.at("message").get<std::string>().c_str());
    }
};

QTEST_GUILESS_MAIN(TestCliDataParallel)
#include "test_cli_data_parallel.moc"
