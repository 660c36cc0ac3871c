// The job thread bridge: reports reach the UI thread in throttled batches and in order, cancel
// stops a job through its atomic flag, failures become outcomes, jobs run side by side, and the
// window asks before closing with a job running, then cancels cleanly.

#include <atomic>
#include <cmath>
#include <chrono>
#include <thread>

#include <QElapsedTimer>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>

#include "jobs/job.h"
#include "jobs/job_manager.h"
#include "jobs/repeat_progress_sink.h"
#include "main_window.h"
#include "temp_project.h"
#include "test_printers.h"
#include "tokenbench/cancellation.h"
#include "tokenbench/registry.h"

using namespace tokenbench;
using namespace std::chrono_literals;

namespace {

constexpr int kTimeoutMs = 20000;

/// A body that reports `points` metric points as fast as it can, with progress, then completes.
ui::Job::Body floodBody(int points) {
    return [points](core::ProgressSink& sink, const std::atomic<bool>* cancel) {
        sink.runStarted(7);
        for (int i = 0; i < points; ++i) {
            core::throwIfCancelled(cancel);
            sink.metrics({{7, i, 0, "train", "loss", static_cast<double>(i), 0.0}});
            core::ProgressUpdate update;
            update.fraction = static_cast<double>(i + 1) / points;
            sink.progress(update);
            if (i % 500 == 0) std::this_thread::sleep_for(2ms);  // spread over a few hand-off intervals
        }
        ui::JobOutcome outcome;
        outcome.runId = 7;
        outcome.status = core::RunStatus::Completed;
        return outcome;
    };
}

/// A body that runs until cancelled, checking its flag between "batches" of 1 ms.
ui::Job::Body untilCancelled(std::atomic<int>* started = nullptr) {
    return [started](core::ProgressSink& sink, const std::atomic<bool>* cancel) -> ui::JobOutcome {
        if (started) ++*started;
        for (int batch = 0;; ++batch) {
            core::throwIfCancelled(cancel);
            std::this_thread::sleep_for(1ms);
            if (batch % 50 == 0) sink.log("info", "still running");
        }
    };
}

/// The visible "jobs are running" question of `window` (an earlier one may await deletion).
QMessageBox* visibleCloseQuestion(QWidget& window) {
    for (QMessageBox* box : window.findChildren<QMessageBox*>(QStringLiteral("closeWhileRunningBox"))) {
        if (box->isVisible()) return box;
    }
    return nullptr;
}

}  // namespace

class TestJobs final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() {
        test::useScratchSettingsAndQuietLog();
    }

    void repeatProgressCoversTheWholeRepeat() {
        struct Recording final : core::ProgressSink {
            std::vector<core::ProgressUpdate> updates;
            std::vector<int64_t> started;
            size_t points = 0;
            void runStarted(int64_t runId) override { started.push_back(runId); }
            void progress(const core::ProgressUpdate& update) override { updates.push_back(update); }
            void metrics(const std::vector<core::MetricPoint>& p) override { points += p.size(); }
        } recording;
        ui::RepeatProgressSink repeat(recording, 3);
        const auto report = [&repeat](double fraction, const char* phase) {
            core::ProgressUpdate update;
            update.fraction = fraction;
            update.phase = phase;
            repeat.progress(update);
        };
        repeat.runStarted(10);
        report(0.5, "train");
        repeat.metrics({{10, 0, 0, "train", "loss", 1.0, 0.0}});
        report(1.0, "test");
        repeat.runStarted(11);
        report(0.0, "train");
        report(0.5, "train");
        repeat.runStarted(12);
        report(1.0, "test");

        const std::vector<double> expected = {0.5 / 3, 1.0 / 3, 1.0 / 3, 1.5 / 3, 1.0};
        QCOMPARE(recording.updates.size(), expected.size());
        for (size_t i = 0; i < expected.size(); ++i) QVERIFY(std::abs(recording.updates[i].fraction - expected[i]) < 1e-12);
        QCOMPARE(recording.updates[0].phase, std::string("seed 1/3 · train"));
        QCOMPARE(recording.updates[4].phase, std::string("seed 3/3 · test"));
        QCOMPARE(recording.updates[4].etaSeconds, 0.0);
        QVERIFY(recording.updates[0].etaSeconds >= 0.0);
        QCOMPARE(repeat.runIds(), (std::vector<int64_t>{10, 11, 12}));
        QCOMPARE(recording.started, (std::vector<int64_t>{10, 11, 12}));
        QCOMPARE(recording.points, size_t{1});
    }

    void reportsArriveInOrderAndThrottled() {
        ui::Job job(QStringLiteral("flood"), floodBody(20000));
        std::vector<double> received;
        int batches = 0;
        int64_t runId = 0;
        connect(&job, &ui::Job::reportsArrived, this, [&](const ui::JobReports& reports) {
            ++batches;
            runId = reports.runId;
            for (const core::MetricPoint& p : reports.metrics) received.push_back(p.value);
        });
        QSignalSpy finished(&job, &ui::Job::finished);
        QElapsedTimer clock;
        clock.start();
        job.start();
        QVERIFY(job.isRunning());
        QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty(), kTimeoutMs);
        const qint64 elapsed = clock.elapsed();

        QCOMPARE(received.size(), size_t{20000});
        for (size_t i = 0; i < received.size(); ++i) QCOMPARE(received[i], static_cast<double>(i));
        QCOMPARE(runId, int64_t{7});
        QCOMPARE(job.runId(), int64_t{7});
        // At most one batch per hand-off interval (plus the first and the final one).
        QVERIFY2(batches <= elapsed / ui::Job::kHandOffIntervalMs + 2,
                 qPrintable(QStringLiteral("%1 batches in %2 ms").arg(batches).arg(elapsed)));
        QVERIFY(job.lastProgress().has_value());
        QCOMPARE(job.lastProgress()->fraction, 1.0);
        const auto outcome = finished.front().front().value<ui::JobOutcome>();
        QCOMPARE(test::statusName(outcome.status), test::statusName(core::RunStatus::Completed));
        QVERIFY(job.isFinished() && !job.isRunning());
    }

    void cancelStopsWithinOneBatch() {
        ui::Job job(QStringLiteral("endless"), untilCancelled());
        QSignalSpy finished(&job, &ui::Job::finished);
        job.start();
        QTest::qWait(50);
        QVERIFY(job.isRunning());
        QElapsedTimer clock;
        clock.start();
        job.cancel();
        QVERIFY(job.isCancelRequested());
        QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty(), kTimeoutMs);
        QVERIFY2(clock.elapsed() < 2000, qPrintable(QString::number(clock.elapsed())));
        QCOMPARE(test::statusName(job.outcome().status), test::statusName(core::RunStatus::Cancelled));
    }

    void exceptionsBecomeFailedOutcomes() {
        ui::Job job(QStringLiteral("broken"), [](core::ProgressSink&, const std::atomic<bool>*) -> ui::JobOutcome {
            throw std::invalid_argument("no data set named 'nope'");
        });
        QSignalSpy finished(&job, &ui::Job::finished);
        job.start();
        QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty(), kTimeoutMs);
        QCOMPARE(test::statusName(job.outcome().status), test::statusName(core::RunStatus::Failed));
        QCOMPARE(QString::fromStdString(job.outcome().message), QStringLiteral("no data set named 'nope'"));
    }

    void severalJobsRunAtOnce() {
        ui::JobManager manager;
        QSignalSpy counts(&manager, &ui::JobManager::runningCountChanged);
        QSignalSpy allDone(&manager, &ui::JobManager::allFinished);
        std::atomic<int> started{0};
        manager.start(QStringLiteral("a"), untilCancelled(&started));
        manager.start(QStringLiteral("b"), untilCancelled(&started));
        manager.start(QStringLiteral("c"), floodBody(1000));
        QTRY_COMPARE_WITH_TIMEOUT(started.load(), 2, kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(manager.runningCount(), 2, kTimeoutMs);  // the flood finishes alone
        QVERIFY(allDone.isEmpty());
        manager.cancelAll();
        QTRY_VERIFY_WITH_TIMEOUT(!allDone.isEmpty(), kTimeoutMs);
        QCOMPARE(manager.runningCount(), 0);
        QCOMPARE(counts.back().front().toInt(), 0);
    }

    void closingWithARunningJobAsksThenCancels() {
        core::Registry registry;  // no components are needed to close a window
        test::TempProject project;
        ui::MainWindow window(registry, ui::MainWindowOptions{false});
        window.show();
        QSignalSpy opened(&window, &ui::MainWindow::projectOpened);
        window.openProject(QString::fromStdString(project.path()));
        QTRY_VERIFY_WITH_TIMEOUT(!opened.isEmpty(), kTimeoutMs);

        ui::Job* job = window.jobs()->start(QStringLiteral("long job"), untilCancelled());
        QSignalSpy finished(job, &ui::Job::finished);
        QTRY_VERIFY(window.jobsStatusText().contains(QStringLiteral("long job")));

        // First close: refused, a question is shown, the job keeps running.
        QVERIFY(!window.close());
        QVERIFY(window.isVisible());
        QTRY_VERIFY(visibleCloseQuestion(window) != nullptr);
        QMessageBox* box = visibleCloseQuestion(window);
        QVERIFY(job->isRunning());

        // "No" keeps everything as it was.
        box->button(QMessageBox::No)->click();
        QTest::qWait(50);
        QVERIFY(window.isVisible());
        QVERIFY(job->isRunning() && !job->isCancelRequested());

        // "Yes" cancels; the window closes by itself once the job has unwound.
        QVERIFY(!window.close());
        QTRY_VERIFY(visibleCloseQuestion(window) != nullptr);
        box = visibleCloseQuestion(window);
        box->button(QMessageBox::Yes)->click();
        QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty(), kTimeoutMs);
        QCOMPARE(test::statusName(finished.front().front().value<ui::JobOutcome>().status), test::statusName(core::RunStatus::Cancelled));
        QTRY_VERIFY_WITH_TIMEOUT(!window.isVisible(), kTimeoutMs);
        QCOMPARE(window.jobs()->runningCount(), 0);
    }
};

QTEST_MAIN(TestJobs)
#include "test_jobs.moc"
