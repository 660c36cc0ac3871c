// The training engine: see tokenbench/jobs/train_job.h.
//
// Budget and cancellation: models check one flag between batches. A watchdog thread raises that flag
// when the user cancels or the time budget runs out, so both interrupt an epoch within a batch; an
// epoch cut short by the budget is dropped (its checkpoint was never written) and the run goes on to
// test the best checkpoint, while a user cancel ends the run as Cancelled.
#include "tokenbench/jobs/train_job.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <filesystem>
#include <limits>
#include <memory>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "tokenbench/cancellation.h"
#include "tokenbench/eval/metric_keys.h"
#include "tokenbench/models/recommender.h"
#include "tokenbench/project.h"
#include "tokenbench/registry.h"
#include "tokenbench/storage/experiment_store.h"
#include "tokenbench/logging.h"
#include "jobs/learned_codes_run.h"
#include "jobs/run_scope.h"
#include "models/item_code_source.h"
#include "training/checkpoint_state.h"
#include "training/data_parallel.h"
#include "training/device_setup.h"
#include "training/job_settings.h"
#include "training/model_evaluation.h"
#include "training/model_run.h"

namespace tokenbench::core {

namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

constexpr int64_t kLossWindow = 10;  // train loss points are means over this many steps
constexpr int64_t kProbeSteps = 20;      // the first epoch is timed over this many steps (or kProbeSeconds)
constexpr double kProbeSeconds = 10.0;

double secondsSince(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

/// Raises `stop` when the user's flag is set or the deadline passes; says which.
class Watchdog final {
public:
    Watchdog(const std::atomic<bool>* user, std::optional<Clock::time_point> deadline)
        : m_user(user), m_deadline(deadline), m_thread([this] { loop(); }) {}
    ~Watchdog() {
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            m_quit = true;
        }
        m_wake.notify_all();
        m_thread.join();
    }
    Watchdog(const Watchdog&) = delete;
    Watchdog& operator=(const Watchdog&) = delete;

    [[nodiscard]] const std::atomic<bool>* flag() const { return &m_stop; }
    [[nodiscard]] bool userCancelled() const { return m_user && m_user->load(); }
    [[nodiscard]] bool budgetSpent() const { return m_budget.load(); }

private:
    void loop() {
        std::unique_lock<std::mutex> lock(m_mutex);
        while (!m_quit) {
            if (m_user && m_user->load()) m_stop = true;
            if (m_deadline && Clock::now() >= *m_deadline) {
                m_budget = true;
                m_stop = true;
            }
            m_wake.wait_for(lock, std::chrono::milliseconds(20));
        }
    }

    const std::atomic<bool>* m_user;
    std::optional<Clock::time_point> m_deadline;
    std::atomic<bool> m_stop{false};
    std::atomic<bool> m_budget{false};
    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_quit = false;
    std::thread m_thread;  // last: starts after the members it reads
};

json metricsJson(const MetricGroup& group) {
    json j = json::object();
    for (const auto& [name, value] : group.values) j[name] = value;
    j["targets"] = group.targets;
    return j;
}

/// Metric points of an evaluation: "all" under their own names, the breakdowns prefixed.
std::vector<MetricPoint> evalPoints(int64_t runId, int64_t step, int64_t epoch, const std::string& split,
                                    const EvalReport& report, const std::map<std::string, double>& stats) {
    std::vector<MetricPoint> points;
    const double now = unixTimeNow();
    auto add = [&](const std::string& name, double value) { points.push_back({runId, step, epoch, split, name, value, now}); };
    for (const auto& [name, value] : report.all.values) add(name, value);
    for (const auto& [name, value] : report.cold.values) add("cold/" + name, value);
    for (const auto& [name, value] : report.warm.values) add("warm/" + name, value);
    if (report.hasNewItems)
        for (const auto& [name, value] : report.newItems.values) add(std::string(metric_name::kNewPrefix) + name, value);
    for (const auto& [name, value] : report.coverage) add(name, value);
    for (const auto& [name, value] : report.meanPopularity) add(name, value);
    for (const auto& [name, value] : stats) add(name, value);
    return points;
}

std::string describe(const MetricGroup& group, const std::string& metric) {
    const auto it = group.values.find(metric);
    return it == group.values.end() ? "-" : std::to_string(it->second);
}

}  // namespace

std::string toJson(const TrainResult& r) {
    json j = {{"run_id", r.runId},
              {"status", toString(r.status)},
              {"model", r.model},
              {"device", r.device},
              {"epochs", r.epochs},
              {"best_epoch", r.bestEpoch},
              {"seconds_per_epoch", r.secondsPerEpoch},
              {"eval_seconds", r.evalSeconds},
              {"stop_reason", r.stopReason},
              {"partial_epoch", r.partialEpoch},
              {"seconds", r.seconds},
              {"world_size", r.worldSize}};
    if (r.partialEpoch) j["partial_steps"] = r.partialSteps;
    if (r.budgetProposal) j["budget_proposal"] = json::parse(toJson(*r.budgetProposal));
    if (r.status == RunStatus::Completed) {
        j["valid"] = json::parse(toJson(r.valid));
        j["test"] = json::parse(toJson(r.test));
        j["test_cold"] = metricsJson(r.test.cold);
        j["test_warm"] = metricsJson(r.test.warm);
        if (r.test.hasNewItems) j["test_new_items"] = metricsJson(r.test.newItems);
        j["coverage"] = r.test.coverage;
        j["popularity"] = r.test.meanPopularity;
        j["protocol"] = r.test.protocol;
        for (const auto& [name, value] : r.evalStats) j[name] = value;
    }
    if (r.tokenizerRunId > 0) j["tokenizer_run_id"] = r.tokenizerRunId;
    if (!r.message.empty()) j["message"] = r.message;
    return j.dump();
}

namespace {

/// A run's settings and data set: from the request for a new run, from the stored run for a resume
/// (then only the budgets — epochs and minutes — come from the request).
struct ResolvedRun final {
    JobSettings settings;
    int64_t datasetId = 0;
};

ResolvedRun resolveRun(ExperimentStore& store, const TrainRequest& request) {
    ResolvedRun resolved;
    if (request.resumeRunId > 0) {
        const auto run = store.findRun(request.resumeRunId);
        if (!run) throw std::invalid_argument("no run with id " + std::to_string(request.resumeRunId) + " to resume");
        if (run->kind != RunKind::Model)
            throw std::invalid_argument("run " + std::to_string(request.resumeRunId) + " is not a model run");
        resolved.settings = settingsFromRun(run->componentId, run->configJson, run->tokenizerRunId.value_or(0), run->seed,
                                            resolveDevice(request.device == "auto" ? run->device : request.device));
        resolved.settings.epochs = request.epochs;
        resolved.settings.maxMinutes = request.maxMinutes;
        resolved.datasetId = run->datasetId;
    } else {
        const auto dataset = store.findDataset(request.dataset);
        if (!dataset) throw std::invalid_argument("no data set named '" + request.dataset + "'");
        resolved.settings = settingsFromRequest(request, resolveDevice(request.device));
        resolved.datasetId = dataset->id;
    }
    return resolved;
}

}  // namespace

void runTrainWorker(const TrainRequest& request) {
    const ProjectPaths paths = projectPaths(request.projectDir);
    std::unique_ptr<TrainingInputs> inputs;
    std::unique_ptr<Recommender> model;
    {
        ExperimentStore store(paths.database);
        Registry registry;
        registerModels(registry);
        const ResolvedRun run = resolveRun(store, request);
        const ComponentInfo& info = registry.get(run.settings.model);
        inputs = std::make_unique<TrainingInputs>(loadTrainingInputs(store, run.datasetId, run.settings.tokenizerRunId, info));
        model = createModel(info.id, run.settings.modelConfigJson);
        model->prepare(inputs->view(), run.settings.seed, run.settings.device);
        // The optimizer state comes from the checkpoint too (rank 0 broadcasts only the weights).
        if (request.resumeRunId > 0) {
            const CheckpointFolder folder(checkpointDir(paths, request.resumeRunId));
            if (const auto state = folder.load()) model->load(folder.path(state->lastFile));
        }
        const std::shared_ptr<DataParallelGroup> group = joinDataParallelGroup(request.distributed, run.settings.device);
        model->setDataParallel(group);
        logInfo("data-parallel rank " + std::to_string(request.distributed.rank) + " of " +
                std::to_string(request.distributed.worldSize) + " joined (" + info.id + ", device " +
                run.settings.device + ")");
        int64_t epochs = 0;
        while (awaitEpochCommand(*group)) {
            try {
                model->trainEpoch(nullptr, nullptr);
            } catch (const CancelledError&) {
                // rank 0 stopped the epoch (cancel or budget); its next command says what follows
            }
            ++epochs;
        }
        logInfo("data-parallel rank " + std::to_string(request.distributed.rank) + ": done after " +
                std::to_string(epochs) + " epochs");
    }
}

TrainResult runTrainJob(const TrainRequest& request, ProgressSink& callerSink, const std::atomic<bool>* cancel) {
    TrainResult result;
    result.model = request.model;
    result.worldSize = request.distributed.worldSize;
    RunScope scope(request.projectDir, callerSink);
    const auto start = scope.startTime();
    const JobEnd end = runGuarded([&] {
        ExperimentStore& store = scope.store();
        Registry registry;
        registerModels(registry);
        const ResolvedRun resolved = resolveRun(store, request);
        const JobSettings& settings = resolved.settings;
        const int64_t datasetId = resolved.datasetId;
        if (request.resumeRunId > 0) scope.adopt(request.resumeRunId);
        const ComponentInfo& info = registry.get(settings.model);
        result.model = info.id;
        result.device = settings.device;
        const TrainingInputs inputs = loadTrainingInputs(store, datasetId, settings.tokenizerRunId, info);

        if (scope.runId() == 0) {
            RunSpec spec;
            spec.kind = RunKind::Model;
            spec.componentId = info.id;
            spec.componentVersion = info.version;
            spec.name = request.name;
            spec.datasetId = datasetId;
            if (settings.tokenizerRunId > 0) spec.tokenizerRunId = settings.tokenizerRunId;
            spec.configJson = toRunConfigJson(settings);
            spec.seed = settings.seed;
            spec.groupId = request.groupId;
            spec.dataHash = inputs.datasetRecord.dataHash;
            spec.device = settings.device;
            scope.create(spec);
        }
        const int64_t runId = scope.runId();
        result.runId = runId;
        const CheckpointFolder folder(checkpointDir(scope.paths(), runId));

        std::unique_ptr<Recommender> model = createModel(info.id, settings.modelConfigJson);
        model->prepare(inputs.view(), settings.seed, settings.device);
        CheckpointState state;
        if (request.resumeRunId > 0) {
            if (const auto stored = folder.load()) {
                state = *stored;
                model->load(folder.path(state.lastFile));
            }
            store.discardMetricsAfter(runId, state.epoch);  // points of an epoch that never reached its checkpoint
            logInfo("Run " + std::to_string(runId) + ": resuming after epoch " + std::to_string(state.epoch));
        }

        // Data-parallel rank 0: join the group once the model holds its starting weights.
        std::shared_ptr<DataParallelGroup> group;
        if (request.distributed.active()) {
            group = joinDataParallelGroup(request.distributed, settings.device);
            model->setDataParallel(group);
        }
        EpochCommands epochCommands(group.get());

        scope.start();
        ProgressSink* fan = &scope.sink();
        logInfo("Run " + std::to_string(runId) + ": " + info.id + " on '" + inputs.datasetRecord.name + "' (" +
                std::to_string(inputs.dataset.users.size()) + " users, " + std::to_string(inputs.dataset.items.size()) +
                " items), device " + settings.device + ", up to " + std::to_string(settings.epochs) + " epochs");
        fan->log("info", "training " + info.id + " on " + settings.device);

        std::optional<Clock::time_point> deadline;
        if (settings.maxMinutes > 0)
            deadline = start + std::chrono::milliseconds(static_cast<int64_t>(settings.maxMinutes * 60000.0));
        Watchdog watchdog(cancel, deadline);
        const std::atomic<bool>* stop = watchdog.flag();

        const int64_t firstEpoch = state.epoch;
        int64_t stepsPerEpoch = 0;
        int64_t globalStep = 0;
        double sessionSeconds = 0.0;  // train + validation of the epochs run in this call
        int64_t sessionEpochs = 0;
        std::optional<EvalReport> bestValid;
        std::string stopReason = "epochs";

        auto report = [&](const std::string& phase, double epochFraction) {
            ProgressUpdate u;
            u.runId = runId;
            u.phase = phase;
            u.step = globalStep;
            u.epoch = state.epoch + 1;
            u.epochs = settings.epochs;
            u.elapsedSeconds = secondsSince(start);
            const double remainingEpochs = static_cast<double>(settings.epochs - state.epoch) - epochFraction;
            double fraction = (static_cast<double>(state.epoch) + epochFraction) / static_cast<double>(settings.epochs);
            double eta = sessionEpochs > 0 ? remainingEpochs * sessionSeconds / static_cast<double>(sessionEpochs) : -1.0;
            if (deadline) {
                const double budget = settings.maxMinutes * 60.0;
                fraction = std::max(fraction, u.elapsedSeconds / budget);
                const double left = std::max(0.0, budget - u.elapsedSeconds);
                eta = eta < 0 ? left : std::min(eta, left);
            }
            u.fraction = std::clamp(fraction, 0.0, 1.0);
            u.etaSeconds = eta;
            fan->progress(u);
        };

        // Once, early in the first epoch: when that epoch alone will not fit the budget, say so and
        // propose a configuration that would (the user sees it while the run goes on).
        bool proposalMade = false;
        auto proposeSmallerConfig = [&](int64_t planned, int64_t timedSteps, double seconds) {
            if (proposalMade) return;
            proposalMade = true;
            const double epochSeconds = seconds / static_cast<double>(timedSteps) * static_cast<double>(planned);
            auto proposal = proposeBudgetConfig(info, settings.modelConfigJson, epochSeconds, settings.maxMinutes * 60.0);
            if (!proposal) return;
            proposal->timedSteps = timedSteps;
            proposal->epochSteps = planned;
            result.budgetProposal = proposal;
            fan->event({runId, unixTimeNow(), "warning", "budget", describe(*proposal)});
        };

        for (int64_t epoch = firstEpoch + 1; epoch <= settings.epochs; ++epoch) {
            if (deadline && sessionEpochs > 0) {
                const double perEpoch = sessionSeconds / static_cast<double>(sessionEpochs);
                if (secondsSince(start) + perEpoch > settings.maxMinutes * 60.0) {
                    stopReason = "time budget";
                    break;
                }
            }
            epochCommands.trainAnother();
            const auto epochStart = Clock::now();
            double windowLoss = 0.0;
            int64_t windowSteps = 0;
            int64_t epochSteps = 0;
            double epochLossSum = 0.0;
            bool partial = false;
            EpochReport epochReport;
            try {
                AutocastScope autocast(settings.mixedPrecision, settings.device);
                epochReport = model->trainEpoch(
                    [&](int64_t step, double loss) {
                        globalStep = step;
                        ++epochSteps;
                        epochLossSum += loss;
                        windowLoss += loss;
                        if (++windowSteps == kLossWindow) {
                            fan->metrics({{runId, step, epoch, "train", "loss", windowLoss / kLossWindow, unixTimeNow()}});
                            windowLoss = 0.0;
                            windowSteps = 0;
                        }
                        // The model knows its epoch's batches before the first epoch ends.
                        const int64_t planned = stepsPerEpoch > 0 ? stepsPerEpoch : model->epochSteps();
                        const double within = planned > 0 ? std::min(0.99, double(epochSteps) / double(planned)) : 0.0;
                        if (deadline && sessionEpochs == 0 && !result.budgetProposal &&
                            (epochSteps == kProbeSteps || (epochSteps > 1 && secondsSince(epochStart) >= kProbeSeconds)) &&
                            planned > epochSteps) {
                            proposeSmallerConfig(planned, epochSteps, secondsSince(epochStart));
                        }
                        report("train", within);
                    },
                    stop);
            } catch (const CancelledError&) {
                if (watchdog.userCancelled() || !watchdog.budgetSpent()) throw;
                stopReason = "time budget";
                if (state.epoch > 0 || epochSteps == 0) {
                    fan->event({runId, unixTimeNow(), "info", "time_budget",
                                "time budget of " + std::to_string(settings.maxMinutes) + " min spent during epoch " +
                                    std::to_string(epoch) + "; that epoch is dropped"});
                    break;
                }
                // Nothing complete to fall back on: keep what the first epoch's steps learned, so the
                // run has a model and figures to look at, marked partial.
                partial = true;
                epochReport.steps = epochSteps;
                epochReport.loss = epochLossSum / static_cast<double>(epochSteps);
                result.partialEpoch = true;
                result.partialSteps = epochSteps;
                fan->event({runId, unixTimeNow(), "warning", "partial_epoch",
                            "time budget of " + fixedDecimals(settings.maxMinutes, 1) + " min spent after " +
                                std::to_string(epochSteps) + " steps of epoch 1; that partial epoch is validated, "
                                "tested and kept, marked partial. A smaller configuration or a longer budget trains "
                                "whole epochs."});
            }
            const double trainSeconds = secondsSince(epochStart);
            if (!partial) stepsPerEpoch = epochReport.steps;
            globalStep = std::max(globalStep, epochReport.steps);
            const double now = unixTimeNow();
            if (windowSteps > 0)
                fan->metrics({{runId, globalStep, epoch, "train", "loss", windowLoss / double(windowSteps), now}});
            fan->metrics({{runId, globalStep, epoch, "train", "epoch_loss", epochReport.loss, now}});
            if (!partial)  // a partial epoch's time and throughput would read as a whole epoch's
                fan->metrics({{runId, globalStep, epoch, "train", "epoch_seconds", trainSeconds, now},
                              {runId, globalStep, epoch, "train", "samples_per_second",
                               trainSeconds > 0 ? double(epochReport.samples) / trainSeconds : 0.0, now}});

            // Validation (every evalEvery epochs and at the last one).
            bool improved = false;
            std::optional<EvalReport> validReport;
            if (partial || epoch % settings.evalEvery == 0 || epoch == settings.epochs) {
                std::map<std::string, double> stats;
                try {
                    // The budget is spent already when the epoch is partial: only the user's cancel stops it.
                    validReport = evaluateModel(*model, inputs.dataset, inputs.split, EvalPhase::Valid, settings.eval,
                                                partial ? cancel : stop,
                                                [&](int64_t done, int64_t total) {
                                                    (void)total;
                                                    (void)done;
                                                    report("valid", 0.99);
                                                },
                                                &stats);
                } catch (const CancelledError&) {
                    if (watchdog.userCancelled() || !watchdog.budgetSpent()) throw;
                    stopReason = "time budget";
                    break;
                }
                fan->metrics(evalPoints(runId, globalStep, epoch, "valid", *validReport, stats));
                const double value = validReport->all.values.at(settings.validMetric);
                improved = state.bestEpoch == 0 || value > state.bestValue;
                if (improved) {
                    state.bestValue = value;
                    state.bestEpoch = epoch;
                    state.staleEvaluations = 0;
                    bestValid = validReport;
                } else {
                    ++state.staleEvaluations;
                }
            }

            // Checkpoint, then the epoch's figures into the store, then the state that names the
            // checkpoint (see checkpoint_state.h), then a "checkpoint" event. A process killed at any
            // point leaves state.json naming an epoch whose figures are all stored, and a resume
            // discards the figures of later epochs.
            const std::string file = std::filesystem::path(folder.pathForEpoch(epoch)).filename().string();
            model->save(folder.path(file));
            scope.flush();
            state.epoch = epoch;
            state.lastFile = file;
            if (improved) state.bestFile = file;
            if (!partial) {
                state.trainSeconds += trainSeconds;
                ++state.timedEpochs;
            }
            folder.commit(state);
            fan->event({runId, unixTimeNow(), "info", "checkpoint",
                        "epoch " + std::to_string(epoch) + " checkpointed (" + file + ")"});
            result.epochs = state.epoch;  // so a cancelled or failed run still reports what it committed
            result.bestEpoch = state.bestEpoch;
            sessionSeconds += secondsSince(epochStart);
            ++sessionEpochs;
            logInfo("Run " + std::to_string(runId) + " epoch " + std::to_string(epoch) + "/" + std::to_string(settings.epochs) +
                    ": loss " + fixedDecimals(epochReport.loss, 4) + ", " + fixedDecimals(trainSeconds, 1) + " s, valid " +
                    settings.validMetric + " " + (validReport ? describe(validReport->all, settings.validMetric) : "-") +
                    (improved ? " (best)" : ""));
            report("train", 0.0);
            if (partial) break;

            if (settings.patience > 0 && state.staleEvaluations >= settings.patience) {
                stopReason = "patience";
                fan->event({runId, unixTimeNow(), "info", "early_stop",
                            "no " + settings.validMetric + " improvement in " + std::to_string(settings.patience) +
                                " validations; best epoch " + std::to_string(state.bestEpoch)});
                break;
            }
        }
        epochCommands.finish();  // the other ranks are done; testing is rank 0's alone
        if (state.epoch == 0) throw std::invalid_argument("the time budget ended before the first epoch finished");

        // The budget (or the epoch limit) ended before any validation (--eval-every > 1): the last
        // complete epoch is validated now, past the budget as a partial epoch would be, and stands as best.
        if (state.bestFile.empty() && !state.lastFile.empty()) {
            model->load(folder.path(state.lastFile));
            std::map<std::string, double> stats;
            bestValid = evaluateModel(*model, inputs.dataset, inputs.split, EvalPhase::Valid, settings.eval, cancel,
                                      {}, &stats);
            fan->metrics(evalPoints(runId, globalStep, state.epoch, "valid", *bestValid, stats));
            state.bestFile = state.lastFile;
            state.bestEpoch = state.epoch;
            state.bestValue = bestValid->all.values.at(settings.validMetric);
            folder.commit(state);
            result.bestEpoch = state.bestEpoch;
            fan->event({runId, unixTimeNow(), "info", "late_validation",
                        "no epoch was validated before the run stopped; epoch " + std::to_string(state.epoch) +
                            " (the last complete one) was validated and is tested"});
        }
        // Test once, at the best validation checkpoint. Only the user's cancel stops it, not the budget.
        if (state.bestFile.empty()) throw std::logic_error("no validated checkpoint");
        model->load(folder.path(state.bestFile));
        if (!bestValid) bestValid = evaluateModel(*model, inputs.dataset, inputs.split, EvalPhase::Valid, settings.eval, cancel);
        const auto testStart = Clock::now();
        result.test = evaluateModel(*model, inputs.dataset, inputs.split, EvalPhase::Test, settings.eval, cancel,
                                    [&](int64_t, int64_t) { report("test", 0.99); }, &result.evalStats);
        result.evalSeconds = secondsSince(testStart);
        fan->metrics(evalPoints(runId, globalStep, state.bestEpoch, "test", result.test, result.evalStats));
        // Per-user ranks at the best checkpoint, for paired comparisons with other runs.
        scope.store().saveTargetRanks(runId, "valid", targetRanksOf(*bestValid));
        scope.store().saveTargetRanks(runId, "test", targetRanksOf(result.test));
        result.valid = *bestValid;
        result.epochs = state.epoch;
        result.bestEpoch = state.bestEpoch;
        result.secondsPerEpoch = state.timedEpochs > 0 ? state.trainSeconds / double(state.timedEpochs) : 0.0;
        if (result.partialEpoch) stopReason = "time budget (partial epoch 1)";
        result.stopReason = stopReason;
        scope.addArtifact("checkpoint-best", folder.path(state.bestFile));
        // A model that learns item codes (cove): those of the tested checkpoint become a tokenizer run.
        if (const auto* codes = dynamic_cast<const ItemCodeSource*>(model.get())) {
            LearnedCodesRequest learned;
            learned.projectDir = request.projectDir;
            learned.dataset = inputs.datasetRecord.name;
            learned.modelRunId = runId;
            learned.modelId = info.id;
            learned.file = (std::filesystem::path(scope.paths().artifacts) / ("run-" + std::to_string(runId)) /
                            "learned-codes.csv")
                               .string();
            learned.seed = settings.seed;
            scope.flush();  // the tokenize job writes through its own connection
            result.tokenizerRunId = storeLearnedCodes(learned, codes->learnedItemCodes(), *fan, cancel);
            scope.addArtifact("learned-codes", learned.file);
        }
        logInfo("Run " + std::to_string(runId) + ": test " + settings.validMetric + " " +
                describe(result.test.all, settings.validMetric) + " (best epoch " + std::to_string(state.bestEpoch) +
                ", stop: " + stopReason + ")");
    }, "Model run");
    result.runId = scope.runId();
    result.status = end.status;
    result.message = end.message;
    if (end.status == RunStatus::Cancelled) result.stopReason = "cancelled";
    result.seconds = scope.seconds();
    scope.finish(result.status, toJson(result), result.message);
    return result;
}

}  // namespace tokenbench::core
