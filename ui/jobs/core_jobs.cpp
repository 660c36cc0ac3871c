#include "jobs/core_jobs.h"

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

}  // namespace

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
