#include "pages/run_page.h"

#include <QComboBox>
#include <QFrame>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QScrollArea>
#include <QSplitter>
#include <QVBoxLayout>

#include "group_figures.h"
#include "jobs/job_controls.h"
#include "jobs/job_manager.h"
#include "pages/run_follower.h"
#include "run_status.h"
#include "widgets/form_helpers.h"
#include "widgets/run_fields.h"
#include "widgets/schema_form.h"

namespace tokenbench::ui {

RunPage::RunPage(core::RunKind kind, const QString& subject, JobManager& jobs, QWidget* parent)
    : QWidget(parent), m_jobs(jobs), m_kind(kind), m_subject(subject) {
    setObjectName(subject + QStringLiteral("Page"));
    m_dataset = new QComboBox;
    m_dataset->setObjectName(subject + QStringLiteral("Dataset"));
    m_form = new SchemaForm;
    m_form->setObjectName(subject + QStringLiteral("Form"));
    m_controls = new JobControls(QStringLiteral("Train %1").arg(subject));
    m_formError = makeFormErrorLabel(subject);
    m_splitter = new QSplitter(Qt::Horizontal);
    m_splitter->setObjectName(QStringLiteral("formSplitter"));

    m_title = new QLabel;
    m_title->setObjectName(subject + QStringLiteral("RunTitle"));
    QFont titleFont = m_title->font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.1);
    m_title->setFont(titleFont);
    m_figures = new QLabel;
    m_figures->setObjectName(subject + QStringLiteral("Figures"));
    m_figures->setWordWrap(true);
    m_figures->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_follower = new RunFollower(this);
    connect(m_follower, &RunFollower::loadStarted, this, [this](qint64 runId) {
        resetViews(QStringLiteral("Loading run #%1…").arg(runId));
        updateTitle(QStringLiteral("loading"));
    });
    connect(m_follower, &RunFollower::historyShown, this, &RunPage::onHistoryShown);
    connect(m_follower, &RunFollower::loadFailed, this, &RunPage::onLoadFailed);
    connect(m_follower, &RunFollower::liveRunStarted, this, [this] { updateTitle(QStringLiteral("running")); });
    connect(m_follower, &RunFollower::liveReports, this, [this](const JobReports& reports) { drawReports(reports); });
    connect(m_follower, &RunFollower::liveFinished, this, &RunPage::onLiveFinished);
    connect(m_follower, &RunFollower::jobFinished, this, &RunPage::jobFinished);
    connect(this, &RunPage::runShown, this, [this] {
        if (isShownViewComplete()) m_pendingView.complete();
    });
    connect(m_dataset, qOverload<int>(&QComboBox::currentIndexChanged), this, [this] { onDatasetChanged(); });
    connect(m_controls, &JobControls::startRequested, this, [this] { startTraining(); });
}

RunPage::~RunPage() = default;

void RunPage::setFormColumn(const QString& title, QLayout* top, QLayout* bottom) {
    auto* group = new QGroupBox(title);
    auto* groupLayout = new QVBoxLayout(group);
    groupLayout->addLayout(top);
    groupLayout->addWidget(m_form);
    groupLayout->addLayout(bottom);
    groupLayout->addWidget(m_formError);
    groupLayout->addWidget(m_controls);
    groupLayout->addStretch(1);

    auto* scroll = new QScrollArea;
    scroll->setObjectName(m_subject + QStringLiteral("FormScroll"));
    scroll->setWidget(group);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setMinimumWidth(240);
    scroll->setMaximumWidth(420);

    // The form and the views share a splitter: the form can be narrowed or folded away.
    m_splitter->addWidget(scroll);
    m_splitter->setCollapsible(0, true);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 8, 8, 8);
    layout->addWidget(m_splitter);
}

void RunPage::setViewColumn(const QList<QWidget*>& above, QWidget* body) {
    auto* right = new QVBoxLayout;
    right->setSpacing(4);
    right->addWidget(m_title);
    right->addWidget(m_figures);
    for (QWidget* widget : above) right->addWidget(widget);
    right->addWidget(body, 1);
    auto* views = new QWidget;
    right->setContentsMargins(0, 0, 0, 0);
    views->setLayout(right);
    m_splitter->addWidget(views);
    m_splitter->setCollapsible(1, false);
    m_splitter->setStretchFactor(1, 1);
    m_splitter->setSizes({310, 1000});
}

void RunPage::setProject(const ProjectContents& contents) {
    if (!contents.isOpen()) {
        clearProject();
        return;
    }
    const bool sameProject = contents.paths.root == m_paths.root;
    m_paths = contents.paths;
    m_runs = contents.runs;
    m_follower->setDatabase(m_paths.database);
    takeContents(contents);
    const QString keep = m_dataset->currentText();
    {
        const QSignalBlocker blocker(m_dataset);
        m_dataset->clear();
        for (const core::DatasetRecord& record : contents.datasets) {
            m_dataset->addItem(QString::fromStdString(record.name), QVariant::fromValue<qint64>(record.id));
        }
        if (contents.datasets.empty()) m_dataset->addItem(QStringLiteral("No data sets"));
        m_dataset->setEnabled(!contents.datasets.empty());
        const int index = m_dataset->findText(keep);
        if (sameProject && index >= 0 && !contents.datasets.empty()) m_dataset->setCurrentIndex(index);
    }
    onDatasetChanged();
    m_controls->setStartEnabled(!contents.datasets.empty());
    if (!sameProject) {
        m_follower->clear();
        showNoRun(QStringLiteral("Train a %1, or pick a %1 run in the project tree").arg(m_subject));
        updateTitle({});
        // A project that already holds runs opens on its latest one, not on an empty page.
        (void)showLatestRun();
    } else if (shownRunId() > 0) {
        updateTitle({});
    }
}

void RunPage::clearProject() {
    m_paths = {};
    m_runs.clear();
    m_follower->setDatabase({});
    m_follower->clear();
    takeContents({});
    {
        const QSignalBlocker blocker(m_dataset);
        m_dataset->clear();
        m_dataset->addItem(QStringLiteral("No project"));
        m_dataset->setEnabled(false);
    }
    onDatasetChanged();
    m_controls->setStartEnabled(false);
    showNoRun(QStringLiteral("No project open"));
    updateTitle({});
}

std::optional<core::StoredRunConfig> RunPage::showComponentSettings(QComboBox& componentSelector,
                                                                    const core::RunRecord& run) {
    // The form shows what the shown run used, so "Train" repeats it (or a variation of it).
    if (!selectItemData(componentSelector, QString::fromStdString(run.componentId))) return std::nullopt;
    core::StoredRunConfig config = core::parseRunConfig(run.configJson);
    m_form->setConfig(config.componentConfigJson);
    selectItemData(*m_dataset, QVariant::fromValue<qint64>(run.datasetId));
    return config;
}

const core::RunRecord* RunPage::findRun(int64_t runId) const {
    for (const core::RunRecord& run : m_runs) {
        if (run.id == runId && run.kind == m_kind) return &run;
    }
    return nullptr;
}

int64_t RunPage::shownRunId() const {
    return m_follower->shownRunId();
}

bool RunPage::isLoading() const {
    return m_follower->isLoading();
}

bool RunPage::openRun(const core::RunRecord& run) {
    return run.kind == m_kind && showRun(run.id);
}

void RunPage::showView(const QString& name, std::function<void()> ready) {
    m_pendingView.wait(name, std::move(ready));
    if (!showLatestRun()) m_pendingView.complete();
}

bool RunPage::showRun(int64_t runId) {
    if (!m_follower->isLiveRun(runId) && !findRun(runId)) return false;
    return m_follower->show(runId);
}

bool RunPage::showLatestRun() {
    const core::RunRecord* latest = nullptr;
    for (const core::RunRecord& run : m_runs) {
        if (run.kind == m_kind && run.status == core::RunStatus::Completed && (!latest || run.id > latest->id))
            latest = &run;
    }
    return latest && showRun(latest->id);
}

Job* RunPage::fail(const QString& message) {
    m_formError->setText(message);
    m_formError->show();
    return nullptr;
}

std::optional<std::string> RunPage::validatedForm(const QString& noDataset) {
    m_formError->hide();
    if (m_paths.root.empty()) {
        fail(QStringLiteral("Open a project first."));
        return std::nullopt;
    }
    if (!m_dataset->isEnabled()) {
        fail(noDataset);
        return std::nullopt;
    }
    QString error;
    std::string config = m_form->validatedConfig(&error);
    if (config.empty()) {
        fail(QStringLiteral("Check the parameters: %1").arg(error));
        return std::nullopt;
    }
    return config;
}

Job* RunPage::launch(const QString& title, Job::Body body, RunHistory seed, const QString& waiting) {
    Job* job = m_jobs.start(title, std::move(body));
    m_follower->follow(job, std::move(seed));
    // Connected after the follower, whose jobFinished has the project reloaded first.
    connect(job, &Job::finished, this, [this](const JobOutcome& outcome) {
        if (outcome.groupId > 0) Q_EMIT groupFinished(outcome.groupId);
    });
    resetViews(waiting);
    m_controls->watch(job);
    updateTitle(QStringLiteral("starting"));
    return job;
}

void RunPage::onLoadFailed(qint64 runId, const QString& error) {
    resetViews(QStringLiteral("Could not load run #%1").arg(runId));
    m_figures->setText(error);
    updateTitle(QStringLiteral("error"));
    Q_EMIT runShown(runId);
}

void RunPage::onHistoryShown(const RunHistory& history, bool live) {
    applyHistory(history);
    if (live) {
        updateTitle(QStringLiteral("running"));
        return;
    }
    storedRunShown(history);
    Q_EMIT runShown(history.runId);
}

void RunPage::applyHistory(const RunHistory& history) {
    resetViews({});
    drawHistory(history);
    if (!history.run.summaryJson.empty() && history.run.summaryJson != "{}") showSummary(history.run.summaryJson);
    if (history.run.id > 0 && !history.run.createdAt.empty()) showRunSettings(history.run);
    updateTitle(runStatusLabel(history.run.status).toLower());
}

void RunPage::onLiveFinished(const JobOutcome& outcome) {
    if (outcome.status == core::RunStatus::Completed) showSummary(outcome.summaryJson);
    else m_figures->setText(QString::fromStdString(outcome.message));
    if (outcome.groupId > 0) {
        // The shown run is the repeat's last; the line below sums all of them up.
        const QString figures = headlineLine(m_kind, outcome.groupFigures);
        m_figures->setText(m_figures->text() + QStringLiteral("\nRepeat of %1 seeds (group #%2 on the Runs page)%3")
                                                   .arg(outcome.groupRuns.size())
                                                   .arg(outcome.groupId)
                                                   .arg(figures.isEmpty() ? QString() : QStringLiteral(": ") + figures));
    }
    liveRunEnded(outcome);
    updateTitle(runStatusLabel(outcome.status).toLower());
}

void RunPage::updateTitle(const QString& status) {
    const int64_t shown = shownRunId();
    if (shown == 0 && status.isEmpty()) {
        m_title->setText(QStringLiteral("No %1 run shown").arg(m_subject));
        return;
    }
    const QString component = QString::fromStdString(m_follower->live().run.componentId);
    const core::RunRecord* run = findRun(shown);
    QString text = run ? runDisplayName(*run)
               : shown > 0 ? QStringLiteral("#%1 %2").arg(shown).arg(component)
                           : QStringLiteral("New run (%1)").arg(component);
    if (run && !run->datasetName.empty()) text += QStringLiteral(" · %1").arg(QString::fromStdString(run->datasetName));
    if (run && run->tokenizerRunId) text += QStringLiteral(" · IDs of tokenizer run #%1").arg(*run->tokenizerRunId);
    const QString state = status.isEmpty() && run ? runStatusLabel(run->status).toLower() : status;
    if (!state.isEmpty()) text += QStringLiteral(" · %1").arg(state);
    m_title->setText(text);
}

QString RunPage::figuresText() const {
    return m_figures->text();
}

QString RunPage::formError() const {
    return m_formError->isHidden() ? QString() : m_formError->text();
}

}  // namespace tokenbench::ui
