#pragma once
/// Semantic IDs: one tuple of `levels` codes per item, coarse to fine. Plain data; any thread.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace tokenbench::core {

/// items x levels codes, row-major. Code values are in [0, codebookSize) for tokenizer levels; an
/// extra disambiguation level added by collision resolution may exceed that.
struct SemanticIds final {
    int64_t items = 0;
    int32_t levels = 0;
    std::vector<int32_t> codes;

    [[nodiscard]] int32_t at(int64_t item, int32_t level) const { return codes[static_cast<size_t>(item * levels + level)]; }
    [[nodiscard]] const int32_t* row(int64_t item) const { return codes.data() + item * levels; }
    /// One vector per item, as the experiment store keeps them.
    [[nodiscard]] std::vector<std::vector<int32_t>> toRows() const;
    /// Inverse of toRows; throws std::invalid_argument when rows differ in length.
    [[nodiscard]] static SemanticIds fromRows(const std::vector<std::vector<int32_t>>& rows);
};

}  // namespace tokenbench::core
