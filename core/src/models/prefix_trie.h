#pragma once
// Private: a prefix tree over items' semantic-ID tuples, for decoding that may only produce real items
// (TIGER's constrained beam search). Qt-free and torch-free so it is unit-tested on its own.
// Immutable after construction; any thread may read it.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace tokenbench::core {

/// Nodes are numbered from 0 (the root, the empty prefix); a node at depth d is a prefix of d codes.
/// Every full-length path ends in a leaf listing the items with that tuple (several when IDs collide).
class PrefixTrie final {
public:
    static constexpr int32_t kNone = -1;  ///< "no such node"

    /// Builds the tree from `items` x `levels` codes, row-major (SemanticIds::codes). Throws
    /// std::invalid_argument when the sizes do not match, levels < 1 or a code is negative.
    PrefixTrie(const std::vector<int32_t>& codes, int64_t items, int32_t levels);

    [[nodiscard]] int32_t levels() const { return m_levels; }
    [[nodiscard]] int64_t items() const { return m_items; }
    [[nodiscard]] int32_t nodeCount() const { return static_cast<int32_t>(m_depth.size()); }
    [[nodiscard]] static int32_t root() { return 0; }
    [[nodiscard]] int32_t depth(int32_t node) const { return m_depth[static_cast<size_t>(node)]; }

    /// The node reached from `node` by `code`, or kNone (also for node == kNone).
    [[nodiscard]] int32_t child(int32_t node, int32_t code) const;
    /// The node of a whole prefix from the root, or kNone when no item starts with it.
    [[nodiscard]] int32_t find(const int32_t* prefix, int32_t length) const;

    /// Codes that may follow `node`, ascending: [first, first + count). Empty for leaves.
    [[nodiscard]] const int32_t* nextCodes(int32_t node) const {
        return m_childCodes.data() + m_childStart[static_cast<size_t>(node)];
    }
    [[nodiscard]] int32_t nextCount(int32_t node) const {
        return static_cast<int32_t>(m_childStart[static_cast<size_t>(node) + 1] -
                                    m_childStart[static_cast<size_t>(node)]);
    }

    /// Items whose tuple ends at `node`, ascending dense ids: [first, first + count). Empty unless
    /// `node` is a leaf (depth == levels).
    [[nodiscard]] const int32_t* leafItems(int32_t node) const {
        return m_leafItems.data() + m_leafStart[static_cast<size_t>(node)];
    }
    [[nodiscard]] int32_t leafCount(int32_t node) const {
        return static_cast<int32_t>(m_leafStart[static_cast<size_t>(node) + 1] -
                                    m_leafStart[static_cast<size_t>(node)]);
    }

private:
    int64_t m_items = 0;
    int32_t m_levels = 0;
    std::vector<int32_t> m_depth;       ///< [node]
    std::vector<int64_t> m_childStart;  ///< [node] -> range in m_childCodes / m_childNodes (nodes + 1)
    std::vector<int32_t> m_childCodes;  ///< sorted per node
    std::vector<int32_t> m_childNodes;
    std::vector<int64_t> m_leafStart;  ///< [node] -> range in m_leafItems (nodes + 1)
    std::vector<int32_t> m_leafItems;
};

}  // namespace tokenbench::core
