#pragma once
// Private: the saved state of a tokenizer whose whole model is its table of codes (import,
// composite): weights.safetensors with an items x levels I32 tensor "codes", and config.json.

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "tokenbench/tokenizers/semantic_ids.h"

namespace tokenbench::core {

struct StoredCodes final {
    SemanticIds ids;
    int32_t codebookSize = 0;
    int64_t inputDim = 0;
};

/// Writes `codes` into `directory` under tokenizer `id` with its `version` and `config`.
void saveStoredCodes(const std::string& directory, const std::string& id, int version,
                     const nlohmann::json& config, const StoredCodes& codes);

/// Reads what saveStoredCodes wrote. Throws DataError naming the file that is missing or wrong.
[[nodiscard]] StoredCodes loadStoredCodes(const std::string& directory);

}  // namespace tokenbench::core
