#pragma once
/// The token hierarchy: a prefix tree over semantic IDs (level-1 code → level-2 → ... → items) with,
/// per node, its item count, the most frequent attributes and title words of its items and a purity
/// score. Built once per tokenizer run, queried lazily by the hierarchy explorer and the CLI.
///
/// Threads: build on a worker; afterwards const queries from any thread.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "tokenbench/data/dataset.h"
#include "tokenbench/tokenizers/semantic_ids.h"

namespace tokenbench::core {

/// One node of the tree: the items whose IDs start with `prefix` (the root has an empty prefix).
struct HierarchyNode final {
    std::vector<int32_t> prefix;
    int64_t items = 0;
    int32_t children = 0;  ///< distinct next codes (0 for a full ID)
    std::vector<std::pair<std::string, int64_t>> topAttributes;  ///< "field: name" with item counts, most frequent first
    std::vector<std::pair<std::string, int64_t>> topWords;       ///< title words with item counts
    double purity = 0.0;   ///< share of the node's items that carry its most frequent attribute
};

/// See file comment.
class TokenHierarchy final {
public:
    /// `purityField` restricts attributes (top list and purity) to one field ("category_l1"); empty
    /// means every field. `topN` entries are kept per list.
    TokenHierarchy(SemanticIds ids, const Dataset& dataset, std::string purityField = {}, int topN = 5);

    [[nodiscard]] int32_t levels() const { return m_ids.levels; }
    /// The node for `prefix`; items == 0 when no ID has that prefix.
    [[nodiscard]] HierarchyNode node(const std::vector<int32_t>& prefix) const;
    /// Children of `prefix`, in code order (empty at full depth).
    [[nodiscard]] std::vector<HierarchyNode> children(const std::vector<int32_t>& prefix) const;
    /// Dense item indexes whose IDs start with `prefix`, at most `limit` (0: all).
    [[nodiscard]] std::vector<int32_t> items(const std::vector<int32_t>& prefix, size_t limit = 0) const;
    /// The full ID of an item.
    [[nodiscard]] std::vector<int32_t> idOf(int32_t item) const;
    /// Items whose raw id equals `query` first, then items whose title contains it (case-insensitive).
    [[nodiscard]] std::vector<int32_t> findItems(const std::string& query, size_t limit = 20) const;
    /// Mean purity of the nodes at a depth (1 = first level), weighted by item count.
    [[nodiscard]] double meanPurity(int32_t depth) const;

private:
    [[nodiscard]] std::pair<size_t, size_t> range(const std::vector<int32_t>& prefix) const;
    [[nodiscard]] HierarchyNode describe(const std::vector<int32_t>& prefix, size_t begin, size_t end) const;

    SemanticIds m_ids;
    const Dataset& m_dataset;
    std::string m_purityField;
    int m_topN;
    std::vector<int32_t> m_order;  ///< items sorted by ID: every prefix is one contiguous range
    std::vector<std::vector<std::string>> m_titleWords;  ///< distinct words per item
};

}  // namespace tokenbench::core
