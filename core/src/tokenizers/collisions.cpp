#include "tokenbench/tokenizers/collisions.h"

#include <algorithm>
#include <limits>
#include <map>
#include <numeric>
#include <set>
#include <stdexcept>

namespace tokenbench::core {

namespace {

using Tuple = std::vector<int32_t>;

Tuple tupleOf(const SemanticIds& ids, int64_t item) { return Tuple(ids.row(item), ids.row(item) + ids.levels); }

}  // namespace

SemanticIds withAppendedLevel(const SemanticIds& ids, const std::vector<int32_t>& level) {
    if (static_cast<int64_t>(level.size()) != ids.items)
        throw std::invalid_argument("appended level has " + std::to_string(level.size()) + " codes for " +
                                    std::to_string(ids.items) + " items");
    SemanticIds out;
    out.items = ids.items;
    out.levels = ids.levels + 1;
    out.codes.reserve(static_cast<size_t>(out.items * out.levels));
    for (int64_t i = 0; i < ids.items; ++i) {
        out.codes.insert(out.codes.end(), ids.row(i), ids.row(i) + ids.levels);
        out.codes.push_back(level[static_cast<size_t>(i)]);
    }
    return out;
}

namespace {

// TIGER: append a level that numbers the members of each group of identical tuples (0 for items
// that are alone), so every tuple becomes unique while prefixes keep their meaning.
SemanticIds appendDisambiguationLevel(const SemanticIds& ids, const std::vector<int64_t>& needsExtra) {
    std::map<Tuple, int32_t> nextIndex;
    std::vector<int32_t> extra(static_cast<size_t>(ids.items), 0);
    for (int64_t item : needsExtra) extra[static_cast<size_t>(item)] = nextIndex[tupleOf(ids, item)]++;
    return withAppendedLevel(ids, extra);
}

std::map<Tuple, std::vector<int64_t>> groupsOf(const SemanticIds& ids) {
    std::map<Tuple, std::vector<int64_t>> groups;
    for (int64_t i = 0; i < ids.items; ++i) groups[tupleOf(ids, i)].push_back(i);
    return groups;
}

}  // namespace

std::string toString(CollisionStrategy strategy) {
    switch (strategy) {
        case CollisionStrategy::ExtraLevel: return "extra-level";
        case CollisionStrategy::Reassign: return "reassign";
        case CollisionStrategy::None: return "none";
    }
    return "none";
}

CollisionStrategy collisionStrategyFromString(const std::string& text) {
    if (text == "extra-level") return CollisionStrategy::ExtraLevel;
    if (text == "reassign") return CollisionStrategy::Reassign;
    if (text == "none") return CollisionStrategy::None;
    throw std::invalid_argument("unknown collision strategy '" + text + "' (expected extra-level, reassign or none)");
}

SemanticIds resolveCollisions(const SemanticIds& ids, CollisionStrategy strategy, const FeatureMatrix& distances,
                              int32_t codebookSize) {
    if (strategy == CollisionStrategy::None || ids.items == 0 || ids.levels == 0) return ids;
    const auto groups = groupsOf(ids);
    std::vector<int64_t> colliding;
    for (const auto& [tuple, members] : groups)
        if (members.size() > 1) colliding.insert(colliding.end(), members.begin(), members.end());
    if (colliding.empty()) return ids;
    if (strategy == CollisionStrategy::ExtraLevel) return appendDisambiguationLevel(ids, colliding);

    const bool hasDistances = distances.rows == ids.items && distances.dim == codebookSize;
    if (!distances.values.empty() && !hasDistances)
        throw std::invalid_argument("collision resolution: distances are " + std::to_string(distances.rows) + "x" +
                                    std::to_string(distances.dim) + ", expected " + std::to_string(ids.items) + "x" +
                                    std::to_string(codebookSize));
    auto distance = [&](int64_t item, int32_t code) {
        return hasDistances ? distances.row(item)[code] : 0.0f;
    };

    SemanticIds out = ids;
    const int32_t last = ids.levels - 1;
    // Last-level codes taken under each prefix (levels 0..L-2).
    std::map<Tuple, std::set<int32_t>> taken;
    for (int64_t i = 0; i < ids.items; ++i) taken[Tuple(ids.row(i), ids.row(i) + last)].insert(ids.at(i, last));

    std::vector<int64_t> unresolved;
    for (const auto& [tuple, members] : groups) {
        if (members.size() < 2) continue;
        // The member closest to the shared code keeps it; the others move, nearest first.
        std::vector<int64_t> order = members;
        std::stable_sort(order.begin(), order.end(),
                         [&](int64_t a, int64_t b) { return distance(a, tuple[last]) < distance(b, tuple[last]); });
        auto& used = taken[Tuple(tuple.begin(), tuple.begin() + last)];
        for (size_t k = 1; k < order.size(); ++k) {
            const int64_t item = order[k];
            int32_t best = -1;
            float bestDistance = std::numeric_limits<float>::infinity();
            for (int32_t code = 0; code < codebookSize; ++code) {
                if (used.count(code)) continue;
                const float d = distance(item, code);
                if (d < bestDistance) best = code, bestDistance = d;
            }
            if (best < 0) {
                unresolved.push_back(item);  // every code under this prefix is taken
                continue;
            }
            used.insert(best);
            out.codes[static_cast<size_t>(item * out.levels + last)] = best;
        }
    }
    if (unresolved.empty()) return out;
    // Items that found no free code share tuples with items that kept theirs: disambiguate those groups.
    std::set<Tuple> crowded;
    for (int64_t item : unresolved) crowded.insert(tupleOf(out, item));
    std::vector<int64_t> needsExtra;
    for (int64_t i = 0; i < out.items; ++i)
        if (crowded.count(tupleOf(out, i))) needsExtra.push_back(i);
    return appendDisambiguationLevel(out, needsExtra);
}

}  // namespace tokenbench::core
