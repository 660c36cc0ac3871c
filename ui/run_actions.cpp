#include "run_actions.h"

#include <QAction>
#include <QDir>
#include <QFileDialog>
#include <QMenu>

#include "jobs/job.h"
#include "jobs/job_manager.h"
#include "jobs/run_exports.h"

namespace tokenbench::ui {

RunActions::RunActions(JobManager& jobs, QWidget* window) : QObject(window), m_jobs(jobs), m_window(window) {}

void RunActions::fillMenu(QMenu& menu, const core::RunRecord& run, Place place) {
    const qint64 id = run.id;
    const bool completed = run.status == core::RunStatus::Completed;
    menu.addAction(QStringLiteral("Show"), this, [this, id] { Q_EMIT showRequested(id); });
    if (place != Place::RunsTable) {
        menu.addAction(QStringLiteral("Show in runs table"), this, [this, id] { Q_EMIT showInRunsTableRequested(id); });
    }
    if (run.kind == core::RunKind::Tokenizer) {
        menu.addSeparator();
        menu.addAction(QStringLiteral("Export semantic IDs as CSV…"), this, [this, id] {
            exportSemanticIds(id, QStringLiteral("csv"));
        })->setEnabled(completed);
        menu.addAction(QStringLiteral("Export semantic IDs as JSON…"), this, [this, id] {
            exportSemanticIds(id, QStringLiteral("json"));
        })->setEnabled(completed);
    } else {
        menu.addAction(QStringLiteral("Show attention"), this, [this, id] { Q_EMIT attentionRequested(id); })
            ->setEnabled(completed);
        menu.addSeparator();
        menu.addAction(QStringLiteral("Export model…"), this, [this, id] { exportModel(id); })->setEnabled(completed);
    }
}

void RunActions::exportSemanticIds(qint64 runId, const QString& suffix) {
    if (m_paths.root.empty()) return;
    const QString proposed =
        QDir(QString::fromStdString(m_paths.root)).filePath(QStringLiteral("semantic-ids-run-%1.%2").arg(runId).arg(suffix));
    auto* dialog = new QFileDialog(m_window, QStringLiteral("Export semantic IDs of run #%1").arg(runId), proposed);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->setDefaultSuffix(suffix);
    dialog->setNameFilter(suffix == QLatin1String("csv") ? QStringLiteral("CSV file (*.csv)") : QStringLiteral("JSON file (*.json)"));
    // The project may change while the dialog is open: keep the one it was opened for.
    connect(dialog, &QFileDialog::fileSelected, this, [this, runId, database = m_paths.database](const QString& path) {
        watchExport(m_jobs.start(QStringLiteral("Export semantic IDs of run #%1").arg(runId),
                                 semanticIdExportJobBody(database, runId, path.toStdString())));
    });
    dialog->open();
}

void RunActions::exportModel(qint64 runId) {
    if (m_paths.root.empty()) return;
    auto* dialog = new QFileDialog(m_window, QStringLiteral("Export model of run #%1 to a folder").arg(runId),
                                   QString::fromStdString(m_paths.root));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setFileMode(QFileDialog::Directory);
    dialog->setOption(QFileDialog::ShowDirsOnly);
    dialog->setLabelText(QFileDialog::Accept, QStringLiteral("Export here"));
    connect(dialog, &QFileDialog::fileSelected, this, [this, runId, root = m_paths.root](const QString& folder) {
        watchExport(m_jobs.start(QStringLiteral("Export model of run #%1").arg(runId),
                                 modelExportJobBody(root, runId, folder.toStdString())));
    });
    dialog->open();
}

void RunActions::watchExport(Job* job) {
    connect(job, &Job::finished, this, [this](const JobOutcome& outcome) {
        const QString message = QString::fromStdString(outcome.message);
        if (outcome.status == core::RunStatus::Completed) Q_EMIT exportSucceeded(message);
        else Q_EMIT exportFailed(message);
    });
}

}  // namespace tokenbench::ui
