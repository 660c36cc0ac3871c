// The workbench driven through its real widgets on a small synthetic project: build features,
// train a small RQ-KMeans tokenizer (figures per level, heatmap, usage bars, hierarchy with the right
// child counts and purity against its baselines, item search), a collapse warning, an RQ-VAE's curves
// over steps, a one-epoch SASRec (loss and validation curves, cold/warm bars), its attention, the runs
// comparison, exports of plots, semantic IDs and models, the import wizard and drag-and-drop, and
// every page rendered at 1366×768.

#include <memory>
#include <set>
#include <utility>

#include <QAbstractItemModelTester>
#include <QAction>
#include <QComboBox>
#include <QContextMenuEvent>
#include <QDir>
#include <QDropEvent>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>
#include <QTreeWidget>
#include <QUrl>

#include "attention/attention_heatmap.h"
#include "attention/attention_history.h"
#include "attention/attention_page.h"
#include "hierarchy/hierarchy_model.h"
#include "hierarchy/hierarchy_view.h"
#include "import/import_wizard.h"
#include "jobs/job_controls.h"
#include "jobs/job_manager.h"
#include "jobs/run_exports.h"
#include "main_window.h"
#include "models/runs_table_model.h"
#include "pages/dataset_page.h"
#include "pages/feature_dialog.h"
#include "pages/model_page.h"
#include "pages/run_comparison.h"
#include "pages/runs_page.h"
#include "pages/tokenizer_page.h"
#include "plots/bar_chart.h"
#include "plots/codebook_heatmap.h"
#include "plots/curve_plot.h"
#include "plots/plot_export.h"
#include "plots/plot_probe.h"
#include "tokenbench/tokenizers/codebook_sizing.h"
#include "project_explorer.h"
#include "temp_project.h"
#include "test_printers.h"
#include "tokenbench/data/synthetic.h"
#include "tokenbench/jobs/feature_job.h"
#include "tokenbench/models/recommender.h"
#include "tokenbench/project.h"
#include "tokenbench/registry.h"
#include "tokenbench/storage/experiment_store.h"
#include "tokenbench/tokenizers/token_hierarchy.h"
#include "tokenbench/tokenizers/tokenizer.h"
#include "widgets/schema_form.h"

using namespace tokenbench;

namespace {

constexpr int kTimeoutMs = 90000;
const QString kDataset = QStringLiteral("syn");
constexpr int kItems = 120;
constexpr int kUsers = 300;

int distinctColors(const QImage& image) {
    std::set<QRgb> colors;
    for (int y = 0; y < image.height(); y += 3) {
        for (int x = 0; x < image.width(); x += 3) colors.insert(image.pixel(x, y));
    }
    return static_cast<int>(colors.size());
}

bool selectData(QComboBox* combo, const QString& data) {
    const int index = combo->findData(data);
    if (index < 0) return false;
    combo->setCurrentIndex(index);
    return true;
}

/// Every visible text item of every shown plot under `root` (the empty-state placeholders) fits
/// inside its plot's axis rect: none is clipped or runs over the tick labels.
void verifyPlotTextsFit(QWidget* root) {
    int checked = 0;
    for (QWidget* widget : root->findChildren<QWidget*>()) {
        const ui::PlotProbe probe = ui::probePlot(widget);
        if (!probe.isPlot || !widget->isVisible()) continue;
        QVERIFY2(probe.widestText <= probe.axisRectWidth,
                 qPrintable(QStringLiteral("%1: text %2 px wide in %3 px").arg(probe.title).arg(probe.widestText).arg(probe.axisRectWidth)));
        checked += probe.visibleTexts;
    }
    QVERIFY(checked > 0);
}

/// The tokenizer page's four figures of a run without training steps: values per codebook level (dots
/// on integer ticks 1..`levels`), not lines over steps.
void verifyPerLevelFigures(ui::TokenizerPage* page, int levels) {
    QStringList ticks;
    for (int level = 1; level <= levels; ++level) ticks << QString::number(level);
    for (ui::CurvePlot* plot :
         {page->lossPlot(), page->utilizationPlot(), page->perplexityPlot(), page->collisionPlot()}) {
        plot->replotNow();
        const ui::PlotProbe probe = ui::probePlot(plot->plotWidget());
        QVERIFY2(probe.xLabel == QStringLiteral("Level"),
                 qPrintable(probe.title + QStringLiteral(": x axis ") + probe.xLabel));
        QCOMPARE(probe.dataPoints, levels);
        QCOMPARE(probe.linedGraphs, 0);
        QCOMPARE(probe.xTickLabels, ticks);
    }
    QCOMPARE(ui::probePlot(page->utilizationPlot()->plotWidget()).title,
             QStringLiteral("Codebook utilization by level"));
}

}  // namespace

class TestWorkbench final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void buildFeaturesThroughTheDialog();
    void featureSetMenuTrainsATokenizerOnIt();
    void tokenizerRunShowsCurvesHeatmapAndHierarchy();
    void hierarchySearchRevealsAnItem();
    void storedRunShowsTheSameViews();
    void collapsedCodebookShowsAWarning();
    void rqVaeKeepsCurvesOverSteps();
    void modelTrainsOneEpochWithCurves();
    void attentionOfTheModelRun();
    void attentionOfATypedHistory();
    void historyLengthCountsItemsNotTokens();
    void runsSortByTestNdcg();
    void runsCompareSideBySide();
    void exportsOfPlotsIdsAndModels();
    void importWizardDetectsPreviewsAndImports();
    void droppingAFileOpensTheWizard();
    void everyPageRendersAtLaptopSize();
    void cleanupTestCase();

private:
    /// Waits until `job` finishes; returns its outcome.
    ui::JobOutcome waitFor(ui::Job* job);

    core::Registry m_registry;
    test::TempProject m_project;
    std::unique_ptr<ui::MainWindow> m_window;
    int64_t m_tokenizerRun = 0;
    int64_t m_modelRun = 0;
    bool m_modelTrained = false;
};

void TestWorkbench::initTestCase() {
    test::useScratchSettingsAndQuietLog();
    core::registerTokenizers(m_registry);
    core::registerModels(m_registry);
    QVERIFY(m_project.isValid());
    const core::ProjectPaths paths = core::ensureProject(m_project.path());
    core::SyntheticConfig config;
    config.seed = 5;
    config.users = kUsers;
    config.items = kItems;
    config.branching = {3, 2, 2};
    core::ExperimentStore store(paths.database);
    store.saveDataset(kDataset.toStdString(), core::generateSynthetic(config).dataset, "generator", "synthetic", "{}");

    m_window = std::make_unique<ui::MainWindow>(m_registry, ui::MainWindowOptions{false});
    m_window->resize(1366, 768);
    QSignalSpy ready(m_window.get(), &ui::MainWindow::dataViewsReady);
    m_window->show();
    m_window->openProject(QString::fromStdString(m_project.path()));
    QTRY_VERIFY_WITH_TIMEOUT(!ready.isEmpty() && m_window->hasProject(), kTimeoutMs);
}

void TestWorkbench::cleanupTestCase() {
    if (m_window) m_window->jobs()->cancelAll();
    QTRY_COMPARE_WITH_TIMEOUT(m_window->jobs()->runningCount(), 0, kTimeoutMs);
    m_window.reset();
}

ui::JobOutcome TestWorkbench::waitFor(ui::Job* job) {
    ui::JobOutcome outcome;
    if (!job) return outcome;
    bool done = false;
    connect(job, &ui::Job::finished, this, [&](const ui::JobOutcome& o) {
        outcome = o;
        done = true;
    });
    if (!QTest::qWaitFor([&] { return done; }, kTimeoutMs)) qWarning("job %s did not finish in time", qPrintable(job->title()));
    QCoreApplication::processEvents();  // the window's reload after the job
    return outcome;
}

void TestWorkbench::buildFeaturesThroughTheDialog() {
    ui::TokenizerPage* page = m_window->tokenizerPage();
    m_window->tabs()->setCurrentWidget(page);
    // The empty plots' placeholders fit inside the plots.
    QTRY_VERIFY(page->isVisible());
    verifyPlotTextsFit(page);
    if (QTest::currentTestFailed()) return;
    // A new user's forms start on the recommended components, not the alphabetically first ones.
    QCOMPARE(page->methodSelector()->currentData().toString(), QStringLiteral("rq-kmeans"));
    // ... with a codebook size proposed for the catalogue, not the schema's 256.
    QCOMPARE(page->form()->value(QStringLiteral("codebook_size")),
             QString::number(core::proposedCodebookSize(kItems, page->form()->value(QStringLiteral("levels")).toLongLong())));
    QVERIFY(page->form()->value(QStringLiteral("codebook_size")).toInt() < 256);
    QCOMPARE(m_window->modelPage()->modelSelector()->currentData().toString(), QStringLiteral("sasrec"));
    page->openFeatureDialog();
    auto* dialog = m_window->findChild<ui::FeatureDialog*>(QStringLiteral("featureDialog"));
    QVERIFY(dialog);
    QTRY_VERIFY(dialog->isVisible());
    dialog->setKinds({QStringLiteral("attributes")});
    dialog->setDim(8);
    QSignalSpy started(m_window->jobs(), &ui::JobManager::jobStarted);
    dialog->accept();
    QCOMPARE(started.size(), 1);
    const ui::JobOutcome outcome = waitFor(started.front().front().value<ui::Job*>());
    QVERIFY2(outcome.status == core::RunStatus::Completed, outcome.message.c_str());

    QTRY_COMPARE(m_window->explorer()->entries(ui::ProjectExplorer::Group::FeatureSets),
                 QStringList{QStringLiteral("attributes")});
    QVERIFY(page->featureSelector()->findData(QStringLiteral("attributes")) >= 0);
    QVERIFY(page->featureSelector()->itemText(0).startsWith(QStringLiteral("attributes (120 × 8)")));
}

void TestWorkbench::featureSetMenuTrainsATokenizerOnIt() {
    ui::TokenizerPage* page = m_window->tokenizerPage();
    page->featureSelector()->setCurrentIndex(page->featureSelector()->count() - 1);  // a "build:" preset
    QVERIFY(page->featureSelector()->currentData().toString() != QLatin1String("attributes"));
    m_window->tabs()->setCurrentWidget(m_window->datasetPage());

    QTreeWidget* tree = m_window->explorer()->tree();
    const QList<QTreeWidgetItem*> found = tree->findItems(QStringLiteral("attributes"), Qt::MatchExactly | Qt::MatchRecursive);
    QCOMPARE(found.size(), 1);
    tree->scrollToItem(found.front());
    const QPoint pos = tree->visualItemRect(found.front()).center();
    QContextMenuEvent event(QContextMenuEvent::Mouse, pos, tree->viewport()->mapToGlobal(pos));
    QCoreApplication::sendEvent(tree->viewport(), &event);
    QMenu* menu = nullptr;
    QTRY_VERIFY((menu = m_window->findChild<QMenu*>(QStringLiteral("explorerMenu"))) != nullptr && menu->isVisible());
    QAction* train = nullptr;
    for (QAction* action : menu->actions()) {
        if (action->text() == QLatin1String("Train a tokenizer on it")) train = action;
    }
    QVERIFY(train);
    menu->close();
    train->trigger();
    QCOMPARE(m_window->tabs()->currentWidget(), static_cast<QWidget*>(page));
    QCOMPARE(page->featureSelector()->currentData().toString(), QStringLiteral("attributes"));
}

void TestWorkbench::tokenizerRunShowsCurvesHeatmapAndHierarchy() {
    ui::TokenizerPage* page = m_window->tokenizerPage();
    QVERIFY(selectData(page->methodSelector(), QStringLiteral("rq-kmeans")));
    QCOMPARE(page->form()->componentId(), std::string("rq-kmeans"));
    QVERIFY(page->form()->setValue(QStringLiteral("levels"), QStringLiteral("2")));
    QVERIFY(page->form()->setValue(QStringLiteral("codebook_size"), QStringLiteral("6")));
    QVERIFY(page->form()->setValue(QStringLiteral("iterations"), QStringLiteral("15")));
    QVERIFY(selectData(page->featureSelector(), QStringLiteral("attributes")));

    QSignalSpy hierarchyLoaded(page->hierarchy(), &ui::HierarchyView::loaded);
    ui::Job* job = page->startTraining();
    QVERIFY(job);
    QVERIFY(page->controls()->isBusy());
    QSignalSpy reports(job, &ui::Job::reportsArrived);
    const ui::JobOutcome outcome = waitFor(job);
    QVERIFY2(outcome.status == core::RunStatus::Completed, outcome.message.c_str());
    QVERIFY(!reports.isEmpty());
    m_tokenizerRun = outcome.runId;
    QCOMPARE(page->shownRunId(), m_tokenizerRun);
    QVERIFY(!page->controls()->isBusy());
    QVERIFY(page->controls()->statusText().contains(QStringLiteral("completed")));

    // RQ-KMeans has no training steps: every figure is one dot per codebook level, on ticks 1 and 2.
    verifyPerLevelFigures(page, 2);
    if (QTest::currentTestFailed()) return;

    // Heatmap: level × code, every item counted once per level.
    ui::CodebookHeatmap* heatmap = page->heatmap();
    QCOMPARE(heatmap->levels(), 2);
    QCOMPARE(heatmap->codes(), 6);
    for (int level = 0; level < 2; ++level) {
        int64_t items = 0;
        for (int code = 0; code < 6; ++code) items += heatmap->cell(level, code);
        QCOMPARE(items, int64_t{kItems});
    }
    const ui::PlotProbe cells = ui::probePlot(heatmap->plotWidget());
    QCOMPARE(cells.colorMapCells, 12);
    QVERIFY(cells.colorMapMax > 0);
    QCOMPARE(page->usageBars()->barCount(), 6);
    QVERIFY2(page->figuresText().contains(QStringLiteral("120 items")), qPrintable(page->figuresText()));
    QVERIFY(page->collapseWarning().isEmpty());

    // The hierarchy loads after the run; its first two levels match core's hierarchy.
    QTRY_VERIFY_WITH_TIMEOUT(!hierarchyLoaded.isEmpty(), kTimeoutMs);
    ui::HierarchyModel* model = page->hierarchy()->model();
    QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    core::ExperimentStore store(core::projectPaths(m_project.path()).database, core::ExperimentStore::Access::ReadOnly);
    const core::Dataset dataset = store.loadDataset(store.findDataset(kDataset.toStdString())->id);
    const core::TokenHierarchy expected(core::SemanticIds::fromRows(store.semanticIds(m_tokenizerRun)), dataset);
    const auto top = expected.children({});
    QCOMPARE(model->rowCount(), static_cast<int>(top.size()));
    int64_t total = 0;
    for (int row = 0; row < model->rowCount(); ++row) {
        const QModelIndex index = model->index(row, 0);
        QCOMPARE(model->index(row, ui::HierarchyModel::Items).data().toLongLong(), top[static_cast<size_t>(row)].items);
        total += top[static_cast<size_t>(row)].items;
        QVERIFY(model->hasChildren(index));
        if (model->canFetchMore(index)) model->fetchMore(index);
        QCOMPARE(model->rowCount(index), static_cast<int>(expected.children(top[static_cast<size_t>(row)].prefix).size()));
        QCOMPARE(model->rowCount(index), top[static_cast<size_t>(row)].children);
    }
    QCOMPARE(total, int64_t{kItems});

    // Purity is shown with the catalogue share of the attribute it is measured on, and each level's
    // mean with what a random deal of items would give.
    QVERIFY(model->headerData(ui::HierarchyModel::Purity, Qt::Horizontal, Qt::ToolTipRole)
                .toString()
                .contains(QStringLiteral("more than half")));
    QCOMPARE(model->headerData(ui::HierarchyModel::CatalogueShare, Qt::Horizontal).toString(),
             QStringLiteral("In catalogue"));
    const QString share = model->index(0, ui::HierarchyModel::CatalogueShare).data().toString();
    QCOMPARE(share, QStringLiteral("%1 %").arg(QLocale().toString(top.front().catalogueShare * 100.0, 'f', 0)));
    QVERIFY(top.front().catalogueShare > 0.0 && top.front().catalogueShare < 1.0);
    const QString chance = QStringLiteral("L1 %1 % (%2 %)")
                               .arg(QLocale().toString(expected.meanPurity(1) * 100.0, 'f', 0),
                                    QLocale().toString(expected.chancePurity(1) * 100.0, 'f', 0));
    QVERIFY2(page->hierarchy()->statusText().contains(chance), qPrintable(page->hierarchy()->statusText()));

    // Selecting a node lists its items.
    page->hierarchy()->tree()->setCurrentIndex(model->index(0, 0));
    QCOMPARE(page->hierarchy()->itemTable()->rowCount(), static_cast<int>(top.front().items));
}

void TestWorkbench::hierarchySearchRevealsAnItem() {
    ui::HierarchyView* view = m_window->tokenizerPage()->hierarchy();
    const ui::HierarchyData* data = view->model()->hierarchy();
    QVERIFY(data);
    const int32_t item = 37;
    const QString rawId = QString::fromStdString(data->dataset.items[item].rawId);
    QVERIFY(view->search(rawId) >= 1);
    const QModelIndex current = view->tree()->currentIndex();
    QCOMPARE(current.siblingAtColumn(0).data(ui::HierarchyModel::ItemRole).toInt(), item);
    // Its ancestors are expanded and its parent is the node of its full ID.
    QVERIFY(view->tree()->isExpanded(current.parent()));
    const std::vector<int32_t> id = data->tree->idOf(item);
    QCOMPARE(view->model()->prefixOf(current.parent()), id);
    // A title word finds items too; nonsense finds none.
    const QString word = QString::fromStdString(data->dataset.items[item].title).section(QLatin1Char(' '), 0, 0);
    QVERIFY(view->search(word) >= 1);
    QCOMPARE(view->search(QStringLiteral("zzz-no-such-item")), 0);
}

void TestWorkbench::storedRunShowsTheSameViews() {
    QSignalSpy ready(m_window.get(), &ui::MainWindow::pageReady);
    QVERIFY(m_window->showPage(QStringLiteral("codebook")));
    QTRY_VERIFY_WITH_TIMEOUT(!ready.isEmpty(), kTimeoutMs);
    ui::TokenizerPage* page = m_window->tokenizerPage();
    QCOMPARE(page->shownRunId(), m_tokenizerRun);
    QCOMPARE(ui::probePlot(page->heatmap()->plotWidget()).colorMapCells, 12);
    verifyPerLevelFigures(page, 2);  // drawn from the store as while it ran
    QVERIFY(page->figuresText().contains(QStringLiteral("unique IDs")));

    // A project opened afresh shows its latest completed runs, not empty pages.
    int64_t latestTokenizerRun = 0;
    {
        core::ExperimentStore store(core::projectPaths(m_project.path()).database);
        for (const core::RunRecord& run : store.listRuns())
            if (run.kind == core::RunKind::Tokenizer && run.status == core::RunStatus::Completed)
                latestTokenizerRun = std::max(latestTokenizerRun, run.id);
    }
    QVERIFY(latestTokenizerRun > 0);
    ui::MainWindow reopened(m_registry, ui::MainWindowOptions{false});
    reopened.openProject(QString::fromStdString(m_project.path()));
    QTRY_COMPARE_WITH_TIMEOUT(reopened.tokenizerPage()->shownRunId(), latestTokenizerRun, kTimeoutMs);
}

void TestWorkbench::collapsedCodebookShowsAWarning() {
    // Every item gets the same embedding: the first level cannot use more than one code.
    QTemporaryDir dir;
    const QString csv = dir.filePath(QStringLiteral("same.csv"));
    {
        core::ExperimentStore store(core::projectPaths(m_project.path()).database);
        const int64_t datasetId = store.findDataset(kDataset.toStdString())->id;
        const core::Dataset dataset = store.loadDataset(datasetId);
        QFile file(csv);
        QVERIFY(file.open(QIODevice::WriteOnly));
        for (const core::ItemInfo& item : dataset.items) file.write(QByteArray::fromStdString(item.rawId) + ",0.5,0.25,1.0\n");
        file.close();
        core::FeatureSpec spec;
        spec.kinds = {"embeddings"};
        spec.embeddingsPath = csv.toStdString();
        core::createFeatureSet(store, datasetId, "same", spec);
    }
    m_window->reload();
    ui::TokenizerPage* page = m_window->tokenizerPage();
    QVERIFY(selectData(page->methodSelector(), QStringLiteral("rq-kmeans")));
    QVERIFY(page->form()->setValue(QStringLiteral("levels"), QStringLiteral("2")));
    QVERIFY(page->form()->setValue(QStringLiteral("codebook_size"), QStringLiteral("16")));
    QVERIFY(selectData(page->featureSelector(), QStringLiteral("same")));
    const ui::JobOutcome outcome = waitFor(page->startTraining());
    QVERIFY2(outcome.status == core::RunStatus::Completed, outcome.message.c_str());
    QVERIFY2(page->collapseWarning().contains(QStringLiteral("collapse")), qPrintable(page->collapseWarning()));
    QVERIFY(page->collapseWarning().contains(QStringLiteral("level 1")));

    // Back to the healthy run: no banner.
    QSignalSpy shown(page, &ui::TokenizerPage::runShown);
    QVERIFY(page->showRun(m_tokenizerRun));
    QTRY_VERIFY_WITH_TIMEOUT(!shown.isEmpty(), kTimeoutMs);
    QVERIFY(page->collapseWarning().isEmpty());
}

void TestWorkbench::rqVaeKeepsCurvesOverSteps() {
    ui::TokenizerPage* page = m_window->tokenizerPage();
    QVERIFY(selectData(page->methodSelector(), QStringLiteral("rq-vae")));
    const std::pair<const char*, const char*> settings[] = {{"levels", "2"},     {"codebook_size", "4"},
                                                            {"latent_dim", "4"}, {"hidden_dims", "16"},
                                                            {"epochs", "6"},     {"batch_size", "32"}};
    for (const auto& [key, value] : settings)
        QVERIFY2(page->form()->setValue(QString::fromLatin1(key), QString::fromLatin1(value)), key);
    QVERIFY(selectData(page->featureSelector(), QStringLiteral("attributes")));
    const ui::JobOutcome outcome = waitFor(page->startTraining());
    QVERIFY2(outcome.status == core::RunStatus::Completed, outcome.message.c_str());

    // RQ-VAE trains over optimizer steps: its figures stay curves over "Step".
    for (ui::CurvePlot* plot : {page->lossPlot(), page->utilizationPlot()}) {
        plot->replotNow();
        const ui::PlotProbe probe = ui::probePlot(plot->plotWidget());
        QCOMPARE(probe.xLabel, QStringLiteral("Step"));
        QVERIFY(probe.linedGraphs > 0);
    }
    QVERIFY(ui::probePlot(page->lossPlot()->plotWidget()).dataPoints >= 6);  // losses every epoch
    QCOMPARE(page->utilizationPlot()->seriesNames(), (QStringList{"Level 1", "Level 2"}));

    // Back to the RQ-KMeans run: per level again.
    QSignalSpy shown(page, &ui::TokenizerPage::runShown);
    QVERIFY(page->showRun(m_tokenizerRun));
    QTRY_VERIFY_WITH_TIMEOUT(!shown.isEmpty(), kTimeoutMs);
    verifyPerLevelFigures(page, 2);
}

void TestWorkbench::modelTrainsOneEpochWithCurves() {
    ui::ModelPage* page = m_window->modelPage();
    m_window->tabs()->setCurrentWidget(page);
    QVERIFY(selectData(page->modelSelector(), QStringLiteral("sasrec")));
    ui::SchemaForm* form = page->form();
    QVERIFY(form->setValue(QStringLiteral("hidden"), QStringLiteral("16")));
    QVERIFY(form->setValue(QStringLiteral("blocks"), QStringLiteral("1")));
    QVERIFY(form->setValue(QStringLiteral("heads"), QStringLiteral("2")));
    QVERIFY(form->setValue(QStringLiteral("max_length"), QStringLiteral("20")));
    QVERIFY(form->setValue(QStringLiteral("batch_size"), QStringLiteral("32")));
    page->epochsSpin()->setValue(1);

    ui::Job* job = page->startTraining();
    QVERIFY2(job, qPrintable(page->formError()));
    const ui::JobOutcome outcome = waitFor(job);
    QVERIFY2(outcome.status == core::RunStatus::Completed, outcome.message.c_str());
    m_modelRun = outcome.runId;
    m_modelTrained = true;
    QCOMPARE(page->shownRunId(), m_modelRun);

    const ui::PlotProbe loss = ui::probePlot(page->lossPlot()->plotWidget());
    QVERIFY(loss.dataPoints >= 1);
    QCOMPARE(loss.xLabel, QStringLiteral("Optimizer step"));
    QVERIFY(page->validationPlot()->seriesNames().contains(QStringLiteral("NDCG@10")));
    QCOMPARE(page->validationPlot()->pointCount(QStringLiteral("NDCG@10")), 1);
    QVERIFY(page->validationPlot()->seriesNames().contains(QStringLiteral("Recall@10")));
    // Cold/warm bars from the summary's test, test_cold and test_warm objects.
    QVERIFY(page->breakdownChart()->barCount() >= 4);
    QVERIFY2(page->figuresText().contains(QStringLiteral("test NDCG@10")), qPrintable(page->figuresText()));
    QVERIFY(page->exactFigures()->isHidden());  // no eval --exact yet

    // Figures as `eval --exact` stores them: beam and exact side by side for the run's test split.
    {
        core::ExperimentStore store(core::projectPaths(m_project.path()).database);
        store.appendMetrics({{m_modelRun, 0, 1, "test", "exact/ndcg@10", 0.25, 1.0},
                             {m_modelRun, 0, 1, "test", "exact_beam/ndcg@10", 0.125, 1.0},
                             {m_modelRun, 0, 1, "test", "exact/users", 40, 1.0}});
    }
    QSignalSpy shown(page, &ui::ModelPage::runShown);
    QVERIFY(page->showRun(m_modelRun));
    QTRY_VERIFY_WITH_TIMEOUT(!shown.isEmpty(), kTimeoutMs);
    QVERIFY(!page->exactFigures()->isHidden());
    const QString exact = page->exactFigures()->text();
    QVERIFY2(exact.contains(QStringLiteral("40 users")) && exact.contains(QStringLiteral("0.1250 beam")) &&
                 exact.contains(QStringLiteral("0.2500 exact")),
             qPrintable(exact));
    QCOMPARE(page->validationPlot()->pointCount(QStringLiteral("NDCG@10")), 1);  // not taken for validation
}

void TestWorkbench::attentionOfTheModelRun() {
    QVERIFY2(m_modelTrained, "needs the model run of modelTrainsOneEpochWithCurves, which failed");
    ui::AttentionPage* page = m_window->attentionPage();
    m_window->tabs()->setCurrentWidget(page);
    QVERIFY(page->selectRun(m_modelRun));
    QSignalSpy shown(page, &ui::AttentionPage::attentionShown);
    page->showAttention(QStringLiteral("#3"));
    QTRY_VERIFY_WITH_TIMEOUT(!shown.isEmpty(), kTimeoutMs);
    QVERIFY2(page->mapCount() == 2, qPrintable(page->statusText()));  // 1 block × 2 heads
    const ui::PlotProbe probe = ui::probePlot(page->heatmap()->plotWidget());
    QVERIFY(probe.colorMapCells > 1);
    QVERIFY(probe.colorMapMax > 0);
    QVERIFY(page->heatmap()->describeCell(0, 0).contains(QStringLiteral("weight")));
    QVERIFY(page->selectMap(0, 1));
    QVERIFY(!page->selectMap(3, 0));
}

void TestWorkbench::attentionOfATypedHistory() {
    QVERIFY2(m_modelTrained, "needs the model run of modelTrainsOneEpochWithCurves, which failed");
    ui::AttentionPage* page = m_window->attentionPage();
    QVERIFY(page->selectRun(m_modelRun));
    core::ExperimentStore store(core::projectPaths(m_project.path()).database, core::ExperimentStore::Access::ReadOnly);
    const core::Dataset dataset = store.loadDataset(store.findDataset(kDataset.toStdString())->id);
    const QString history = QStringLiteral("%1, %2 ,%3").arg(QString::fromStdString(dataset.items[3].rawId),
                                                             QString::fromStdString(dataset.items[40].rawId),
                                                             QString::fromStdString(dataset.items[7].rawId));
    page->itemsEdit()->setText(history);
    QCOMPARE(page->typedItems().size(), 3);

    // The typed history wins over the user; the work runs on a worker, the page stays usable.
    QSignalSpy shown(page, &ui::AttentionPage::attentionShown);
    QVERIFY(page->showRun(m_modelRun));
    QVERIFY(page->statusText().startsWith(QStringLiteral("Computing")));
    QTRY_VERIFY_WITH_TIMEOUT(!shown.isEmpty(), kTimeoutMs);
    QVERIFY2(page->mapCount() == 2, qPrintable(page->statusText()));
    QVERIFY2(page->statusText().contains(QStringLiteral("typed history")), qPrintable(page->statusText()));
    QVERIFY2(page->statusText().contains(QStringLiteral("history of 3 items")), qPrintable(page->statusText()));
    QCOMPARE(ui::probePlot(page->heatmap()->plotWidget()).colorMapCells, 9);

    // An unknown item is named in the message.
    shown.clear();
    page->itemsEdit()->setText(history + QStringLiteral(", no-such-item"));
    page->showAttentionForItems(page->typedItems());
    QTRY_VERIFY_WITH_TIMEOUT(!shown.isEmpty(), kTimeoutMs);
    QCOMPARE(page->mapCount(), 0);
    QVERIFY2(page->statusText().contains(QStringLiteral("no-such-item")), qPrintable(page->statusText()));
    page->itemsEdit()->clear();
}

void TestWorkbench::historyLengthCountsItemsNotTokens() {
    using Kind = core::AttentionPosition::Kind;
    core::AttentionMap tiger;
    tiger.positions = {{Kind::Token, 0, 0, 3, "i1"}, {Kind::Token, 0, 1, 0, "i1"}, {Kind::Token, 0, 2, 5, "i1"},
                       {Kind::Token, 1, 0, 1, "i2"}, {Kind::Token, 1, 1, 4, "i2"}, {Kind::Token, 1, 2, 2, "i2"}};
    tiger.rows = tiger.cols = 6;
    QCOMPARE(ui::historyItems(tiger), 2);
    QCOMPARE(ui::describeHistory(tiger), QStringLiteral("history of 2 items (6 tokens)"));
    core::AttentionMap bert;
    bert.positions = {{Kind::Item, 0, -1, -1, "a"}, {Kind::Item, 1, -1, -1, "b"}, {Kind::Item, 2, -1, -1, "c"},
                      {Kind::Mask, -1, -1, -1, "[MASK]"}};
    bert.rows = bert.cols = 4;
    QCOMPARE(ui::describeHistory(bert), QStringLiteral("history of 3 items"));
}

void TestWorkbench::runsSortByTestNdcg() {
    QVERIFY2(m_modelTrained, "needs the model run of modelTrainsOneEpochWithCurves, which failed");
    ui::RunsPage* runs = m_window->runsPage();
    runs->filterEdit()->clear();
    runs->view()->sortByColumn(ui::RunsTableModel::TestNdcg10, Qt::DescendingOrder);
    const QModelIndex top = runs->proxyModel()->index(0, ui::RunsTableModel::TestNdcg10);
    QCOMPARE(top.data(ui::RunsTableModel::RunIdRole).toLongLong(), m_modelRun);
    QVERIFY(top.data(ui::RunsTableModel::SortRole).toDouble() >= 0.0);
    QVERIFY(!runs->proxyModel()->index(0, ui::RunsTableModel::SecondsPerEpoch).data().toString().isEmpty());
    // Tokenizer runs have no test metrics: last.
    const int last = runs->proxyModel()->rowCount() - 1;
    QVERIFY(!runs->proxyModel()->index(last, ui::RunsTableModel::TestNdcg10).data(ui::RunsTableModel::SortRole).isValid());
    runs->view()->sortByColumn(ui::RunsTableModel::Id, Qt::DescendingOrder);

    // The details list the stored config and summary field by field.
    QVERIFY(runs->selectRun(m_modelRun));
    const auto* details = runs->findChild<QPlainTextEdit*>(QStringLiteral("runDetails"));
    QVERIFY(details);
    const QString text = details->toPlainText();
    QVERIFY2(text.contains(QStringLiteral("valid_metric")) && text.contains(QStringLiteral("model.")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("test.ndcg@10")) && text.contains(QStringLiteral("best_epoch")), qPrintable(text));
}

void TestWorkbench::runsCompareSideBySide() {
    QVERIFY2(m_modelTrained, "needs the model run of modelTrainsOneEpochWithCurves, which failed");
    ui::RunsPage* runs = m_window->runsPage();
    m_window->tabs()->setCurrentWidget(runs);
    QSignalSpy compared(runs->comparison(), &ui::RunComparison::compared);
    QVERIFY(runs->selectRuns({m_tokenizerRun, m_modelRun}));
    QTRY_VERIFY_WITH_TIMEOUT(!compared.isEmpty() && compared.back().front().toInt() == 2, kTimeoutMs);
    ui::RunComparison* comparison = runs->comparison();
    QCOMPARE(comparison->metricsTable()->columnCount(), 2);
    QVERIFY(comparison->metricsTable()->rowCount() > 5);
    QVERIFY(comparison->selectCurve(QStringLiteral("valid · ndcg@10")));
    QCOMPARE(comparison->curves()->seriesNames().size(), 1);  // only the model run has it
    QVERIFY(comparison->selectCurve(QStringLiteral("train · utilization/l0")));
    QCOMPARE(comparison->curves()->seriesNames().size(), 1);
    QVERIFY(comparison->selectBreakdownMetric(QStringLiteral("recall@10")));
    QCOMPARE(comparison->breakdown()->barCount(), 3);  // one run × all/cold/warm
}

void TestWorkbench::exportsOfPlotsIdsAndModels() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    ui::TokenizerPage* page = m_window->tokenizerPage();
    ui::ImageExportOptions options;
    options.size = QSize(640, 360);
    options.dpi = 144;
    for (QWidget* plot : {page->heatmap()->plotWidget(), page->utilizationPlot()->plotWidget(),
                          page->usageBars()->plotWidget(), m_window->modelPage()->validationPlot()->plotWidget()}) {
        for (const char* suffix : {"png", "pdf", "svg"}) {
            const QString path = dir.filePath(QStringLiteral("%1.%2").arg(plot->objectName(), QLatin1String(suffix)));
            QString error;
            QVERIFY2(ui::exportPlotImage(plot, path, options, &error), qPrintable(error));
            QVERIFY2(QFileInfo(path).size() > 2000, qPrintable(path));
        }
        QVERIFY(ui::plotDataCsv(plot).count(QLatin1Char('\n')) > 1);
    }

    // Semantic IDs as CSV (header + one row per item) and JSON.
    const std::string db = core::projectPaths(m_project.path()).database;
    const QString csv = dir.filePath(QStringLiteral("ids.csv"));
    QCOMPARE(ui::exportSemanticIds(db, m_tokenizerRun, csv.toStdString()), int64_t{kItems});
    QFile file(csv);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = file.readAll().trimmed().split('\n');
    QCOMPARE(lines.size(), kItems + 1);
    QVERIFY(lines.front().startsWith("item,c1,c2"));
    const QString json = dir.filePath(QStringLiteral("ids.json"));
    QCOMPARE(ui::exportSemanticIds(db, m_tokenizerRun, json.toStdString()), int64_t{kItems});
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, ui::exportSemanticIds(db, m_tokenizerRun, dir.filePath("ids.txt").toStdString()));

    QVERIFY2(m_modelTrained, "needs the model run of modelTrainsOneEpochWithCurves, which failed");
    {
        const QString out = dir.filePath(QStringLiteral("model"));
        ui::Job* job = m_window->jobs()->start(QStringLiteral("export"),
                                               ui::modelExportJobBody(m_project.path(), m_modelRun, out.toStdString()));
        const ui::JobOutcome outcome = waitFor(job);
        QVERIFY2(outcome.status == core::RunStatus::Completed, outcome.message.c_str());
        QVERIFY(QFileInfo(out + QStringLiteral("/weights.safetensors")).size() > 1000);
        QVERIFY(QFileInfo::exists(out + QStringLiteral("/config.json")));
    }
}

void TestWorkbench::importWizardDetectsPreviewsAndImports() {
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("tiny.csv"));
    {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("user,item,ts\n");
        for (int u = 0; u < 30; ++u) {
            for (int k = 0; k < 6; ++k) file.write(QStringLiteral("u%1,i%2,%3\n").arg(u).arg((u * 7 + k * 3) % 40).arg(1000 + k).toUtf8());
        }
    }
    m_window->openImportWizard({path});
    auto* wizard = m_window->findChild<ui::ImportWizard*>(QStringLiteral("importWizard"));
    QVERIFY(wizard);
    QCOMPARE(wizard->detectedFormat(), QStringLiteral("csv"));
    QCOMPARE(wizard->nameEdit()->text(), QStringLiteral("tiny"));
    QCOMPARE(wizard->previewTable()->columnCount(), 3);
    QVERIFY(wizard->previewTable()->rowCount() >= 10);
    QCOMPARE(wizard->previewTable()->horizontalHeaderItem(1)->text(), QStringLiteral("item"));
    const core::ImportRequest request = wizard->request();
    QCOMPARE(request.load.csv.user, std::string("user"));
    QCOMPARE(request.load.csv.item, std::string("item"));
    QCOMPARE(request.load.csv.timestamp, std::string("ts"));
    QVERIFY(request.itemTable.path.empty());
    // An item table with names for the items, joined by the import.
    const QString items = dir.filePath(QStringLiteral("items.jsonl"));
    {
        QFile file(items);
        QVERIFY(file.open(QIODevice::WriteOnly));
        for (int i = 0; i < 40; ++i)
            file.write(QStringLiteral("{\"item\": \"i%1\", \"title\": \"thing %1\", \"tags\": \"a|b%2\"}\n").arg(i).arg(i % 3).toUtf8());
    }
    wizard->itemTableEdit()->setText(items);
    wizard->attributeFieldsEdit()->setText(QStringLiteral("tags"));
    wizard->findChild<QLineEdit*>(QStringLiteral("importAttributeSeparator"))->setText(QStringLiteral("|"));
    const core::ImportRequest withTable = wizard->request();
    QCOMPARE(withTable.itemTable.path, items.toStdString());
    QCOMPARE(withTable.itemTable.mapping.idField, std::string("item"));
    QCOMPARE(withTable.itemTable.mapping.attributeFields, std::vector<std::string>{"tags"});
    QCOMPARE(withTable.itemTable.mapping.listSeparator, '|');

    QSignalSpy started(m_window->jobs(), &ui::JobManager::jobStarted);
    wizard->accept();
    QCOMPARE(started.size(), 1);
    const ui::JobOutcome outcome = waitFor(started.front().front().value<ui::Job*>());
    QVERIFY2(outcome.status == core::RunStatus::Completed, outcome.message.c_str());
    QTRY_VERIFY(m_window->explorer()->entries(ui::ProjectExplorer::Group::Datasets).contains(QStringLiteral("tiny")));

    // A second import under the same name fails with a clear message, not a crash.
    m_window->openImportWizard({path});
    QTRY_VERIFY(m_window->findChild<ui::ImportWizard*>(QStringLiteral("importWizard")));
    ui::ImportWizard* again = nullptr;
    for (ui::ImportWizard* w : m_window->findChildren<ui::ImportWizard*>()) {
        if (w->isVisible()) again = w;
    }
    QVERIFY(again);
    QSignalSpy startedAgain(m_window->jobs(), &ui::JobManager::jobStarted);
    again->accept();
    const ui::JobOutcome failed = waitFor(startedAgain.front().front().value<ui::Job*>());
    QCOMPARE(test::statusName(failed.status), test::statusName(core::RunStatus::Failed));
    QVERIFY2(QString::fromStdString(failed.message).contains(QStringLiteral("tiny")), failed.message.c_str());
}

void TestWorkbench::droppingAFileOpensTheWizard() {
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("drop.txt"));
    {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        for (int u = 1; u <= 20; ++u) file.write(QStringLiteral("%1 %2 %3 %4\n").arg(u).arg(u + 1).arg(u + 2).arg(u + 5).toUtf8());
    }
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(path)});
    QDragEnterEvent enter(QPoint(200, 200), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(m_window.get(), &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent drop(QPointF(200, 200), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(m_window.get(), &drop);
    ui::ImportWizard* wizard = nullptr;
    QTRY_VERIFY([&] {
        for (ui::ImportWizard* w : m_window->findChildren<ui::ImportWizard*>()) {
            if (w->isVisible()) wizard = w;
        }
        return wizard != nullptr;
    }());
    QCOMPARE(wizard->detectedFormat(), QStringLiteral("seqtxt"));
    QCOMPARE(QString::fromStdString(wizard->request().load.paths.front()), path);
    wizard->reject();
}

void TestWorkbench::everyPageRendersAtLaptopSize() {
    m_window->resize(1366, 768);
    for (const QString& name : ui::MainWindow::pageNames()) {
        QSignalSpy ready(m_window.get(), &ui::MainWindow::pageReady);
        QVERIFY(m_window->showPage(name));
        QTRY_VERIFY_WITH_TIMEOUT(!ready.isEmpty(), kTimeoutMs);
        QCOMPARE(ready.front().front().toString(), name);
        const QImage image = m_window->grab().toImage();
        QVERIFY(image.width() >= 1300);
        QVERIFY2(distinctColors(image) > 40, qPrintable(name));
    }
    QVERIFY(!m_window->showPage(QStringLiteral("no-such-page")));
}

QTEST_MAIN(TestWorkbench)
#include "test_workbench.moc"
