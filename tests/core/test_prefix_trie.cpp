// The prefix trie TIGER's constrained beam search walks: continuations of every prefix, items that
// share a tuple, unknown prefixes, bad input, and agreement with a brute-force scan of random IDs.
#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <stdexcept>
#include <vector>

#include <QObject>
#include <QtTest>

#include "models/prefix_trie.h"

using tokenbench::core::PrefixTrie;

namespace {

std::vector<int32_t> continuations(const PrefixTrie& trie, int32_t node) {
    return {trie.nextCodes(node), trie.nextCodes(node) + trie.nextCount(node)};
}

std::vector<int32_t> itemsAt(const PrefixTrie& trie, int32_t node) {
    return {trie.leafItems(node), trie.leafItems(node) + trie.leafCount(node)};
}

/// items x 3 codes: items 0 and 4 share (0, 1, 2).
const std::vector<int32_t> kCodes = {
    0, 1, 2,  // item 0
    0, 1, 3,  // item 1
    0, 2, 0,  // item 2
    5, 0, 0,  // item 3
    0, 1, 2,  // item 4
};

}  // namespace

class TestPrefixTrie final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void continuationsFollowTheItems();
    void sharedTuplesListEveryItemInIdOrder();
    void unknownPrefixesHaveNoNode();
    void rejectsMalformedInput();
    void emptyCatalogueHasOnlyTheRoot();
    void agreesWithBruteForceOnRandomIds();
};

void TestPrefixTrie::continuationsFollowTheItems() {
    const PrefixTrie trie(kCodes, 5, 3);
    QCOMPARE(trie.levels(), 3);
    QCOMPARE(trie.items(), int64_t(5));
    QCOMPARE(trie.nodeCount(), 10);  // root, 2 + 3 + 4 prefixes of length 1, 2, 3
    QCOMPARE(continuations(trie, PrefixTrie::root()), (std::vector<int32_t>{0, 5}));
    const int32_t zero = trie.child(PrefixTrie::root(), 0);
    QVERIFY(zero != PrefixTrie::kNone);
    QCOMPARE(trie.depth(zero), 1);
    QCOMPARE(continuations(trie, zero), (std::vector<int32_t>{1, 2}));
    const int32_t prefix[] = {0, 1};
    const int32_t zeroOne = trie.find(prefix, 2);
    QCOMPARE(zeroOne, trie.child(zero, 1));
    QCOMPARE(continuations(trie, zeroOne), (std::vector<int32_t>{2, 3}));
    QCOMPARE(trie.leafCount(zeroOne), 0);  // not a leaf
    const int32_t five[] = {5, 0, 0};
    const int32_t leaf = trie.find(five, 3);
    QCOMPARE(trie.depth(leaf), 3);
    QCOMPARE(trie.nextCount(leaf), 0);
    QCOMPARE(itemsAt(trie, leaf), std::vector<int32_t>{3});
}

void TestPrefixTrie::sharedTuplesListEveryItemInIdOrder() {
    const PrefixTrie trie(kCodes, 5, 3);
    const int32_t tuple[] = {0, 1, 2};
    QCOMPARE(itemsAt(trie, trie.find(tuple, 3)), (std::vector<int32_t>{0, 4}));
    // Listed by id even when the sort meets them in another order.
    const std::vector<int32_t> codes = {7, 7, 1, 1, 7, 7, 7, 7, 0, 9};
    const PrefixTrie shared(codes, 5, 2);
    const int32_t sevens[] = {7, 7};
    QCOMPARE(itemsAt(shared, shared.find(sevens, 2)), (std::vector<int32_t>{0, 2, 3}));
    QCOMPARE(continuations(shared, PrefixTrie::root()), (std::vector<int32_t>{0, 1, 7}));
}

void TestPrefixTrie::unknownPrefixesHaveNoNode() {
    const PrefixTrie trie(kCodes, 5, 3);
    const int32_t one[] = {1};
    QCOMPARE(trie.find(one, 1), PrefixTrie::kNone);
    const int32_t deep[] = {0, 1, 9};
    QCOMPARE(trie.find(deep, 3), PrefixTrie::kNone);
    const int32_t tooLong[] = {0, 1, 2, 0};
    QCOMPARE(trie.find(tooLong, 4), PrefixTrie::kNone);
    QCOMPARE(trie.child(PrefixTrie::root(), 4), PrefixTrie::kNone);
    QCOMPARE(trie.child(PrefixTrie::kNone, 0), PrefixTrie::kNone);
    QCOMPARE(trie.child(trie.nodeCount(), 0), PrefixTrie::kNone);
    QCOMPARE(trie.find(nullptr, 0), PrefixTrie::root());
}

void TestPrefixTrie::rejectsMalformedInput() {
    QVERIFY_EXCEPTION_THROWN((void)PrefixTrie({0, 1, 2}, 2, 2), std::invalid_argument);  // too few codes
    QVERIFY_EXCEPTION_THROWN((void)PrefixTrie({0, 1}, 1, 0), std::invalid_argument);     // no levels
    QVERIFY_EXCEPTION_THROWN((void)PrefixTrie({0, -1}, 1, 2), std::invalid_argument);    // negative code
    QVERIFY_EXCEPTION_THROWN((void)PrefixTrie({}, -1, 2), std::invalid_argument);
}

void TestPrefixTrie::emptyCatalogueHasOnlyTheRoot() {
    const PrefixTrie trie({}, 0, 3);
    QCOMPARE(trie.nodeCount(), 1);
    QCOMPARE(trie.nextCount(PrefixTrie::root()), 0);
    QCOMPARE(trie.leafCount(PrefixTrie::root()), 0);
}

void TestPrefixTrie::agreesWithBruteForceOnRandomIds() {
    const int32_t items = 600, levels = 3;
    const int32_t vocab[] = {4, 6, 9};  // 216 tuples for 600 items: many shared, some unused
    std::vector<int32_t> codes;
    uint32_t state = 12345;
    for (int32_t i = 0; i < items; ++i)
        for (int32_t level = 0; level < levels; ++level) {
            state = state * 1664525u + 1013904223u;
            codes.push_back(static_cast<int32_t>((state >> 8) % static_cast<uint32_t>(vocab[level])));
        }
    const PrefixTrie trie(codes, items, levels);

    // Brute force: the codes that follow each prefix, and the items of each full tuple.
    std::map<std::vector<int32_t>, std::set<int32_t>> next;
    std::map<std::vector<int32_t>, std::vector<int32_t>> members;
    for (int32_t i = 0; i < items; ++i) {
        const std::vector<int32_t> tuple(codes.begin() + i * levels, codes.begin() + (i + 1) * levels);
        for (int32_t length = 0; length < levels; ++length)
            next[std::vector<int32_t>(tuple.begin(), tuple.begin() + length)].insert(
                tuple[static_cast<size_t>(length)]);
        members[tuple].push_back(i);
    }
    QCOMPARE(trie.nodeCount(), static_cast<int32_t>(next.size() + members.size()));
    for (const auto& [prefix, expected] : next) {
        const int32_t node = trie.find(prefix.data(), static_cast<int32_t>(prefix.size()));
        QVERIFY(node != PrefixTrie::kNone);
        QCOMPARE(trie.depth(node), static_cast<int32_t>(prefix.size()));
        QCOMPARE(continuations(trie, node), std::vector<int32_t>(expected.begin(), expected.end()));
    }
    int64_t listed = 0;
    for (const auto& [tuple, expected] : members) {
        const int32_t node = trie.find(tuple.data(), levels);
        QCOMPARE(itemsAt(trie, node), expected);
        listed += trie.leafCount(node);
    }
    QCOMPARE(listed, int64_t(items));
    // A tuple no item has is found nowhere.
    for (int32_t a = 0; a < vocab[0]; ++a)
        for (int32_t b = 0; b < vocab[1]; ++b)
            for (int32_t c = 0; c < vocab[2]; ++c) {
                const std::vector<int32_t> tuple = {a, b, c};
                QCOMPARE(trie.find(tuple.data(), levels) != PrefixTrie::kNone, members.count(tuple) > 0);
            }
}

QTEST_GUILESS_MAIN(TestPrefixTrie)
#include "test_prefix_trie.moc"
