#pragma once
/// The Runs page's details pane as text: a run's record, config and summary, or a group's runs
/// and the mean ± 95 % CI of every figure over them. Pure; any thread.

#include <map>
#include <string>
#include <vector>

#include <QString>

#include "tokenbench/eval/paired_statistics.h"
#include "tokenbench/storage/records.h"

namespace tokenbench::ui {

/// Labelled fields of the run, then its config and summary field by field.
[[nodiscard]] QString describeRun(const core::RunRecord& run);

/// The group's label, kind and runs, then every figure of its completed runs as mean ± CI (n)
/// (`figures`: core::summarizeRuns of `runs`).
[[nodiscard]] QString describeGroup(const core::RunGroupRecord& group, const std::vector<core::RunRecord>& runs,
                                    const std::map<std::string, core::MeanInterval>& figures);

}  // namespace tokenbench::ui
