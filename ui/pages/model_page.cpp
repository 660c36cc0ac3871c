#include "pages/model_page.h"

#include <optional>

#include <QComboBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QSpinBox>
#include <QSplitter>

#include "jobs/core_jobs.h"
#include "jobs/job_controls.h"
#include "pages/metric_names.h"
#include "plots/bar_chart.h"
#include "plots/curve_plot.h"
#include "run_status.h"
#include "tokenbench/eval/metric_keys.h"
#include "tokenbench/storage/run_summary.h"
#include "widgets/form_helpers.h"
#include "widgets/run_fields.h"
#include "tokenbench/jobs/run_settings.h"
#include "widgets/schema_form.h"

namespace tokenbench::ui {

ModelPage::ModelPage(const core::Registry& registry, JobManager& jobs, QWidget* parent)
    : RunPage(core::RunKind::Model, QStringLiteral("model"), jobs, parent), m_registry(registry) {
    buildForm();
    buildViews();
    clearProject();
}

ModelPage::~ModelPage() = default;

QSpinBox* ModelPage::epochsSpin() const {
    return m_runSettings->findChild<QSpinBox*>(QStringLiteral("param_epochs"));
}

void ModelPage::buildForm() {
    m_model = makeComponentSelector(m_registry, core::ComponentKind::Model, QStringLiteral("modelSelector"));
    m_tokenizerRun = new QComboBox;
    m_tokenizerRun->setObjectName(QStringLiteral("modelTokenizerRun"));
    m_tokenizerRun->setToolTip(QStringLiteral("Generative models train on the semantic IDs of a finished tokenizer run."));
    m_tokenizerLabel = new QLabel(QStringLiteral("Semantic IDs:"));
    // Run settings: a form from core's schema, so its ranges are the CLI's and the experiment files'.
    m_runSettings = new SchemaForm;
    m_runSettings->setObjectName(QStringLiteral("modelRunSettings"));
    m_runSettings->setComponent(core::runSettingsInfo());
    m_runSettings->setValue(QStringLiteral("epochs"), QStringLiteral("20"));  // the page's quicker start
    m_name = makeRunNameField(QStringLiteral("model"));
    m_repeats = makeRepeatsField(QStringLiteral("model"));

    auto* top = new QFormLayout;
    top->addRow(QStringLiteral("Data set:"), m_dataset);
    top->addRow(QStringLiteral("Model:"), m_model);
    top->addRow(m_tokenizerLabel, m_tokenizerRun);
    auto* bottom = new QFormLayout;
    bottom->addRow(QStringLiteral("Repeats:"), m_repeats);
    bottom->addRow(QStringLiteral("Run name:"), m_name);

    bottom->insertRow(0, m_runSettings);
    setFormColumn(QStringLiteral("New model run"), top, bottom);

    connect(m_model, qOverload<int>(&QComboBox::currentIndexChanged), this, &ModelPage::onModelChanged);
    onModelChanged();
}

void ModelPage::buildViews() {
    m_loss = new CurvePlot(QStringLiteral("Training loss"), QStringLiteral("Optimizer step"), QStringLiteral("Loss"),
                           QStringLiteral("model-loss"));
    m_validation = new CurvePlot(QStringLiteral("Validation (full ranking)"), QStringLiteral("Epoch"),
                                 QStringLiteral("Metric value"), QStringLiteral("model-validation"));
    m_validation->setIntegerX(true);
    m_validation->setMarkers(true);
    m_validation->setToolTip(QStringLiteral("Recall and NDCG at 10 and 20 over all items, after each epoch's validation"));
    m_breakdown = new BarChart(QStringLiteral("Test metrics by target group"), QStringLiteral("Metric"),
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

    m_exact = new QLabel;
    m_exact->setObjectName(QStringLiteral("modelExactFigures"));
    m_exact->setWordWrap(true);
    m_exact->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_exact->setToolTip(QStringLiteral("tokenbench-cli eval --exact: the beam search's ranking against the exact "
                                       "ranking (every item by its whole ID's likelihood) on the same users"));
    m_exact->hide();
    setViewColumn({m_exact}, column);
}

void ModelPage::onModelChanged() {
    const core::ComponentInfo* info = m_registry.find(m_model->currentData().toString().toStdString());
    if (!info) return;
    // Refilling the tokenizer runs (after every job) calls this too: keep what the user typed.
    if (m_form->componentId() != info->id) m_form->setComponent(*info);
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

Job* ModelPage::startTraining() {
    const std::optional<std::string> config = validatedForm(QStringLiteral("This project has no data set to train on."));
    if (!config) return nullptr;
    const core::ComponentInfo* info = m_registry.find(m_form->componentId());
    if (!info) return fail(QStringLiteral("Choose a model."));

    core::TrainRequest request;
    request.projectDir = m_paths.root;
    request.dataset = m_dataset->currentText().toStdString();
    request.model = info->id;
    request.configJson = *config;
    if (info->needsSemanticIds) {
        request.tokenizerRunId = m_tokenizerRun->currentData().toLongLong();
        if (request.tokenizerRunId <= 0) {
            return fail(QStringLiteral("%1 trains on semantic IDs: train a tokenizer on this data set first.")
                            .arg(QString::fromStdString(info->displayName)));
        }
    }
    QString error;
    const std::string settings = m_runSettings->validatedConfig(&error);
    if (settings.empty()) return fail(QStringLiteral("Check the run settings: %1").arg(error));
    core::applyRunSettings(settings, request);
    request.name = m_name->text().trimmed().toStdString();

    QString title = QStringLiteral("Model %1 on %2").arg(m_model->currentText(), m_dataset->currentText());
    Job::Body body;
    if (m_repeats->value() > 1) {
        const std::vector<uint64_t> seeds = core::repeatSeeds({}, m_repeats->value(), request.seed);
        title += QStringLiteral(" × %1 seeds").arg(seeds.size());
        body = repeatedTrainJobBody(request, seeds);
    } else {
        body = trainJobBody(request);
    }
    RunHistory seed;
    seed.run.kind = core::RunKind::Model;
    seed.run.componentId = request.model;
    seed.run.status = core::RunStatus::Running;
    return launch(title, std::move(body), std::move(seed), QStringLiteral("Waiting for the first epoch…"));
}

bool ModelPage::prefillNewRun(const ModelRunPrefill& prefill, QString* error) {
    const auto failWith = [error](const QString& message) {
        if (error) *error = message;
        return false;
    };
    if (!selectItemData(*m_model, QString::fromStdString(prefill.model)))
        return failWith(QStringLiteral("No model \"%1\" is registered.").arg(QString::fromStdString(prefill.model)));
    const int dataset = m_dataset->findText(QString::fromStdString(prefill.dataset));
    if (!m_dataset->isEnabled() || dataset < 0)
        return failWith(QStringLiteral("This project has no data set \"%1\".").arg(QString::fromStdString(prefill.dataset)));
    m_dataset->setCurrentIndex(dataset);  // lists that data set's tokenizer runs
    if (prefill.tokenizerRunId > 0 && !selectItemData(*m_tokenizerRun, QVariant::fromValue<qint64>(prefill.tokenizerRunId)))
        return failWith(QStringLiteral("Tokenizer run #%1 is not a finished run of this data set.").arg(prefill.tokenizerRunId));
    m_form->setConfig(prefill.modelConfigJson);
    m_runSettings->setConfig(prefill.settingsJson);
    m_name->setText(prefill.name);
    m_formError->hide();
    return true;
}

void ModelPage::resetViews(const QString& placeholder) {
    m_loss->clear(placeholder);
    m_validation->clear(placeholder);
    m_breakdown->clear(placeholder.isEmpty() ? QStringLiteral("Test metrics appear when the run has finished")
                                             : placeholder);
    m_figures->clear();
    m_exactValues.clear();
    showExactFigures();
}

void ModelPage::drawHistory(const RunHistory& history) {
    for (const core::MetricPoint& point : history.metrics) feedMetric(point);
    if (m_loss->seriesNames().isEmpty()) m_loss->setPlaceholder(QStringLiteral("No training loss recorded"));
    if (m_validation->seriesNames().isEmpty()) m_validation->setPlaceholder(QStringLiteral("No validation yet"));
    m_loss->replotNow();
    m_validation->replotNow();
}

void ModelPage::drawReports(const JobReports& reports) {
    for (const core::MetricPoint& point : reports.metrics) feedMetric(point);
}

void ModelPage::showRunSettings(const core::RunRecord& run) {
    if (!showComponentSettings(*m_model, run)) return;
    if (run.tokenizerRunId) selectItemData(*m_tokenizerRun, QVariant::fromValue<qint64>(*run.tokenizerRunId));
    m_runSettings->setConfig(run.configJson);  // the run-settings keys sit at the top of a run's config
    m_runSettings->setValue(QStringLiteral("seed"), QString::number(run.seed));
}

void ModelPage::liveRunEnded(const JobOutcome& outcome) {
    m_loss->replotNow();
    m_validation->replotNow();
}

void ModelPage::feedMetric(const core::MetricPoint& point) {
    const core::MetricKey key = core::parseMetricKey(point.split, point.name);
    const bool exactSize = point.name == std::string(core::metric_name::kExactPrefix) + "users";
    if (key.source != core::RankingSource::Model || exactSize) {
        m_exactValues[{point.split, point.name}] = point.value;
        showExactFigures();
        return;
    }
    if (key.phase == core::MetricPhase::Train && key.kind == core::MetricKind::Loss && key.term.empty()) {
        m_loss->append(QStringLiteral("Batch loss (mean of 10)"), static_cast<double>(point.step), point.value);
    } else if (key.phase == core::MetricPhase::Train && key.kind == core::MetricKind::EpochLoss) {
        m_loss->append(QStringLiteral("Epoch mean"), static_cast<double>(point.step), point.value);
    } else if (key.phase == core::MetricPhase::Valid && (key.isRankingAt(10) || key.isRankingAt(20))) {
        m_validation->append(metricLabel(QString::fromStdString(point.name)), static_cast<double>(point.epoch), point.value);
    }
}

void ModelPage::showExactFigures() {
    QStringList lines;
    for (const char* split : {core::metric_split::kValid, core::metric_split::kTest}) {
        const auto value = [&](const std::string& name) -> std::optional<double> {
            const auto it = m_exactValues.find({split, name});
            return it == m_exactValues.end() ? std::nullopt : std::optional<double>(it->second);
        };
        QStringList parts;
        for (const char* metric : {"ndcg@10", "recall@10", "ndcg@20", "recall@20"}) {
            const auto beam = value(std::string(core::metric_name::kExactBeamPrefix) + metric);
            const auto exact = value(std::string(core::metric_name::kExactPrefix) + metric);
            if (!beam || !exact) continue;
            parts << QStringLiteral("%1 %2 beam / %3 exact")
                         .arg(metricLabel(QLatin1String(metric)), QLocale().toString(*beam, 'f', 4),
                              QLocale().toString(*exact, 'f', 4));
        }
        if (parts.isEmpty()) continue;
        const auto users = value(std::string(core::metric_name::kExactPrefix) + "users");
        lines << QStringLiteral("Beam vs exact ranking, %1 %2 users: %3")
                     .arg(QLatin1String(split), users ? QLocale().toString(static_cast<qlonglong>(*users)) : QStringLiteral("?"),
                          parts.join(QStringLiteral(" · ")));
    }
    m_exact->setText(lines.join(QLatin1Char('\n')));
    m_exact->setVisible(!lines.isEmpty());
}

void ModelPage::showSummary(const std::string& summaryJson) {
    const std::optional<core::TrainSummary> s = core::parseTrainSummary(summaryJson);
    if (!s) return;
    QStringList parts;
    for (const char* metric : {"recall@10", "ndcg@10", "recall@20", "ndcg@20"}) {
        const auto v = s->test.values.find(metric);
        if (v != s->test.values.end())
            parts << QStringLiteral("test %1 %2").arg(metricLabel(QLatin1String(metric)), QLocale().toString(v->second, 'f', 4));
    }
    if (s->bestEpoch) parts << QStringLiteral("best epoch %1 of %2").arg(*s->bestEpoch).arg(s->epochs.value_or(0));
    if (!s->stopReason.empty()) parts << QStringLiteral("stopped: %1").arg(QString::fromStdString(s->stopReason));
    if (s->secondsPerEpoch) parts << QStringLiteral("%1 per epoch").arg(JobControls::formatDuration(*s->secondsPerEpoch));
    if (!s->device.empty()) parts << QString::fromStdString(s->device);
    m_figures->setText(parts.join(QStringLiteral(" · ")));
    m_figures->setToolTip(QString::fromStdString(s->protocol));

    const ColdWarmBreakdown breakdown = coldWarmBreakdown(*s);
    if (breakdown.categories.isEmpty()) {
        m_breakdown->clear(QStringLiteral("No test metrics in this run's summary"));
    } else {
        m_breakdown->setGroups(breakdown.categories, breakdown.series);
    }
}

}  // namespace tokenbench::ui
