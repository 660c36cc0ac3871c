#pragma once
/// A sweep as a front end shows it: the searched parameters as axes (a range with its log flag, or
/// the listed values as categories) and every trial with its values, status and validation metric.
/// Made from a sweep file before it runs, updated as its trials start and finish, or read back from
/// a stored sweep group and its runs. Plain values, so the GUI reads fields instead of JSON.
///
/// Threads: pure functions over plain records (no store access); any thread.

#include <cstdint>
#include <string>
#include <vector>

#include "tokenbench/experiment/sweep.h"
#include "tokenbench/storage/records.h"

namespace tokenbench::core {

/// One searched parameter.
struct SweepAxis final {
    std::string key;
    bool setting = false;  ///< a run setting (epochs...), not a model parameter
    bool log = false;      ///< a range searched log-uniformly
    bool integer = false;
    double min = 0.0;      ///< a range's bounds (unused for categories)
    double max = 0.0;
    /// Values given as a list, as display text ("bce", "16", "true"); numbers in ascending order,
    /// anything else as written. Empty for a range.
    std::vector<std::string> categories;

    [[nodiscard]] bool categorical() const { return !categories.empty(); }
};

/// One trial: what it searched and, once run, how it did.
struct SweepTrialView final {
    int64_t index = 0;                      ///< 1-based, the order the sweep runs them in
    int64_t runId = 0;                      ///< 0 until the trial's run started
    RunStatus status = RunStatus::Created;  ///< Created: not started yet
    std::vector<std::string> labels;        ///< per axis: the value as text
    std::vector<double> values;             ///< per axis: the number, or the index of its category
    double valid = 0.0;                     ///< the sweep's metric at the best validation; NaN until known
    double test = 0.0;                      ///< the same metric on the test split; NaN until known
    std::string modelConfigJson;            ///< the trial's whole model config
    std::string settingsJson;               ///< the trial's whole run settings
};

/// A sweep's axes and trials (see file comment).
struct SweepView final {
    int64_t groupId = 0;  ///< 0 for a sweep not stored (yet)
    std::string name;
    std::string model;
    std::string dataset;
    int64_t tokenizerRunId = 0;
    std::string search;
    std::string metric;
    std::string createdAt;  ///< a stored group's creation time
    std::vector<SweepAxis> axes;
    std::vector<SweepTrialView> trials;
    int64_t best = -1;      ///< index into trials of the best completed validation metric; -1 when none
    std::string error;      ///< why a stored group could not be read (no axes then); empty when fine

    /// Trials that have ended (completed, failed or cancelled).
    [[nodiscard]] int64_t finishedTrials() const;
};

/// The trials `file` will run, none started. Throws as sweepTrials does.
[[nodiscard]] SweepView planSweepView(const SweepFile& file);

/// Trial runs start one at a time in trial order: marks the first trial not yet started as running
/// run `runId`. Returns its index in view.trials, or -1 when `runId` is already known or every
/// trial has started.
int64_t markSweepTrialStarted(SweepView& view, int64_t runId);

/// Records how run `runId` ended (`summaryJson`: the train job's summary): the trial running it,
/// else the first not yet started. Updates view.best. Returns the trial's index, or -1 when no
/// trial is left to take it.
int64_t recordSweepTrial(SweepView& view, int64_t runId, RunStatus status, const std::string& summaryJson);

/// The sweep stored as `group` (kind "sweep") with its trial runs among `runs` (any runs of the
/// project; those of the group are taken in id order, which is trial order). Never throws: a group
/// whose stored sweep file no longer reads keeps its runs' metrics and says why in `error`.
[[nodiscard]] SweepView storedSweepView(const RunGroupRecord& group, const std::vector<RunRecord>& runs);

}  // namespace tokenbench::core
