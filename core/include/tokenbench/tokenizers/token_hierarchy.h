#pragma once
/// The token hierarchy: a prefix tree over semantic IDs (level-1 code → level-2 → ... → items) with,
/// per node, its item count, the most frequent attributes and title words of its items and a purity
/// score set against what chance would give. Built once per tokenizer run, queried lazily by the
/// hierarchy explorer.
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
    double purity = 0.0;  ///< share of the node's items that carry its most frequent counted attribute
    /// Share of the whole catalogue carrying that attribute: the purity a node of random items would
    /// have on it (0 when no attribute counts).
    double catalogueShare = 0.0;
};

/// See file comment.
class TokenHierarchy final {
public:
    /// Attributes carried by more than this share of the catalogue do not count with "every field":
    /// such an attribute (a catalogue-wide top category) would make every node look pure.
    static constexpr double kCommonShare = 0.5;

    /// `purityField` restricts attributes (top list and purity) to one field ("category_l1"), every
    /// value of it counting; empty means every field except the common attributes (kCommonShare).
    /// `topN` entries are kept per list.
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
    /// The same mean when the catalogue's items are dealt at random into nodes of the same sizes
    /// (averaged over a few fixed-seed deals): what purity a depth shows by chance alone, high where
    /// nodes are small or an attribute is common. Deterministic.
    [[nodiscard]] double chancePurity(int32_t depth) const;
    /// The attributes left out because they are common ("field: name" with catalogue share), most
    /// common first; empty when a purity field is chosen.
    [[nodiscard]] const std::vector<std::pair<std::string, double>>& commonAttributes() const { return m_common; }

private:
    [[nodiscard]] std::pair<size_t, size_t> range(const std::vector<int32_t>& prefix) const;
    [[nodiscard]] HierarchyNode describe(const std::vector<int32_t>& prefix, size_t begin, size_t end) const;
    /// Sizes of the nodes at `depth`, in m_order's order.
    [[nodiscard]] std::vector<size_t> nodeSizes(int32_t depth) const;
    /// Item-weighted mean purity of `items` cut into consecutive nodes of `sizes`.
    [[nodiscard]] double purityOf(const std::vector<int32_t>& items, const std::vector<size_t>& sizes) const;
    [[nodiscard]] std::string attributeName(int32_t attribute) const;

    SemanticIds m_ids;
    const Dataset& m_dataset;
    std::string m_purityField;
    int m_topN;
    std::vector<int32_t> m_order;  ///< items sorted by ID: every prefix is one contiguous range
    std::vector<std::vector<std::string>> m_titleWords;  ///< distinct words per item
    std::vector<char> m_counted;                         ///< per attribute: counts for purity and the top list
    std::vector<double> m_catalogueShare;                ///< per attribute: share of all items carrying it
    std::vector<std::pair<std::string, double>> m_common;
};

}  // namespace tokenbench::core
