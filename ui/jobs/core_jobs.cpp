#include "jobs/core_jobs.h"

#include "group_figures.h"
#include "jobs/repeat_progress_sink.h"

namespace tokenbench::ui {
namespace {

/// The outcome of a core job's typed result: its run id (0 for jobs without a run), status,
/// summary JSON and message (the failure, or `completed` on success when given).
template <class Result>
JobOutcome outcomeOf(const Result& result, int64_t runId, std::string summaryJson, std::string completed = {}) {
    JobOutcome outcome;
    outcome.runId = runId;
    outcome.status = result.status;
    outcome.summaryJson = std::move(summaryJson);
    outcome.message = result.status == core::RunStatus::Completed && !completed.empty() ? std::move(completed) : result.message;
    return outcome;
}

/// A repeat's outcome: its group, runs and figures, with the last run as the run it shows; on
/// success its message is the headline figures' mean ± CI.
JobOutcome repeatOutcome(core::RunKind kind, const core::RepeatResult& result, const RepeatProgressSink& progress) {
    JobOutcome outcome = outcomeOf(result, progress.runIds().empty() ? 0 : progress.runIds().back(),
                                   result.runJsons.empty() ? std::string("{}") : result.runJsons.back(),
                                   headlineLine(kind, result.figures).toStdString());
    outcome.groupId = result.groupId;
    outcome.groupRuns = progress.runIds();
    outcome.groupFigures = result.figures;
    return outcome;
}

}  // namespace

Job::Body repeatedTokenizeJobBody(core::TokenizeRequest request, std::vector<uint64_t> seeds) {
    return [request = std::move(request), seeds = std::move(seeds)](core::ProgressSink& sink,
                                                                    const std::atomic<bool>* cancel) {
        RepeatProgressSink progress(sink, seeds.size());
        return repeatOutcome(core::RunKind::Tokenizer, core::runRepeatedTokenizeJob(request, seeds, progress, cancel), progress);
    };
}

Job::Body repeatedTrainJobBody(core::TrainRequest request, std::vector<uint64_t> seeds) {
    return [request = std::move(request), seeds = std::move(seeds)](core::ProgressSink& sink,
                                                                    const std::atomic<bool>* cancel) {
        RepeatProgressSink progress(sink, seeds.size());
        return repeatOutcome(core::RunKind::Model, core::runRepeatedTrainJob(request, seeds, progress, cancel), progress);
    };
}

Job::Body tokenizeJobBody(core::TokenizeRequest request) {
    return [request = std::move(request)](core::ProgressSink& sink, const std::atomic<bool>* cancel) {
        const core::TokenizeResult result = core::runTokenizeJob(request, sink, cancel);
        return outcomeOf(result, result.runId, core::toJson(result));
    };
}

Job::Body trainJobBody(core::TrainRequest request) {
    return [request = std::move(request)](core::ProgressSink& sink, const std::atomic<bool>* cancel) {
        const core::TrainResult result = core::runTrainJob(request, sink, cancel);
        return outcomeOf(result, result.runId, core::toJson(result));
    };
}

Job::Body sweepJobBody(std::string projectDir, core::SweepFile file) {
    return [projectDir = std::move(projectDir), file = std::move(file)](core::ProgressSink& sink,
                                                                        const std::atomic<bool>* cancel) {
        const core::SweepResult result = core::runSweep(projectDir, file, sink, cancel);
        // The outcome is the group's; the last trial's run id would misname it.
        JobOutcome outcome = outcomeOf(result, 0, core::toJson(result));
        outcome.groupId = result.groupId;
        return outcome;
    };
}

Job::Body featureBuildJobBody(std::string projectDir, std::string dataset, std::string name, core::FeatureSpec spec) {
    core::FeatureRequest request{std::move(projectDir), std::move(dataset), std::move(name), std::move(spec)};
    return [request = std::move(request)](core::ProgressSink& sink, const std::atomic<bool>* cancel) {
        const core::FeatureResult result = core::runFeatureJob(request, sink, cancel);
        const bool done = result.status == core::RunStatus::Completed;
        return outcomeOf(result, 0, done ? core::toJson(result) : std::string(), core::describe(result));
    };
}

Job::Body importJobBody(std::string projectDir, core::ImportRequest request) {
    request.projectDir = std::move(projectDir);
    return [request = std::move(request)](core::ProgressSink& sink, const std::atomic<bool>* cancel) {
        const core::ImportResult result = core::runImportJob(request, sink, cancel);
        const bool done = result.status == core::RunStatus::Completed;
        return outcomeOf(result, 0, done ? core::toJson(result, request.name) : std::string(),
                         core::describe(result, request.name));
    };
}

}  // namespace tokenbench::ui
