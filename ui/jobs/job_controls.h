#pragma once
/// Train / Cancel buttons with a progress bar, phase and ETA for one job at a time.

#include <QPointer>
#include <QWidget>

#include "jobs/job.h"

class QLabel;
class QProgressBar;
class QPushButton;

namespace tokenbench::ui {

/// Shared by the tokenizer and model pages. Start emits startRequested(); the page creates the job
/// and hands it over with watch(). Cancel sets the job's flag directly. UI thread.
class JobControls final : public QWidget {
    Q_OBJECT

public:
    explicit JobControls(const QString& startText, QWidget* parent = nullptr);

    /// Follows `job` until it finishes (progress, ETA, outcome).
    void watch(Job* job);
    [[nodiscard]] Job* job() const { return m_job; }
    [[nodiscard]] bool isBusy() const { return m_job && m_job->isRunning(); }
    void setStartEnabled(bool enabled);
    /// Text under the bar ("epoch 3/10 · 42 % · ETA 1 min 20 s", outcome...).
    [[nodiscard]] QString statusText() const;
    [[nodiscard]] int progressPercent() const;
    [[nodiscard]] QPushButton* startButton() const { return m_start; }
    [[nodiscard]] QPushButton* cancelButton() const { return m_cancel; }

    /// "1 h 05 min", "3 min 12 s", "8 s".
    [[nodiscard]] static QString formatDuration(double seconds);

Q_SIGNALS:
    void startRequested();

private:
    void onReports(const JobReports& reports);
    void onFinished(const JobOutcome& outcome);
    void updateButtons();

    QPushButton* m_start;
    QPushButton* m_cancel;
    QProgressBar* m_bar;
    QLabel* m_status;
    QPointer<Job> m_job;
    bool m_startEnabled = true;
};

}  // namespace tokenbench::ui
