#pragma once
/// Job bodies for core's long operations: tokenizer runs, feature builds and data-set imports. Each
/// runs on the job's worker thread with its own store connection.

#include <string>

#include "jobs/job.h"
#include "tokenbench/data/import.h"
#include "tokenbench/features/featurizers.h"
#include "tokenbench/tokenizers/tokenize_job.h"
#include "tokenbench/training/train_job.h"

namespace tokenbench::ui {

/// core::runTokenizeJob; the outcome carries the run id, status and summary JSON.
[[nodiscard]] Job::Body tokenizeJobBody(core::TokenizeRequest request);

/// core::runTrainJob; the outcome carries the run id, status and summary JSON.
[[nodiscard]] Job::Body trainJobBody(core::TrainRequest request);

/// core::createFeatureSet for data set `dataset` of the project at `projectDir`.
[[nodiscard]] Job::Body featureBuildJobBody(std::string projectDir, std::string dataset, std::string name,
                                            core::FeatureSpec spec);

/// core::importDataset into the project at `projectDir`; progress in bytes read.
[[nodiscard]] Job::Body importJobBody(std::string projectDir, core::ImportRequest request);

}  // namespace tokenbench::ui
