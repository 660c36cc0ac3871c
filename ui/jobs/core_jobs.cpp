#include "jobs/core_jobs.h"

#include <chrono>
#include <stdexcept>

#include <QJsonDocument>
#include <QJsonObject>

#include "tokenbench/cancellation.h"
#include "tokenbench/features/feature_sets.h"
#include "tokenbench/project.h"
#include "tokenbench/storage/experiment_store.h"

namespace tokenbench::ui {
namespace {

using Clock = std::chrono::steady_clock;

/// A ProgressUpdate with an ETA extrapolated from the fraction done.
core::ProgressUpdate progressAt(Clock::time_point start, double fraction, const std::string& phase) {
    core::ProgressUpdate update;
    update.phase = phase;
    update.fraction = fraction;
    update.elapsedSeconds = std::chrono::duration<double>(Clock::now() - start).count();
    update.etaSeconds = fraction > 0.01 ? update.elapsedSeconds * (1.0 - fraction) / fraction : -1.0;
    return update;
}

}  // namespace

Job::Body tokenizeJobBody(core::TokenizeRequest request) {
    return [request = std::move(request)](core::ProgressSink& sink, const std::atomic<bool>* cancel) {
        const core::TokenizeResult result = core::runTokenizeJob(request, sink, cancel);
        JobOutcome outcome;
        outcome.runId = result.runId;
        outcome.status = result.status;
        outcome.summaryJson = core::toJson(result);
        outcome.message = result.message;
        return outcome;
    };
}

Job::Body trainJobBody(core::TrainRequest request) {
    return [request = std::move(request)](core::ProgressSink& sink, const std::atomic<bool>* cancel) {
        const core::TrainResult result = core::runTrainJob(request, sink, cancel);
        JobOutcome outcome;
        outcome.runId = result.runId;
        outcome.status = result.status;
        outcome.summaryJson = core::toJson(result);
        outcome.message = result.message;
        return outcome;
    };
}

Job::Body featureBuildJobBody(std::string projectDir, std::string dataset, std::string name, core::FeatureSpec spec) {
    return [projectDir = std::move(projectDir), dataset = std::move(dataset), name = std::move(name),
            spec = std::move(spec)](core::ProgressSink& sink, const std::atomic<bool>* cancel) {
        const auto start = Clock::now();
        core::ExperimentStore store(core::projectPaths(projectDir).database);
        const auto record = store.findDataset(dataset);
        if (!record) throw std::invalid_argument("no data set named '" + dataset + "'");
        core::FeatureProgress progress;
        progress.cancel = cancel;
        progress.report = [&sink, start](double fraction, const std::string& phase) {
            sink.progress(progressAt(start, fraction, phase));
        };
        core::FeatureSetRecord created;
        try {
            created = core::createFeatureSet(store, record->id, name, spec, progress);
        } catch (const std::exception&) {
            if (cancel && cancel->load()) throw core::CancelledError();
            throw;
        }
        JobOutcome outcome;
        outcome.status = core::RunStatus::Completed;
        QJsonObject summary{{QStringLiteral("feature_set"), QString::fromStdString(created.name)},
                            {QStringLiteral("rows"), static_cast<qint64>(created.rows)},
                            {QStringLiteral("dim"), static_cast<qint64>(created.dim)}};
        outcome.summaryJson = QJsonDocument(summary).toJson(QJsonDocument::Compact).toStdString();
        outcome.message = "feature set '" + created.name + "': " + std::to_string(created.rows) + " × " +
                          std::to_string(created.dim);
        return outcome;
    };
}

Job::Body importJobBody(std::string projectDir, core::ImportRequest request) {
    return [projectDir = std::move(projectDir), request = std::move(request)](core::ProgressSink& sink,
                                                                             const std::atomic<bool>* cancel) mutable {
        const auto start = Clock::now();
        request.load.cancel = cancel;
        request.load.progress = [&sink, start](int64_t read, int64_t total) {
            const double fraction = total > 0 ? static_cast<double>(read) / static_cast<double>(total) : 0.0;
            sink.progress(progressAt(start, fraction * 0.9, "reading"));  // the last tenth: preprocessing, storing
        };
        core::ExperimentStore store(core::projectPaths(projectDir).database);
        core::ImportResult result;
        try {
            result = core::importDataset(store, request);
        } catch (const std::exception&) {
            // Loaders stop with a plain "cancelled" error; report it as a cancellation.
            if (cancel && cancel->load()) throw core::CancelledError();
            throw;
        }
        JobOutcome outcome;
        outcome.status = core::RunStatus::Completed;
        outcome.summaryJson = core::toJson(result, request.name);
        outcome.message = "data set '" + request.name + "': " + std::to_string(result.stats.users) + " users, " +
                          std::to_string(result.stats.items) + " items, " +
                          std::to_string(result.stats.interactions) + " interactions";
        return outcome;
    };
}

}  // namespace tokenbench::ui
