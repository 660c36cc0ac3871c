#include "pages/tokenizer_page.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <spdlog/spdlog.h>

#include <QComboBox>
#include <QFormLayout>
#include <QFrame>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QSplitter>
#include <QStyle>
#include <QTabWidget>
#include <QToolButton>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include "hierarchy/hierarchy_view.h"
#include "jobs/core_jobs.h"
#include "jobs/job_controls.h"
#include "jobs/job_manager.h"
#include "pages/feature_dialog.h"
#include "plots/bar_chart.h"
#include "plots/codebook_heatmap.h"
#include "plots/curve_plot.h"
#include "run_status.h"
#include "widgets/banner.h"
#include "widgets/run_fields.h"
#include "widgets/schema_form.h"

namespace tokenbench::ui {
namespace {

// The job reports the final assignment once more at this step (after the last training step).
constexpr int64_t kFinalStep = std::numeric_limits<int32_t>::max();

// Kinds offered for features built on the fly, besides stored feature sets.
const char* const kFeaturePresets[] = {"attributes", "text", "cooccurrence", "attributes+cooccurrence",
                                       "text+attributes+cooccurrence"};

QString percent(double share) {
    return QStringLiteral("%1 %").arg(QLocale().toString(share * 100.0, 'f', share < 0.1 ? 2 : 1));
}

QString count(qint64 value) {
    return QLocale().toString(value);
}

}  // namespace

TokenizerPage::TokenizerPage(const core::Registry& registry, JobManager& jobs, QWidget* parent)
    : QWidget(parent), m_registry(registry), m_jobs(jobs) {
    setObjectName(QStringLiteral("tokenizerPage"));
    m_watcher = new QFutureWatcher<RunHistory>(this);
    connect(m_watcher, &QFutureWatcherBase::finished, this, &TokenizerPage::onHistoryLoaded);

    buildForm();
    buildViews();
    clearProject();
}

TokenizerPage::~TokenizerPage() = default;

void TokenizerPage::buildForm() {
    m_dataset = new QComboBox;
    m_dataset->setObjectName(QStringLiteral("tokenizerDataset"));
    m_features = new QComboBox;
    m_features->setObjectName(QStringLiteral("tokenizerFeatures"));
    m_features->setToolTip(QStringLiteral("A stored feature set, or kinds built (and stored) when the run starts."));
    auto* buildFeatures = new QToolButton;
    buildFeatures->setObjectName(QStringLiteral("buildFeaturesButton"));
    buildFeatures->setText(QStringLiteral("New…"));
    buildFeatures->setToolTip(QStringLiteral("Build and store a feature set of the selected data set"));
    m_featureDim = new QSpinBox;
    m_featureDim->setObjectName(QStringLiteral("tokenizerFeatureDim"));
    m_featureDim->setRange(2, 1024);
    m_featureDim->setValue(32);
    m_featureDim->setToolTip(QStringLiteral("Dimensions per kind when the features are built for this run"));
    m_method = new QComboBox;
    m_method->setObjectName(QStringLiteral("tokenizerMethod"));
    for (const core::ComponentInfo* info : m_registry.list(core::ComponentKind::Tokenizer)) {
        m_method->addItem(QString::fromStdString(info->displayName), QString::fromStdString(info->id));
        m_method->setItemData(m_method->count() - 1, QString::fromStdString(info->description), Qt::ToolTipRole);
    }
    m_form = new SchemaForm;
    m_form->setObjectName(QStringLiteral("tokenizerForm"));
    m_collisionStrategy = new QComboBox;
    m_collisionStrategy->setObjectName(QStringLiteral("tokenizerCollisions"));
    m_collisionStrategy->addItem(QStringLiteral("Extra level (TIGER)"), QStringLiteral("extra-level"));
    m_collisionStrategy->addItem(QStringLiteral("Nearest free code"), QStringLiteral("reassign"));
    m_collisionStrategy->addItem(QStringLiteral("Keep collisions"), QStringLiteral("none"));
    m_collisionStrategy->setToolTip(QStringLiteral("How items sharing a full ID are made unique"));
    m_seed = makeSeedField(QStringLiteral("tokenizer"));
    m_device = makeDeviceField(QStringLiteral("tokenizer"), /*withAutomatic=*/false);
    m_name = makeRunNameField(QStringLiteral("tokenizer"));
    m_controls = new JobControls(QStringLiteral("Train tokenizer"));
    m_formError = makeFormErrorLabel(QStringLiteral("tokenizer"));

    auto* featureRow = new QHBoxLayout;
    featureRow->addWidget(m_features, 1);
    featureRow->addWidget(buildFeatures);
    auto* top = new QFormLayout;
    top->addRow(QStringLiteral("Data set:"), m_dataset);
    top->addRow(QStringLiteral("Features:"), featureRow);
    top->addRow(QStringLiteral("New feature dims:"), m_featureDim);
    top->addRow(QStringLiteral("Method:"), m_method);
    auto* bottom = new QFormLayout;
    bottom->addRow(QStringLiteral("Collisions:"), m_collisionStrategy);
    bottom->addRow(QStringLiteral("Seed:"), m_seed);
    bottom->addRow(QStringLiteral("Device:"), m_device);
    bottom->addRow(QStringLiteral("Run name:"), m_name);

    auto* group = new QGroupBox(QStringLiteral("New tokenizer run"));
    auto* groupLayout = new QVBoxLayout(group);
    groupLayout->addLayout(top);
    groupLayout->addWidget(m_form);
    groupLayout->addLayout(bottom);
    groupLayout->addWidget(m_formError);
    groupLayout->addWidget(m_controls);
    groupLayout->addStretch(1);

    auto* scroll = new QScrollArea;
    scroll->setObjectName(QStringLiteral("tokenizerFormScroll"));
    scroll->setWidget(group);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setMinimumWidth(240);
    scroll->setMaximumWidth(420);

    // The form and the views share a splitter: the form can be narrowed or folded away.
    m_splitter = new QSplitter(Qt::Horizontal);
    m_splitter->setObjectName(QStringLiteral("formSplitter"));
    m_splitter->addWidget(scroll);
    m_splitter->setCollapsible(0, true);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 8, 8, 8);
    layout->addWidget(m_splitter);

    connect(m_method, qOverload<int>(&QComboBox::currentIndexChanged), this, &TokenizerPage::onMethodChanged);
    connect(m_dataset, qOverload<int>(&QComboBox::currentIndexChanged), this, &TokenizerPage::onDatasetChanged);
    connect(buildFeatures, &QToolButton::clicked, this, &TokenizerPage::openFeatureDialog);
    connect(m_features, qOverload<int>(&QComboBox::activated), this, [this] { m_userPickedFeatures = true; });
    connect(m_controls, &JobControls::startRequested, this, [this] { startTraining(); });
    onMethodChanged();
}

void TokenizerPage::buildViews() {
    m_title = new QLabel;
    m_title->setObjectName(QStringLiteral("tokenizerRunTitle"));
    QFont titleFont = m_title->font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.1);
    m_title->setFont(titleFont);
    m_figures = new QLabel;
    m_figures->setObjectName(QStringLiteral("tokenizerFigures"));
    m_figures->setWordWrap(true);
    m_figures->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_banner = makeBanner(BannerKind::Warning, &m_bannerText, this);
    m_banner->setObjectName(QStringLiteral("collapseBanner"));
    m_bannerText->setObjectName(QStringLiteral("collapseText"));
    m_banner->hide();

    m_loss = new CurvePlot(QStringLiteral("Training loss"), QStringLiteral("Step"), QStringLiteral("Loss (log scale)"),
                           QStringLiteral("tokenizer-loss"));
    m_loss->setLogY(true);
    m_utilization = new CurvePlot(QStringLiteral("Codebook utilization"), QStringLiteral("Step"),
                                  QStringLiteral("Codes used (share)"), QStringLiteral("tokenizer-utilization"));
    m_utilization->setFixedYRange(0.0, 1.05);
    m_perplexity = new CurvePlot(QStringLiteral("Code perplexity"), QStringLiteral("Step"),
                                 QStringLiteral("Perplexity (effective codes)"), QStringLiteral("tokenizer-perplexity"));
    m_collisions = new CurvePlot(QStringLiteral("Collision rate of full IDs"), QStringLiteral("Step"),
                                 QStringLiteral("Items sharing an ID (share)"), QStringLiteral("tokenizer-collisions"));
    auto* training = new QWidget;
    auto* grid = new QGridLayout(training);
    grid->setContentsMargins(0, 4, 0, 0);
    grid->setSpacing(6);
    grid->addWidget(m_loss, 0, 0);
    grid->addWidget(m_utilization, 0, 1);
    grid->addWidget(m_perplexity, 1, 0);
    grid->addWidget(m_collisions, 1, 1);

    m_heatmap = new CodebookHeatmap;
    m_usageBars = new BarChart(QStringLiteral("Items per code"), QStringLiteral("Code"), QStringLiteral("Items"),
                               QStringLiteral("codebook-level-usage"));
    m_usageLevel = new QComboBox;
    m_usageLevel->setObjectName(QStringLiteral("usageLevel"));
    auto* levelRow = new QHBoxLayout;
    levelRow->addWidget(new QLabel(QStringLiteral("Usage bars for level:")));
    levelRow->addWidget(m_usageLevel);
    levelRow->addStretch(1);
    auto* codebook = new QWidget;
    auto* codebookLayout = new QVBoxLayout(codebook);
    codebookLayout->setContentsMargins(0, 4, 0, 0);
    codebookLayout->setSpacing(4);
    codebookLayout->addWidget(m_heatmap, 1);
    codebookLayout->addLayout(levelRow);
    codebookLayout->addWidget(m_usageBars, 1);

    m_hierarchy = new HierarchyView;

    m_views = new QTabWidget;
    m_views->setObjectName(QStringLiteral("tokenizerViews"));
    m_views->addTab(training, QStringLiteral("Training"));
    m_views->addTab(codebook, QStringLiteral("Codebook"));
    m_views->addTab(m_hierarchy, QStringLiteral("Hierarchy"));

    auto* right = new QVBoxLayout;
    right->setSpacing(4);
    right->addWidget(m_title);
    right->addWidget(m_figures);
    right->addWidget(m_banner);
    right->addWidget(m_views, 1);
    auto* views = new QWidget;
    right->setContentsMargins(0, 0, 0, 0);
    views->setLayout(right);
    m_splitter->addWidget(views);
    m_splitter->setCollapsible(1, false);
    m_splitter->setStretchFactor(1, 1);
    m_splitter->setSizes({310, 1000});

    connect(m_usageLevel, qOverload<int>(&QComboBox::currentIndexChanged), this, &TokenizerPage::showUsageLevel);
}

void TokenizerPage::setView(View view) {
    m_views->setCurrentIndex(static_cast<int>(view));
}

void TokenizerPage::onMethodChanged() {
    const core::ComponentInfo* info = m_registry.find(m_method->currentData().toString().toStdString());
    if (!info) return;
    m_form->setComponent(*info);
    // Imported IDs are read from a file: the feature choice does not apply.
    const bool usesFeatures = !m_form->keys().contains(QStringLiteral("path"));
    m_features->setEnabled(usesFeatures && m_dataset->isEnabled());
    m_featureDim->setEnabled(usesFeatures);
}

void TokenizerPage::setProject(const core::ProjectPaths& paths, const std::vector<core::DatasetRecord>& datasets,
                               const std::vector<core::FeatureSetRecord>& featureSets,
                               const std::vector<core::RunRecord>& runs) {
    const bool sameProject = paths.root == m_paths.root;
    m_paths = paths;
    m_datasetRecords = datasets;
    m_featureSets = featureSets;
    m_runs = runs;

    const QString keep = m_dataset->currentText();
    {
        const QSignalBlocker blocker(m_dataset);
        m_dataset->clear();
        for (const core::DatasetRecord& record : datasets) {
            m_dataset->addItem(QString::fromStdString(record.name), QVariant::fromValue<qint64>(record.id));
        }
        if (datasets.empty()) m_dataset->addItem(QStringLiteral("No data sets"));
        m_dataset->setEnabled(!datasets.empty());
        const int index = m_dataset->findText(keep);
        if (sameProject && index >= 0 && !datasets.empty()) m_dataset->setCurrentIndex(index);
    }
    onDatasetChanged();
    m_controls->setStartEnabled(!datasets.empty());
    if (!sameProject) {
        m_shownRunId = 0;
        ++m_request;
        m_loading = false;
        m_hierarchy->clear(QStringLiteral("No tokenizer run selected"));
        resetViews(QStringLiteral("Train a tokenizer, or pick a tokenizer run in the project tree"));
        updateTitle({});
    }
}

void TokenizerPage::clearProject() {
    m_paths = {};
    m_datasetRecords.clear();
    m_featureSets.clear();
    m_runs.clear();
    m_shownRunId = 0;
    ++m_request;
    m_loading = false;
    {
        const QSignalBlocker blocker(m_dataset);
        m_dataset->clear();
        m_dataset->addItem(QStringLiteral("No project"));
        m_dataset->setEnabled(false);
    }
    fillFeatureSelector();
    m_controls->setStartEnabled(false);
    m_hierarchy->clear(QStringLiteral("No project open"));
    resetViews(QStringLiteral("No project open"));
    updateTitle({});
}

void TokenizerPage::onDatasetChanged() {
    fillFeatureSelector();
}

void TokenizerPage::fillFeatureSelector() {
    const QString keep = m_features->currentData().toString();
    const QSignalBlocker blocker(m_features);
    m_features->clear();
    const qint64 datasetId = m_dataset->isEnabled() ? m_dataset->currentData().toLongLong() : 0;
    for (const core::FeatureSetRecord& record : m_featureSets) {
        if (record.datasetId != datasetId) continue;
        const QString name = QString::fromStdString(record.name);
        m_features->addItem(QStringLiteral("%1 (%2 × %3)").arg(name).arg(record.rows).arg(record.dim), name);
    }
    if (m_features->count() > 0) m_features->insertSeparator(m_features->count());
    for (const char* preset : kFeaturePresets) {
        m_features->addItem(QStringLiteral("build: %1").arg(QLatin1String(preset)), QString::fromLatin1(preset));
    }
    int index = m_features->findData(keep);
    const bool keptPreset = index >= 0 && m_features->itemText(index).startsWith(QLatin1String("build: "));
    const bool storedFirst = !m_features->itemText(0).startsWith(QLatin1String("build: "));
    // A default preset gives way to a stored feature set; the user's own choice stays.
    if (index < 0 || (keptPreset && storedFirst && !m_userPickedFeatures)) index = 0;
    m_features->setCurrentIndex(index);
    m_features->setEnabled(datasetId > 0 && !m_form->keys().contains(QStringLiteral("path")));
}

const core::RunRecord* TokenizerPage::findRun(int64_t runId) const {
    for (const core::RunRecord& run : m_runs) {
        if (run.id == runId && run.kind == core::RunKind::Tokenizer) return &run;
    }
    return nullptr;
}

bool TokenizerPage::showRun(int64_t runId) {
    if (m_liveJob && m_liveJob->isRunning() && runId == m_liveRunId) {
        if (m_shownRunId != runId) {
            m_shownRunId = runId;
            ++m_request;
            m_loading = false;
            applyHistory(m_live);
            updateTitle(QStringLiteral("running"));
        }
        return true;
    }
    if (!findRun(runId) || m_paths.database.empty()) return false;
    m_shownRunId = runId;
    m_loading = true;
    const quint64 request = ++m_request;
    resetViews(QStringLiteral("Loading run #%1…").arg(runId));
    updateTitle(QStringLiteral("loading"));
    const std::string db = m_paths.database;
    m_watcher->setFuture(QtConcurrent::run([db, runId, request] {
        RunHistory history = loadRunHistory(db, runId);
        history.request = request;
        return history;
    }));
    return true;
}

bool TokenizerPage::showLatestRun() {
    const core::RunRecord* latest = nullptr;
    for (const core::RunRecord& run : m_runs) {
        if (run.kind == core::RunKind::Tokenizer && run.status == core::RunStatus::Completed &&
            (!latest || run.id > latest->id)) {
            latest = &run;
        }
    }
    return latest && showRun(latest->id);
}

Job* TokenizerPage::startTraining() {
    const auto fail = [this](const QString& message) -> Job* {
        m_formError->setText(message);
        m_formError->show();
        return nullptr;
    };
    m_formError->hide();
    if (m_paths.root.empty()) return fail(QStringLiteral("Open a project first."));
    if (!m_dataset->isEnabled()) return fail(QStringLiteral("This project has no data set to tokenize."));
    QString error;
    const std::string config = m_form->validatedConfig(&error);
    if (config.empty()) return fail(QStringLiteral("Check the parameters: %1").arg(error));

    core::TokenizeRequest request;
    request.projectDir = m_paths.root;
    request.dataset = m_dataset->currentText().toStdString();
    request.features = m_features->currentData().toString().toStdString();
    request.featureDim = m_featureDim->value();
    request.method = m_form->componentId();
    request.configJson = config;
    request.seed = static_cast<uint64_t>(m_seed->value());
    request.device = m_device->currentData().toString().toStdString();
    request.name = m_name->text().trimmed().toStdString();
    request.collisions = core::collisionStrategyFromString(m_collisionStrategy->currentData().toString().toStdString());
    // Methods that read IDs from a file (schema keys "path", "id_kind") take them in the request.
    if (m_form->keys().contains(QStringLiteral("path"))) {
        request.importPath = m_form->value(QStringLiteral("path")).toStdString();
        if (request.importPath.empty()) return fail(QStringLiteral("Choose the file of semantic IDs."));
        request.importKind = m_form->value(QStringLiteral("id_kind")) == QLatin1String("index")
                                 ? core::ImportedIdKind::DenseIndex
                                 : core::ImportedIdKind::RawId;
    } else if (request.features.empty()) {
        return fail(QStringLiteral("Choose item features."));
    }

    const QString title = QStringLiteral("Tokenizer %1 on %2").arg(m_method->currentText(), m_dataset->currentText());
    Job* job = m_jobs.start(title, tokenizeJobBody(request));
    m_liveJob = job;
    m_liveRunId = 0;
    m_live = RunHistory{};
    m_live.run.kind = core::RunKind::Tokenizer;
    m_live.run.componentId = request.method;
    m_live.run.status = core::RunStatus::Running;
    m_live.run.configJson = QJsonDocument(QJsonObject{{QStringLiteral("method"),
                                                       QJsonDocument::fromJson(QByteArray::fromStdString(config)).object()}})
                                .toJson(QJsonDocument::Compact)
                                .toStdString();
    m_shownRunId = 0;
    ++m_request;  // a stored run still loading is no longer wanted
    m_loading = false;
    resetViews(QStringLiteral("Waiting for the first report…"));
    m_hierarchy->clear(QStringLiteral("The token hierarchy appears when the run has finished."));
    m_codebookSize = m_form->value(QStringLiteral("codebook_size")).toInt();
    connect(job, &Job::reportsArrived, this, [this, job](const JobReports& reports) {
        if (job == m_liveJob) onLiveReports(reports);
    });
    connect(job, &Job::finished, this, [this, job](const JobOutcome& outcome) {
        if (job == m_liveJob) onLiveFinished(outcome);
        Q_EMIT jobFinished(outcome.runId);
    });
    m_controls->watch(job);
    updateTitle(QStringLiteral("starting"));
    return job;
}

void TokenizerPage::openFeatureDialog() {
    if (m_paths.root.empty() || !m_dataset->isEnabled()) return;
    const QString dataset = m_dataset->currentText();
    auto* dialog = new FeatureDialog(dataset, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog, dataset] {
        const core::FeatureSpec spec = dialog->spec();
        Job* job = m_jobs.start(QStringLiteral("Features for %1").arg(dataset),
                                featureBuildJobBody(m_paths.root, dataset.toStdString(), dialog->name().toStdString(), spec));
        connect(job, &Job::finished, this, [this](const JobOutcome& outcome) { Q_EMIT jobFinished(outcome.runId); });
    });
    dialog->open();
}

bool TokenizerPage::selectFeatureSet(int64_t featureSetId) {
    const auto record = std::find_if(m_featureSets.begin(), m_featureSets.end(),
                                     [featureSetId](const core::FeatureSetRecord& r) { return r.id == featureSetId; });
    if (record == m_featureSets.end() || !m_dataset->isEnabled()) return false;
    const int dataset = m_dataset->findData(QVariant::fromValue<qint64>(record->datasetId));
    if (dataset < 0) return false;
    m_dataset->setCurrentIndex(dataset);  // refills the feature selector for that data set
    const int features = m_features->findData(QString::fromStdString(record->name));
    if (features < 0) return false;
    m_features->setCurrentIndex(features);
    m_userPickedFeatures = true;  // the user's choice: a reload must not replace it
    return true;
}

void TokenizerPage::resetViews(const QString& placeholder) {
    m_loss->clear(placeholder);
    m_utilization->clear(placeholder);
    m_perplexity->clear(placeholder);
    m_collisions->clear(placeholder);
    m_heatmap->clear(placeholder.isEmpty() ? QStringLiteral("No codebook snapshot") : placeholder);
    m_usageBars->clear(placeholder);
    {
        const QSignalBlocker blocker(m_usageLevel);
        m_usageLevel->clear();
    }
    m_lastUsage.clear();
    m_collapseMessages.clear();
    m_banner->hide();
    m_figures->clear();
}

void TokenizerPage::onHistoryLoaded() {
    const QFuture<RunHistory> future = m_watcher->future();
    if (future.resultCount() == 0) return;
    const RunHistory history = future.result();
    if (history.request != m_request) return;  // superseded by another selection or a new job
    m_loading = false;
    if (!history.error.isEmpty()) {
        resetViews(QStringLiteral("Could not load run #%1").arg(history.runId));
        m_figures->setText(history.error);
        updateTitle(QStringLiteral("error"));
        Q_EMIT runShown(history.runId);
        return;
    }
    applyHistory(history);
    if (history.run.status == core::RunStatus::Completed) {
        m_hierarchy->showRun(m_paths.database, history.runId);
    } else {
        m_hierarchy->clear(QStringLiteral("Run #%1 has no semantic IDs (%2).")
                               .arg(history.runId)
                               .arg(runStatusLabel(history.run.status).toLower()));
    }
    Q_EMIT runShown(history.runId);
}

void TokenizerPage::applyHistory(const RunHistory& history) {
    resetViews({});
    // The codebook size (for the uniform reference) comes from the run's method config.
    const QJsonObject config = QJsonDocument::fromJson(QByteArray::fromStdString(history.run.configJson)).object();
    m_codebookSize = config.value(QStringLiteral("method")).toObject().value(QStringLiteral("codebook_size")).toInt();
    for (const core::MetricPoint& point : history.metrics) feedMetric(point);
    feedSnapshots(history.snapshots);
    for (const core::RunEvent& event : history.events) showRunEvent(event);
    const QString none = QStringLiteral("Not reported by this method");
    if (m_loss->seriesNames().isEmpty()) m_loss->setPlaceholder(none);
    if (m_utilization->seriesNames().isEmpty()) m_utilization->setPlaceholder(none);
    if (m_perplexity->seriesNames().isEmpty()) m_perplexity->setPlaceholder(none);
    if (m_collisions->seriesNames().isEmpty()) m_collisions->setPlaceholder(none);
    for (CurvePlot* plot : {m_loss, m_utilization, m_perplexity, m_collisions}) plot->replotNow();
    if (!history.run.summaryJson.empty() && history.run.summaryJson != "{}") showSummary(history.run.summaryJson);
    if (history.run.id > 0 && !history.run.createdAt.empty()) showRunSettings(history.run);
    updateTitle(runStatusLabel(history.run.status).toLower());
}

void TokenizerPage::showRunSettings(const core::RunRecord& run) {
    // The form shows what the shown run used, so "Train" repeats it (or a variation of it).
    const int method = m_method->findData(QString::fromStdString(run.componentId));
    if (method < 0) return;
    m_method->setCurrentIndex(method);
    const QJsonObject config = QJsonDocument::fromJson(QByteArray::fromStdString(run.configJson)).object();
    const QJsonObject params = config.value(QStringLiteral("method")).toObject();
    m_form->setConfig(QJsonDocument(params).toJson(QJsonDocument::Compact).toStdString());
    const int dataset = m_dataset->findData(QVariant::fromValue<qint64>(run.datasetId));
    if (dataset >= 0) m_dataset->setCurrentIndex(dataset);
    const int features = m_features->findData(config.value(QStringLiteral("features")).toString());
    if (features >= 0) m_features->setCurrentIndex(features);
    const int collisions = m_collisionStrategy->findData(config.value(QStringLiteral("collisions")).toString());
    if (collisions >= 0) m_collisionStrategy->setCurrentIndex(collisions);
    if (run.seed <= static_cast<uint64_t>(m_seed->maximum())) m_seed->setValue(static_cast<int>(run.seed));
}

void TokenizerPage::onLiveReports(const JobReports& reports) {
    if (reports.runId > 0 && m_liveRunId == 0) {
        m_liveRunId = reports.runId;
        m_live.runId = reports.runId;
        m_live.run.id = reports.runId;
        m_shownRunId = reports.runId;
        updateTitle(QStringLiteral("running"));
    }
    m_live.metrics.insert(m_live.metrics.end(), reports.metrics.begin(), reports.metrics.end());
    for (const core::CodebookSnapshot& snapshot : reports.snapshots) {
        auto it = std::find_if(m_live.snapshots.begin(), m_live.snapshots.end(),
                               [&](const core::CodebookSnapshot& s) { return s.level == snapshot.level; });
        if (it == m_live.snapshots.end()) m_live.snapshots.push_back(snapshot);
        else if (snapshot.step >= it->step) *it = snapshot;
    }
    m_live.events.insert(m_live.events.end(), reports.events.begin(), reports.events.end());

    const bool shown = m_shownRunId == m_liveRunId;
    if (!shown) return;  // another run is on screen; m_live keeps this one for later
    for (const core::MetricPoint& point : reports.metrics) feedMetric(point);
    feedSnapshots(reports.snapshots);
    for (const core::RunEvent& event : reports.events) showRunEvent(event);
}

void TokenizerPage::onLiveFinished(const JobOutcome& outcome) {
    m_live.run.status = outcome.status;
    m_live.run.summaryJson = outcome.summaryJson;
    m_live.run.message = outcome.message;
    if (m_liveRunId == 0) m_liveRunId = outcome.runId;
    if (m_shownRunId != m_liveRunId && m_shownRunId != 0) return;
    m_shownRunId = outcome.runId;
    if (outcome.status == core::RunStatus::Completed) {
        showSummary(outcome.summaryJson);
        m_hierarchy->showRun(m_paths.database, outcome.runId);
    } else {
        m_figures->setText(QString::fromStdString(outcome.message));
        m_hierarchy->clear(QStringLiteral("Run %1: no semantic IDs.").arg(runStatusLabel(outcome.status).toLower()));
    }
    for (CurvePlot* plot : {m_loss, m_utilization, m_perplexity, m_collisions}) {
        if (plot->seriesNames().isEmpty()) plot->setPlaceholder(QStringLiteral("Not reported by this method"));
        plot->replotNow();
    }
    updateTitle(runStatusLabel(outcome.status).toLower());
}

void TokenizerPage::feedMetric(const core::MetricPoint& point) {
    if (point.step >= kFinalStep) return;  // the final assignment: in the summary, not a training step
    const QString name = QString::fromStdString(point.name);
    const double x = static_cast<double>(point.step);
    if (name.startsWith(QLatin1String("loss")) || name == QLatin1String("reconstruction_error")) {
        m_loss->append(name, x, point.value);
    } else if (name.startsWith(QLatin1String("utilization/l"))) {
        m_utilization->append(QStringLiteral("Level %1").arg(name.mid(13).toInt() + 1), x, point.value);
    } else if (name.startsWith(QLatin1String("perplexity/l"))) {
        m_perplexity->append(QStringLiteral("Level %1").arg(name.mid(12).toInt() + 1), x, point.value);
    } else if (name == QLatin1String("collision_rate")) {
        m_collisions->append(QStringLiteral("Collision rate"), x, point.value);
    }
}

void TokenizerPage::feedSnapshots(const std::vector<core::CodebookSnapshot>& snapshots) {
    if (snapshots.empty()) return;
    for (const core::CodebookSnapshot& snapshot : snapshots) {
        auto it = m_lastUsage.find(snapshot.level);
        if (it == m_lastUsage.end() || snapshot.step >= it->second.first) {
            m_lastUsage[snapshot.level] = {snapshot.step, snapshot.usage};
        }
    }
    std::vector<std::vector<int64_t>> usage;
    int64_t step = 0;
    for (const auto& [level, entry] : m_lastUsage) {
        usage.resize(static_cast<size_t>(level) + 1);
        usage[static_cast<size_t>(level)] = entry.second;
        step = std::max(step, entry.first);
    }
    m_heatmap->setUsage(usage, step >= kFinalStep ? -1 : step);

    const int keep = std::max(0, m_usageLevel->currentIndex());
    {
        const QSignalBlocker blocker(m_usageLevel);
        if (m_usageLevel->count() != static_cast<int>(usage.size())) {
            m_usageLevel->clear();
            for (size_t level = 0; level < usage.size(); ++level) m_usageLevel->addItem(QString::number(level + 1));
        }
        m_usageLevel->setCurrentIndex(std::min(keep, m_usageLevel->count() - 1));
    }
    showUsageLevel(m_usageLevel->currentIndex());
}

void TokenizerPage::showUsageLevel(int level) {
    const auto it = m_lastUsage.find(level);
    if (it == m_lastUsage.end()) {
        m_usageBars->clear(QStringLiteral("No codebook snapshot"));
        return;
    }
    const std::vector<int64_t>& usage = it->second.second;
    QVector<double> keys, values;
    int64_t total = 0;
    int used = 0;
    for (size_t code = 0; code < usage.size(); ++code) {
        keys << static_cast<double>(code);
        values << static_cast<double>(usage[code]);
        total += usage[code];
        used += usage[code] > 0 ? 1 : 0;
    }
    const int codes = m_codebookSize > 0 ? m_codebookSize : static_cast<int>(usage.size());
    const double uniform = codes > 0 ? static_cast<double>(total) / codes : 0.0;
    m_usageBars->setBars(QStringLiteral("Level %1").arg(level + 1), keys, values, uniform,
                         QStringLiteral("uniform: %1 per code").arg(QLocale().toString(uniform, 'f', 1)));
    m_usageBars->setTitle(QStringLiteral("Items per code, level %1 (%2 of %3 codes used)").arg(level + 1).arg(used).arg(codes));
}

void TokenizerPage::showRunEvent(const core::RunEvent& event) {
    if (event.kind != "collapse") return;
    m_collapseMessages << QString::fromStdString(event.message);
    QStringList escaped;
    for (const QString& message : std::as_const(m_collapseMessages)) escaped << message.toHtmlEscaped();
    m_bannerText->setText(QStringLiteral("<b>Codebook collapse.</b> %1").arg(escaped.join(QStringLiteral("<br>"))));
    m_banner->show();
}

void TokenizerPage::showSummary(const std::string& summaryJson) {
    const QJsonObject s = QJsonDocument::fromJson(QByteArray::fromStdString(summaryJson)).object();
    if (s.isEmpty()) return;
    QStringList parts;
    const qint64 items = s.value(QStringLiteral("items")).toInteger();
    if (items > 0) parts << QStringLiteral("%1 items").arg(count(items));
    const int levels = s.value(QStringLiteral("levels")).toInt();
    const int codebook = s.value(QStringLiteral("codebook_size")).toInt();
    const int tokenizerLevels = static_cast<int>(s.value(QStringLiteral("utilization")).toArray().size());
    if (levels > 0) {
        QString text = QStringLiteral("%1 levels × %2 codes").arg(tokenizerLevels > 0 ? tokenizerLevels : levels).arg(codebook);
        if (tokenizerLevels > 0 && levels > tokenizerLevels) text += QStringLiteral(" (+%1 for collisions)").arg(levels - tokenizerLevels);
        parts << text;
    }
    if (s.contains(QStringLiteral("unique_ids")))
        parts << QStringLiteral("%1 unique IDs").arg(count(s.value(QStringLiteral("unique_ids")).toInteger()));
    if (s.contains(QStringLiteral("collision_rate"))) {
        parts << QStringLiteral("collisions before resolution %1 (largest group %2)")
                     .arg(percent(s.value(QStringLiteral("collision_rate")).toDouble()))
                     .arg(s.value(QStringLiteral("max_collision_group")).toInteger());
    }
    const QJsonValue error = s.value(QStringLiteral("reconstruction_error"));
    if (error.isDouble()) parts << QStringLiteral("reconstruction error %1").arg(QLocale().toString(error.toDouble(), 'g', 4));
    const QJsonArray utilization = s.value(QStringLiteral("utilization")).toArray();
    if (!utilization.isEmpty()) {
        QStringList levelsText;
        for (const QJsonValue& v : utilization) levelsText << percent(v.toDouble());
        parts << QStringLiteral("utilization %1").arg(levelsText.join(QStringLiteral(" / ")));
    }
    if (s.contains(QStringLiteral("seconds")))
        parts << JobControls::formatDuration(s.value(QStringLiteral("seconds")).toDouble());
    m_figures->setText(parts.join(QStringLiteral(" · ")));
}

void TokenizerPage::updateTitle(const QString& status) {
    if (m_shownRunId == 0 && status.isEmpty()) {
        m_title->setText(QStringLiteral("No tokenizer run shown"));
        return;
    }
    const core::RunRecord* run = findRun(m_shownRunId);
    QString name;
    if (run) name = runDisplayName(*run);
    else if (m_shownRunId > 0) name = QStringLiteral("#%1 %2").arg(m_shownRunId).arg(QString::fromStdString(m_live.run.componentId));
    else name = QStringLiteral("New run (%1)").arg(QString::fromStdString(m_live.run.componentId));
    QString text = name;
    if (run && !run->datasetName.empty()) text += QStringLiteral(" · %1").arg(QString::fromStdString(run->datasetName));
    if (!status.isEmpty()) text += QStringLiteral(" · %1").arg(status);
    m_title->setText(text);
}

QString TokenizerPage::collapseWarning() const {
    return m_banner->isHidden() ? QString() : m_bannerText->text();
}

QString TokenizerPage::figuresText() const {
    return m_figures->text();
}

}  // namespace tokenbench::ui
