#include "tokenbench/tokenizers/codebook_health.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace tokenbench::core {

std::vector<LevelHealth> levelHealth(const SemanticIds& ids, int32_t codebookSize) {
    std::vector<LevelHealth> out;
    for (int32_t l = 0; l < ids.levels; ++l) {
        LevelHealth h;
        h.level = l;
        h.codebookSize = codebookSize;
        h.usage.assign(static_cast<size_t>(codebookSize), 0);
        for (int64_t i = 0; i < ids.items; ++i) {
            const int32_t code = ids.at(i, l);
            if (code >= 0 && code < codebookSize) ++h.usage[static_cast<size_t>(code)];
        }
        const double n = static_cast<double>(ids.items);
        for (int64_t count : h.usage) {
            if (count == 0) continue;
            ++h.usedCodes;
            const double p = static_cast<double>(count) / n;
            h.entropy -= p * std::log(p);
        }
        h.perplexity = ids.items > 0 ? std::exp(h.entropy) : 0.0;
        h.utilization = codebookSize > 0 ? static_cast<double>(h.usedCodes) / codebookSize : 0.0;
        h.deadCodes = codebookSize - h.usedCodes;
        out.push_back(std::move(h));
    }
    return out;
}

CollisionStats collisionStats(const SemanticIds& ids) {
    CollisionStats stats;
    if (ids.items == 0) return stats;
    std::map<std::vector<int32_t>, int64_t> groups;
    for (int64_t i = 0; i < ids.items; ++i) ++groups[std::vector<int32_t>(ids.row(i), ids.row(i) + ids.levels)];
    int64_t colliding = 0;
    for (const auto& [tuple, count] : groups) {
        stats.maxGroup = std::max(stats.maxGroup, count);
        if (count > 1) colliding += count;
    }
    stats.uniqueIds = static_cast<int64_t>(groups.size());
    stats.collisionRate = static_cast<double>(colliding) / static_cast<double>(ids.items);
    return stats;
}

bool isCollapsed(const LevelHealth& level, const CollapseRule& rule) {
    const double floor = std::max(rule.minPerplexity, rule.minPerplexityShare * level.codebookSize);
    return level.perplexity < floor;
}

}  // namespace tokenbench::core
