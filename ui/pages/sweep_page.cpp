#include "pages/sweep_page.h"

#include <algorithm>
#include <cmath>
#include <exception>

#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFrame>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QScrollArea>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStyle>
#include <QTableView>
#include <QVBoxLayout>

#include "jobs/core_jobs.h"
#include "jobs/job_controls.h"
#include "jobs/job_manager.h"
#include "models/sweep_trials_model.h"
#include "pages/metric_names.h"
#include "pages/sweep_chart.h"
#include "plots/parallel_coordinates.h"
#include "run_status.h"
#include "text_format.h"
#include "widgets/run_fields.h"

namespace tokenbench::ui {
namespace {

QString quotedName(const std::string& text) { return QStringLiteral("“%1”").arg(QString::fromStdString(text)); }

/// "sasrec on “demo-synthetic” · random search · 12 trials · best by valid NDCG@10"
QString describeSweep(const core::SweepView& view) {
    QStringList parts;
    parts << QStringLiteral("%1 on %2").arg(QString::fromStdString(view.model), quotedName(view.dataset));
    if (view.tokenizerRunId > 0) parts << QStringLiteral("IDs of tokenizer run #%1").arg(view.tokenizerRunId);
    if (!view.search.empty()) parts << QStringLiteral("%1 search").arg(QString::fromStdString(view.search));
    parts << QStringLiteral("%1 trials").arg(view.trials.size());
    if (!view.metric.empty()) parts << QStringLiteral("best by valid %1").arg(metricLabel(QString::fromStdString(view.metric)));
    return parts.join(QStringLiteral(" · "));
}

}  // namespace

SweepPage::SweepPage(JobManager& jobs, QWidget* parent) : QWidget(parent), m_jobs(jobs) {
    setObjectName(QStringLiteral("sweepPage"));
    buildLayout();
    setProject({});
}

SweepPage::~SweepPage() = default;

void SweepPage::buildLayout() {
    auto* open = new QPushButton(style()->standardIcon(QStyle::SP_DialogOpenButton), QStringLiteral("Open sweep file…"));
    open->setObjectName(QStringLiteral("openSweepFileButton"));
    open->setToolTip(QStringLiteral("A sweep file (format tokenbench-sweep/1) names the model, the data set, the settings "
                                    "every trial shares and the parameters to search"));
    m_filePath = new QLabel(QStringLiteral("No sweep file opened"));
    m_filePath->setObjectName(QStringLiteral("sweepFilePath"));
    m_filePath->setWordWrap(true);
    m_filePath->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_fileSummary = new QLabel;
    m_fileSummary->setObjectName(QStringLiteral("sweepFileSummary"));
    m_fileSummary->setWordWrap(true);
    m_fileError = makeFormErrorLabel(QStringLiteral("sweep"));
    m_controls = new JobControls(QStringLiteral("Run sweep"));

    m_selector = new QComboBox;
    m_selector->setObjectName(QStringLiteral("sweepSelector"));
    m_selector->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_selector->setMinimumContentsLength(16);
    m_useBest = new QPushButton(QStringLiteral("Use best config in a new run"));
    m_useBest->setObjectName(QStringLiteral("useBestConfigButton"));
    m_useBest->setToolTip(QStringLiteral("Fill the Model page's form with the best trial's model parameters and run "
                                         "settings"));

    auto* fileGroup = new QGroupBox(QStringLiteral("Run a sweep"));
    auto* fileLayout = new QVBoxLayout(fileGroup);
    fileLayout->addWidget(open);
    fileLayout->addWidget(m_filePath);
    fileLayout->addWidget(m_fileSummary);
    fileLayout->addWidget(m_fileError);
    fileLayout->addWidget(m_controls);
    auto* showGroup = new QGroupBox(QStringLiteral("Show"));
    auto* showLayout = new QVBoxLayout(showGroup);
    showLayout->addWidget(m_selector);
    showLayout->addWidget(m_useBest);
    auto* column = new QWidget;
    auto* columnLayout = new QVBoxLayout(column);
    columnLayout->setContentsMargins(0, 0, 0, 0);
    columnLayout->addWidget(fileGroup);
    columnLayout->addWidget(showGroup);
    columnLayout->addStretch(1);
    auto* scroll = new QScrollArea;
    scroll->setObjectName(QStringLiteral("sweepFormScroll"));
    scroll->setWidget(column);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setMinimumWidth(240);
    scroll->setMaximumWidth(420);

    m_title = new QLabel;
    m_title->setObjectName(QStringLiteral("sweepTitle"));
    m_title->setWordWrap(true);
    QFont titleFont = m_title->font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.1);
    m_title->setFont(titleFont);
    m_best = new QLabel;
    m_best->setObjectName(QStringLiteral("sweepBest"));
    m_best->setWordWrap(true);
    m_best->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_plot = new ParallelCoordinates(QStringLiteral("Trials"), QStringLiteral("sweep-parallel-coordinates"));
    m_model = new SweepTrialsModel(this);
    m_proxy = new QSortFilterProxyModel(this);
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(SweepTrialsModel::SortRole);
    m_table = new QTableView;
    m_table->setObjectName(QStringLiteral("sweepTrials"));
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(0, Qt::AscendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);

    auto* views = new QSplitter(Qt::Vertical);
    views->addWidget(m_plot);
    views->addWidget(m_table);
    views->setStretchFactor(0, 3);
    views->setStretchFactor(1, 2);
    views->setChildrenCollapsible(false);
    auto* right = new QWidget;
    auto* rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->setSpacing(4);
    rightLayout->addWidget(m_title);
    rightLayout->addWidget(m_best);
    rightLayout->addWidget(views, 1);

    auto* splitter = new QSplitter(Qt::Horizontal);
    splitter->addWidget(scroll);
    splitter->addWidget(right);
    splitter->setCollapsible(0, true);
    splitter->setCollapsible(1, false);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({310, 1000});
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 8, 8, 8);
    layout->addWidget(splitter);

    connect(open, &QPushButton::clicked, this, &SweepPage::chooseSweepFile);
    connect(m_controls, &JobControls::startRequested, this, [this] { (void)startSweep(); });
    connect(m_selector, qOverload<int>(&QComboBox::currentIndexChanged), this, &SweepPage::onSelectorChanged);
    connect(m_useBest, &QPushButton::clicked, this, &SweepPage::requestNewModelRun);
}

void SweepPage::setProject(const ProjectContents& contents) {
    const bool sameProject = contents.paths.root == m_contents.paths.root;
    m_contents = contents;
    if (!sameProject) m_selectGroup = 0;
    m_controls->setStartEnabled(m_contents.isOpen() && m_file.has_value());
    rebuildSelector();
}

void SweepPage::rebuildSelector() {
    const QVariant previous = m_selector->currentIndex() >= 0 ? m_selector->currentData() : QVariant();
    {
        const QSignalBlocker blocker(m_selector);
        m_selector->clear();
        if (m_currentListed) {
            const bool running = m_job && m_job->isRunning();
            m_selector->addItem(running ? QStringLiteral("Running: %1 (%2/%3)")
                                              .arg(QString::fromStdString(m_current.name))
                                              .arg(m_current.finishedTrials())
                                              .arg(m_current.trials.size())
                                        : QStringLiteral("Not run yet: %1 (%2 trials)")
                                              .arg(QString::fromStdString(m_current.name))
                                              .arg(m_current.trials.size()),
                                QVariant::fromValue<qint64>(kCurrentSweep));
        }
        for (auto group = m_contents.groups.rbegin(); group != m_contents.groups.rend(); ++group) {
            if (group->kind != "sweep") continue;
            const auto runs = std::count_if(m_contents.runs.begin(), m_contents.runs.end(),
                                            [&](const core::RunRecord& r) { return r.groupId == group->id; });
            m_selector->addItem(QStringLiteral("#%1 %2 (%3 trials)").arg(group->id).arg(QString::fromStdString(group->label)).arg(runs),
                                QVariant::fromValue<qint64>(group->id));
            m_selector->setItemData(m_selector->count() - 1,
                                    QStringLiteral("Sweep group #%1, started %2").arg(group->id).arg(formatTimestamp(group->createdAt)),
                                    Qt::ToolTipRole);
        }
        m_selector->setPlaceholderText(m_contents.isOpen() ? QStringLiteral("No sweeps yet: open a sweep file")
                                                           : QStringLiteral("No project open"));
        int index = -1;
        if (m_selectGroup > 0) index = m_selector->findData(QVariant::fromValue<qint64>(m_selectGroup));
        if (index >= 0) m_selectGroup = 0;
        if (index < 0 && previous.isValid()) index = m_selector->findData(previous);
        if (index < 0 && m_selector->count() > 0) index = 0;
        m_selector->setCurrentIndex(index);
    }
    // The current sweep does not come from the project: a reload while it runs leaves it be
    // (and the table's scroll position with it).
    const QVariant current = QVariant::fromValue<qint64>(kCurrentSweep);
    if (previous == current && showsCurrent()) return;
    onSelectorChanged();
}

bool SweepPage::showsCurrent() const {
    return m_selector->currentIndex() >= 0 && m_selector->currentData().toLongLong() == kCurrentSweep;
}

void SweepPage::onSelectorChanged() {
    if (m_selector->currentIndex() < 0) {
        m_loader.cancel();
        show(core::SweepView{});
        m_pendingView.complete();
        return;
    }
    if (showsCurrent()) {
        m_loader.cancel();
        show(m_current);
        m_pendingView.complete();
        return;
    }
    const int64_t groupId = m_selector->currentData().toLongLong();
    const auto group = std::find_if(m_contents.groups.begin(), m_contents.groups.end(),
                                    [groupId](const core::RunGroupRecord& g) { return g.id == groupId; });
    if (group == m_contents.groups.end()) {
        m_pendingView.complete();
        return;
    }
    std::vector<core::RunRecord> runs;
    for (const core::RunRecord& run : m_contents.runs) {
        if (run.groupId == groupId) runs.push_back(run);
    }
    // Reading back the stored sweep file checks every trial's config: off the UI thread.
    m_loader.request([group = *group, runs = std::move(runs)] { return core::storedSweepView(group, runs); });
}

bool SweepPage::showGroup(int64_t groupId) {
    const int index = m_selector->findData(QVariant::fromValue<qint64>(groupId));
    if (index < 0 || groupId == kCurrentSweep) return false;
    if (index == m_selector->currentIndex()) onSelectorChanged();
    else m_selector->setCurrentIndex(index);
    return true;
}

void SweepPage::showView(const QString& name, std::function<void()> ready) {
    m_pendingView.wait(name, std::move(ready));
    if (m_selector->count() == 0) {
        m_pendingView.complete();
        return;
    }
    if (m_selector->currentIndex() == 0) onSelectorChanged();
    else m_selector->setCurrentIndex(0);
}

void SweepPage::show(const core::SweepView& view) {
    m_shown = view;
    m_model->setView(view);
    refreshPlot();
    refreshTexts();
}

void SweepPage::onViewLoaded(const core::SweepView& view) {
    show(view);
    m_plot->replotNow();  // a whole view at once: no need to wait for the throttle
    Q_EMIT viewShown();
    m_pendingView.complete();
}

void SweepPage::refreshPlot() {
    if (m_selector->currentIndex() < 0) {
        m_plot->clear(m_contents.isOpen() ? QStringLiteral("Open a sweep file (File › Run sweep…) to search a model's "
                                                           "parameters; its trials appear here")
                                          : QStringLiteral("No project open"));
        return;
    }
    const SweepChart chart = sweepChart(m_shown);
    m_plot->setTitle(chart.title);
    m_plot->setData(chart.axes, chart.lines, chart.colorAxis, chart.placeholder);
}

void SweepPage::refreshTexts() {
    const bool current = showsCurrent();
    const bool running = current && m_job && m_job->isRunning();
    if (m_selector->currentIndex() < 0) {
        m_title->setText(QStringLiteral("No sweep shown"));
        m_best->clear();
        m_useBest->setEnabled(false);
        return;
    }
    QString title = current ? QStringLiteral("Sweep %1").arg(quotedName(m_shown.name))
                            : QStringLiteral("Sweep #%1 %2").arg(m_shown.groupId).arg(quotedName(m_shown.name));
    title += QStringLiteral(" · %1").arg(describeSweep(m_shown));
    const int64_t finished = m_shown.finishedTrials();
    if (running) title += QStringLiteral(" · running, %1 finished").arg(finished);
    else if (current && finished == 0) title += QStringLiteral(" · not run yet");
    else title += QStringLiteral(" · %1 finished").arg(finished);
    m_title->setText(title);

    if (!m_shown.error.empty()) {
        m_best->setText(QString::fromStdString(m_shown.error));
    } else if (m_shown.best < 0) {
        m_best->setText(finished > 0 ? QStringLiteral("No trial completed") : QStringLiteral("No trial has finished yet"));
    } else {
        const core::SweepTrialView& best = m_shown.trials[static_cast<size_t>(m_shown.best)];
        const QString metric = metricLabel(QString::fromStdString(m_shown.metric));
        QStringList values;
        for (int a = 0; a < static_cast<int>(m_shown.axes.size()); ++a)
            values << QStringLiteral("%1 = %2").arg(QString::fromStdString(m_shown.axes[static_cast<size_t>(a)].key),
                                                    sweepValueText(m_shown, best, a));
        QString text = QStringLiteral("Best: trial %1 (run #%2) · valid %3 %4")
                           .arg(best.index)
                           .arg(best.runId)
                           .arg(metric, QLocale().toString(best.valid, 'f', 4));
        if (std::isfinite(best.test)) text += QStringLiteral(" · test %1 %2").arg(metric, QLocale().toString(best.test, 'f', 4));
        text += QStringLiteral(" · %1").arg(values.join(QStringLiteral(", ")));
        m_best->setText(text);
    }
    m_useBest->setEnabled(m_shown.best >= 0 && !m_shown.trials[static_cast<size_t>(m_shown.best)].modelConfigJson.empty());
}

void SweepPage::chooseSweepFile() {
    auto* dialog = new QFileDialog(this, QStringLiteral("Open a sweep file"), m_sampleFolder,
                                   QStringLiteral("Sweep files (*.json);;All files (*)"));
    dialog->setObjectName(QStringLiteral("sweepFileDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setFileMode(QFileDialog::ExistingFile);
    connect(dialog, &QFileDialog::fileSelected, this, [this](const QString& path) { (void)openSweepFile(path); });
    dialog->open();
}

void SweepPage::failFile(const QString& message) {
    m_fileError->setText(message);
    m_fileError->show();
}

bool SweepPage::openSweepFile(const QString& path) {
    if (m_job && m_job->isRunning()) {
        failFile(QStringLiteral("A sweep is running: cancel it or wait for it before opening another file."));
        return false;
    }
    core::SweepView plan;
    core::SweepFile file;
    try {
        file = core::readSweepFile(path.toStdString());
        plan = core::planSweepView(file);
    } catch (const std::exception& error) {
        failFile(QString::fromStdString(error.what()));
        return false;
    }
    m_fileError->hide();
    m_file = std::move(file);
    m_current = std::move(plan);
    m_currentListed = true;
    m_filePath->setText(QDir::toNativeSeparators(path));
    QStringList searched;
    for (const core::SweepAxis& axis : m_current.axes)
        searched << QString::fromStdString(axis.key) + (axis.log ? QStringLiteral(" (log)") : QString());
    m_fileSummary->setText(QStringLiteral("%1\nSearching %2").arg(describeSweep(m_current), searched.join(QStringLiteral(", "))));
    m_controls->setStartEnabled(m_contents.isOpen());
    {
        const QSignalBlocker blocker(m_selector);
        m_selector->setCurrentIndex(-1);  // the file's entry comes first and is chosen below
    }
    rebuildSelector();
    return true;
}

void SweepPage::train() {
    if (!m_file) {
        chooseSweepFile();
        return;
    }
    (void)startSweep();
}

Job* SweepPage::startSweep() {
    m_fileError->hide();
    if (!m_contents.isOpen()) {
        failFile(QStringLiteral("Open a project first."));
        return nullptr;
    }
    if (!m_file) {
        failFile(QStringLiteral("Open a sweep file first."));
        return nullptr;
    }
    if (m_job && m_job->isRunning()) return nullptr;
    const bool hasDataset = std::any_of(m_contents.datasets.begin(), m_contents.datasets.end(),
                                        [this](const core::DatasetRecord& d) { return d.name == m_file->dataset; });
    if (!hasDataset) {
        failFile(QStringLiteral("This project has no data set named %1, which the sweep file trains on.").arg(quotedName(m_file->dataset)));
        return nullptr;
    }
    m_current = core::planSweepView(*m_file);
    m_currentListed = true;
    Job* job = m_jobs.start(QStringLiteral("Sweep %1").arg(QString::fromStdString(m_file->name)),
                            sweepJobBody(m_contents.paths.root, *m_file));
    m_job = job;
    m_controls->watch(job);
    connect(job, &Job::reportsArrived, this, &SweepPage::onReports);
    connect(job, &Job::finished, this, &SweepPage::onSweepFinished);
    {
        const QSignalBlocker blocker(m_selector);
        m_selector->setCurrentIndex(-1);
    }
    rebuildSelector();
    Q_EMIT viewShown();
    return job;
}

void SweepPage::onReports(const JobReports& reports) {
    QVector<int> changed;
    // Ends first: a batch may hold one trial's end and the next one's start.
    for (const JobRunEnd& end : reports.runEnds) {
        const int64_t row = core::recordSweepTrial(m_current, end.runId, end.status, end.summaryJson);
        if (row >= 0) changed << static_cast<int>(row);
    }
    const int64_t started = core::markSweepTrialStarted(m_current, reports.runId);
    if (started >= 0) changed << static_cast<int>(started);
    if (changed.isEmpty()) return;
    if (m_currentListed && m_selector->findData(QVariant::fromValue<qint64>(kCurrentSweep)) == 0) {
        m_selector->setItemText(0, QStringLiteral("Running: %1 (%2/%3)")
                                       .arg(QString::fromStdString(m_current.name))
                                       .arg(m_current.finishedTrials())
                                       .arg(m_current.trials.size()));
    }
    if (showsCurrent()) {
        m_shown = m_current;
        for (int row : changed) m_model->updateTrial(m_current, row);
        if (!reports.runEnds.empty()) refreshPlot();
        refreshTexts();
    }
    if (!reports.runEnds.empty()) Q_EMIT trialFinished();
}

void SweepPage::onSweepFinished(const JobOutcome& outcome) {
    if (outcome.groupId > 0) {
        // The stored group replaces the live entry once the project lists it.
        m_currentListed = false;
        m_selectGroup = outcome.groupId;
    } else if (m_file) {
        m_current = core::planSweepView(*m_file);
    }
    if (showsCurrent()) refreshTexts();
    Q_EMIT jobFinished();
}

void SweepPage::requestNewModelRun() {
    if (m_shown.best < 0) return;
    const core::SweepTrialView& best = m_shown.trials[static_cast<size_t>(m_shown.best)];
    ModelRunPrefill prefill;
    prefill.dataset = m_shown.dataset;
    prefill.model = m_shown.model;
    prefill.tokenizerRunId = m_shown.tokenizerRunId;
    prefill.modelConfigJson = best.modelConfigJson;
    prefill.settingsJson = best.settingsJson;
    prefill.name = QStringLiteral("%1 best (trial %2)").arg(QString::fromStdString(m_shown.name)).arg(best.index);
    Q_EMIT newModelRunRequested(prefill);
}

QString SweepPage::titleText() const { return m_title->text(); }

QString SweepPage::bestText() const { return m_best->text(); }

QString SweepPage::fileError() const { return m_fileError->isHidden() ? QString() : m_fileError->text(); }

}  // namespace tokenbench::ui
