#include "tokenizers/popularity_token.h"

#include <algorithm>
#include <map>
#include <stdexcept>
#include <string>

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
    SemanticIds out;
    out.items = ids.items;
    out.levels = ids.levels + 1;
    out.codes.reserve(static_cast<size_t>(out.items * out.levels));
    for (int64_t i = 0; i < ids.items; ++i) {
        out.codes.insert(out.codes.end(), ids.row(i), ids.row(i) + ids.levels);
        out.codes.push_back(rank[static_cast<size_t>(i)]);
    }
    return out;
}

}  // namespace tokenbench::core
