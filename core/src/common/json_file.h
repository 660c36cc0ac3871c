#pragma once
// Private: reading a whole JSON file with errors that name the file.

#include <string>

#include <nlohmann/json.hpp>

namespace tokenbench::core {

/// Parses the JSON file at `path`; throws DataError naming the file (and the byte where parsing
/// stopped) when it cannot be read or is not valid JSON.
[[nodiscard]] nlohmann::json readJsonFile(const std::string& path);

}  // namespace tokenbench::core
