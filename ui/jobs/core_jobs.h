#pragma once
/// Job bodies for core's jobs (tokenbench/jobs/, tokenbench/experiment/): tokenizer runs, model
/// runs, sweeps, feature builds and data-set imports. Each calls the core job function on the job's worker thread and turns its typed
/// result into a JobOutcome; no core work happens here.

#include <cstdint>
#include <string>
#include <vector>

#include "jobs/job.h"
#include "tokenbench/experiment/sweep.h"
#include "tokenbench/jobs/feature_job.h"
#include "tokenbench/jobs/import_job.h"
#include "tokenbench/jobs/repeat_job.h"
#include "tokenbench/jobs/tokenize_job.h"
#include "tokenbench/jobs/train_job.h"

namespace tokenbench::ui {

/// core::runTokenizeJob; the outcome carries the run id, status and summary JSON.
[[nodiscard]] Job::Body tokenizeJobBody(core::TokenizeRequest request);

/// core::runTrainJob; the outcome carries the run id, status and summary JSON.
[[nodiscard]] Job::Body trainJobBody(core::TrainRequest request);

/// core::runRepeatedTokenizeJob: one tokenizer run per seed in one group. The outcome names the
/// group, its runs and their mean ± CI figures, and carries the last run's id and summary.
[[nodiscard]] Job::Body repeatedTokenizeJobBody(core::TokenizeRequest request, std::vector<uint64_t> seeds);

/// core::runRepeatedTrainJob: one model run per seed in one group; outcome as for tokenizers.
[[nodiscard]] Job::Body repeatedTrainJobBody(core::TrainRequest request, std::vector<uint64_t> seeds);

/// core::runSweep of `file` in the project at `projectDir`; each trial's end reaches the UI as a
/// JobRunEnd report. The outcome carries the group id, status and the sweep's JSON (core::toJson).
[[nodiscard]] Job::Body sweepJobBody(std::string projectDir, core::SweepFile file);

/// core::runFeatureJob for data set `dataset` of the project at `projectDir`.
[[nodiscard]] Job::Body featureBuildJobBody(std::string projectDir, std::string dataset, std::string name,
                                            core::FeatureSpec spec);

/// core::runImportJob into the project at `projectDir`; progress in bytes read.
[[nodiscard]] Job::Body importJobBody(std::string projectDir, core::ImportRequest request);

}  // namespace tokenbench::ui
