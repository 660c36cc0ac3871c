#include "tokenbench/tokenizers/semantic_ids.h"

#include <stdexcept>
#include <string>

namespace tokenbench::core {

std::vector<std::vector<int32_t>> SemanticIds::toRows() const {
    std::vector<std::vector<int32_t>> rows(static_cast<size_t>(items));
    for (int64_t i = 0; i < items; ++i) rows[static_cast<size_t>(i)].assign(row(i), row(i) + levels);
    return rows;
}

SemanticIds SemanticIds::fromRows(const std::vector<std::vector<int32_t>>& rows) {
    SemanticIds ids;
    ids.items = static_cast<int64_t>(rows.size());
    ids.levels = rows.empty() ? 0 : static_cast<int32_t>(rows.front().size());
    ids.codes.reserve(rows.size() * static_cast<size_t>(ids.levels));
    for (size_t i = 0; i < rows.size(); ++i) {
        if (static_cast<int32_t>(rows[i].size()) != ids.levels)
            throw std::invalid_argument("semantic ID of item " + std::to_string(i) + " has " +
                                        std::to_string(rows[i].size()) + " codes, expected " + std::to_string(ids.levels));
        ids.codes.insert(ids.codes.end(), rows[i].begin(), rows[i].end());
    }
    return ids;
}

}  // namespace tokenbench::core
