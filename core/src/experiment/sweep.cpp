// Sweeps: the file is checked whole and every trial's config validated before the first trial runs,
// so a typo fails in a second, not after an hour of trials.

#include "tokenbench/experiment/sweep.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "common/seeded_random.h"
#include "experiment/json_reader.h"
#include "experiment/sweep_progress.h"
#include "tokenbench/jobs/run_settings.h"
#include "tokenbench/jobs/train_job.h"
#include "tokenbench/logging.h"
#include "tokenbench/models/recommender.h"
#include "tokenbench/project.h"
#include "tokenbench/storage/experiment_store.h"

namespace tokenbench::core {

namespace {

using nlohmann::json;

constexpr const char* kFormat = "tokenbench-sweep/1";
constexpr int64_t kMaxTrials = 10000;

const ParamSpec* findSpec(const std::vector<ParamSpec>& params, const std::string& key) {
    for (const ParamSpec& spec : params) {
        if (spec.key == key) return &spec;
    }
    return nullptr;
}

SweepParameter readParameter(const JsonReader& parent, const std::string& key, const ComponentInfo& model) {
    SweepParameter p;
    p.key = key;
    const ParamSpec* spec = findSpec(model.params, key);
    if (!spec) {
        spec = findSpec(runSettingsSchema(), key);
        p.setting = spec != nullptr;
    }
    if (!spec)
        throw DataError(parent.file(), parent.where(key) + ": expected a parameter of '" + model.id +
                                           "' or a run setting (see `tokenbench-cli train --help`)");
    p.integer = spec->type == ParamType::Int;
    const json& node = parent.node().at(key);
    if (node.is_array()) {
        if (node.empty()) parent.fail(key, "a non-empty list of values");
        for (const json& value : node) p.values.push_back(value.dump());
        return p;
    }
    if (!node.is_object()) parent.fail(key, "a list of values or a range {\"min\": a, \"max\": b}");
    if (spec->type != ParamType::Int && spec->type != ParamType::Float)
        parent.fail(key, "a list of values (a range needs a numeric parameter)");
    const JsonReader range = parent.child(key);
    for (const auto& [name, value] : node.items()) {
        if (name != "min" && name != "max" && name != "log" && name != "steps")
            range.fail(name, "no other key than min, max, log and steps");
    }
    if (!range.has("min") || !range.has("max")) parent.fail(key, "a range with both \"min\" and \"max\"");
    p.min = range.number("min", 0.0, -1e300);
    p.max = range.number("max", 0.0, -1e300);
    if (p.max < p.min) range.fail("max", "a value >= min (" + std::to_string(p.min) + ")");
    if (range.has("log")) {
        if (!node.at("log").is_boolean()) range.fail("log", "true or false");
        p.log = node.at("log").get<bool>();
    }
    if (p.log && p.min <= 0.0) range.fail("min", "a positive value for a log range");
    p.steps = range.integer("steps", 0, 2);
    return p;
}

/// The value of a range at fraction t in [0, 1] (log-spaced when asked), rounded for an integer.
json rangeValue(const SweepParameter& p, double t) {
    const double value = p.log ? std::exp(std::log(p.min) + t * (std::log(p.max) - std::log(p.min)))
                               : p.min + t * (p.max - p.min);
    if (p.integer) return json(static_cast<int64_t>(std::llround(value)));
    return json(value);
}

/// The grid's values of one parameter.
std::vector<json> gridValues(const SweepParameter& p, const std::string& file) {
    std::vector<json> out;
    for (const auto& text : p.values) out.push_back(json::parse(text));
    if (!p.values.empty()) return out;
    if (p.steps < 2)
        throw DataError(file, "parameters." + p.key + ": expected \"steps\" (>= 2) for a range in a grid search");
    for (int64_t i = 0; i < p.steps; ++i) {
        const json value = rangeValue(p, static_cast<double>(i) / static_cast<double>(p.steps - 1));
        if (std::find(out.begin(), out.end(), value) == out.end()) out.push_back(value);  // rounded duplicates
    }
    return out;
}

SweepTrial makeTrial(const SweepFile& file, const ComponentInfo& model, int64_t index,
                     const std::vector<std::pair<const SweepParameter*, json>>& values) {
    SweepTrial trial;
    trial.index = index;
    json config = json::parse(file.fixedJson);
    json settings = json::parse(file.settingsJson);
    for (const auto& [param, value] : values) {
        trial.values.emplace_back(param->key, value.dump());
        (param->setting ? settings : config)[param->key] = value;
    }
    try {
        trial.modelConfigJson = validateConfig(model, config.dump());
        trial.settingsJson = validateConfig(runSettingsInfo(), settings.dump());
    } catch (const ConfigError& e) {
        throw DataError(file.path, "trial " + std::to_string(index) + ": " + e.what());
    }
    return trial;
}

double metricOf(const json& report, const std::string& metric) {
    return report.is_object() && report.contains(metric) ? report.at(metric).get<double>() : std::nan("");
}

}  // namespace

SweepFile readSweepFile(const std::string& path) { return parseSweep(readTextFile(path, "sweep file"), path); }

SweepFile parseSweep(const std::string& text, const std::string& path) {
    const json root = parseWithLines(text, path);
    if (!root.is_object()) throw DataError(path, 1, 1, "expected a JSON object describing a sweep");
    const JsonReader r(path, root, "");
    static const std::vector<std::string> known = {"format", "name", "dataset", "model", "tokenizer_run", "search",
                                                   "trials", "seed", "budget_minutes", "metric", "settings",
                                                   "fixed", "parameters"};
    for (const auto& [key, value] : root.items()) {
        if (std::find(known.begin(), known.end(), key) == known.end()) r.fail(key, "no such key in a sweep file");
    }
    SweepFile file;
    file.path = path;
    file.text = text;
    const std::string format = r.text("format", kFormat);
    if (format != kFormat) r.fail("format", std::string("\"") + kFormat + "\"");
    file.name = r.text("name", "sweep");
    file.dataset = r.text("dataset", "", true);
    file.model = r.text("model", "", true);
    Registry registry;
    registerModels(registry);
    const ComponentInfo* model = registry.find(file.model);
    if (!model) {
        std::string ids;
        for (const auto* info : registry.list(ComponentKind::Model)) ids += (ids.empty() ? "" : ", ") + info->id;
        r.fail("model", "one of " + ids);
    }
    file.tokenizerRunId = r.integer("tokenizer_run", 0, 1);
    if (model->needsSemanticIds && file.tokenizerRunId == 0)
        r.fail("tokenizer_run", "the tokenizer run whose semantic IDs '" + file.model + "' trains on");
    file.search = r.text("search", "random");
    if (file.search != "random" && file.search != "grid") r.fail("search", "\"random\" or \"grid\"");
    file.trials = r.integer("trials", file.search == "grid" ? kMaxTrials : 10, 1);
    if (file.trials > kMaxTrials) r.fail("trials", "at most " + std::to_string(kMaxTrials));
    file.seed = static_cast<uint64_t>(r.integer("seed", 1, 0));
    file.budgetMinutes = r.number("budget_minutes", 0.0, 0.0);
    file.metric = r.text("metric", "ndcg@10");
    const ParamSpec* validMetric = findSpec(runSettingsSchema(), "valid_metric");
    if (std::find(validMetric->choices.begin(), validMetric->choices.end(), file.metric) == validMetric->choices.end())
        r.fail("metric", "a validation metric (ndcg@10, recall@10, ndcg@5, recall@5, ndcg@20, recall@20, mrr)");

    file.settingsJson = r.object("settings");
    file.fixedJson = r.object("fixed");
    try {
        (void)validateConfig(runSettingsInfo(), file.settingsJson);
    } catch (const ConfigError& e) {
        throw DataError(path, std::string("settings: ") + e.what());
    }
    try {
        (void)validateConfig(*model, file.fixedJson);
    } catch (const ConfigError& e) {
        throw DataError(path, std::string("fixed: ") + e.what());
    }
    // The trials are picked by the file's metric: every trial validates by it too.
    json settings = json::parse(file.settingsJson);
    if (settings.contains("valid_metric") && settings.at("valid_metric") != file.metric)
        r.fail("settings", "no valid_metric other than the sweep's metric \"" + file.metric + "\"");
    settings["valid_metric"] = file.metric;
    file.settingsJson = settings.dump();

    if (!r.has("parameters") || !root.at("parameters").is_object() || root.at("parameters").empty())
        r.fail("parameters", "an object of at least one parameter to search");
    const JsonReader params = r.child("parameters");
    // In file order (json sorts keys): trials list and grids vary their parameters as written.
    const auto ordered = nlohmann::ordered_json::parse(text);
    for (const auto& [key, value] : ordered.at("parameters").items()) {
        file.parameters.push_back(readParameter(params, key, *model));
        if (file.parameters.back().key == "valid_metric") params.fail(key, "a parameter other than valid_metric");
    }
    (void)sweepTrials(file);  // every trial's config is checked now
    return file;
}

std::vector<SweepTrial> sweepTrials(const SweepFile& file) {
    Registry registry;
    registerModels(registry);
    const ComponentInfo& model = registry.get(file.model);
    std::vector<SweepTrial> trials;
    if (file.search == "grid") {
        std::vector<std::vector<json>> axes;
        for (const auto& p : file.parameters) axes.push_back(gridValues(p, file.path));
        std::vector<size_t> at(axes.size(), 0);
        while (static_cast<int64_t>(trials.size()) < file.trials) {
            std::vector<std::pair<const SweepParameter*, json>> values;
            for (size_t i = 0; i < axes.size(); ++i) values.emplace_back(&file.parameters[i], axes[i][at[i]]);
            trials.push_back(makeTrial(file, model, static_cast<int64_t>(trials.size()) + 1, values));
            // Odometer over the axes, last parameter fastest.
            size_t i = axes.size();
            while (i > 0 && ++at[i - 1] == axes[i - 1].size()) at[--i] = 0;
            if (i == 0) break;
        }
        return trials;
    }
    uint64_t state = file.seed;
    for (int64_t t = 1; t <= file.trials; ++t) {
        std::vector<std::pair<const SweepParameter*, json>> values;
        for (const auto& p : file.parameters) {
            if (!p.values.empty()) {
                values.emplace_back(&p, json::parse(p.values[splitmix64(state) % p.values.size()]));
            } else {
                values.emplace_back(&p, rangeValue(p, uniform01(state)));
            }
        }
        trials.push_back(makeTrial(file, model, t, values));
    }
    return trials;
}

std::string toJson(const SweepResult& r) {
    const auto trialJson = [](const SweepTrialResult& t) {
        json params = json::object();
        for (const auto& [key, value] : t.trial.values) params[key] = json::parse(value);
        json out = {{"trial", t.trial.index}, {"run_id", t.runId},   {"status", toString(t.status)},
                    {"params", params},       {"seconds", t.seconds}};
        out["valid"] = std::isfinite(t.valid) ? json(t.valid) : json();
        out["test"] = std::isfinite(t.test) ? json(t.test) : json();
        if (!t.message.empty()) out["message"] = t.message;
        return out;
    };
    json trials = json::array();
    for (const auto& t : r.trials) trials.push_back(trialJson(t));
    json out = {{"group_id", r.groupId}, {"status", toString(r.status)}, {"metric", r.metric}, {"trials", trials},
                {"skipped", r.skipped},  {"seconds", r.seconds}};
    if (r.best >= 0) {
        const SweepTrialResult& best = r.trials[static_cast<size_t>(r.best)];
        json b = trialJson(best);
        b["config"] = json::parse(best.trial.modelConfigJson);
        b["settings"] = json::parse(best.trial.settingsJson);
        out["best"] = b;
    } else {
        out["best"] = json();
    }
    if (!r.message.empty()) out["message"] = r.message;
    return out.dump();
}

SweepResult runSweep(const std::string& projectDir, const SweepFile& file, ProgressSink& sink,
                     const std::atomic<bool>* cancel) {
    using Clock = std::chrono::steady_clock;
    const auto start = Clock::now();
    const auto minutesSoFar = [&] { return std::chrono::duration<double>(Clock::now() - start).count() / 60.0; };
    SweepResult out;
    out.metric = file.metric;
    try {
        const std::vector<SweepTrial> trials = sweepTrials(file);
        ExperimentStore store(projectPaths(projectDir).database);
        if (!store.findDataset(file.dataset)) throw std::invalid_argument("no data set named '" + file.dataset + "'");
        out.groupId = store.createRunGroup(
            "sweep", file.name, json{{"file", file.path}, {"text", file.text}, {"trials", trials.size()}}.dump());
        SweepProgressSink trialSink(sink, static_cast<int64_t>(trials.size()), start);
        bool cancelled = false;
        for (const SweepTrial& trial : trials) {
            if (cancelled || (cancel && cancel->load())) {
                cancelled = true;
                break;
            }
            if (file.budgetMinutes > 0.0 && minutesSoFar() >= file.budgetMinutes) {
                out.skipped = static_cast<int64_t>(trials.size() - out.trials.size());
                logInfo("Sweep " + file.name + ": the budget of " + std::to_string(file.budgetMinutes) +
                        " min ended; " + std::to_string(out.skipped) + " trials not started");
                break;
            }
            TrainRequest request;
            request.projectDir = projectDir;
            request.dataset = file.dataset;
            request.model = file.model;
            request.tokenizerRunId = file.tokenizerRunId;
            applyRunSettings(trial.settingsJson, request);
            request.configJson = trial.modelConfigJson;
            request.groupId = out.groupId;
            request.name = file.name + " trial " + std::to_string(trial.index);
            if (file.budgetMinutes > 0.0) {
                // A trial may not run far past the sweep's budget.
                const double left = std::max(file.budgetMinutes - minutesSoFar(), 0.05);
                request.maxMinutes = request.maxMinutes > 0.0 ? std::min(request.maxMinutes, left) : left;
            }
            logInfo("Sweep " + file.name + ": trial " + std::to_string(trial.index) + "/" +
                    std::to_string(trials.size()));
            trialSink.beginTrial(trial.index);
            const TrainResult result = runTrainJob(request, trialSink, cancel);
            SweepTrialResult t;
            t.trial = trial;
            t.runId = result.runId;
            t.status = result.status;
            t.message = result.message;
            t.seconds = result.seconds;
            const json summary = json::parse(toJson(result));
            t.valid = summary.contains("valid") ? metricOf(summary.at("valid"), file.metric) : std::nan("");
            t.test = summary.contains("test") ? metricOf(summary.at("test"), file.metric) : std::nan("");
            out.trials.push_back(t);
            if (result.status == RunStatus::Cancelled) cancelled = true;
        }
        for (size_t i = 0; i < out.trials.size(); ++i) {
            const auto& t = out.trials[i];
            if (t.status != RunStatus::Completed || !std::isfinite(t.valid)) continue;
            if (out.best < 0 || t.valid > out.trials[static_cast<size_t>(out.best)].valid)
                out.best = static_cast<int64_t>(i);
        }
        if (cancelled) {
            out.status = RunStatus::Cancelled;
            out.message = "cancelled by the user after " + std::to_string(out.trials.size()) + " trials";
        } else if (out.best < 0) {
            out.status = RunStatus::Failed;
            out.message = "no trial completed";
            for (const auto& t : out.trials) {
                if (!t.message.empty()) {
                    out.message += " (trial " + std::to_string(t.trial.index) + ": " + t.message + ")";
                    break;
                }
            }
        } else {
            out.status = RunStatus::Completed;
        }
    } catch (const std::exception& e) {
        out.status = RunStatus::Failed;
        out.message = e.what();
    }
    out.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return out;
}

}  // namespace tokenbench::core
