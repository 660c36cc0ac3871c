#pragma once
/// Value types that carry a job's reports from its worker thread to the UI thread.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <QMetaType>
#include <QString>

#include "tokenbench/eval/paired_statistics.h"
#include "tokenbench/progress_sink.h"
#include "tokenbench/storage/records.h"

namespace tokenbench::ui {

/// One log line a job reported through its sink.
struct JobLogLine final {
    std::string level;
    std::string message;
};

/// A run of the job ended (a job that runs several, such as a sweep, reports each).
struct JobRunEnd final {
    int64_t runId = 0;
    core::RunStatus status = core::RunStatus::Failed;
    std::string summaryJson;
    std::string message;
};

/// Everything a job reported since the previous hand-off, in arrival order per kind. The UI appends
/// it to its plots, so nothing is ever re-read from the store while a job runs.
struct JobReports final {
    int64_t runId = 0;  ///< 0 until the job created its run (jobs without a run stay 0)
    std::optional<core::ProgressUpdate> progress;  ///< latest only: a progress bar needs no history
    std::vector<core::MetricPoint> metrics;
    std::vector<core::CodebookSnapshot> snapshots;
    std::vector<core::RunEvent> events;
    std::vector<core::ArtifactRecord> artifacts;
    std::vector<JobLogLine> logs;
    std::vector<JobRunEnd> runEnds;

    [[nodiscard]] bool empty() const {
        return !progress && metrics.empty() && snapshots.empty() && events.empty() && artifacts.empty() &&
               logs.empty() && runEnds.empty();
    }
};

/// How a job ended. Jobs that are not runs (imports, feature builds) leave runId at 0. A repeat
/// (one run per seed) names its last run, whose summary it carries, and its group; a sweep names
/// its group.
struct JobOutcome final {
    int64_t runId = 0;
    core::RunStatus status = core::RunStatus::Failed;
    std::string summaryJson = "{}";
    std::string message;
    int64_t groupId = 0;  ///< the repeat's or sweep's run group; 0 for a single run
    std::vector<int64_t> groupRuns;  ///< the repeat's runs, in seed order
    std::map<std::string, core::MeanInterval> groupFigures;  ///< mean ± CI over the completed runs
};

}  // namespace tokenbench::ui

Q_DECLARE_METATYPE(tokenbench::ui::JobReports)
Q_DECLARE_METATYPE(tokenbench::ui::JobOutcome)
