#include "tokenbench/experiment/sweep_view.h"

#include <algorithm>
#include <cmath>
#include <exception>
#include <limits>

#include <nlohmann/json.hpp>

#include "tokenbench/storage/run_summary.h"

namespace tokenbench::core {

namespace {

using nlohmann::json;

constexpr double kUnknown = std::numeric_limits<double>::quiet_NaN();

/// A value as a person reads it: strings unquoted, the rest as compact JSON.
std::string displayText(const json& value) { return value.is_string() ? value.get<std::string>() : value.dump(); }

SweepAxis axisOf(const SweepParameter& p) {
    SweepAxis axis;
    axis.key = p.key;
    axis.setting = p.setting;
    axis.log = p.log;
    axis.integer = p.integer;
    axis.min = p.min;
    axis.max = p.max;
    if (p.values.empty()) return axis;
    std::vector<json> values;
    for (const std::string& text : p.values) values.push_back(json::parse(text));
    // Numbers read best low to high whatever order the file lists them in.
    if (std::all_of(values.begin(), values.end(), [](const json& v) { return v.is_number(); })) {
        std::stable_sort(values.begin(), values.end(),
                         [](const json& a, const json& b) { return a.get<double>() < b.get<double>(); });
    }
    for (const json& value : values) {
        const std::string text = displayText(value);
        if (std::find(axis.categories.begin(), axis.categories.end(), text) == axis.categories.end())
            axis.categories.push_back(text);
    }
    return axis;
}

SweepTrialView trialOf(const SweepTrial& trial, const std::vector<SweepAxis>& axes) {
    SweepTrialView out;
    out.index = trial.index;
    out.valid = kUnknown;
    out.test = kUnknown;
    out.modelConfigJson = trial.modelConfigJson;
    out.settingsJson = trial.settingsJson;
    for (size_t a = 0; a < axes.size() && a < trial.values.size(); ++a) {
        const json value = json::parse(trial.values[a].second);
        const std::string text = displayText(value);
        out.labels.push_back(text);
        const auto& categories = axes[a].categories;
        if (!categories.empty()) {
            const auto it = std::find(categories.begin(), categories.end(), text);
            out.values.push_back(it == categories.end() ? kUnknown : static_cast<double>(it - categories.begin()));
        } else {
            out.values.push_back(value.is_number() ? value.get<double>() : kUnknown);
        }
    }
    return out;
}

void updateBest(SweepView& view) {
    view.best = -1;
    for (size_t i = 0; i < view.trials.size(); ++i) {
        const SweepTrialView& t = view.trials[i];
        if (t.status != RunStatus::Completed || !std::isfinite(t.valid)) continue;
        if (view.best < 0 || t.valid > view.trials[static_cast<size_t>(view.best)].valid)
            view.best = static_cast<int64_t>(i);
    }
}

/// The run settings a stored model run recorded (the top level of its config, and its seed).
std::string storedSettings(const RunRecord& run) {
    json config = json::parse(run.configJson, nullptr, /*allow_exceptions=*/false);
    if (!config.is_object()) return "{}";
    config.erase("model");
    config.erase("eval");
    config["seed"] = run.seed;
    return config.dump();
}

bool ended(RunStatus status) {
    return status == RunStatus::Completed || status == RunStatus::Failed || status == RunStatus::Cancelled ||
           status == RunStatus::Interrupted;
}

}  // namespace

int64_t SweepView::finishedTrials() const {
    return std::count_if(trials.begin(), trials.end(), [](const SweepTrialView& t) { return ended(t.status); });
}

SweepView planSweepView(const SweepFile& file) {
    SweepView view;
    view.name = file.name;
    view.model = file.model;
    view.dataset = file.dataset;
    view.tokenizerRunId = file.tokenizerRunId;
    view.search = file.search;
    view.metric = file.metric;
    for (const SweepParameter& p : file.parameters) view.axes.push_back(axisOf(p));
    for (const SweepTrial& trial : sweepTrials(file)) view.trials.push_back(trialOf(trial, view.axes));
    return view;
}

int64_t markSweepTrialStarted(SweepView& view, int64_t runId) {
    if (runId <= 0) return -1;
    for (const SweepTrialView& t : view.trials) {
        if (t.runId == runId) return -1;
    }
    for (size_t i = 0; i < view.trials.size(); ++i) {
        SweepTrialView& t = view.trials[i];
        if (t.status != RunStatus::Created || t.runId != 0) continue;
        t.runId = runId;
        t.status = RunStatus::Running;
        return static_cast<int64_t>(i);
    }
    return -1;
}

int64_t recordSweepTrial(SweepView& view, int64_t runId, RunStatus status, const std::string& summaryJson) {
    auto it = std::find_if(view.trials.begin(), view.trials.end(),
                           [runId](const SweepTrialView& t) { return runId > 0 && t.runId == runId; });
    if (it == view.trials.end()) {
        it = std::find_if(view.trials.begin(), view.trials.end(),
                          [](const SweepTrialView& t) { return t.status == RunStatus::Created && t.runId == 0; });
    }
    if (it == view.trials.end()) return -1;
    it->runId = runId;
    it->status = status;
    it->valid = kUnknown;
    it->test = kUnknown;
    if (const auto summary = parseTrainSummary(summaryJson); summary && status == RunStatus::Completed) {
        it->valid = summary->valid.value(view.metric);
        it->test = summary->test.value(view.metric);
    }
    updateBest(view);
    return it - view.trials.begin();
}

SweepView storedSweepView(const RunGroupRecord& group, const std::vector<RunRecord>& runs) {
    SweepView view;
    try {
        const json config = json::parse(group.configJson);
        const std::string text = config.value("text", std::string());
        if (text.empty()) throw std::invalid_argument("the group holds no sweep file");
        view = planSweepView(parseSweep(text, config.value("file", std::string("sweep"))));
    } catch (const std::exception& e) {
        view = SweepView{};
        view.error = std::string("cannot read the sweep file stored with group ") + std::to_string(group.id) + ": " +
                     e.what();
    }
    view.groupId = group.id;
    view.name = group.label;
    view.createdAt = group.createdAt;

    std::vector<const RunRecord*> members;
    for (const RunRecord& run : runs) {
        if (run.groupId && *run.groupId == group.id) members.push_back(&run);
    }
    std::sort(members.begin(), members.end(), [](const RunRecord* a, const RunRecord* b) { return a->id < b->id; });
    for (const RunRecord* run : members) {
        if (view.metric.empty()) view.metric = parseRunConfig(run->configJson).validMetric;
        if (view.model.empty()) view.model = run->componentId;
        if (view.dataset.empty()) view.dataset = run->datasetName;
        // Runs beyond the planned trials (a file that no longer reads) still list with their metric.
        const bool planned = std::any_of(view.trials.begin(), view.trials.end(),
                                         [](const SweepTrialView& t) { return t.status == RunStatus::Created; });
        if (!planned) {
            SweepTrialView extra;
            extra.index = static_cast<int64_t>(view.trials.size()) + 1;
            extra.valid = kUnknown;
            extra.test = kUnknown;
            extra.labels.assign(view.axes.size(), std::string());
            extra.values.assign(view.axes.size(), kUnknown);
            extra.modelConfigJson = parseRunConfig(run->configJson).componentConfigJson;
            extra.settingsJson = storedSettings(*run);
            view.trials.push_back(extra);
        }
        (void)markSweepTrialStarted(view, run->id);
        if (ended(run->status)) (void)recordSweepTrial(view, run->id, run->status, run->summaryJson);
    }
    return view;
}

}  // namespace tokenbench::core
