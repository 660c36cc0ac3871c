#pragma once
// Private: reading a whole JSON file with errors that name the file, and writing one.

#include <string>

#include <nlohmann/json.hpp>

namespace tokenbench::core {

/// Parses the JSON file at `path`; throws DataError naming the file (and the byte where parsing
/// stopped) when it cannot be read or is not valid JSON.
[[nodiscard]] nlohmann::json readJsonFile(const std::string& path);

/// Writes `j` to `path` atomically (writeTextFileAtomically), indented by 2, with a final newline.
void writeJsonFile(const std::string& path, const nlohmann::json& j);

}  // namespace tokenbench::core
