#pragma once
/// The benchmark's experiments: the synthetic set (always) and Amazon Beauty (when its files are in
/// the data folder), each as experiment-file JSON so `bench` and `run` share one code path.

#include <string>
#include <vector>

namespace tokenbench::cli {

struct BenchPreset final {
    std::string dataset;   ///< "synthetic", "beauty"
    std::string json;      ///< experiment file text (tokenbench-experiment/1)
    std::string requiredFile;  ///< data file (relative to the data folder) that must exist; empty: none
};

[[nodiscard]] const std::vector<BenchPreset>& benchPresets();

}  // namespace tokenbench::cli
