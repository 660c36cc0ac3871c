#include "tokenbench/tokenizers/token_hierarchy.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <numeric>
#include <unordered_map>

#include "common/seeded_random.h"
#include "tokenbench/features/featurizers.h"

namespace tokenbench::core {

namespace {

// Random deals averaged for the chance baseline: enough that a level's figure is stable to a
// percent on a catalogue of hundreds of items, cheap next to building the tree.
constexpr int kChanceDeals = 5;
constexpr uint64_t kChanceSeed = 0x70757269747921ULL;

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
    // Catalogue shares decide which attributes count, and are the baseline a node's purity is read against.
    const size_t vocab = dataset.attributeVocab.size();
    std::vector<int64_t> carriers(vocab, 0);
    for (const ItemInfo& item : dataset.items)
        for (int32_t a : item.attributes) ++carriers[static_cast<size_t>(a)];
    m_counted.assign(vocab, 0);
    m_catalogueShare.assign(vocab, 0.0);
    for (size_t a = 0; a < vocab; ++a) {
        m_catalogueShare[a] =
            dataset.items.empty() ? 0.0 : static_cast<double>(carriers[a]) / static_cast<double>(dataset.items.size());
        const bool common = m_catalogueShare[a] > kCommonShare;
        m_counted[a] = m_purityField.empty() ? !common : dataset.attributeVocab[a].field == m_purityField;
        if (m_purityField.empty() && common)
            m_common.emplace_back(attributeName(static_cast<int32_t>(a)), m_catalogueShare[a]);
    }
    std::sort(m_common.begin(), m_common.end(), [](const auto& a, const auto& b) {
        return a.second != b.second ? a.second > b.second : a.first < b.first;
    });
    m_titleWords.resize(static_cast<size_t>(m_ids.items));
    for (int64_t i = 0; i < m_ids.items && static_cast<size_t>(i) < dataset.items.size(); ++i) {
        auto words = tokenizeText(dataset.items[static_cast<size_t>(i)].title);
        std::sort(words.begin(), words.end());
        words.erase(std::unique(words.begin(), words.end()), words.end());
        m_titleWords[static_cast<size_t>(i)] = std::move(words);
    }
}

std::string TokenHierarchy::attributeName(int32_t attribute) const {
    const AttributeValue& value = m_dataset.attributeVocab[static_cast<size_t>(attribute)];
    return value.field + ": " + value.name;
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
    std::unordered_map<int32_t, int64_t> attributes;
    std::unordered_map<std::string, int64_t> words;
    for (size_t k = begin; k < end; ++k) {
        const auto item = static_cast<size_t>(m_order[k]);
        if (item < m_dataset.items.size()) {
            for (int32_t a : m_dataset.items[item].attributes)
                if (m_counted[static_cast<size_t>(a)]) ++attributes[a];
        }
        for (const auto& w : m_titleWords[item]) ++words[w];
    }
    // The most frequent attribute decides purity; ties go to the rarer one in the catalogue (the
    // more telling), then to the name, so the result does not depend on hash order.
    std::vector<std::pair<int32_t, int64_t>> ranked(attributes.begin(), attributes.end());
    std::sort(ranked.begin(), ranked.end(), [&](const auto& a, const auto& b) {
        if (a.second != b.second) return a.second > b.second;
        const double shareA = m_catalogueShare[static_cast<size_t>(a.first)];
        const double shareB = m_catalogueShare[static_cast<size_t>(b.first)];
        return shareA != shareB ? shareA < shareB : attributeName(a.first) < attributeName(b.first);
    });
    for (size_t i = 0; i < ranked.size() && i < static_cast<size_t>(m_topN); ++i)
        node.topAttributes.emplace_back(attributeName(ranked[i].first), ranked[i].second);
    node.topWords = topEntries(words, m_topN);
    if (node.items > 0 && !ranked.empty()) {
        node.purity = static_cast<double>(ranked.front().second) / static_cast<double>(node.items);
        node.catalogueShare = m_catalogueShare[static_cast<size_t>(ranked.front().first)];
    }
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

std::vector<size_t> TokenHierarchy::nodeSizes(int32_t depth) const {
    const int32_t d = std::clamp(depth, 0, m_ids.levels);
    std::vector<size_t> sizes;
    for (size_t k = 0; k < m_order.size(); ++k) {
        const int32_t* id = m_ids.row(m_order[k]);
        if (k > 0 && std::equal(id, id + d, m_ids.row(m_order[k - 1]))) {
            ++sizes.back();
        } else {
            sizes.push_back(1);
        }
    }
    return sizes;
}

double TokenHierarchy::purityOf(const std::vector<int32_t>& items, const std::vector<size_t>& sizes) const {
    std::vector<int64_t> counts(m_counted.size(), 0);
    std::vector<int32_t> touched;
    int64_t pure = 0;
    size_t begin = 0;
    for (const size_t size : sizes) {
        int64_t top = 0;
        for (size_t k = begin; k < begin + size; ++k) {
            const auto item = static_cast<size_t>(items[k]);
            if (item >= m_dataset.items.size()) continue;
            for (int32_t a : m_dataset.items[item].attributes) {
                if (!m_counted[static_cast<size_t>(a)]) continue;
                if (counts[static_cast<size_t>(a)]++ == 0) touched.push_back(a);
                top = std::max(top, counts[static_cast<size_t>(a)]);
            }
        }
        pure += top;
        for (int32_t a : touched) counts[static_cast<size_t>(a)] = 0;
        touched.clear();
        begin += size;
    }
    return items.empty() ? 0.0 : static_cast<double>(pure) / static_cast<double>(items.size());
}

double TokenHierarchy::meanPurity(int32_t depth) const {
    return purityOf(m_order, nodeSizes(depth));
}

double TokenHierarchy::chancePurity(int32_t depth) const {
    const std::vector<size_t> sizes = nodeSizes(depth);
    std::vector<int32_t> dealt = m_order;
    uint64_t state = kChanceSeed;
    double sum = 0.0;
    for (int deal = 0; deal < kChanceDeals; ++deal) {
        // Fisher-Yates on the project's own generator: the same figure on every platform.
        for (size_t i = dealt.size(); i > 1; --i)
            std::swap(dealt[i - 1], dealt[static_cast<size_t>(splitmix64(state) % i)]);
        sum += purityOf(dealt, sizes);
    }
    return sum / kChanceDeals;
}

}  // namespace tokenbench::core
