#pragma once
/// Experiment files (the files in projects/): a whole experiment as JSON — a data set (generated or
/// imported), feature sets, tokenizers and models — that `tokenbench-cli run FILE` and the GUI's
/// "Open example" carry out step by step, reusing what the project already holds.
///
/// Format ("format": "tokenbench-experiment/1"):
///   name, description
///   dataset: {name, synthetic: {users, items, seed}} or
///            {name, import: {format, paths: [..], attributes, items, user_core, item_core, min_rating},
///             download: "where to get the data when it is missing"}
///            (import paths are relative to the data folder)
///   features:   [{name, kinds: "attributes+cooccurrence", dim, run: model run id (model-embeddings)}]
///   tokenizers: [{name, method, features, seed, collisions, config: {...}}]
///   models:     [{name, model, tokenizer: tokenizer name, config: {...}, seeds: [1, 2, 3] (one run per
///                 seed, in one run group), and any run setting of runSettingsSchema(): epochs,
///                 max_minutes, patience, eval_every, seed, valid_metric...}]
///   comparisons: [{a: model name, b: model name, metric: "ndcg@10", split: "test"}]: paired tests over
///                 users between two models of the file (their seeds averaged user by user)
///
/// Threads: runExperiment runs on the calling thread (GUI worker or CLI main thread).

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "tokenbench/jobs/import_job.h"
#include "tokenbench/data/synthetic.h"
#include "tokenbench/progress_sink.h"

namespace tokenbench::core {

struct ExperimentFeatures final {
    std::string name;
    std::string kinds;
    int32_t dim = 32;
    int64_t modelRunId = 0;  ///< "run": the model run whose item table model-embeddings takes
};

struct ExperimentTokenizer final {
    std::string name;
    std::string method;
    std::string features;          ///< a feature set name of this file (or kinds)
    uint64_t seed = 42;
    std::string collisions = "extra-level";
    std::string configJson = "{}";
};

struct ExperimentModel final {
    std::string name;
    std::string model;
    std::string tokenizer;         ///< a tokenizer name of this file, for generative models
    std::string runSettingsJson = "{}";  ///< the run settings the file gives (checked against runSettingsSchema())
    std::string configJson = "{}";
    std::vector<uint64_t> seeds;   ///< several: a repeat, one run per seed
    bool excludeHistory = false;   ///< rank without the user's history items (the RecTools/eSASRec protocol)
};

struct ExperimentComparison final {
    std::string a;                 ///< model names of this file
    std::string b;
    std::string metric = "ndcg@10";
    std::string split = "test";
};

struct ExperimentFile final {
    std::string path;
    std::string name;
    std::string description;
    std::string datasetName;
    bool synthetic = false;
    SyntheticConfig syntheticConfig;
    ImportRequest import;          ///< paths relative to the data folder until resolved
    std::string download;          ///< where to get the data
    std::vector<ExperimentFeatures> features;
    std::vector<ExperimentTokenizer> tokenizers;
    std::vector<ExperimentModel> models;
    std::vector<ExperimentComparison> comparisons;
};

/// Reads and checks an experiment file. Throws DataError naming the file and line for invalid JSON,
/// and the key path ("models[1].epochs") with what was expected for a wrong value.
[[nodiscard]] ExperimentFile readExperimentFile(const std::string& path);
/// The same for JSON text; `path` names it in errors.
[[nodiscard]] ExperimentFile parseExperiment(const std::string& text, const std::string& path);

/// How to run one.
struct ExperimentOptions final {
    std::string projectDir;
    std::string dataDir;           ///< folder that import paths are relative to
    int64_t epochs = 0;            ///< > 0: overrides every model's epochs (quick runs)
    double maxMinutes = 0.0;       ///< > 0: overrides every model's budget
    std::string device = "auto";
    bool retrain = false;          ///< train models again even when a completed run of that name exists
    bool excludeHistory = false;   ///< true: every model ranks without the user's history items
};

/// Carries the experiment out: creates the project when needed, generates or imports the data set
/// (a missing data file gives an error that says where to get it), builds features, runs tokenizers
/// and trains models — each step skipped when the project already holds its result under the same
/// name. Returns a JSON summary: {"project", "dataset", "features", "tokenizers": [{name, run_id...}],
/// "models": [{name, run_id, test...}] (a model with seeds: {name, group_id, run_ids, mean, ci95...}),
/// "comparisons": [{a, b, p_value, effect_size...}], "seconds"}. Throws on the first failing step (a failed run's
/// message included); `cancel` stops between and inside steps.
[[nodiscard]] std::string runExperiment(const ExperimentFile& file, const ExperimentOptions& options,
                                        ProgressSink& sink, const std::atomic<bool>* cancel);

}  // namespace tokenbench::core
