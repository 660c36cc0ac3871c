#include "models/prefix_trie.h"

#include <algorithm>
#include <numeric>
#include <stdexcept>
#include <string>

namespace tokenbench::core {

PrefixTrie::PrefixTrie(const std::vector<int32_t>& codes, int64_t items, int32_t levels)
    : m_items(items), m_levels(levels) {
    if (levels < 1) throw std::invalid_argument("prefix trie: levels must be at least 1");
    if (items < 0 || static_cast<int64_t>(codes.size()) != items * levels)
        throw std::invalid_argument("prefix trie: " + std::to_string(codes.size()) + " codes do not make " +
                                    std::to_string(items) + " items x " + std::to_string(levels) + " levels");
    for (size_t i = 0; i < codes.size(); ++i)
        if (codes[i] < 0)
            throw std::invalid_argument("prefix trie: item " + std::to_string(i / static_cast<size_t>(levels)) +
                                        " has a negative code");

    auto row = [&](int64_t item) { return codes.data() + item * levels; };
    std::vector<int32_t> order(static_cast<size_t>(items));
    std::iota(order.begin(), order.end(), 0);
    // Stable: items sharing a tuple stay in ascending id order, which is the order leaves list them in.
    std::stable_sort(order.begin(), order.end(), [&](int32_t a, int32_t b) {
        return std::lexicographical_compare(row(a), row(a) + levels, row(b), row(b) + levels);
    });

    // Walk the sorted tuples: a new tuple opens nodes from the first level where it differs from the
    // previous one. Nodes come out in depth-first order, each parent's children in ascending code.
    struct Edge final {
        int32_t parent;
        int32_t code;
    };
    std::vector<Edge> edges;                                        // [node - 1]
    std::vector<int32_t> path(static_cast<size_t>(levels) + 1, 0);  // nodes on the current path
    std::vector<int32_t> leafOf(static_cast<size_t>(items), kNone);
    m_depth.assign(1, 0);
    const int32_t* previous = nullptr;
    for (const int32_t item : order) {
        const int32_t* current = row(item);
        int32_t from = 0;
        if (previous)
            while (from < levels && previous[from] == current[from]) ++from;
        for (int32_t level = from; level < levels; ++level) {
            const auto node = static_cast<int32_t>(m_depth.size());
            edges.push_back({path[static_cast<size_t>(level)], current[level]});
            m_depth.push_back(level + 1);
            path[static_cast<size_t>(level) + 1] = node;
        }
        leafOf[static_cast<size_t>(item)] = path[static_cast<size_t>(levels)];
        previous = current;
    }

    const size_t nodes = m_depth.size();
    m_childStart.assign(nodes + 1, 0);
    for (const Edge& edge : edges) ++m_childStart[static_cast<size_t>(edge.parent) + 1];
    std::partial_sum(m_childStart.begin(), m_childStart.end(), m_childStart.begin());
    m_childCodes.resize(edges.size());
    m_childNodes.resize(edges.size());
    std::vector<int64_t> fill(m_childStart.begin(), m_childStart.end() - 1);
    for (size_t e = 0; e < edges.size(); ++e) {
        const auto at = static_cast<size_t>(fill[static_cast<size_t>(edges[e].parent)]++);
        m_childCodes[at] = edges[e].code;
        m_childNodes[at] = static_cast<int32_t>(e + 1);
    }

    m_leafStart.assign(nodes + 1, 0);
    for (const int32_t leaf : leafOf) ++m_leafStart[static_cast<size_t>(leaf) + 1];
    std::partial_sum(m_leafStart.begin(), m_leafStart.end(), m_leafStart.begin());
    m_leafItems.resize(static_cast<size_t>(items));
    std::vector<int64_t> leafFill(m_leafStart.begin(), m_leafStart.end() - 1);
    for (const int32_t item : order)  // sorted order keeps ascending ids within a leaf
        m_leafItems[static_cast<size_t>(leafFill[static_cast<size_t>(leafOf[static_cast<size_t>(item)])]++)] = item;
}

int32_t PrefixTrie::child(int32_t node, int32_t code) const {
    if (node < 0 || node >= nodeCount()) return kNone;
    const int32_t* first = nextCodes(node);
    const int32_t* last = first + nextCount(node);
    const int32_t* it = std::lower_bound(first, last, code);
    if (it == last || *it != code) return kNone;
    return m_childNodes[static_cast<size_t>(m_childStart[static_cast<size_t>(node)] + (it - first))];
}

int32_t PrefixTrie::find(const int32_t* prefix, int32_t length) const {
    int32_t node = root();
    for (int32_t i = 0; i < length && node != kNone; ++i) node = child(node, prefix[i]);
    return node;
}

}  // namespace tokenbench::core
