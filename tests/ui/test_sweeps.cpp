// The Sweeps page and its parallel-coordinates view: labels that never overlap at any size, values
// placed on linear, log and categorical axes, the sample sweep file opened with its trials, a tiny
// sweep run from the page and followed trial by trial, and its best trial's config copied into a
// new model run that trains with exactly that config.

#include <algorithm>
#include <cmath>
#include <fstream>
#include <memory>

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTabWidget>
#include <QTableView>
#include <QTest>

#include "jobs/job_controls.h"
#include "jobs/job_manager.h"
#include "main_window.h"
#include "models/sweep_trials_model.h"
#include "pages/model_page.h"
#include "pages/sweep_page.h"
#include "plots/parallel_coordinates.h"
#include "plots/plot_probe.h"
#include "temp_project.h"
#include "test_printers.h"
#include "tokenbench/data/synthetic.h"
#include "tokenbench/models/recommender.h"
#include "tokenbench/project.h"
#include "tokenbench/registry.h"
#include "tokenbench/storage/experiment_store.h"
#include "tokenbench/storage/run_summary.h"
#include "widgets/schema_form.h"

using namespace tokenbench;

namespace {

constexpr int kTimeoutMs = 120000;

/// Five searched parameters of every kind and the metric, as a sweep page shows them.
QVector<ui::ParallelAxis> sampleAxes() {
    using Scale = ui::ParallelAxis::Scale;
    return {
        {QStringLiteral("hidden"), Scale::Categories, 0, 0, false, {"8", "16", "32", "64"}},
        {QStringLiteral("blocks"), Scale::Categories, 0, 0, false, {"1", "2"}},
        {QStringLiteral("dropout"), Scale::Linear, 0.1, 0.5, false, {}},
        {QStringLiteral("learning_rate"), Scale::Log, 1e-4, 1e-2, false, {}},
        {QStringLiteral("max_length"), Scale::Linear, 5, 50, true, {}},
        {QStringLiteral("valid NDCG@10"), Scale::Linear, 0.01, 0.05, false, {}},
    };
}

/// Twelve trials spread over the axes; the one with the highest metric is highlighted.
QVector<ui::ParallelLine> sampleLines() {
    QVector<ui::ParallelLine> lines;
    for (int i = 0; i < 12; ++i) {
        ui::ParallelLine line;
        line.name = QStringLiteral("trial %1").arg(i + 1);
        line.values = {double(i % 4), double(i % 2), 0.1 + 0.03 * i, 1e-4 * std::pow(10.0, i / 6.0), 5.0 + 4 * i,
                       0.01 + 0.04 * ((i * 7) % 12) / 11.0};
        line.highlighted = (i * 7) % 12 == 11;
        lines << line;
    }
    return lines;
}

/// No two shown labels of `widget`'s plot overlap, and each lies inside the plot.
void verifyLabelsApart(QWidget* plot) {
    const ui::PlotProbe probe = ui::probePlot(plot);
    QVERIFY(probe.isPlot);
    QVERIFY(probe.textBoxes.size() > 10);
    const QRectF inside(0, 0, plot->width(), plot->height());
    for (int i = 0; i < probe.textBoxes.size(); ++i) {
        QVERIFY2(inside.contains(probe.textBoxes[i]), qPrintable(QStringLiteral("\"%1\" is clipped").arg(probe.texts[i])));
        for (int j = i + 1; j < probe.textBoxes.size(); ++j) {
            QVERIFY2(!probe.textBoxes[i].intersects(probe.textBoxes[j]),
                     qPrintable(QStringLiteral("\"%1\" overlaps \"%2\" at %3×%4")
                                    .arg(probe.texts[i], probe.texts[j])
                                    .arg(plot->width())
                                    .arg(plot->height())));
        }
    }
}

/// Every key of `expected` (a JSON object) has the same value in `actual`; numbers to 1e-9.
void verifySameConfig(const std::string& actual, const std::string& expected) {
    const QJsonObject a = QJsonDocument::fromJson(QByteArray::fromStdString(actual)).object();
    const QJsonObject e = QJsonDocument::fromJson(QByteArray::fromStdString(expected)).object();
    QVERIFY(!e.isEmpty());
    for (auto it = e.begin(); it != e.end(); ++it) {
        QVERIFY2(a.contains(it.key()), qPrintable(it.key()));
        if (it.value().isDouble()) {
            const double want = it.value().toDouble();
            QVERIFY2(std::abs(a.value(it.key()).toDouble() - want) <= 1e-9 * std::max(1.0, std::abs(want)),
                     qPrintable(it.key()));
        } else {
            QCOMPARE(a.value(it.key()), it.value());
        }
    }
}

}  // namespace

class TestSweeps final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() {
        test::useScratchSettingsAndQuietLog();
        core::registerModels(m_registry);
    }

    void valuesSitWhereTheirAxisSays() {
        const auto axes = sampleAxes();
        QCOMPARE(ui::ParallelCoordinates::position(axes[0], 1.0), 1.0 / 3.0);  // categories evenly spaced
        QCOMPARE(ui::ParallelCoordinates::position(axes[1], 1.0), 1.0);
        QCOMPARE(ui::ParallelCoordinates::position(axes[2], 0.3), 0.5);
        QVERIFY(std::abs(ui::ParallelCoordinates::position(axes[3], 1e-3) - 0.5) < 1e-12);  // a log axis
        QVERIFY(std::isnan(ui::ParallelCoordinates::position(axes[0], 4.0)));  // no such category
        QVERIFY(std::isnan(ui::ParallelCoordinates::position(axes[3], std::nan(""))));
    }

    void parallelCoordinatesLabelsNeverOverlap() {
        ui::ParallelCoordinates plot(QStringLiteral("Trials"), QStringLiteral("test-parallel"));
        plot.resize(900, 420);
        plot.show();
        QVERIFY(QTest::qWaitForWindowExposed(&plot));
        plot.setData(sampleAxes(), sampleLines(), 5, QStringLiteral("none"));
        plot.replotNow();
        const ui::PlotProbe probe = ui::probePlot(plot.plotWidget());
        QCOMPARE(plot.lineCount(), 12);
        QCOMPARE(probe.plottables, 12);
        QCOMPARE(probe.dataPoints, 12 * 6);
        // Names, range ends, a log axis's inner power of ten and every category are labelled.
        for (const char* text : {"hidden", "learning_rate", "valid NDCG@10", "0.01 (log)", "0.0001", "0.001", "0.5",
                                 "0.1", "5", "50", "8", "16", "32", "64"})
            QVERIFY2(probe.texts.contains(QLatin1String(text)), text);
        QVERIFY(!probe.texts.contains(QStringLiteral("none")));  // the placeholder is hidden
        verifyLabelsApart(plot.plotWidget());
        if (QTest::currentTestFailed()) return;

        // A small plot with a crowded categorical axis: labels are elided and thinned, never stacked.
        auto axes = sampleAxes();
        axes[0].categories.clear();
        for (int c = 0; c < 16; ++c) axes[0].categories << QStringLiteral("size-%1").arg(c * 8);
        for (const QSize size : {QSize(520, 260), QSize(420, 200)}) {
            plot.resize(size);
            plot.setData(axes, sampleLines(), 5, {});
            plot.replotNow();
            verifyLabelsApart(plot.plotWidget());
            if (QTest::currentTestFailed()) return;
            // Both ends stay (the top one elided in the narrowest plot), some between them go.
            const QStringList texts = ui::probePlot(plot.plotWidget()).texts;
            const QStringList categories = texts.mid(1, texts.indexOf(QStringLiteral("blocks")) - 1);
            QCOMPARE(categories.front(), QStringLiteral("size-0"));
            QVERIFY2(categories.back() == QStringLiteral("size-120") || categories.back() == QStringLiteral("size-…"),
                     qPrintable(categories.back()));
            QVERIFY2(categories.size() >= 3 && categories.size() < 16, qPrintable(categories.join(QLatin1Char(' '))));
        }
    }

    void anEmptyPlotSaysWhy() {
        ui::ParallelCoordinates plot(QStringLiteral("Trials"), QStringLiteral("test-parallel"));
        plot.resize(600, 300);
        plot.show();
        QVERIFY(QTest::qWaitForWindowExposed(&plot));
        plot.setData(sampleAxes(), {}, 5, QStringLiteral("12 trials: each appears here as it finishes"));
        plot.replotNow();
        const ui::PlotProbe probe = ui::probePlot(plot.plotWidget());
        QCOMPARE(probe.plottables, 0);
        QCOMPARE(probe.texts, QStringList{QStringLiteral("12 trials: each appears here as it finishes")});
    }

    void sampleSweepFileOpensWithItsTrials() {
        ui::MainWindow window(m_registry, ui::MainWindowOptions{false});
        ui::SweepPage* page = window.sweepPage();
        QVERIFY(page->openSweepFile(QStringLiteral(TOKENBENCH_SOURCE_DIR "/projects/sweeps/sasrec-demo-sweep.json")));
        QAbstractItemModelTester tester(page->trialsModel());
        QCOMPARE(page->trialsModel()->rowCount(), 12);
        QCOMPARE(page->shownView().axes.size(), size_t{4});
        QCOMPARE(page->shownView().dataset, std::string(core::kDemoDatasetName));
        QVERIFY(page->sweepSelector()->currentText().startsWith(QStringLiteral("Not run yet: sasrec-demo")));
        QVERIFY2(page->titleText().contains(QStringLiteral("not run yet")), qPrintable(page->titleText()));
        QCOMPARE(page->parallelPlot()->lineCount(), 0);  // nothing has run: the plot says so instead
        QCOMPARE(page->trialsModel()->headerData(3 + 3, Qt::Horizontal).toString(), QStringLiteral("learning_rate"));
        QVERIFY(!page->useBestButton()->isEnabled());

        // A broken file names itself and what is wrong; the opened one stays.
        test::TempProject temp;
        const std::string broken = temp.file("broken.json");
        std::ofstream(broken) << "{\n  \"format\": \"tokenbench-sweep/1\",\n  \"model\": \"sasrec\",,\n}\n";
        QVERIFY(!page->openSweepFile(QString::fromStdString(broken)));
        QVERIFY2(page->fileError().contains(QStringLiteral("broken.json:3")), qPrintable(page->fileError()));
        QCOMPARE(page->trialsModel()->rowCount(), 12);
    }

    void sweepRunsFromThePageAndItsBestConfigTrainsAgain() {
        test::TempProject project;
        const core::ProjectPaths paths = core::ensureProject(project.path());
        {
            core::SyntheticConfig config;
            config.users = 300;
            config.items = 120;
            config.seed = 5;
            core::ExperimentStore store(paths.database);
            (void)core::storeSyntheticDataset(store, "syn", config);
        }
        const std::string file = project.file("tiny-sweep.json");
        std::ofstream(file) << R"({"format": "tokenbench-sweep/1", "name": "tiny", "dataset": "syn", "model": "sasrec",
            "search": "random", "trials": 4, "seed": 3,
            "settings": {"epochs": 1, "patience": 0, "device": "cpu"},
            "fixed": {"blocks": 1, "max_length": 10},
            "parameters": {"hidden": [8, 16], "dropout": {"min": 0.0, "max": 0.5},
                           "learning_rate": {"min": 0.001, "max": 0.01, "log": true}}})";

        ui::MainWindow window(m_registry, ui::MainWindowOptions{false});
        window.resize(1366, 768);
        QSignalSpy ready(&window, &ui::MainWindow::dataViewsReady);
        window.show();
        window.openProject(QString::fromStdString(project.path()));
        QTRY_VERIFY_WITH_TIMEOUT(!ready.isEmpty() && window.hasProject(), kTimeoutMs);

        ui::SweepPage* page = window.sweepPage();
        window.tabs()->setCurrentWidget(page);
        QAbstractItemModelTester tester(page->trialsModel());
        QAbstractItemModelTester proxyTester(page->trialsView()->model());
        QVERIFY(page->openSweepFile(QString::fromStdString(file)));
        QVERIFY(page->controls()->startButton()->isEnabled());
        ui::Job* job = page->startSweep();
        QVERIFY(job);
        QSignalSpy finished(job, &ui::Job::finished);
        // Trials appear one by one while the job runs, and the progress bar runs once over the sweep.
        int mostLinesWhileRunning = 0;
        QVector<int> percents;
        QStringList statuses;
        connect(job, &ui::Job::reportsArrived, this, [&] {
            mostLinesWhileRunning = std::max(mostLinesWhileRunning, page->parallelPlot()->lineCount());
            percents << page->controls()->progressPercent();
            statuses << page->controls()->statusText();
        });
        QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty(), kTimeoutMs);
        const auto outcome = finished.front().front().value<ui::JobOutcome>();
        QCOMPARE(test::statusName(outcome.status), test::statusName(core::RunStatus::Completed));
        QVERIFY(outcome.groupId > 0);
        QVERIFY(mostLinesWhileRunning >= 1);
        QVERIFY(std::is_sorted(percents.begin(), percents.end()));
        QVERIFY2(std::any_of(statuses.begin(), statuses.end(), [](const QString& t) { return t.contains(QStringLiteral("trial ")); }),
                 qPrintable(statuses.join(QLatin1Char('|'))));
        QCOMPARE(page->controls()->progressPercent(), 100);
        QVERIFY2(page->controls()->statusText().startsWith(QStringLiteral("Group #%1").arg(outcome.groupId)),
                 qPrintable(page->controls()->statusText()));

        // Once the project is reloaded the stored group replaces the live view, with the same trials.
        QTRY_VERIFY_WITH_TIMEOUT(page->shownView().groupId == outcome.groupId && !page->isLoading(), kTimeoutMs);
        const core::SweepView& view = page->shownView();
        QVERIFY2(view.error.empty(), view.error.c_str());
        QCOMPARE(view.finishedTrials(), int64_t{4});
        QCOMPARE(static_cast<int64_t>(page->sweepSelector()->currentData().toLongLong()), outcome.groupId);
        QCOMPARE(page->trialsModel()->rowCount(), 4);
        QCOMPARE(page->parallelPlot()->lineCount(), 4);
        QVERIFY(view.best >= 0);
        QVERIFY2(page->bestText().startsWith(QStringLiteral("Best: trial %1").arg(view.trials[size_t(view.best)].index)),
                 qPrintable(page->bestText()));

        // The best trial's config goes to the Model page's form...
        const core::SweepTrialView best = view.trials[static_cast<size_t>(view.best)];
        QVERIFY(page->useBestButton()->isEnabled());
        page->useBestButton()->click();
        ui::ModelPage* model = window.modelPage();
        QCOMPARE(window.tabs()->currentWidget(), static_cast<QWidget*>(model));
        QCOMPARE(model->modelSelector()->currentData().toString(), QStringLiteral("sasrec"));
        QCOMPARE(model->datasetSelector()->currentText(), QStringLiteral("syn"));
        QCOMPARE(model->runNameField()->text(), QStringLiteral("tiny best (trial %1)").arg(best.index));
        verifySameConfig(model->form()->validatedConfig(), best.modelConfigJson);
        verifySameConfig(model->runSettingsForm()->validatedConfig(), best.settingsJson);
        if (QTest::currentTestFailed()) return;

        // ... and a run trained from it stores exactly the best trial's model config.
        ui::Job* again = model->startTraining();
        QVERIFY(again);
        QSignalSpy trained(again, &ui::Job::finished);
        QTRY_VERIFY_WITH_TIMEOUT(!trained.isEmpty(), kTimeoutMs);
        const auto run = trained.front().front().value<ui::JobOutcome>();
        QCOMPARE(test::statusName(run.status), test::statusName(core::RunStatus::Completed));
        core::ExperimentStore store(paths.database, core::ExperimentStore::Access::ReadOnly);
        const auto record = store.findRun(run.runId);
        QVERIFY(record);
        verifySameConfig(core::parseRunConfig(record->configJson).componentConfigJson, best.modelConfigJson);
        QCOMPARE(record->name, QStringLiteral("tiny best (trial %1)").arg(best.index).toStdString());
        QTRY_COMPARE_WITH_TIMEOUT(window.jobs()->runningCount(), 0, kTimeoutMs);
    }

private:
    core::Registry m_registry;
};

QTEST_MAIN(TestSweeps)
#include "test_sweeps.moc"
