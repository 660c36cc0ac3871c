// The token hierarchy: prefix ranges, child counts, purity, item lookup.

#include <QtTest>

#include "tokenbench/tokenizers/token_hierarchy.h"

using namespace tokenbench::core;

namespace {

// Six items: codes (0,0) (0,0) (0,1) (1,0) (1,0) (1,0); category A for code 0 items, B for code 1 items
// except item 5 which is A.
Dataset catalogue() {
    Dataset d;
    d.attributeVocab = {{"category", "A"}, {"category", "B"}, {"brand", "X"}};
    const char* titles[] = {"Rose Cream", "Rose Serum", "Lily Cream", "Mint Shampoo", "Mint Gel", "Rose Shampoo"};
    const std::vector<std::vector<int32_t>> attrs = {{0, 2}, {0, 2}, {0}, {1}, {1, 2}, {0}};
    for (int i = 0; i < 6; ++i) d.items.push_back({"i" + std::to_string(i), titles[i], "", attrs[static_cast<size_t>(i)]});
    return d;
}

SemanticIds codes() { return SemanticIds::fromRows({{0, 0}, {0, 0}, {0, 1}, {1, 0}, {1, 0}, {1, 0}}); }

}  // namespace

class TestTokenHierarchy final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void childrenPartitionTheirParent() {
        const Dataset d = catalogue();
        const TokenHierarchy tree(codes(), d);
        const auto root = tree.node({});
        QCOMPARE(root.items, int64_t{6});
        QCOMPARE(root.children, 2);
        const auto top = tree.children({});
        QCOMPARE(top.size(), size_t{2});
        QCOMPARE(top[0].items + top[1].items, root.items);
        QCOMPARE(top[0].children, 2);
        QCOMPARE(top[1].children, 1);
        QCOMPARE(tree.children({0}).at(1).items, int64_t{1});
        QCOMPARE(tree.children({0, 0}).size(), size_t{0});  // full depth
        QCOMPARE(tree.node({5}).items, int64_t{0});
        QVERIFY((tree.items({1, 0}) == std::vector<int32_t>{3, 4, 5}));
        QCOMPARE(tree.items({1}, 2).size(), size_t{2});
    }

    void purityAndTopAttributesDescribeANode() {
        const Dataset d = catalogue();
        const TokenHierarchy tree(codes(), d, "category");
        const auto first = tree.node({0});
        QCOMPARE(first.purity, 1.0);  // all three are A
        QCOMPARE(first.topAttributes.at(0).first, std::string("category: A"));
        const auto second = tree.node({1});
        QVERIFY(std::abs(second.purity - 2.0 / 3.0) < 1e-9);
        // "mint" and "shampoo" are each in 2 of 3 titles; ties are broken alphabetically.
        QCOMPARE(second.topWords.at(0).first, std::string("mint"));
        QCOMPARE(second.topWords.at(1).first, std::string("shampoo"));
        QCOMPARE(second.topWords.at(1).second, int64_t{2});
        QVERIFY(std::abs(tree.meanPurity(1) - (3 * 1.0 + 3 * (2.0 / 3.0)) / 6.0) < 1e-9);
    }

    void itemsAreFoundByIdOrTitle() {
        const Dataset d = catalogue();
        const TokenHierarchy tree(codes(), d);
        QVERIFY((tree.findItems("i4") == std::vector<int32_t>{4}));
        QVERIFY((tree.findItems("rose") == std::vector<int32_t>{0, 1, 5}));
        QVERIFY((tree.idOf(2) == std::vector<int32_t>{0, 1}));
        QVERIFY(tree.idOf(99).empty());
    }
};

QTEST_GUILESS_MAIN(TestTokenHierarchy)
#include "test_token_hierarchy.moc"
