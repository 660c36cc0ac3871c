#include "pages/model_page.h"

#include <algorithm>

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QFrame>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QRegularExpression>
#include <QScrollArea>
#include <QSpinBox>
#include <QSplitter>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include "jobs/core_jobs.h"
#include "jobs/job_controls.h"
#include "jobs/job_manager.h"
#include "pages/metric_names.h"
#include "plots/bar_chart.h"
#include "plots/curve_plot.h"
#include "run_status.h"
#include "widgets/run_fields.h"
#include "tokenbench/jobs/run_settings.h"
#include "widgets/schema_form.h"

namespace tokenbench::ui {

ModelPage::ModelPage(const core::Registry& registry, JobManager& jobs, QWidget* parent)
    : QWidget(parent), m_registry(registry), m_jobs(jobs) {
    setObjectName(QStringLiteral("modelPage"));
    m_watcher = new QFutureWatcher<RunHistory>(this);
    connect(m_watcher, &QFutureWatcherBase::finished, this, &ModelPage::onHistoryLoaded);
    buildForm();
    buildViews();
    clearProject();
}

ModelPage::~ModelPage() = default;

QSpinBox* ModelPage::epochsSpin() const {
    return m_runSettings->findChild<QSpinBox*>(QStringLiteral("param_epochs"));
}

void ModelPage::buildForm() {
    m_dataset = new QComboBox;
    m_dataset->setObjectName(QStringLiteral("modelDataset"));
    m_model = new QComboBox;
    m_model->setObjectName(QStringLiteral("modelSelector"));
    for (const core::ComponentInfo* info : m_registry.list(core::ComponentKind::Model)) {
        m_model->addItem(QString::fromStdString(info->displayName), QString::fromStdString(info->id));
        m_model->setItemData(m_model->count() - 1, QString::fromStdString(info->description), Qt::ToolTipRole);
    }
    m_tokenizerRun = new QComboBox;
    m_tokenizerRun->setObjectName(QStringLiteral("modelTokenizerRun"));
    m_tokenizerRun->setToolTip(QStringLiteral("Generative models train on the semantic IDs of a finished tokenizer run."));
    m_tokenizerLabel = new QLabel(QStringLiteral("Semantic IDs:"));
    m_form = new SchemaForm;
    m_form->setObjectName(QStringLiteral("modelForm"));
    // Run settings: a form from core's schema, so its ranges are the CLI's and the experiment files'.
    m_runSettings = new SchemaForm;
    m_runSettings->setObjectName(QStringLiteral("modelRunSettings"));
    m_runSettings->setComponent(core::runSettingsInfo());
    m_runSettings->setValue(QStringLiteral("epochs"), QStringLiteral("20"));  // the page's quicker start
    m_name = makeRunNameField(QStringLiteral("model"));
    m_controls = new JobControls(QStringLiteral("Train model"));
    m_formError = makeFormErrorLabel(QStringLiteral("model"));

    auto* top = new QFormLayout;
    top->addRow(QStringLiteral("Data set:"), m_dataset);
    top->addRow(QStringLiteral("Model:"), m_model);
    top->addRow(m_tokenizerLabel, m_tokenizerRun);
    auto* bottom = new QFormLayout;
    bottom->addRow(QStringLiteral("Run name:"), m_name);

    auto* group = new QGroupBox(QStringLiteral("New model run"));
    auto* groupLayout = new QVBoxLayout(group);
    groupLayout->addLayout(top);
    groupLayout->addWidget(m_form);
    groupLayout->addWidget(m_runSettings);
    groupLayout->addLayout(bottom);
    groupLayout->addWidget(m_formError);
    groupLayout->addWidget(m_controls);
    groupLayout->addStretch(1);

    auto* scroll = new QScrollArea;
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

    connect(m_model, qOverload<int>(&QComboBox::currentIndexChanged), this, &ModelPage::onModelChanged);
    connect(m_dataset, qOverload<int>(&QComboBox::currentIndexChanged), this, &ModelPage::fillTokenizerRuns);
    connect(m_controls, &JobControls::startRequested, this, [this] { startTraining(); });
    onModelChanged();
}

void ModelPage::buildViews() {
    m_title = new QLabel;
    m_title->setObjectName(QStringLiteral("modelRunTitle"));
    QFont titleFont = m_title->font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.1);
    m_title->setFont(titleFont);
    m_figures = new QLabel;
    m_figures->setObjectName(QStringLiteral("modelFigures"));
    m_figures->setWordWrap(true);
    m_figures->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_loss = new CurvePlot(QStringLiteral("Training loss"), QStringLiteral("Optimizer step"), QStringLiteral("Loss"),
                           QStringLiteral("model-loss"));
    m_validation = new CurvePlot(QStringLiteral("Validation (full ranking)"), QStringLiteral("Epoch"),
                                 QStringLiteral("Metric value"), QStringLiteral("model-validation"));
    m_validation->setIntegerX(true);
    m_validation->setMarkers(true);
    m_validation->setToolTip(QStringLiteral("Recall and NDCG at 10 and 20 over all items, after each epoch's validation"));
    m_breakdown = new BarChart(QStringLiteral("Test metrics: all, cold and warm targets"), QStringLiteral("Metric"),
                               QStringLiteral("Value"), QStringLiteral("model-cold-warm"));

    auto* plots = new QSplitter(Qt::Horizontal);
    plots->addWidget(m_loss);
    plots->addWidget(m_validation);
    plots->setChildrenCollapsible(false);
    auto* column = new QSplitter(Qt::Vertical);
    column->addWidget(plots);
    column->addWidget(m_breakdown);
    column->setStretchFactor(0, 3);
    column->setStretchFactor(1, 2);
    column->setChildrenCollapsible(false);

    auto* right = new QVBoxLayout;
    right->setSpacing(4);
    right->addWidget(m_title);
    right->addWidget(m_figures);
    right->addWidget(column, 1);
    auto* views = new QWidget;
    right->setContentsMargins(0, 0, 0, 0);
    views->setLayout(right);
    m_splitter->addWidget(views);
    m_splitter->setCollapsible(1, false);
    m_splitter->setStretchFactor(1, 1);
    m_splitter->setSizes({310, 1000});
}

void ModelPage::onModelChanged() {
    const core::ComponentInfo* info = m_registry.find(m_model->currentData().toString().toStdString());
    if (!info) return;
    m_form->setComponent(*info);
    m_tokenizerRun->setEnabled(info->needsSemanticIds && m_tokenizerRun->count() > 0 &&
                               m_tokenizerRun->itemData(0).toLongLong() > 0);
    m_tokenizerLabel->setEnabled(info->needsSemanticIds);
    m_tokenizerRun->setVisible(info->needsSemanticIds);
    m_tokenizerLabel->setVisible(info->needsSemanticIds);
}

void ModelPage::fillTokenizerRuns() {
    const qint64 keep = m_tokenizerRun->currentData().toLongLong();
    const qint64 datasetId = m_dataset->isEnabled() ? m_dataset->currentData().toLongLong() : 0;
    {
        const QSignalBlocker blocker(m_tokenizerRun);
        m_tokenizerRun->clear();
        for (auto it = m_runs.rbegin(); it != m_runs.rend(); ++it) {
            if (it->kind != core::RunKind::Tokenizer || it->status != core::RunStatus::Completed || it->datasetId != datasetId)
                continue;
            m_tokenizerRun->addItem(runDisplayName(*it), QVariant::fromValue<qint64>(it->id));
        }
        if (m_tokenizerRun->count() == 0) m_tokenizerRun->addItem(QStringLiteral("No finished tokenizer run"), 0);
        const int index = m_tokenizerRun->findData(QVariant::fromValue<qint64>(keep));
        if (index >= 0) m_tokenizerRun->setCurrentIndex(index);
    }
    onModelChanged();
}

void ModelPage::setProject(const core::ProjectPaths& paths, const std::vector<core::DatasetRecord>& datasets,
                           const std::vector<core::RunRecord>& runs) {
    const bool sameProject = paths.root == m_paths.root;
    m_paths = paths;
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
    fillTokenizerRuns();
    m_controls->setStartEnabled(!datasets.empty());
    if (!sameProject) {
        m_shownRunId = 0;
        ++m_request;
        resetViews(QStringLiteral("Train a model, or pick a model run in the project tree"));
        updateTitle({});
    } else if (m_shownRunId > 0) {
        updateTitle({});
    }
}

void ModelPage::clearProject() {
    m_paths = {};
    m_runs.clear();
    m_shownRunId = 0;
    ++m_request;
    {
        const QSignalBlocker blocker(m_dataset);
        m_dataset->clear();
        m_dataset->addItem(QStringLiteral("No project"));
        m_dataset->setEnabled(false);
    }
    fillTokenizerRuns();
    m_controls->setStartEnabled(false);
    resetViews(QStringLiteral("No project open"));
    updateTitle({});
}

const core::RunRecord* ModelPage::findRun(int64_t runId) const {
    for (const core::RunRecord& run : m_runs) {
        if (run.id == runId && run.kind == core::RunKind::Model) return &run;
    }
    return nullptr;
}

bool ModelPage::showRun(int64_t runId) {
    if (m_liveJob && m_liveJob->isRunning() && runId == m_liveRunId) {
        if (m_shownRunId != runId) {
            m_shownRunId = runId;
            ++m_request;
            applyHistory(m_live);
            updateTitle(QStringLiteral("running"));
        }
        return true;
    }
    if (!findRun(runId) || m_paths.database.empty()) return false;
    m_shownRunId = runId;
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

bool ModelPage::showLatestRun() {
    const core::RunRecord* latest = nullptr;
    for (const core::RunRecord& run : m_runs) {
        if (run.kind == core::RunKind::Model && run.status == core::RunStatus::Completed && (!latest || run.id > latest->id))
            latest = &run;
    }
    return latest && showRun(latest->id);
}

Job* ModelPage::startTraining() {
    const auto fail = [this](const QString& message) -> Job* {
        m_formError->setText(message);
        m_formError->show();
        return nullptr;
    };
    m_formError->hide();
    if (m_paths.root.empty()) return fail(QStringLiteral("Open a project first."));
    if (!m_dataset->isEnabled()) return fail(QStringLiteral("This project has no data set to train on."));
    const core::ComponentInfo* info = m_registry.find(m_form->componentId());
    if (!info) return fail(QStringLiteral("Choose a model."));
    QString error;
    const std::string config = m_form->validatedConfig(&error);
    if (config.empty()) return fail(QStringLiteral("Check the parameters: %1").arg(error));

    core::TrainRequest request;
    request.projectDir = m_paths.root;
    request.dataset = m_dataset->currentText().toStdString();
    request.model = info->id;
    request.configJson = config;
    if (info->needsSemanticIds) {
        request.tokenizerRunId = m_tokenizerRun->currentData().toLongLong();
        if (request.tokenizerRunId <= 0) {
            return fail(QStringLiteral("%1 trains on semantic IDs: train a tokenizer on this data set first.")
                            .arg(QString::fromStdString(info->displayName)));
        }
    }
    const std::string settings = m_runSettings->validatedConfig(&error);
    if (settings.empty()) return fail(QStringLiteral("Check the run settings: %1").arg(error));
    core::applyRunSettings(settings, request);
    request.name = m_name->text().trimmed().toStdString();

    const QString title = QStringLiteral("Model %1 on %2").arg(m_model->currentText(), m_dataset->currentText());
    Job* job = m_jobs.start(title, trainJobBody(request));
    m_liveJob = job;
    m_liveRunId = 0;
    m_live = RunHistory{};
    m_live.run.kind = core::RunKind::Model;
    m_live.run.componentId = request.model;
    m_live.run.status = core::RunStatus::Running;
    m_shownRunId = 0;
    ++m_request;
    resetViews(QStringLiteral("Waiting for the first epoch…"));
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

void ModelPage::resetViews(const QString& placeholder) {
    m_loss->clear(placeholder);
    m_validation->clear(placeholder);
    m_breakdown->clear(placeholder.isEmpty() ? QStringLiteral("Test metrics appear when the run has finished")
                                             : placeholder);
    m_figures->clear();
}

void ModelPage::onHistoryLoaded() {
    const QFuture<RunHistory> future = m_watcher->future();
    if (future.resultCount() == 0) return;
    const RunHistory history = future.result();
    if (history.request != m_request) return;
    if (!history.error.isEmpty()) {
        resetViews(QStringLiteral("Could not load run #%1").arg(history.runId));
        m_figures->setText(history.error);
        updateTitle(QStringLiteral("error"));
        Q_EMIT runShown(history.runId);
        return;
    }
    applyHistory(history);
    Q_EMIT runShown(history.runId);
}

void ModelPage::applyHistory(const RunHistory& history) {
    resetViews({});
    for (const core::MetricPoint& point : history.metrics) feedMetric(point);
    if (m_loss->seriesNames().isEmpty()) m_loss->setPlaceholder(QStringLiteral("No training loss recorded"));
    if (m_validation->seriesNames().isEmpty()) m_validation->setPlaceholder(QStringLiteral("No validation yet"));
    m_loss->replotNow();
    m_validation->replotNow();
    if (!history.run.summaryJson.empty() && history.run.summaryJson != "{}") showSummary(history.run.summaryJson);
    if (history.run.id > 0 && !history.run.createdAt.empty()) showRunSettings(history.run);
    updateTitle(runStatusLabel(history.run.status).toLower());
}

void ModelPage::showRunSettings(const core::RunRecord& run) {
    // The form shows what the shown run used, so "Train" repeats it (or a variation of it).
    const int model = m_model->findData(QString::fromStdString(run.componentId));
    if (model < 0) return;
    m_model->setCurrentIndex(model);
    const QJsonObject config = QJsonDocument::fromJson(QByteArray::fromStdString(run.configJson)).object();
    m_form->setConfig(QJsonDocument(config.value(QStringLiteral("model")).toObject()).toJson(QJsonDocument::Compact).toStdString());
    const int dataset = m_dataset->findData(QVariant::fromValue<qint64>(run.datasetId));
    if (dataset >= 0) m_dataset->setCurrentIndex(dataset);
    if (run.tokenizerRunId) {
        const int tokenizer = m_tokenizerRun->findData(QVariant::fromValue<qint64>(*run.tokenizerRunId));
        if (tokenizer >= 0) m_tokenizerRun->setCurrentIndex(tokenizer);
    }
    m_runSettings->setConfig(run.configJson);  // the run-settings keys sit at the top of a run's config
    m_runSettings->setValue(QStringLiteral("seed"), QString::number(run.seed));
}

void ModelPage::onLiveReports(const JobReports& reports) {
    if (reports.runId > 0 && m_liveRunId == 0) {
        m_liveRunId = reports.runId;
        m_live.runId = reports.runId;
        m_live.run.id = reports.runId;
        m_shownRunId = reports.runId;
        updateTitle(QStringLiteral("running"));
    }
    m_live.metrics.insert(m_live.metrics.end(), reports.metrics.begin(), reports.metrics.end());
    if (m_shownRunId != m_liveRunId) return;
    for (const core::MetricPoint& point : reports.metrics) feedMetric(point);
}

void ModelPage::onLiveFinished(const JobOutcome& outcome) {
    m_live.run.status = outcome.status;
    m_live.run.summaryJson = outcome.summaryJson;
    if (m_liveRunId == 0) m_liveRunId = outcome.runId;
    if (m_shownRunId != m_liveRunId && m_shownRunId != 0) return;
    m_shownRunId = outcome.runId;
    if (outcome.status == core::RunStatus::Completed) showSummary(outcome.summaryJson);
    else m_figures->setText(QString::fromStdString(outcome.message));
    m_loss->replotNow();
    m_validation->replotNow();
    updateTitle(runStatusLabel(outcome.status).toLower());
}

void ModelPage::feedMetric(const core::MetricPoint& point) {
    const QString name = QString::fromStdString(point.name);
    if (point.split == "train") {
        if (name == QLatin1String("loss")) {
            m_loss->append(QStringLiteral("Batch loss (mean of 10)"), static_cast<double>(point.step), point.value);
        } else if (name == QLatin1String("epoch_loss")) {
            m_loss->append(QStringLiteral("Epoch mean"), static_cast<double>(point.step), point.value);
        }
    } else if (point.split == "valid" && (name.endsWith(QLatin1String("@10")) || name.endsWith(QLatin1String("@20"))) &&
               isRankingMetric(name)) {
        m_validation->append(metricLabel(name), static_cast<double>(point.epoch), point.value);
    }
}

void ModelPage::showSummary(const std::string& summaryJson) {
    const QJsonObject s = QJsonDocument::fromJson(QByteArray::fromStdString(summaryJson)).object();
    if (s.isEmpty()) return;
    QStringList parts;
    const QJsonObject test = s.value(QStringLiteral("test")).toObject();
    for (const char* metric : {"recall@10", "ndcg@10", "recall@20", "ndcg@20"}) {
        const QJsonValue v = test.value(QLatin1String(metric));
        if (v.isDouble()) parts << QStringLiteral("test %1 %2").arg(metricLabel(QLatin1String(metric)), QLocale().toString(v.toDouble(), 'f', 4));
    }
    if (s.contains(QStringLiteral("best_epoch")))
        parts << QStringLiteral("best epoch %1 of %2").arg(s.value(QStringLiteral("best_epoch")).toInteger()).arg(s.value(QStringLiteral("epochs")).toInteger());
    if (s.contains(QStringLiteral("stop_reason")))
        parts << QStringLiteral("stopped: %1").arg(s.value(QStringLiteral("stop_reason")).toString());
    if (s.contains(QStringLiteral("seconds_per_epoch")))
        parts << QStringLiteral("%1 per epoch").arg(JobControls::formatDuration(s.value(QStringLiteral("seconds_per_epoch")).toDouble()));
    if (s.contains(QStringLiteral("device"))) parts << s.value(QStringLiteral("device")).toString();
    m_figures->setText(parts.join(QStringLiteral(" · ")));
    m_figures->setToolTip(s.value(QStringLiteral("protocol")).toString());

    const ColdWarmBreakdown breakdown = coldWarmBreakdown(s);
    if (breakdown.categories.isEmpty()) {
        m_breakdown->clear(QStringLiteral("No test metrics in this run's summary"));
    } else {
        m_breakdown->setGroups(breakdown.categories, breakdown.series);
    }
}

void ModelPage::updateTitle(const QString& status) {
    if (m_shownRunId == 0 && status.isEmpty()) {
        m_title->setText(QStringLiteral("No model run shown"));
        return;
    }
    const core::RunRecord* run = findRun(m_shownRunId);
    QString text = run ? runDisplayName(*run)
               : m_shownRunId > 0 ? QStringLiteral("#%1 %2").arg(m_shownRunId).arg(QString::fromStdString(m_live.run.componentId))
                                  : QStringLiteral("New run (%1)").arg(QString::fromStdString(m_live.run.componentId));
    if (run && !run->datasetName.empty()) text += QStringLiteral(" · %1").arg(QString::fromStdString(run->datasetName));
    if (run && run->tokenizerRunId) text += QStringLiteral(" · IDs of tokenizer run #%1").arg(*run->tokenizerRunId);
    const QString shown = status.isEmpty() && run ? runStatusLabel(run->status).toLower() : status;
    if (!shown.isEmpty()) text += QStringLiteral(" · %1").arg(shown);
    m_title->setText(text);
}

QString ModelPage::figuresText() const {
    return m_figures->text();
}

QString ModelPage::formError() const {
    return m_formError->isHidden() ? QString() : m_formError->text();
}

}  // namespace tokenbench::ui
