#pragma once
// Private: negatives for sampled-softmax-free losses (SASRec's BCE). Uniform negatives are items the
// user has not trained on; hard negatives follow GNNO (Fan et al., "Neighborhood-based Hard Negative
// Mining for Sequential Recommendation", SIGIR 2023):
//  - An item transition graph from the training prefixes only: item i and the item that follows it
//    in a user's sequence are linked (undirected; `window` > 1 also links items further apart, as
//    GCL4SR's WITG). Overlap uses the neighbour sets, not edge counts.
//  - The hard candidates of a positive p are the items sharing at least one graph neighbour with p
//    (two hops away: substitutes rather than successors), scored by neighbourhood overlap, the
//    Jaccard index J(p, c) = |N(p) & N(c)| / |N(p) | N(c)|. p's direct neighbours are left out: they
//    are items users actually took right before or after p, the likeliest false negatives.
//    The best `candidates` per item are kept, and a hard negative is drawn among them with
//    probability proportional to J: the more an item's neighbourhood looks like the positive's, the
//    harder (and likelier) a negative it is.
//  - A user's own training items are never returned (they are the likely false negatives GNNO
//    excludes); a positive without an admissible candidate gets a uniform negative instead.
//  - The curriculum (easy to hard) is the caller's `hardShare`: the probability that a negative is
//    drawn from the graph rather than uniformly.
// Everything random comes from the caller's splitmix64 state, so (seed, epoch) fixes every draw.
// Torch-free; built once in prepare(), then only read (any thread may read it).

#include <cstdint>
#include <vector>

#include "../common/seeded_random.h"  // relative: tests include this header by path

namespace tokenbench::core {

/// How the hard-negative graph is built.
struct NegativeSamplerOptions final {
    bool buildGraph = false;  ///< false: uniform negatives only (no graph is built)
    int32_t window = 1;       ///< items at most this many steps apart in a sequence are linked
    int32_t candidates = 64;  ///< hard candidates kept per item (the highest overlap)
};

/// See file comment.
class NegativeSampler final {
public:
    /// `items` catalogue size; `histories[u]` user u's training items (dense ids, chronological).
    /// Throws std::invalid_argument for an item id outside [0, items).
    NegativeSampler(int32_t items, const std::vector<std::vector<int32_t>>& histories,
                    NegativeSamplerOptions options = {});

    /// A uniformly drawn item `user` has not trained on (any item if the user has trained on all).
    [[nodiscard]] int32_t uniform(int32_t user, uint64_t& state) const;
    /// A negative for `positive`: with probability `hardShare` an overlap-weighted hard candidate of
    /// `positive` that `user` has not trained on (uniform when there is none), else uniform.
    [[nodiscard]] int32_t sample(int32_t user, int32_t positive, double hardShare, uint64_t& state) const;

    /// Whether `user` trained on `item`.
    [[nodiscard]] bool seen(int32_t user, int32_t item) const;
    /// Hard candidates of `item`, highest overlap first (empty without a graph).
    [[nodiscard]] std::vector<int32_t> candidates(int32_t item) const;
    /// Whether some hard candidate of `positive` is admissible for `user`.
    [[nodiscard]] bool hasHardCandidate(int32_t user, int32_t positive) const;
    [[nodiscard]] bool hasGraph() const { return !m_offsets.empty(); }
    [[nodiscard]] int32_t items() const { return m_items; }

private:
    void buildGraph(const std::vector<std::vector<int32_t>>& histories);

    int32_t m_items = 0;
    NegativeSamplerOptions m_options;
    std::vector<std::vector<int32_t>> m_seen;  ///< [user] sorted unique training items
    // Hard candidates in CSR form: item i's are m_candidates[m_offsets[i] .. m_offsets[i + 1]),
    // highest overlap first, with the running sum of their overlaps in m_cumulative.
    std::vector<int64_t> m_offsets;
    std::vector<int32_t> m_candidates;
    std::vector<double> m_cumulative;
};

}  // namespace tokenbench::core
