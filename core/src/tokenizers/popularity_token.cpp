#include "tokenizers/popularity_token.h"

#include <algorithm>
#include <map>
#include <stdexcept>
#include <string>

#include "tokenbench/tokenizers/collisions.h"

namespace tokenbench::core {

SemanticIds appendPopularityToken(const SemanticIds& ids, const std::vector<int32_t>& popularity) {
    if (static_cast<int64_t>(popularity.size()) != ids.items)
        throw std::invalid_argument("popularity token: " + std::to_string(popularity.size()) + " counts for " +
                                    std::to_string(ids.items) + " items");
    std::map<std::vector<int32_t>, std::vector<int64_t>> groups;
    for (int64_t i = 0; i < ids.items; ++i) groups[std::vector<int32_t>(ids.row(i), ids.row(i) + ids.levels)].push_back(i);
    std::vector<int32_t> rank(static_cast<size_t>(ids.items), 0);
    for (auto& [prefix, members] : groups) {
        std::stable_sort(members.begin(), members.end(), [&](int64_t a, int64_t b) {
            return popularity[static_cast<size_t>(a)] > popularity[static_cast<size_t>(b)];
        });
        for (size_t r = 0; r < members.size(); ++r) rank[static_cast<size_t>(members[r])] = static_cast<int32_t>(r);
    }
    return withAppendedLevel(ids, rank);
}

}  // namespace tokenbench::core
