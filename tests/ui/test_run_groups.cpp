// Run groups as a person sees them: a repeat started from the model page becomes one row of the
// runs table with the mean ± 95 % CI of its seeds and its runs beneath; groups sort and filter with
// their runs and stand for them when compared; the significance panel shows the paired test of two
// runs or groups with `compare`'s numbers, and says why it cannot test others.

#include <algorithm>
#include <memory>
#include <numeric>

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QItemSelectionModel>
#include <QLineEdit>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableWidget>
#include <QTest>
#include <QTreeView>

#include "jobs/job_controls.h"
#include "jobs/job_manager.h"
#include "main_window.h"
#include "models/runs_sort_proxy.h"
#include "models/runs_table_model.h"
#include "pages/model_page.h"
#include "pages/tokenizer_page.h"
#include "pages/run_comparison.h"
#include "pages/runs_page.h"
#include "pages/significance_panel.h"
#include "plots/curve_plot.h"
#include "temp_project.h"
#include "test_printers.h"
#include "tokenbench/data/synthetic.h"
#include "tokenbench/models/recommender.h"
#include "tokenbench/project.h"
#include "tokenbench/registry.h"
#include "tokenbench/storage/experiment_store.h"
#include "tokenbench/storage/run_summary.h"
#include "tokenbench/tokenizers/tokenizer.h"
#include "tokenbench/training/run_comparison.h"
#include "widgets/schema_form.h"

using namespace tokenbench;

namespace {

constexpr int kTimeoutMs = 50000;

core::RunRecord modelRun(int64_t id, double ndcg, std::optional<int64_t> group, uint64_t seed = 1) {
    core::RunRecord run;
    run.id = id;
    run.kind = core::RunKind::Model;
    run.componentId = "sasrec";
    run.name = "sasrec seed " + std::to_string(seed);
    run.status = core::RunStatus::Completed;
    run.seed = seed;
    run.groupId = group;
    run.summaryJson = QStringLiteral(R"({"test":{"ndcg@10":%1,"recall@10":0.5}})").arg(ndcg).toStdString();
    return run;
}

core::RunGroupRecord group(int64_t id, const std::string& kind, const std::string& label) {
    core::RunGroupRecord record;
    record.id = id;
    record.kind = kind;
    record.label = label;
    return record;
}

bool selectData(QComboBox* combo, const QString& data) {
    const int index = combo->findData(data);
    if (index < 0) return false;
    combo->setCurrentIndex(index);
    return true;
}

/// The test NDCG@10 of each run, from the stored summaries.
std::vector<double> testNdcg(const std::vector<core::RunRecord>& runs) {
    std::vector<double> values;
    for (const core::RunRecord& run : runs) values.push_back(core::parseTrainSummary(run.summaryJson)->test.value("ndcg@10"));
    return values;
}

}  // namespace

class TestRunGroups final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void groupRowsSortFilterAndSelectAsUnits();
    void repeatFromTheModelPageShowsAGroup();
    void tokenizerRepeatShowsTheCollisionRate();
    void comparisonShowsAGroupAsMeanAndInterval();
    void significanceOfTwoRunsShowsPValues();
    void badComparisonsSayWhy();
    void cleanupTestCase();

private:
    /// Trains `model` on data set `dataset` from the model page, `repeats` times; its outcome.
    ui::JobOutcome train(const QString& model, const QString& dataset, int repeats);
    /// Selects `runIds` (or the groups) on the runs page with the significance tab in front, and
    /// waits for the panel's answer; false when none came.
    bool testSignificance(const std::vector<int64_t>& runIds, const std::vector<int64_t>& groupIds = {});

    core::Registry m_registry;
    test::TempProject m_project;
    std::unique_ptr<ui::MainWindow> m_window;
    ui::JobOutcome m_repeat;      ///< SASRec × 3 seeds
    int64_t m_popularity = 0;     ///< popularity on "syn"
};

void TestRunGroups::initTestCase() {
    test::useScratchSettingsAndQuietLog();
    core::registerTokenizers(m_registry);
    core::registerModels(m_registry);
    QVERIFY(m_project.isValid());
    const core::ProjectPaths paths = core::ensureProject(m_project.path());
    core::ExperimentStore store(paths.database);
    for (const auto& [name, seed] : {std::pair<std::string, uint64_t>{"syn", 5}, {"other", 6}}) {
        core::SyntheticConfig config;
        config.seed = seed;
        config.users = 200;
        config.items = 80;
        config.branching = {3, 2, 2};
        store.saveDataset(name, core::generateSynthetic(config).dataset, "generator", "synthetic", "{}");
    }
    m_window = std::make_unique<ui::MainWindow>(m_registry, ui::MainWindowOptions{false});
    m_window->resize(1366, 768);
    QSignalSpy ready(m_window.get(), &ui::MainWindow::dataViewsReady);
    m_window->show();
    m_window->openProject(QString::fromStdString(m_project.path()));
    QTRY_VERIFY_WITH_TIMEOUT(!ready.isEmpty() && m_window->hasProject(), kTimeoutMs);
}

void TestRunGroups::cleanupTestCase() {
    if (m_window) m_window->jobs()->cancelAll();
    QTRY_COMPARE_WITH_TIMEOUT(m_window->jobs()->runningCount(), 0, kTimeoutMs);
    m_window.reset();
}

ui::JobOutcome TestRunGroups::train(const QString& model, const QString& dataset, int repeats) {
    ui::ModelPage* page = m_window->modelPage();
    m_window->tabs()->setCurrentWidget(page);
    ui::JobOutcome outcome;
    if (!selectData(page->modelSelector(), model) || page->datasetSelector()->findText(dataset) < 0) return outcome;
    page->datasetSelector()->setCurrentIndex(page->datasetSelector()->findText(dataset));
    if (model == QLatin1String("sasrec")) {
        for (const auto& [key, value] : {std::pair{"hidden", "8"}, {"blocks", "1"}, {"heads", "1"}, {"max_length", "20"},
                                         {"batch_size", "64"}}) {
            if (!page->form()->setValue(QString::fromLatin1(key), QString::fromLatin1(value))) return outcome;
        }
    }
    page->epochsSpin()->setValue(1);
    page->repeatsSpin()->setValue(repeats);
    ui::Job* job = page->startTraining();
    if (!job) {
        qWarning("%s", qPrintable(page->formError()));
        return outcome;
    }
    bool done = false;
    connect(job, &ui::Job::finished, this, [&](const ui::JobOutcome& o) {
        outcome = o;
        done = true;
    });
    if (!QTest::qWaitFor([&] { return done; }, kTimeoutMs)) qWarning("%s did not finish in time", qPrintable(job->title()));
    QCoreApplication::processEvents();  // the window's reload after the job
    return outcome;
}

void TestRunGroups::groupRowsSortFilterAndSelectAsUnits() {
    ui::RunsTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    // Group 7: three seeds of SASRec; group 8: a sweep of two; runs 1 and 6 on their own.
    model.setRuns({modelRun(1, 0.15, std::nullopt), modelRun(2, 0.1, 7, 1), modelRun(3, 0.2, 7, 2), modelRun(4, 0.3, 7, 3),
                   modelRun(5, 0.05, 8), modelRun(6, 0.12, std::nullopt), modelRun(9, 0.25, 8)},
                  {group(7, "repeats", "sasrec × 3 seeds"), group(8, "sweep", "hidden sweep")});
    QCOMPARE(model.rowCount(), 4);  // run 1, group 7, group 8, run 6
    const QModelIndex repeat = model.indexOfGroup(7, ui::RunsTableModel::TestNdcg10);
    QCOMPARE(model.rowCount(repeat.siblingAtColumn(0)), 3);
    // Mean 0.2, sd 0.1, t(0.975, 2) = 4.303: half-width 0.2484.
    QCOMPARE(repeat.data().toString(), QStringLiteral("0.2000 ± 0.2484"));
    QCOMPARE(repeat.data(ui::RunsTableModel::SortRole).toDouble(), 0.2);
    QCOMPARE(repeat.siblingAtColumn(ui::RunsTableModel::Name).data().toString(), QStringLiteral("sasrec × 3 seeds"));
    QCOMPARE(repeat.siblingAtColumn(ui::RunsTableModel::Status).data().toString(), QStringLiteral("3 completed"));
    QCOMPARE(repeat.siblingAtColumn(ui::RunsTableModel::Seed).data().toString(), QStringLiteral("1, 2, 3"));
    QVERIFY(ui::RunsTableModel::isGroupRow(repeat));
    QCOMPARE(model.indexOfGroup(8, ui::RunsTableModel::TestNdcg10).data().toString(), QStringLiteral("best 0.2500"));
    const QModelIndex member = model.indexOfRun(3, ui::RunsTableModel::TestNdcg10);
    QCOMPARE(member.parent().row(), repeat.row());
    QCOMPARE(member.data().toString(), QStringLiteral("0.2000"));
    QCOMPARE(member.data(ui::RunsTableModel::GroupIdRole).toLongLong(), qint64{7});

    // A group sorts among runs by its mean, its runs among themselves.
    ui::RunsSortProxy proxy;
    proxy.setSourceModel(&model);
    QAbstractItemModelTester proxyTester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    proxy.sort(ui::RunsTableModel::TestNdcg10, Qt::DescendingOrder);
    const auto topNames = [&proxy] {
        QStringList names;
        for (int row = 0; row < proxy.rowCount(); ++row) names << proxy.index(row, ui::RunsTableModel::Name).data().toString();
        return names;
    };
    QCOMPARE(topNames(), (QStringList{QStringLiteral("hidden sweep"), QStringLiteral("sasrec × 3 seeds"),
                                      QStringLiteral("sasrec seed 1"), QStringLiteral("sasrec seed 1")}));
    const QModelIndex sortedRepeat = proxy.mapFromSource(model.indexOfGroup(7));
    QCOMPARE(proxy.index(0, 0, sortedRepeat).data(ui::RunsTableModel::RunIdRole).toLongLong(), qint64{4});
    QCOMPARE(proxy.index(2, 0, sortedRepeat).data(ui::RunsTableModel::RunIdRole).toLongLong(), qint64{2});

    // Filtering keeps a group whose run matches, and all runs of a group that matches.
    proxy.setFilterCaseSensitivity(Qt::CaseInsensitive);
    proxy.setFilterKeyColumn(-1);
    proxy.setFilterFixedString(QStringLiteral("0.3000"));
    QCOMPARE(proxy.rowCount(), 1);
    QCOMPARE(proxy.rowCount(proxy.index(0, 0)), 1);
    proxy.setFilterFixedString(QStringLiteral("× 3 SEEDS"));
    QCOMPARE(proxy.rowCount(), 1);
    QCOMPARE(proxy.rowCount(proxy.index(0, 0)), 3);

    // On the page: every run of a group selected stands for the group; some of them stay runs.
    ui::RunsPage page;
    page.setRuns(model.runs(), {group(7, "repeats", "sasrec × 3 seeds"), group(8, "sweep", "hidden sweep")});
    QVERIFY(page.selectRuns({2, 3, 4}));
    std::vector<ui::ComparedEntry> entries = page.selectedEntries();
    QCOMPARE(entries.size(), size_t{1});
    QVERIFY(entries.front().group && entries.front().group->id == 7);
    QVERIFY(page.selectRuns({2, 3}));
    QCOMPARE(page.selectedEntries().size(), size_t{2});
    QVERIFY(page.selectGroups({7, 8}));
    entries = page.selectedEntries();
    QCOMPARE(entries.size(), size_t{2});
    QCOMPARE(entries[0].runIds.size() + entries[1].runIds.size(), size_t{5});
    // One group selected: its details give every figure as mean ± CI.
    QVERIFY(page.selectGroup(7));
    const QString details = page.detailsText();
    const QStringList lines = details.split(QLatin1Char('\n'));
    const auto line = std::find_if(lines.begin(), lines.end(), [](const QString& l) { return l.trimmed().startsWith(QStringLiteral("ndcg@10 ")); });
    QVERIFY2(line != lines.end() && line->contains(QStringLiteral("0.2000 ± 0.2484")) && line->contains(QStringLiteral("(n = 3)")),
             qPrintable(details));
    QVERIFY(details.contains(QStringLiteral("recall@10")));
}

void TestRunGroups::repeatFromTheModelPageShowsAGroup() {
    m_repeat = train(QStringLiteral("sasrec"), QStringLiteral("syn"), 3);
    QVERIFY2(m_repeat.status == core::RunStatus::Completed, m_repeat.message.c_str());
    QVERIFY(m_repeat.groupId > 0);
    QCOMPARE(m_repeat.groupRuns.size(), size_t{3});

    // The page followed each seed's run in turn and ends on the last, its curves not mixed with
    // the earlier seeds'.
    ui::ModelPage* page = m_window->modelPage();
    QCOMPARE(page->shownRunId(), m_repeat.groupRuns.back());
    QCOMPARE(page->validationPlot()->pointCount(QStringLiteral("NDCG@10")), 1);
    QCOMPARE(page->controls()->progressPercent(), 100);
    QVERIFY2(page->controls()->statusText().startsWith(QStringLiteral("Repeat of 3 runs")), qPrintable(page->controls()->statusText()));
    // The reload after the job keeps the settings the user typed.
    QCOMPARE(page->form()->value(QStringLiteral("hidden")), QStringLiteral("8"));
    QVERIFY2(page->figuresText().contains(QStringLiteral("Repeat of 3 seeds")) && page->figuresText().contains(QStringLiteral("±")),
             qPrintable(page->figuresText()));

    // The runs page shows (and selected) the group: one row, mean ± CI of its three runs.
    ui::RunsPage* runs = m_window->runsPage();
    QCOMPARE(runs->selectedGroupIds(), std::vector<int64_t>{m_repeat.groupId});
    const QModelIndex row = runs->model()->indexOfGroup(m_repeat.groupId, ui::RunsTableModel::TestNdcg10);
    QVERIFY(row.isValid());
    QCOMPARE(runs->model()->rowCount(row.siblingAtColumn(0)), 3);
    const std::vector<double> values = testNdcg(runs->model()->groupRuns(m_repeat.groupId));
    const double mean = std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
    const QString text = row.data().toString();
    QVERIFY2(text.contains(QStringLiteral("±")), qPrintable(text));
    QCOMPARE(text.section(QStringLiteral(" ± "), 0, 0), QString::number(mean, 'f', 4));
    QVERIFY(runs->proxyModel()->mapFromSource(row).isValid());
    QVERIFY2(runs->detailsText().contains(QStringLiteral("(n = 3)")), qPrintable(runs->detailsText()));
}

void TestRunGroups::tokenizerRepeatShowsTheCollisionRate() {
    ui::TokenizerPage* page = m_window->tokenizerPage();
    m_window->tabs()->setCurrentWidget(page);
    QVERIFY(selectData(page->methodSelector(), QStringLiteral("rq-kmeans")));
    page->featureSelector()->setCurrentIndex(page->featureSelector()->count() - 1);  // features built for the run
    QVERIFY(page->form()->setValue(QStringLiteral("levels"), QStringLiteral("2")));
    QVERIFY(page->form()->setValue(QStringLiteral("codebook_size"), QStringLiteral("6")));
    QVERIFY(page->form()->setValue(QStringLiteral("iterations"), QStringLiteral("10")));
    page->repeatsSpin()->setValue(2);
    ui::Job* job = page->startTraining();
    QVERIFY2(job, qPrintable(page->formError()));
    QSignalSpy finished(job, &ui::Job::finished);
    QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty(), kTimeoutMs);
    QCoreApplication::processEvents();
    const auto outcome = finished.front().front().value<ui::JobOutcome>();
    QVERIFY2(outcome.status == core::RunStatus::Completed, outcome.message.c_str());
    QCOMPARE(outcome.groupRuns.size(), size_t{2});

    ui::RunsPage* runs = m_window->runsPage();
    const QModelIndex row = runs->model()->indexOfGroup(outcome.groupId, ui::RunsTableModel::CollisionRate);
    QVERIFY(row.isValid());
    double sum = 0.0;
    for (const core::RunRecord& run : runs->model()->groupRuns(outcome.groupId)) {
        sum += runs->model()->indexOfRun(run.id, ui::RunsTableModel::CollisionRate).data(ui::RunsTableModel::SortRole).toDouble();
    }
    const QString text = row.data().toString();
    QVERIFY2(text.contains(QStringLiteral("±")), qPrintable(text));
    QCOMPARE(text.section(QStringLiteral(" ± "), 0, 0), QString::number(sum / 2.0, 'f', 4));
    QVERIFY(row.siblingAtColumn(ui::RunsTableModel::TestNdcg10).data().toString().isEmpty());
}

void TestRunGroups::comparisonShowsAGroupAsMeanAndInterval() {
    QVERIFY2(m_repeat.groupId > 0, "needs the repeat of repeatFromTheModelPageShowsAGroup");
    const ui::JobOutcome popularity = train(QStringLiteral("popularity"), QStringLiteral("syn"), 1);
    QVERIFY2(popularity.status == core::RunStatus::Completed, popularity.message.c_str());
    QCOMPARE(popularity.groupId, int64_t{0});
    m_popularity = popularity.runId;

    ui::RunsPage* runs = m_window->runsPage();
    m_window->tabs()->setCurrentWidget(runs);
    runs->view()->clearSelection();
    QSignalSpy compared(runs->comparison(), &ui::RunComparison::compared);
    QVERIFY(runs->selectGroup(m_repeat.groupId));
    QTRY_VERIFY_WITH_TIMEOUT(!compared.isEmpty() && compared.back().front().toInt() == 3, kTimeoutMs);
    compared.clear();
    runs->view()->selectionModel()->select(runs->proxyModel()->mapFromSource(runs->model()->indexOfRun(m_popularity)),
                                           QItemSelectionModel::Select | QItemSelectionModel::Rows);
    QTRY_VERIFY_WITH_TIMEOUT(!compared.isEmpty() && compared.back().front().toInt() == 4, kTimeoutMs);
    ui::RunComparison* comparison = runs->comparison();
    QCOMPARE(comparison->comparedColumns(), 2);
    QTableWidget* table = comparison->metricsTable();
    int groupColumn = -1;
    for (int c = 0; c < table->columnCount(); ++c) {
        if (table->horizontalHeaderItem(c)->text().contains(QStringLiteral("(3 runs)"))) groupColumn = c;
    }
    QVERIFY(groupColumn >= 0);
    int ndcgRow = -1;
    for (int r = 0; r < table->rowCount(); ++r) {
        if (table->verticalHeaderItem(r)->text() == QLatin1String("test.ndcg@10")) ndcgRow = r;
    }
    QVERIFY(ndcgRow >= 0);
    const std::vector<double> values = testNdcg(runs->model()->groupRuns(m_repeat.groupId));
    const double mean = std::accumulate(values.begin(), values.end(), 0.0) / 3.0;
    const QString cell = table->item(ndcgRow, groupColumn)->text();
    QCOMPARE(cell.section(QStringLiteral(" ± "), 0, 0), QString::number(mean, 'f', 4));
    QCOMPARE(table->item(ndcgRow, 1 - groupColumn)->text().contains(QStringLiteral("±")), false);
    // The group's curve is one mean curve, not three.
    QVERIFY(comparison->selectCurve(QStringLiteral("valid · ndcg@10")));
    const QStringList series = comparison->curves()->seriesNames();
    QCOMPARE(series.filter(QStringLiteral("(3 runs)")).size(), 1);
    QVERIFY2(series.filter(QRegularExpression(QStringLiteral("seed \\d+$"))).isEmpty(), qPrintable(series.join(QStringLiteral(", "))));
}

bool TestRunGroups::testSignificance(const std::vector<int64_t>& runIds, const std::vector<int64_t>& groupIds) {
    ui::RunsPage* runs = m_window->runsPage();
    m_window->tabs()->setCurrentWidget(runs);
    runs->showComparison(true);
    runs->comparison()->showSignificance();
    runs->view()->clearSelection();
    QSignalSpy compared(runs->comparison(), &ui::RunComparison::compared);
    if (!groupIds.empty() && !runs->selectGroups(groupIds)) return false;
    for (int64_t id : runIds) {
        runs->view()->selectionModel()->select(runs->proxyModel()->mapFromSource(runs->model()->indexOfRun(id)),
                                               QItemSelectionModel::Select | QItemSelectionModel::Rows);
    }
    return QTest::qWaitFor(
        [&] {
            return !compared.isEmpty() && compared.back().front().toInt() > 0 &&
                   !runs->comparison()->significance()->isComputing();
        },
        kTimeoutMs);
}

void TestRunGroups::significanceOfTwoRunsShowsPValues() {
    QVERIFY2(m_popularity > 0, "needs the runs of the tests before");
    ui::SignificancePanel* panel = m_window->runsPage()->comparison()->significance();
    // While the test runs, the panel says so.
    QStringList statusWhenLoaded;
    QObject watching;
    connect(m_window->runsPage()->comparison(), &ui::RunComparison::compared, &watching,
            [&] { statusWhenLoaded << panel->statusText(); });
    const int64_t seedRun = m_repeat.groupRuns.front();
    QVERIFY(testSignificance({seedRun, m_popularity}));
    QVERIFY(!statusWhenLoaded.isEmpty() && statusWhenLoaded.back().startsWith(QStringLiteral("Computing…")));
    QVERIFY2(panel->result().has_value(), qPrintable(panel->statusText()));

    // The numbers `compare` prints for the same sides.
    const core::RunComparison& shown = *panel->result();
    std::vector<int64_t> sides = {shown.a.runs.front(), shown.b.runs.front()};
    std::sort(sides.begin(), sides.end());
    QCOMPARE(sides, (std::vector<int64_t>{std::min(seedRun, m_popularity), std::max(seedRun, m_popularity)}));
    const core::RunComparison expected = core::compareRuns(m_project.path(), shown.a.runs, shown.b.runs);
    const QString text = panel->resultText();
    QVERIFY2(text.contains(QStringLiteral("Paired t-test: p = %1").arg(QString::number(expected.paired.pValue, 'g', 3))), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("Paired bootstrap: p = %1").arg(QString::number(expected.paired.bootstrapPValue, 'g', 3))),
             qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("Users: %1 (test split)").arg(expected.paired.n)), qPrintable(text));
    QVERIFY2(text.contains(QString::asprintf("Difference B − A: %+.4f NDCG@10", expected.paired.meanDifference)), qPrintable(text));
    QVERIFY2(text.contains(QString::asprintf("Effect size d_z: %.3f", expected.paired.effectSize)), qPrintable(text));
    QVERIFY(expected.paired.n > 50);

    // Another metric is tested again; a group side shows its mean ± CI over its runs.
    QSignalSpy computed(panel, &ui::SignificancePanel::computed);
    QVERIFY(panel->selectMetric(QStringLiteral("recall@10")));
    QTRY_VERIFY_WITH_TIMEOUT(!computed.isEmpty(), kTimeoutMs);
    QCOMPARE(panel->result()->metric, std::string("recall@10"));
    QVERIFY(panel->selectMetric(QStringLiteral("ndcg@10")));
    QVERIFY(testSignificance({m_popularity}, {m_repeat.groupId}));
    QVERIFY2(panel->result().has_value(), qPrintable(panel->statusText()));
    QVERIFY2(panel->resultText().contains(QStringLiteral("(95 % CI over 3 runs)")), qPrintable(panel->resultText()));
}

void TestRunGroups::badComparisonsSayWhy() {
    QVERIFY2(m_popularity > 0, "needs the runs of the tests before");
    ui::SignificancePanel* panel = m_window->runsPage()->comparison()->significance();

    // Three runs: nothing to pair.
    QVERIFY(testSignificance({m_popularity, m_repeat.groupRuns[0], m_repeat.groupRuns[1]}));
    QVERIFY2(panel->statusText().startsWith(QStringLiteral("Select exactly two")), qPrintable(panel->statusText()));
    QVERIFY(panel->resultText().isEmpty());

    // A run of another data set.
    const ui::JobOutcome other = train(QStringLiteral("popularity"), QStringLiteral("other"), 1);
    QVERIFY2(other.status == core::RunStatus::Completed, other.message.c_str());
    QVERIFY(testSignificance({m_popularity, other.runId}));
    QVERIFY2(panel->statusText().startsWith(QStringLiteral("Cannot test these runs")) &&
                 panel->statusText().contains(QStringLiteral("same data set")),
             qPrintable(panel->statusText()));
    QVERIFY(!panel->result().has_value());

    // A tokenizer run.
    int64_t tokenizer = 0;
    {
        core::ExperimentStore store(core::projectPaths(m_project.path()).database);
        core::RunSpec spec;
        spec.kind = core::RunKind::Tokenizer;
        spec.componentId = "rq-kmeans";
        spec.datasetId = store.findDataset("syn")->id;
        tokenizer = store.createRun(spec);
        store.finishRun(tokenizer, core::RunStatus::Completed, R"({"collision_rate":0.02})");
    }
    m_window->reload();
    QVERIFY(testSignificance({m_popularity, tokenizer}));
    QVERIFY2(panel->statusText().contains(QStringLiteral("is a tokenizer run")), qPrintable(panel->statusText()));
    QVERIFY(panel->resultText().isEmpty());
}

QTEST_MAIN(TestRunGroups)
#include "test_run_groups.moc"
