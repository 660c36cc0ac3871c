#pragma once
/// The settings of a model run besides the model's own parameters (epochs, patience, time budget,
/// best-by metric, validation interval, seed, device, mixed precision) as one parameter schema. The
/// CLI's `train` options, experiment files' model entries and the model page's run-settings form are
/// all built from it, so a range or a default is written once.

#include <string>
#include <vector>

#include "tokenbench/jobs/train_job.h"
#include "tokenbench/registry.h"

namespace tokenbench::core {

/// The run-settings parameters, keys as in experiment files and the stored run config ("epochs",
/// "max_minutes", "patience", "valid_metric", "eval_every", "seed", "device", "mixed_precision");
/// the CLI's options are the keys with dashes. Any thread.
[[nodiscard]] const std::vector<ParamSpec>& runSettingsSchema();

/// The schema as a ComponentInfo (id "run-settings"), for validateConfig and forms.
[[nodiscard]] const ComponentInfo& runSettingsInfo();

/// Checks a JSON object of run settings against the schema (unknown keys, types, ranges, choices:
/// ConfigError naming the key) and copies every setting into `request`; keys not given keep the
/// schema's defaults.
void applyRunSettings(const std::string& settingsJson, TrainRequest& request);

/// The run settings of `request` as a JSON object (every key of the schema).
[[nodiscard]] std::string runSettingsJson(const TrainRequest& request);

}  // namespace tokenbench::core
