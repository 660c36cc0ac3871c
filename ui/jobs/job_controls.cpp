#include "jobs/job_controls.h"

#include <algorithm>
#include <cmath>

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QStyle>
#include <QVBoxLayout>

#include "run_status.h"

namespace tokenbench::ui {

JobControls::JobControls(const QString& startText, QWidget* parent)
    : QWidget(parent),
      m_start(new QPushButton(startText)),
      m_cancel(new QPushButton(QStringLiteral("Cancel"))),
      m_bar(new QProgressBar),
      m_status(new QLabel) {
    setObjectName(QStringLiteral("jobControls"));
    m_start->setObjectName(QStringLiteral("startButton"));
    m_start->setIcon(style()->standardIcon(QStyle::SP_MediaPlay));
    m_start->setDefault(true);
    m_cancel->setObjectName(QStringLiteral("cancelButton"));
    m_cancel->setIcon(style()->standardIcon(QStyle::SP_MediaStop));
    m_bar->setObjectName(QStringLiteral("jobProgress"));
    m_bar->setRange(0, 1000);
    m_bar->setValue(0);
    m_bar->setTextVisible(true);
    m_bar->setFormat(QStringLiteral("%p %"));
    m_status->setObjectName(QStringLiteral("jobStatus"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_start, 1);
    buttons->addWidget(m_cancel);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(buttons);
    layout->addWidget(m_bar);
    layout->addWidget(m_status);

    connect(m_start, &QPushButton::clicked, this, &JobControls::startRequested);
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        if (!m_job) return;
        m_job->cancel();
        m_status->setText(QStringLiteral("Cancelling…"));
        updateButtons();
    });
    updateButtons();
}

QString JobControls::formatDuration(double seconds) {
    if (!std::isfinite(seconds) || seconds < 0) return QStringLiteral("?");
    const auto total = static_cast<qint64>(std::llround(seconds));
    if (total >= 3600) return QStringLiteral("%1 h %2 min").arg(total / 3600).arg((total % 3600) / 60, 2, 10, QLatin1Char('0'));
    if (total >= 60) return QStringLiteral("%1 min %2 s").arg(total / 60).arg(total % 60);
    return QStringLiteral("%1 s").arg(total);
}

void JobControls::watch(Job* job) {
    if (m_job) disconnect(m_job, nullptr, this, nullptr);
    m_job = job;
    m_bar->setValue(0);
    m_bar->setRange(0, 1000);
    m_status->setText(QStringLiteral("Starting…"));
    if (job) {
        connect(job, &Job::reportsArrived, this, &JobControls::onReports);
        connect(job, &Job::finished, this, &JobControls::onFinished);
    }
    updateButtons();
}

void JobControls::setStartEnabled(bool enabled) {
    m_startEnabled = enabled;
    updateButtons();
}

QString JobControls::statusText() const {
    return m_status->text();
}

int JobControls::progressPercent() const {
    return m_bar->value() / 10;
}

void JobControls::onReports(const JobReports& reports) {
    if (!reports.progress || !m_job || m_job->isCancelRequested()) return;
    const core::ProgressUpdate& p = *reports.progress;
    m_bar->setValue(static_cast<int>(std::lround(std::clamp(p.fraction, 0.0, 1.0) * 1000)));
    QStringList parts;
    // The test pass after the last epoch reports epoch = epochs + 1; show it as the last.
    if (p.epochs > 0) parts << QStringLiteral("epoch %1/%2").arg(std::min(p.epoch, p.epochs)).arg(p.epochs);
    if (!p.phase.empty()) parts << QString::fromStdString(p.phase);
    parts << QStringLiteral("elapsed %1").arg(formatDuration(p.elapsedSeconds));
    if (p.etaSeconds >= 0) parts << QStringLiteral("ETA %1").arg(formatDuration(p.etaSeconds));
    m_status->setText(parts.join(QStringLiteral(" · ")));
}

void JobControls::onFinished(const JobOutcome& outcome) {
    if (outcome.status == core::RunStatus::Completed) m_bar->setValue(m_bar->maximum());
    QString text = runStatusLabel(outcome.status);
    if (outcome.groupId > 0 && !outcome.groupRuns.empty()) {
        text = QStringLiteral("Repeat of %1 runs (group #%2): %3").arg(outcome.groupRuns.size()).arg(outcome.groupId).arg(text.toLower());
    } else if (outcome.groupId > 0) {
        text = QStringLiteral("Group #%1: %2").arg(outcome.groupId).arg(text.toLower());
    } else if (outcome.runId > 0) {
        text = QStringLiteral("Run #%1: %2").arg(outcome.runId).arg(text.toLower());
    }
    if (!outcome.message.empty()) text += QStringLiteral(" — %1").arg(QString::fromStdString(outcome.message));
    if (m_job) text += QStringLiteral(" (%1)").arg(formatDuration(m_job->elapsedMs() / 1000.0));
    m_status->setText(text);
    updateButtons();
}

void JobControls::updateButtons() {
    const bool busy = isBusy();
    m_start->setEnabled(m_startEnabled && !busy);
    m_cancel->setEnabled(busy && !m_job->isCancelRequested());
    m_bar->setVisible(m_job != nullptr);
}

}  // namespace tokenbench::ui
