// One loop for model and tokenizer repeats: the job and its request type are the only difference.

#include "tokenbench/jobs/repeat_job.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "tokenbench/logging.h"
#include "tokenbench/project.h"
#include "tokenbench/storage/experiment_store.h"

namespace tokenbench::core {

using nlohmann::json;

namespace {

void addNumbers(const json& object, const std::string& prefix, std::map<std::string, double>& out) {
    if (!object.is_object()) return;
    for (const auto& [name, value] : object.items()) {
        if (value.is_number()) out[prefix + name] = value.get<double>();
    }
}

void addPerLevel(const json& values, const std::string& name, std::map<std::string, double>& out) {
    if (!values.is_array()) return;
    for (size_t level = 0; level < values.size(); ++level) {
        if (values[level].is_number()) out[name + "/l" + std::to_string(level + 1)] = values[level].get<double>();
    }
}

std::string seedList(const std::vector<uint64_t>& seeds) {
    std::string out;
    for (const uint64_t seed : seeds) out += (out.empty() ? "" : ",") + std::to_string(seed);
    return out;
}

template <class Request, class Result>
RepeatResult repeatJob(Result (*job)(const Request&, ProgressSink&, const std::atomic<bool>*), const Request& request,
                       const std::string& what, const std::vector<uint64_t>& seeds, ProgressSink& sink,
                       const std::atomic<bool>* cancel) {
    RepeatResult out;
    out.seeds = seeds;
    std::vector<int64_t> runIds;
    try {
        if (seeds.empty()) throw std::invalid_argument("a repeat needs at least one seed");
        ExperimentStore store(projectPaths(request.projectDir).database);
        const std::string name = request.name.empty() ? what : request.name;
        const std::string label = name + " × " + std::to_string(seeds.size()) + " seeds";
        out.groupId = store.createRunGroup("repeats", label, json{{"what", what}, {"seeds", seeds}}.dump());
        std::vector<std::string> failures;
        bool cancelled = false;
        for (size_t i = 0; i < seeds.size() && !cancelled; ++i) {
            Request one = request;
            one.seed = seeds[i];
            one.groupId = out.groupId;
            one.name = name + " seed " + std::to_string(seeds[i]);
            logInfo("Repeat " + std::to_string(i + 1) + "/" + std::to_string(seeds.size()) + " of " + name + ": seed " +
                    std::to_string(seeds[i]));
            const Result result = job(one, sink, cancel);
            out.runJsons.push_back(toJson(result));
            if (result.runId > 0) runIds.push_back(result.runId);
            if (result.status == RunStatus::Cancelled) cancelled = true;
            else if (result.status != RunStatus::Completed)
                failures.push_back("seed " + std::to_string(seeds[i]) + ": " + result.message);
        }
        std::vector<RunRecord> runs;
        for (const int64_t id : runIds) {
            if (auto run = store.findRun(id)) runs.push_back(*run);
        }
        out.figures = summarizeRuns(runs);
        if (cancelled) {
            out.status = RunStatus::Cancelled;
            out.message = "cancelled by the user after " + std::to_string(out.runJsons.size()) + " of " +
                          std::to_string(seeds.size()) + " seeds";
        } else if (!failures.empty()) {
            out.status = RunStatus::Failed;
            for (const auto& failure : failures) out.message += (out.message.empty() ? "" : "; ") + failure;
        } else {
            out.status = RunStatus::Completed;
        }
    } catch (const std::exception& e) {
        out.status = RunStatus::Failed;
        out.message = e.what();
    }
    return out;
}

}  // namespace

std::vector<uint64_t> repeatSeeds(const std::vector<uint64_t>& seeds, int64_t repeats, uint64_t firstSeed) {
    if (!seeds.empty()) {
        if (std::set<uint64_t>(seeds.begin(), seeds.end()).size() != seeds.size())
            throw std::invalid_argument("the seeds " + seedList(seeds) + " repeat a seed; give distinct seeds");
        return seeds;
    }
    if (repeats < 1) throw std::invalid_argument("repeats must be at least 1, got " + std::to_string(repeats));
    std::vector<uint64_t> out;
    for (int64_t i = 0; i < repeats; ++i) out.push_back(firstSeed + static_cast<uint64_t>(i));
    return out;
}

std::map<std::string, double> runFigures(const RunRecord& run) {
    std::map<std::string, double> out;
    const json summary = json::parse(run.summaryJson, nullptr, false);
    if (!summary.is_object()) return out;
    if (run.kind == RunKind::Model) {
        if (summary.contains("test")) addNumbers(summary["test"], "", out);
        out.erase("targets");
        if (summary.contains("valid")) addNumbers(summary["valid"], "valid/", out);
        out.erase("valid/targets");
        if (summary.contains("seconds_per_epoch")) out["seconds_per_epoch"] = summary["seconds_per_epoch"].get<double>();
    } else {
        for (const char* name : {"collision_rate", "unique_ids", "reconstruction_error", "max_collision_group"}) {
            if (summary.contains(name) && summary[name].is_number()) out[name] = summary[name].get<double>();
        }
        if (summary.contains("utilization")) addPerLevel(summary["utilization"], "utilization", out);
        if (summary.contains("perplexity")) addPerLevel(summary["perplexity"], "perplexity", out);
    }
    if (summary.contains("seconds") && summary["seconds"].is_number()) out["seconds"] = summary["seconds"].get<double>();
    return out;
}

std::map<std::string, MeanInterval> summarizeRuns(const std::vector<RunRecord>& runs) {
    std::map<std::string, std::vector<double>> samples;
    for (const RunRecord& run : runs) {
        if (run.status != RunStatus::Completed) continue;
        for (const auto& [name, value] : runFigures(run)) {
            if (std::isfinite(value)) samples[name].push_back(value);
        }
    }
    std::map<std::string, MeanInterval> out;
    for (const auto& [name, values] : samples) out[name] = meanWithInterval(values);
    return out;
}

std::string toJson(const RepeatResult& r) {
    json runs = json::array();
    for (const auto& run : r.runJsons) runs.push_back(json::parse(run));
    json mean = json::object();
    json ci95 = json::object();
    json sd = json::object();
    int64_t n = 0;
    for (const auto& [name, interval] : r.figures) {
        mean[name] = interval.mean;
        ci95[name] = interval.ci95;
        sd[name] = interval.sd;
        n = std::max(n, interval.n);
    }
    json out = {{"group_id", r.groupId}, {"status", toString(r.status)}, {"seeds", r.seeds}, {"n", n},
                {"mean", mean},          {"ci95", ci95},                 {"sd", sd},        {"runs", runs}};
    if (!r.message.empty()) out["message"] = r.message;
    return out.dump();
}

RepeatResult runRepeatedTrainJob(const TrainRequest& request, const std::vector<uint64_t>& seeds, ProgressSink& sink,
                                 const std::atomic<bool>* cancel) {
    if (request.resumeRunId > 0) {
        RepeatResult out;
        out.message = "a resumed run cannot be repeated; start new runs with --seeds or --repeats";
        return out;
    }
    return repeatJob(&runTrainJob, request, request.model, seeds, sink, cancel);
}

RepeatResult runRepeatedTokenizeJob(const TokenizeRequest& request, const std::vector<uint64_t>& seeds,
                                    ProgressSink& sink, const std::atomic<bool>* cancel) {
    return repeatJob(&runTokenizeJob, request, request.method, seeds, sink, cancel);
}

}  // namespace tokenbench::core
