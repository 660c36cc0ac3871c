#include "tokenbench/tokenizers/token_hierarchy.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <numeric>
#include <unordered_map>

#include "tokenbench/features/featurizers.h"

namespace tokenbench::core {

namespace {

std::vector<std::pair<std::string, int64_t>> topEntries(const std::unordered_map<std::string, int64_t>& counts, int n) {
    std::vector<std::pair<std::string, int64_t>> entries(counts.begin(), counts.end());
    std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
        return a.second != b.second ? a.second > b.second : a.first < b.first;
    });
    if (entries.size() > static_cast<size_t>(n)) entries.resize(static_cast<size_t>(n));
    return entries;
}

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
    return text;
}

}  // namespace

TokenHierarchy::TokenHierarchy(SemanticIds ids, const Dataset& dataset, std::string purityField, int topN)
    : m_ids(std::move(ids)), m_dataset(dataset), m_purityField(std::move(purityField)), m_topN(topN) {
    m_order.resize(static_cast<size_t>(m_ids.items));
    std::iota(m_order.begin(), m_order.end(), 0);
    std::sort(m_order.begin(), m_order.end(), [&](int32_t a, int32_t b) {
        return std::lexicographical_compare(m_ids.row(a), m_ids.row(a) + m_ids.levels, m_ids.row(b),
                                            m_ids.row(b) + m_ids.levels);
    });
    m_titleWords.resize(static_cast<size_t>(m_ids.items));
    for (int64_t i = 0; i < m_ids.items && static_cast<size_t>(i) < dataset.items.size(); ++i) {
        auto words = tokenizeText(dataset.items[static_cast<size_t>(i)].title);
        std::sort(words.begin(), words.end());
        words.erase(std::unique(words.begin(), words.end()), words.end());
        m_titleWords[static_cast<size_t>(i)] = std::move(words);
    }
}

std::pair<size_t, size_t> TokenHierarchy::range(const std::vector<int32_t>& prefix) const {
    const size_t depth = std::min(prefix.size(), static_cast<size_t>(m_ids.levels));
    auto compare = [&](int32_t item, const std::vector<int32_t>& p) {
        return std::lexicographical_compare(m_ids.row(item), m_ids.row(item) + depth, p.begin(), p.begin() + depth);
    };
    auto compareRev = [&](const std::vector<int32_t>& p, int32_t item) {
        return std::lexicographical_compare(p.begin(), p.begin() + depth, m_ids.row(item), m_ids.row(item) + depth);
    };
    if (prefix.size() > static_cast<size_t>(m_ids.levels)) return {0, 0};
    const auto lo = std::lower_bound(m_order.begin(), m_order.end(), prefix, compare);
    const auto hi = std::upper_bound(lo, m_order.end(), prefix, compareRev);
    return {static_cast<size_t>(lo - m_order.begin()), static_cast<size_t>(hi - m_order.begin())};
}

HierarchyNode TokenHierarchy::describe(const std::vector<int32_t>& prefix, size_t begin, size_t end) const {
    HierarchyNode node;
    node.prefix = prefix;
    node.items = static_cast<int64_t>(end - begin);
    const size_t depth = prefix.size();
    if (depth < static_cast<size_t>(m_ids.levels)) {
        int32_t previous = -1;
        for (size_t k = begin; k < end; ++k) {
            const int32_t code = m_ids.at(m_order[k], static_cast<int32_t>(depth));
            if (k == begin || code != previous) ++node.children;
            previous = code;
        }
    }
    std::unordered_map<std::string, int64_t> attributes, words;
    for (size_t k = begin; k < end; ++k) {
        const auto item = static_cast<size_t>(m_order[k]);
        if (item < m_dataset.items.size()) {
            for (int32_t a : m_dataset.items[item].attributes) {
                const AttributeValue& value = m_dataset.attributeVocab[static_cast<size_t>(a)];
                if (!m_purityField.empty() && value.field != m_purityField) continue;
                ++attributes[value.field + ": " + value.name];
            }
        }
        for (const auto& w : m_titleWords[item]) ++words[w];
    }
    node.topAttributes = topEntries(attributes, m_topN);
    node.topWords = topEntries(words, m_topN);
    if (node.items > 0 && !node.topAttributes.empty())
        node.purity = static_cast<double>(node.topAttributes.front().second) / static_cast<double>(node.items);
    return node;
}

HierarchyNode TokenHierarchy::node(const std::vector<int32_t>& prefix) const {
    const auto [begin, end] = range(prefix);
    return describe(prefix, begin, end);
}

std::vector<HierarchyNode> TokenHierarchy::children(const std::vector<int32_t>& prefix) const {
    std::vector<HierarchyNode> out;
    const size_t depth = prefix.size();
    if (depth >= static_cast<size_t>(m_ids.levels)) return out;
    const auto [begin, end] = range(prefix);
    size_t start = begin;
    while (start < end) {
        const int32_t code = m_ids.at(m_order[start], static_cast<int32_t>(depth));
        size_t stop = start;
        while (stop < end && m_ids.at(m_order[stop], static_cast<int32_t>(depth)) == code) ++stop;
        std::vector<int32_t> child = prefix;
        child.push_back(code);
        out.push_back(describe(child, start, stop));
        start = stop;
    }
    return out;
}

std::vector<int32_t> TokenHierarchy::items(const std::vector<int32_t>& prefix, size_t limit) const {
    const auto [begin, end] = range(prefix);
    const size_t stop = limit > 0 ? std::min(end, begin + limit) : end;
    return {m_order.begin() + static_cast<std::ptrdiff_t>(begin), m_order.begin() + static_cast<std::ptrdiff_t>(stop)};
}

std::vector<int32_t> TokenHierarchy::idOf(int32_t item) const {
    if (item < 0 || item >= m_ids.items) return {};
    return {m_ids.row(item), m_ids.row(item) + m_ids.levels};
}

std::vector<int32_t> TokenHierarchy::findItems(const std::string& query, size_t limit) const {
    std::vector<int32_t> exact, partial;
    const std::string needle = lower(query);
    for (size_t i = 0; i < m_dataset.items.size() && static_cast<int64_t>(i) < m_ids.items; ++i) {
        const ItemInfo& item = m_dataset.items[i];
        if (item.rawId == query) exact.push_back(static_cast<int32_t>(i));
        else if (!needle.empty() && lower(item.title).find(needle) != std::string::npos) partial.push_back(static_cast<int32_t>(i));
    }
    exact.insert(exact.end(), partial.begin(), partial.end());
    if (exact.size() > limit) exact.resize(limit);
    return exact;
}

double TokenHierarchy::meanPurity(int32_t depth) const {
    std::vector<std::vector<int32_t>> frontier = {{}};
    for (int32_t d = 0; d < depth; ++d) {
        std::vector<std::vector<int32_t>> next;
        for (const auto& prefix : frontier)
            for (const auto& child : children(prefix)) next.push_back(child.prefix);
        frontier = std::move(next);
    }
    double weighted = 0.0;
    int64_t total = 0;
    for (const auto& prefix : frontier) {
        const HierarchyNode n = node(prefix);
        weighted += n.purity * static_cast<double>(n.items);
        total += n.items;
    }
    return total > 0 ? weighted / static_cast<double>(total) : 0.0;
}

}  // namespace tokenbench::core
