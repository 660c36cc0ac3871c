#include "pages/tokenizer_page.h"

#include <algorithm>
#include <limits>
#include <optional>

#include <QComboBox>
#include <QFormLayout>
#include <QFrame>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QSpinBox>
#include <QTabWidget>
#include <QToolButton>
#include <QVBoxLayout>

#include "hierarchy/hierarchy_view.h"
#include "jobs/core_jobs.h"
#include "jobs/job_controls.h"
#include "jobs/job_manager.h"
#include "pages/feature_dialog.h"
#include "plots/bar_chart.h"
#include "plots/codebook_heatmap.h"
#include "plots/curve_plot.h"
#include "run_status.h"
#include "tokenbench/data/dataset_json.h"
#include "tokenbench/eval/metric_keys.h"
#include "tokenbench/storage/run_summary.h"
#include "tokenbench/tokenizers/codebook_sizing.h"
#include "widgets/banner.h"
#include "widgets/form_helpers.h"
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
    : RunPage(core::RunKind::Tokenizer, QStringLiteral("tokenizer"), jobs, parent), m_registry(registry) {
    buildForm();
    buildViews();
    clearProject();
}

TokenizerPage::~TokenizerPage() = default;

void TokenizerPage::buildForm() {
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
    m_method = makeComponentSelector(m_registry, core::ComponentKind::Tokenizer, QStringLiteral("tokenizerMethod"));
    m_collisionStrategy = new QComboBox;
    m_collisionStrategy->setObjectName(QStringLiteral("tokenizerCollisions"));
    m_collisionStrategy->addItem(QStringLiteral("Extra level (TIGER)"), QStringLiteral("extra-level"));
    m_collisionStrategy->addItem(QStringLiteral("Nearest free code"), QStringLiteral("reassign"));
    m_collisionStrategy->addItem(QStringLiteral("Keep collisions"), QStringLiteral("none"));
    m_collisionStrategy->setToolTip(QStringLiteral("How items sharing a full ID are made unique"));
    m_seed = makeSeedField(QStringLiteral("tokenizer"));
    m_repeats = makeRepeatsField(QStringLiteral("tokenizer"));
    m_device = makeDeviceField(QStringLiteral("tokenizer"), /*withAutomatic=*/false);
    m_name = makeRunNameField(QStringLiteral("tokenizer"));

    auto* top = new QFormLayout;
    top->addRow(QStringLiteral("Data set:"), m_dataset);
    top->addRow(QStringLiteral("Features:"), fieldWithButton(m_features, buildFeatures));
    top->addRow(QStringLiteral("New feature dims:"), m_featureDim);
    top->addRow(QStringLiteral("Method:"), m_method);
    auto* bottom = new QFormLayout;
    bottom->addRow(QStringLiteral("Collisions:"), m_collisionStrategy);
    bottom->addRow(QStringLiteral("Seed:"), m_seed);
    bottom->addRow(QStringLiteral("Repeats:"), m_repeats);
    bottom->addRow(QStringLiteral("Device:"), m_device);
    bottom->addRow(QStringLiteral("Run name:"), m_name);

    setFormColumn(QStringLiteral("New tokenizer run"), top, bottom);

    connect(m_method, qOverload<int>(&QComboBox::currentIndexChanged), this, &TokenizerPage::onMethodChanged);
    connect(buildFeatures, &QToolButton::clicked, this, &TokenizerPage::openFeatureDialog);
    connect(m_features, qOverload<int>(&QComboBox::activated), this, [this] { m_userPickedFeatures = true; });
    onMethodChanged();
}

void TokenizerPage::buildViews() {
    m_banner = makeBanner(BannerKind::Warning, &m_bannerText, this);
    m_banner->setObjectName(QStringLiteral("collapseBanner"));
    m_bannerText->setObjectName(QStringLiteral("collapseText"));
    m_banner->hide();

    m_loss = new CurvePlot(QString(), QString(), QString(), QStringLiteral("tokenizer-loss"));
    m_loss->setLogY(true);
    m_utilization = new CurvePlot(QString(), QString(), QString(), QStringLiteral("tokenizer-utilization"));
    m_utilization->setFixedYRange(0.0, 1.05);
    m_perplexity = new CurvePlot(QString(), QString(), QString(), QStringLiteral("tokenizer-perplexity"));
    m_collisions = new CurvePlot(QString(), QString(), QString(), QStringLiteral("tokenizer-collisions"));
    setPerLevel(false);
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
    connect(m_hierarchy, &HierarchyView::loaded, this, [this] {
        if (m_pendingView.isWaitingFor(QStringLiteral("hierarchy"))) m_pendingView.complete();
    });

    m_views = new QTabWidget;
    m_views->setObjectName(QStringLiteral("tokenizerViews"));
    m_views->addTab(training, QStringLiteral("Training"));
    m_views->addTab(codebook, QStringLiteral("Codebook"));
    m_views->addTab(m_hierarchy, QStringLiteral("Hierarchy"));

    setViewColumn({m_banner}, m_views);

    connect(m_usageLevel, qOverload<int>(&QComboBox::currentIndexChanged), this, &TokenizerPage::showUsageLevel);
}

void TokenizerPage::setView(View view) {
    m_views->setCurrentIndex(static_cast<int>(view));
}

void TokenizerPage::takeContents(const ProjectContents& contents) {
    m_featureSets = contents.featureSets;
    m_datasetItems.clear();
    for (const core::DatasetRecord& record : contents.datasets) {
        try {
            m_datasetItems[record.id] = core::statsFromJson(record.statsJson).items;
        } catch (const std::exception&) {
            // No usable statistics: the form keeps the schema's sizes for this data set.
        }
    }
}

void TokenizerPage::onDatasetChanged() {
    fillFeatureSelector();
    proposeCodebookSize();
}

void TokenizerPage::proposeCodebookSize() {
    const QString key = QStringLiteral("codebook_size");
    const core::ComponentInfo* info = m_registry.find(m_form->componentId());
    if (m_showingRunSettings || !info || !m_form->keys().contains(key) || !m_dataset->isEnabled()) return;
    const auto items = m_datasetItems.find(m_dataset->currentData().toLongLong());
    if (items == m_datasetItems.end() || items->second <= 0) return;
    QString schemaDefault;
    for (const core::ParamSpec& param : info->params)
        if (QString::fromStdString(param.key) == key) schemaDefault = QString::fromStdString(param.defaultValue);
    const QString current = m_form->value(key);
    if (current != schemaDefault && current != m_proposedCodebookSize) return;  // the user's own size stays
    const int64_t levels = m_form->value(QStringLiteral("levels")).toLongLong();
    m_proposedCodebookSize = QString::number(core::proposedCodebookSize(items->second, levels > 0 ? levels : 1));
    m_form->setValue(key, m_proposedCodebookSize);
}

void TokenizerPage::onMethodChanged() {
    const core::ComponentInfo* info = m_registry.find(m_method->currentData().toString().toStdString());
    if (!info) return;
    m_form->setComponent(*info);
    proposeCodebookSize();
    // A method that needs no features (imported IDs) makes the feature choice moot.
    m_features->setEnabled(info->needsFeatures && m_dataset->isEnabled());
    m_featureDim->setEnabled(info->needsFeatures);
}

bool TokenizerPage::methodNeedsFeatures() const {
    const core::ComponentInfo* info = m_registry.find(m_form->componentId());
    return !info || info->needsFeatures;
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
    m_features->setEnabled(datasetId > 0 && methodNeedsFeatures());
}

QStringList TokenizerPage::viewNames() const {
    return {QStringLiteral("tokenizer"), QStringLiteral("codebook"), QStringLiteral("hierarchy")};
}

void TokenizerPage::showView(const QString& name, std::function<void()> ready) {
    setView(name == QLatin1String("codebook")    ? View::Codebook
            : name == QLatin1String("hierarchy") ? View::Hierarchy
                                                 : View::Training);
    RunPage::showView(name, std::move(ready));
}

bool TokenizerPage::isShownViewComplete() const {
    // The hierarchy view is complete once the shown run's hierarchy has loaded too.
    const bool hierarchyShown = !m_hierarchy->isLoading() && m_hierarchy->runId() == shownRunId();
    return !m_pendingView.isWaitingFor(QStringLiteral("hierarchy")) || hierarchyShown;
}

Job* TokenizerPage::startTraining() {
    const std::optional<std::string> config = validatedForm(QStringLiteral("This project has no data set to tokenize."));
    if (!config) return nullptr;

    core::TokenizeRequest request;
    request.projectDir = m_paths.root;
    request.dataset = m_dataset->currentText().toStdString();
    request.features = m_features->currentData().toString().toStdString();
    request.featureDim = m_featureDim->value();
    request.method = m_form->componentId();
    request.configJson = *config;
    request.seed = static_cast<uint64_t>(m_seed->value());
    request.device = m_device->currentData().toString().toStdString();
    request.name = m_name->text().trimmed().toStdString();
    request.collisions = core::collisionStrategyFromString(m_collisionStrategy->currentData().toString().toStdString());
    const core::ComponentInfo* info = m_registry.find(request.method);
    if (!info) return fail(QStringLiteral("Choose a method."));
    for (const core::ParamSpec& param : info->params) {
        if (param.type == core::ParamType::Path && m_form->value(QString::fromStdString(param.key)).isEmpty())
            return fail(QStringLiteral("Choose a file for '%1'.").arg(QString::fromStdString(param.label)));
    }
    if (info->needsFeatures && request.features.empty()) return fail(QStringLiteral("Choose item features."));

    QString title = QStringLiteral("Tokenizer %1 on %2").arg(m_method->currentText(), m_dataset->currentText());
    Job::Body body;
    if (m_repeats->value() > 1) {
        const std::vector<uint64_t> seeds = core::repeatSeeds({}, m_repeats->value(), request.seed);
        title += QStringLiteral(" × %1 seeds").arg(seeds.size());
        body = repeatedTokenizeJobBody(request, seeds);
    } else {
        body = tokenizeJobBody(request);
    }
    RunHistory seed;
    seed.run.kind = core::RunKind::Tokenizer;
    seed.run.componentId = request.method;
    seed.run.status = core::RunStatus::Running;
    seed.run.configJson = core::tokenizerRunConfigJson(*config);
    Job* job = launch(title, std::move(body), std::move(seed), QStringLiteral("Waiting for the first report…"));
    setPerLevel(!info->trainsInSteps);
    m_hierarchy->clear(QStringLiteral("The token hierarchy appears when the run has finished."));
    m_codebookSize = m_form->value(QStringLiteral("codebook_size")).toInt();
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
    // Selecting the data set refills the feature selector for it.
    if (!selectItemData(*m_dataset, QVariant::fromValue<qint64>(record->datasetId))) return false;
    if (!selectItemData(*m_features, QString::fromStdString(record->name))) return false;
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
    m_levelFigures.clear();
    m_collapseMessages.clear();
    m_banner->hide();
    m_figures->clear();
}

void TokenizerPage::showNoRun(const QString& message) {
    m_hierarchy->clear(message);
    resetViews(message);
}

void TokenizerPage::storedRunShown(const RunHistory& history) {
    if (history.run.status == core::RunStatus::Completed) {
        m_hierarchy->showRun(m_paths.database, history.runId);
    } else {
        m_hierarchy->clear(QStringLiteral("Run #%1 has no semantic IDs (%2).")
                               .arg(history.runId)
                               .arg(runStatusLabel(history.run.status).toLower()));
    }
}

void TokenizerPage::replotCurves() {
    for (CurvePlot* plot : {m_loss, m_utilization, m_perplexity, m_collisions}) {
        if (plot->seriesNames().isEmpty()) plot->setPlaceholder(QStringLiteral("Not reported by this method"));
        plot->replotNow();
    }
}

void TokenizerPage::setPerLevel(bool perLevel) {
    m_perLevel = perLevel;
    const QString x = perLevel ? QStringLiteral("Level") : QStringLiteral("Step");
    m_loss->setTitle(perLevel ? QStringLiteral("Residual error after each level") : QStringLiteral("Training loss"));
    m_loss->setAxisLabels(
        x, perLevel ? QStringLiteral("Mean squared residual (log)") : QStringLiteral("Loss (log scale)"));
    m_utilization->setTitle(perLevel ? QStringLiteral("Codebook utilization by level")
                                     : QStringLiteral("Codebook utilization"));
    m_utilization->setAxisLabels(x, QStringLiteral("Codes used (share)"));
    m_perplexity->setTitle(perLevel ? QStringLiteral("Code perplexity by level") : QStringLiteral("Code perplexity"));
    m_perplexity->setAxisLabels(x, QStringLiteral("Perplexity (effective codes)"));
    m_collisions->setTitle(perLevel ? QStringLiteral("Collisions of IDs cut after each level")
                                    : QStringLiteral("Collision rate of full IDs"));
    m_collisions->setAxisLabels(
        x, perLevel ? QStringLiteral("Items sharing a prefix (share)") : QStringLiteral("Items sharing an ID (share)"));
    for (CurvePlot* plot : {m_loss, m_utilization, m_perplexity, m_collisions}) {
        plot->setIntegerX(perLevel);
        plot->setPointsOnly(perLevel);
    }
}

bool TokenizerPage::showsPerLevel(const core::RunRecord& run, const std::vector<core::MetricPoint>& metrics) const {
    if (const core::ComponentInfo* info = m_registry.find(run.componentId)) return !info->trainsInSteps;
    return std::none_of(metrics.begin(), metrics.end(), [](const core::MetricPoint& p) { return p.step < kFinalStep; });
}

void TokenizerPage::drawLevelFigures() {
    const auto draw = [this](CurvePlot* plot, const QString& series, core::MetricKind kind) {
        QVector<double> levels, values;
        for (const auto& [level, value] : m_levelFigures.byLevel(kind)) {
            levels << level;
            values << value;
        }
        if (!levels.isEmpty()) plot->setSeries(series, levels, values);
    };
    // A fit without training steps has no training loss: its loss terms (RQ-KMeans's quantization
    // loss) restate the residual error after each level, drawn here once.
    draw(m_loss, QStringLiteral("Reconstruction error"), core::MetricKind::ReconstructionError);
    draw(m_utilization, QStringLiteral("Utilization"), core::MetricKind::CodebookUtilization);
    draw(m_perplexity, QStringLiteral("Perplexity"), core::MetricKind::CodebookPerplexity);
    draw(m_collisions, QStringLiteral("Collision rate"), core::MetricKind::CollisionRate);
}

void TokenizerPage::drawHistory(const RunHistory& history) {
    // The codebook size (for the uniform reference) comes from the run's method config.
    m_codebookSize = static_cast<int32_t>(core::parseRunConfig(history.run.configJson).codebookSize.value_or(0));
    setPerLevel(showsPerLevel(history.run, history.metrics));
    for (const core::MetricPoint& point : history.metrics) feedMetric(point);
    if (m_perLevel) drawLevelFigures();
    feedSnapshots(history.snapshots);
    for (const core::RunEvent& event : history.events) showRunEvent(event);
    replotCurves();
}

void TokenizerPage::showRunSettings(const core::RunRecord& run) {
    // The form repeats the shown run's sizes: no proposal while its method and data set are selected.
    m_showingRunSettings = true;
    const std::optional<core::StoredRunConfig> config = showComponentSettings(*m_method, run);
    m_showingRunSettings = false;
    if (!config) return;
    selectItemData(*m_features, QString::fromStdString(config->features));
    selectItemData(*m_collisionStrategy, QString::fromStdString(config->collisions));
    if (run.seed <= static_cast<uint64_t>(m_seed->maximum())) m_seed->setValue(static_cast<int>(run.seed));
}

void TokenizerPage::drawReports(const JobReports& reports) {
    for (const core::MetricPoint& point : reports.metrics) feedMetric(point);
    if (m_perLevel && !reports.metrics.empty()) drawLevelFigures();
    feedSnapshots(reports.snapshots);
    for (const core::RunEvent& event : reports.events) showRunEvent(event);
}

void TokenizerPage::liveRunEnded(const JobOutcome& outcome) {
    if (outcome.status == core::RunStatus::Completed) {
        m_hierarchy->showRun(m_paths.database, outcome.runId);
    } else {
        m_hierarchy->clear(QStringLiteral("Run %1: no semantic IDs.").arg(runStatusLabel(outcome.status).toLower()));
    }
    replotCurves();
}

void TokenizerPage::feedMetric(const core::MetricPoint& point) {
    if (m_perLevel) {
        m_levelFigures.add(point);  // the final assignment included: it covers every level
        return;
    }
    if (point.step >= kFinalStep) return;  // the final assignment: in the summary, not a training step
    const core::MetricKey key = core::parseMetricKey(point.split, point.name);
    const double x = static_cast<double>(point.step);
    const QString level = QStringLiteral("Level %1").arg(key.level + 1);
    switch (key.kind) {
        case core::MetricKind::Loss:
        case core::MetricKind::ReconstructionError:
            m_loss->append(QString::fromStdString(point.name), x, point.value);
            break;
        case core::MetricKind::CodebookUtilization: m_utilization->append(level, x, point.value); break;
        case core::MetricKind::CodebookPerplexity: m_perplexity->append(level, x, point.value); break;
        case core::MetricKind::CollisionRate: m_collisions->append(QStringLiteral("Collision rate"), x, point.value); break;
        default: break;
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
    const std::optional<core::TokenizerSummary> s = core::parseTokenizerSummary(summaryJson);
    if (!s) return;
    QStringList parts;
    if (s->items.value_or(0) > 0) parts << QStringLiteral("%1 items").arg(count(*s->items));
    const int64_t levels = s->levels.value_or(0);
    const int64_t tokenizerLevels = static_cast<int64_t>(s->utilization.size());
    if (levels > 0) {
        QString text = QStringLiteral("%1 levels × %2 codes").arg(tokenizerLevels > 0 ? tokenizerLevels : levels).arg(s->codebookSize.value_or(0));
        if (tokenizerLevels > 0 && levels > tokenizerLevels) text += QStringLiteral(" (+%1 for collisions)").arg(levels - tokenizerLevels);
        parts << text;
    }
    if (s->uniqueIds) parts << QStringLiteral("%1 unique IDs").arg(count(*s->uniqueIds));
    if (s->collisionRate) {
        parts << QStringLiteral("collisions before resolution %1 (largest group %2)")
                     .arg(percent(*s->collisionRate))
                     .arg(s->maxCollisionGroup.value_or(0));
    }
    if (s->reconstructionError) parts << QStringLiteral("reconstruction error %1").arg(QLocale().toString(*s->reconstructionError, 'g', 4));
    if (!s->utilization.empty()) {
        QStringList levelsText;
        for (const double share : s->utilization) levelsText << percent(share);
        parts << QStringLiteral("utilization %1").arg(levelsText.join(QStringLiteral(" / ")));
    }
    if (s->seconds) parts << JobControls::formatDuration(*s->seconds);
    m_figures->setText(parts.join(QStringLiteral(" · ")));
}

QString TokenizerPage::collapseWarning() const {
    return m_banner->isHidden() ? QString() : m_bannerText->text();
}

}  // namespace tokenbench::ui
