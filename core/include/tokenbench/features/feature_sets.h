#pragma once
/// Naming feature sets: what the CLI's `features build`, `tokenize --features` and the GUI share.
/// Storing them is the jobs' business (tokenbench/jobs/feature_job.h).

#include <string>
#include <vector>

namespace tokenbench::core {

/// Splits "attributes+cooccurrence" or "text,attributes" into kinds (both separators accepted).
[[nodiscard]] std::vector<std::string> parseFeatureKinds(const std::string& text);

/// The kinds joined by '+': the name and kind of a feature set built from them.
[[nodiscard]] std::string joinFeatureKinds(const std::vector<std::string>& kinds);

}  // namespace tokenbench::core
