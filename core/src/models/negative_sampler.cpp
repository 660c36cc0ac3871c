#include "models/negative_sampler.h"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>

namespace tokenbench::core {

namespace {

constexpr int kUniformAttempts = 64;  // rejection draws before a linear scan (users with huge histories)
constexpr int kHardAttempts = 16;     // overlap-weighted draws before scanning the candidate list

/// Uniform double in [0, 1) from the top 53 bits.
double unit(uint64_t& state) {
    return static_cast<double>(splitmix64(state) >> 11) * (1.0 / 9007199254740992.0);
}

}  // namespace

NegativeSampler::NegativeSampler(int32_t items, const std::vector<std::vector<int32_t>>& histories,
                                 NegativeSamplerOptions options)
    : m_items(items), m_options(options) {
    if (items <= 0) throw std::invalid_argument("negative sampler: the catalogue is empty");
    if (options.window < 1 || options.candidates < 1)
        throw std::invalid_argument("negative sampler: window and candidates must be positive");
    m_seen.resize(histories.size());
    for (size_t u = 0; u < histories.size(); ++u) {
        std::vector<int32_t>& set = m_seen[u];
        set = histories[u];
        for (const int32_t item : set)
            if (item < 0 || item >= items)
                throw std::invalid_argument("negative sampler: item id " + std::to_string(item) + " out of range");
        std::sort(set.begin(), set.end());
        set.erase(std::unique(set.begin(), set.end()), set.end());
    }
    if (options.buildGraph) buildGraph(histories);
}

void NegativeSampler::buildGraph(const std::vector<std::vector<int32_t>>& histories) {
    const auto n = static_cast<size_t>(m_items);
    std::vector<std::vector<int32_t>> neighbours(n);
    for (const std::vector<int32_t>& sequence : histories)
        for (size_t i = 0; i < sequence.size(); ++i)
            for (size_t j = i + 1; j < sequence.size() && j <= i + static_cast<size_t>(m_options.window); ++j) {
                const int32_t a = sequence[i], b = sequence[j];
                if (a == b) continue;
                neighbours[static_cast<size_t>(a)].push_back(b);
                neighbours[static_cast<size_t>(b)].push_back(a);
            }
    for (std::vector<int32_t>& list : neighbours) {
        std::sort(list.begin(), list.end());
        list.erase(std::unique(list.begin(), list.end()), list.end());
    }

    // Common-neighbour counts of p with every 2-hop item c, then Jaccard = common / (|N(p)| + |N(c)| - common).
    std::vector<int32_t> common(n, 0);
    std::vector<int32_t> touched;
    std::vector<std::pair<double, int32_t>> scored;  // (-jaccard, item): ascending = best first, ties by id
    m_offsets.assign(n + 1, 0);
    m_candidates.clear();
    m_cumulative.clear();
    for (size_t p = 0; p < n; ++p) {
        touched.clear();
        for (const int32_t u : neighbours[p])
            for (const int32_t c : neighbours[static_cast<size_t>(u)]) {
                if (static_cast<size_t>(c) == p) continue;
                if (common[static_cast<size_t>(c)]++ == 0) touched.push_back(c);
            }
        scored.clear();
        const auto degree = static_cast<double>(neighbours[p].size());
        for (const int32_t c : touched) {
            const double shared = std::exchange(common[static_cast<size_t>(c)], 0);
            // Direct neighbours are likely false negatives (see header).
            if (std::binary_search(neighbours[p].begin(), neighbours[p].end(), c)) continue;
            const double jaccard = shared / (degree + static_cast<double>(neighbours[static_cast<size_t>(c)].size()) - shared);
            scored.emplace_back(-jaccard, c);
        }
        const size_t keep = std::min(scored.size(), static_cast<size_t>(m_options.candidates));
        std::partial_sort(scored.begin(), scored.begin() + static_cast<std::ptrdiff_t>(keep), scored.end());
        double running = 0.0;
        for (size_t k = 0; k < keep; ++k) {
            running += -scored[k].first;
            m_candidates.push_back(scored[k].second);
            m_cumulative.push_back(running);
        }
        m_offsets[p + 1] = static_cast<int64_t>(m_candidates.size());
    }
}

bool NegativeSampler::seen(int32_t user, int32_t item) const {
    if (user < 0 || static_cast<size_t>(user) >= m_seen.size()) return false;
    const std::vector<int32_t>& set = m_seen[static_cast<size_t>(user)];
    return std::binary_search(set.begin(), set.end(), item);
}

int32_t NegativeSampler::uniform(int32_t user, uint64_t& state) const {
    const auto items = static_cast<uint64_t>(m_items);
    int32_t candidate = 0;
    for (int attempt = 0; attempt < kUniformAttempts; ++attempt) {
        candidate = static_cast<int32_t>(splitmix64(state) % items);
        if (!seen(user, candidate)) return candidate;
    }
    // A user who trained on most of the catalogue: walk from the last draw to the next unseen item.
    for (int32_t step = 1; step < m_items; ++step) {
        const int32_t next = static_cast<int32_t>((static_cast<int64_t>(candidate) + step) % m_items);
        if (!seen(user, next)) return next;
    }
    return candidate;  // the user trained on every item: nothing is a true negative
}

std::vector<int32_t> NegativeSampler::candidates(int32_t item) const {
    if (!hasGraph() || item < 0 || item >= m_items) return {};
    const auto begin = m_candidates.begin() + static_cast<std::ptrdiff_t>(m_offsets[static_cast<size_t>(item)]);
    const auto end = m_candidates.begin() + static_cast<std::ptrdiff_t>(m_offsets[static_cast<size_t>(item) + 1]);
    return {begin, end};
}

bool NegativeSampler::hasHardCandidate(int32_t user, int32_t positive) const {
    for (const int32_t c : candidates(positive))
        if (!seen(user, c)) return true;
    return false;
}

int32_t NegativeSampler::sample(int32_t user, int32_t positive, double hardShare, uint64_t& state) const {
    // Always draw the coin, so the random stream does not depend on the graph's contents.
    const bool hard = unit(state) < hardShare;
    if (!hard || !hasGraph() || positive < 0 || positive >= m_items) return uniform(user, state);
    const auto begin = static_cast<size_t>(m_offsets[static_cast<size_t>(positive)]);
    const auto end = static_cast<size_t>(m_offsets[static_cast<size_t>(positive) + 1]);
    if (begin == end) return uniform(user, state);
    const double base = begin == 0 ? 0.0 : m_cumulative[begin - 1];
    const double total = m_cumulative[end - 1] - base;
    for (int attempt = 0; attempt < kHardAttempts; ++attempt) {
        const double r = base + unit(state) * total;
        const auto at = std::upper_bound(m_cumulative.begin() + static_cast<std::ptrdiff_t>(begin),
                                         m_cumulative.begin() + static_cast<std::ptrdiff_t>(end), r) -
                        m_cumulative.begin();
        const int32_t c = m_candidates[std::min(static_cast<size_t>(at), end - 1)];
        if (!seen(user, c)) return c;
    }
    // The likely candidates are the user's own items: take the best admissible one, if any.
    for (size_t k = begin; k < end; ++k)
        if (!seen(user, m_candidates[k])) return m_candidates[k];
    return uniform(user, state);
}

}  // namespace tokenbench::core
