#pragma once
/// What can be done with one run, offered alike wherever runs are listed (Project dock, Runs page).

#include <cstdint>

#include <QObject>
#include <QString>

#include "tokenbench/project.h"
#include "tokenbench/storage/records.h"

class QMenu;
class QWidget;

namespace tokenbench::ui {

class Job;
class JobManager;

/// Fills context menus for a run and carries out its exports (a file dialog, then a job).
/// Navigation is the window's business: those actions only emit a request. UI thread only.
class RunActions final : public QObject {
    Q_OBJECT

public:
    /// Where the menu is shown: the Runs page leaves out "Show in runs table".
    enum class Place { ProjectDock, RunsTable };

    /// Dialogs open over `window`; exports run as jobs of `jobs`. Both must outlive this object.
    RunActions(JobManager& jobs, QWidget* window);

    /// The open project (empty paths: none); exports need one.
    void setProject(const core::ProjectPaths& paths) { m_paths = paths; }

    /// Adds the actions for `run` to `menu`; exports and attention are disabled until it completed.
    void fillMenu(QMenu& menu, const core::RunRecord& run, Place place);

    /// Asks for a file, then writes tokenizer run `runId`'s semantic IDs as `suffix` ("csv" or "json").
    void exportSemanticIds(qint64 runId, const QString& suffix);
    /// Asks for a folder, then exports model run `runId`'s best checkpoint there.
    void exportModel(qint64 runId);

Q_SIGNALS:
    void showRequested(qint64 runId);
    void showInRunsTableRequested(qint64 runId);
    void attentionRequested(qint64 runId);
    /// An export finished: `message` says what was written.
    void exportSucceeded(const QString& message);
    void exportFailed(const QString& message);

private:
    /// Reports `job`'s outcome through exportSucceeded / exportFailed.
    void watchExport(Job* job);

    JobManager& m_jobs;
    QWidget* m_window;
    core::ProjectPaths m_paths;
};

}  // namespace tokenbench::ui
