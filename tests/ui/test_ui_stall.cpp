// While a tokenizer trains and feeds the page's live plots, and while a sweep runs with its
// parallel-coordinates view updating, the UI thread keeps running: a 5 ms heartbeat timer measures
// the longest gap between its ticks (reported with qInfo; the target is under 50 ms, the assertion,
// kStallLimitMs, leaves room for a loaded 2-core CI machine).

#include <algorithm>
#include <fstream>
#include <memory>

#include <QComboBox>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTest>
#include <QTimer>

#include "jobs/job.h"
#include "main_window.h"
#include "pages/sweep_page.h"
#include "pages/tokenizer_page.h"
#include "plots/curve_plot.h"
#include "plots/parallel_coordinates.h"
#include "plots/plot_probe.h"
#include "temp_project.h"
#include "test_printers.h"
#include "tokenbench/data/synthetic.h"
#include "tokenbench/models/recommender.h"
#include "tokenbench/project.h"
#include "tokenbench/registry.h"
#include "tokenbench/storage/experiment_store.h"
#include "tokenbench/tokenizers/tokenizer.h"
#include "widgets/schema_form.h"

using namespace tokenbench;

namespace {

/// Longest UI-thread gap allowed (ms). Measured on a shared 2-core machine at load 2-9, two copies
/// of this test side by side: 14-29 ms while the tokenizer trains, 18-45 ms over a sweep. Three
/// times the worst of those still fails a UI thread that waits on a trial or trains a batch itself
/// (100-500 ms each here).
constexpr qint64 kStallLimitMs = 150;

/// A project holding the synthetic set both measurements run on.
void makeProject(const test::TempProject& project) {
    const core::ProjectPaths paths = core::ensureProject(project.path());
    core::SyntheticConfig config;
    config.users = 1500;
    config.items = 600;
    config.branching = {4, 3, 2};
    core::ExperimentStore store(paths.database);
    store.saveDataset("syn", core::generateSynthetic(config).dataset, "generator", "synthetic", "{}");
}

/// Ticks every 5 ms on the UI thread and keeps the longest gap between two ticks.
class Heartbeat final {
public:
    explicit Heartbeat(QObject* context) {
        m_timer.setTimerType(Qt::PreciseTimer);
        m_timer.setInterval(5);
        QObject::connect(&m_timer, &QTimer::timeout, context, [this] {
            const qint64 now = m_clock.elapsed();
            m_maxGap = std::max(m_maxGap, now - m_last);
            m_last = now;
            ++m_ticks;
        });
        m_clock.start();
        m_timer.start();
    }
    void stop() { m_timer.stop(); }
    [[nodiscard]] qint64 maxGap() const { return m_maxGap; }
    [[nodiscard]] qint64 ticks() const { return m_ticks; }
    [[nodiscard]] qint64 elapsed() const { return m_clock.elapsed(); }

private:
    QElapsedTimer m_clock;
    QTimer m_timer;
    qint64 m_last = 0;
    qint64 m_maxGap = 0;
    qint64 m_ticks = 0;
};

}  // namespace

class TestUiStall final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void uiStaysResponsiveWhileATokenizerTrains() {
        test::useScratchSettingsAndQuietLog();
        core::Registry registry;
        core::registerTokenizers(registry);
        test::TempProject project;
        makeProject(project);
        ui::MainWindow window(registry, ui::MainWindowOptions{false});
        window.resize(1366, 768);
        QSignalSpy ready(&window, &ui::MainWindow::dataViewsReady);
        window.show();
        window.openProject(QString::fromStdString(project.path()));
        QTRY_VERIFY_WITH_TIMEOUT(!ready.isEmpty() && window.hasProject(), 30000);

        // RQ-VAE reports a loss every step and codebook health often: a steady stream for the plots.
        ui::TokenizerPage* page = window.tokenizerPage();
        window.tabs()->setCurrentWidget(page);
        page->methodSelector()->setCurrentIndex(page->methodSelector()->findData(QStringLiteral("rq-vae")));
        QVERIFY(page->form()->setValue(QStringLiteral("levels"), QStringLiteral("3")));
        QVERIFY(page->form()->setValue(QStringLiteral("codebook_size"), QStringLiteral("32")));
        QVERIFY(page->form()->setValue(QStringLiteral("epochs"), QStringLiteral("100000")));
        QVERIFY(page->form()->setValue(QStringLiteral("batch_size"), QStringLiteral("64")));
        page->featureSelector()->setCurrentIndex(page->featureSelector()->findData(QStringLiteral("attributes")));
        ui::Job* job = page->startTraining();
        QVERIFY(job);
        QSignalSpy finished(job, &ui::Job::finished);
        int batches = 0;
        connect(job, &ui::Job::reportsArrived, this, [&batches] { ++batches; });

        // Measure once the job reports (features are built first).
        QTRY_VERIFY_WITH_TIMEOUT(page->lossPlot()->pointCount(QStringLiteral("loss")) > 0 || !finished.isEmpty(), 60000);
        QVERIFY2(finished.isEmpty(), "the job ended before the measurement");
        const int replotsBefore = page->lossPlot()->replotCount();

        Heartbeat heartbeat(this);
        QTest::qWait(3000);
        heartbeat.stop();
        const qint64 maxGap = heartbeat.maxGap(), ticks = heartbeat.ticks();
        const int replots = page->lossPlot()->replotCount() - replotsBefore;

        qInfo("UI thread: longest gap between 5 ms heartbeats %lld ms over %lld ticks in 3 s while the job ran "
              "(%d report batches, %d loss-plot replots)",
              maxGap, ticks, batches, replots);
        QVERIFY2(finished.isEmpty(), "the job should still be running during the measurement");
        QVERIFY(replots > 0);                // the plot was live
        QVERIFY(replots <= 3000 / ui::CurvePlot::kReplotIntervalMs + 2);  // and throttled
        QVERIFY2(maxGap < kStallLimitMs, qPrintable(QStringLiteral("UI stalled for %1 ms").arg(maxGap)));

        job->cancel();
        QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty(), 30000);
        QCOMPARE(test::statusName(finished.front().front().value<ui::JobOutcome>().status), test::statusName(core::RunStatus::Cancelled));
    }

    void uiStaysResponsiveWhileASweepRuns() {
        test::useScratchSettingsAndQuietLog();
        core::Registry registry;
        core::registerModels(registry);
        test::TempProject project;
        makeProject(project);
        const std::string file = project.file("stall-sweep.json");
        std::ofstream(file) << R"({"format": "tokenbench-sweep/1", "name": "stall", "dataset": "syn", "model": "sasrec",
            "search": "random", "trials": 12, "seed": 1,
            "settings": {"epochs": 1, "patience": 0, "device": "cpu"},
            "fixed": {"blocks": 1, "max_length": 10},
            "parameters": {"hidden": {"min": 8, "max": 16}, "dropout": {"min": 0.0, "max": 0.5},
                           "learning_rate": {"min": 0.0005, "max": 0.01, "log": true}}})";
        ui::MainWindow window(registry, ui::MainWindowOptions{false});
        window.resize(1366, 768);
        QSignalSpy ready(&window, &ui::MainWindow::dataViewsReady);
        window.show();
        window.openProject(QString::fromStdString(project.path()));
        QTRY_VERIFY_WITH_TIMEOUT(!ready.isEmpty() && window.hasProject(), 30000);

        ui::SweepPage* page = window.sweepPage();
        window.tabs()->setCurrentWidget(page);
        QVERIFY(page->openSweepFile(QString::fromStdString(file)));
        ui::ParallelCoordinates* plot = page->parallelPlot();
        QVERIFY(plot->isVisible());
        const int replotsBefore = plot->replotCount();

        // The whole sweep is measured: twelve trials starting and ending, the view following each,
        // the project's reload and the stored group's view at the end.
        Heartbeat heartbeat(this);
        ui::Job* job = page->startSweep();
        QVERIFY(job);
        QSignalSpy finished(job, &ui::Job::finished);
        QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty(), 180000);
        const qint64 sweepMs = heartbeat.elapsed();
        const auto outcome = finished.front().front().value<ui::JobOutcome>();
        QCOMPARE(test::statusName(outcome.status), test::statusName(core::RunStatus::Completed));
        QTRY_VERIFY_WITH_TIMEOUT(page->shownView().groupId == outcome.groupId && !page->isLoading(), 30000);
        plot->replotNow();
        heartbeat.stop();
        const int replots = plot->replotCount() - replotsBefore;

        qInfo("UI thread: longest gap between 5 ms heartbeats %lld ms over %lld ticks while a 12-trial sweep ran "
              "(%lld ms; %d parallel-coordinates replots)",
              heartbeat.maxGap(), heartbeat.ticks(), sweepMs, replots);
        QCOMPARE(plot->lineCount(), 12);
        QCOMPARE(ui::probePlot(plot->plotWidget()).plottables, 12);
        QVERIFY(replots > 2);  // the view followed the trials, not only the end
        QVERIFY2(heartbeat.maxGap() < kStallLimitMs,
                 qPrintable(QStringLiteral("UI stalled for %1 ms").arg(heartbeat.maxGap())));
    }
};

QTEST_MAIN(TestUiStall)
#include "test_ui_stall.moc"
