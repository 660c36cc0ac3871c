// The token hierarchy: prefix ranges, child counts, purity (common attributes left out, the chance
// baseline), item lookup.

#include <cmath>
#include <string>
#include <vector>

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

// Eight items that all carry "top: Beauty" (as a catalogue-wide category does); items 0-3 are brand a,
// items 4-7 brand b.
Dataset beautyCatalogue() {
    Dataset d;
    d.attributeVocab = {{"top", "Beauty"}, {"brand", "a"}, {"brand", "b"}};
    for (int i = 0; i < 8; ++i) d.items.push_back({"i" + std::to_string(i), "", "", {0, i < 4 ? 1 : 2}});
    return d;
}

/// One level: item i gets code `firstCodes[i]`, then a second code that makes every ID unique.
SemanticIds twoLevels(const std::vector<int32_t>& firstCodes) {
    std::vector<std::vector<int32_t>> rows;
    for (size_t i = 0; i < firstCodes.size(); ++i) rows.push_back({firstCodes[i], static_cast<int32_t>(i)});
    return SemanticIds::fromRows(rows);
}

bool near(double a, double b) {
    return std::abs(a - b) < 1e-9;
}

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

    void catalogueWideAttributeDoesNotMakeEveryNodePure() {
        const Dataset d = beautyCatalogue();
        // Codes that ignore the brand: each first-level node holds two items of each brand.
        const TokenHierarchy mixed(twoLevels({0, 0, 1, 1, 0, 0, 1, 1}), d);
        const HierarchyNode node = mixed.node({0});
        QCOMPARE(node.items, int64_t{4});
        QVERIFY2(near(node.purity, 0.5), std::to_string(node.purity).c_str());  // "top: Beauty" would read 100 %
        QVERIFY(near(node.catalogueShare, 0.5));
        for (const auto& [name, count] : node.topAttributes) QVERIFY(name != "top: Beauty");
        QVERIFY(near(mixed.meanPurity(1), 0.5));
        QCOMPARE(mixed.commonAttributes().size(), size_t{1});
        QCOMPARE(mixed.commonAttributes().front().first, std::string("top: Beauty"));
        QVERIFY(near(mixed.commonAttributes().front().second, 1.0));

        // Codes that follow the brand are pure, and purer than chance.
        const TokenHierarchy byBrand(twoLevels({0, 0, 0, 0, 1, 1, 1, 1}), d);
        QVERIFY(near(byBrand.node({1}).purity, 1.0));
        QCOMPARE(byBrand.node({1}).topAttributes.front().first, std::string("brand: b"));
        QVERIFY(near(byBrand.meanPurity(1), 1.0));
        const double chance = byBrand.chancePurity(1);
        QVERIFY2(chance >= 0.5 && chance < 0.9, std::to_string(chance).c_str());
        QVERIFY(near(chance, byBrand.chancePurity(1)));  // fixed-seed deals

        // Asked for by its field, the common attribute counts, and chance reads as high.
        const TokenHierarchy byTop(twoLevels({0, 0, 1, 1, 0, 0, 1, 1}), d, "top");
        QVERIFY(near(byTop.node({0}).purity, 1.0));
        QVERIFY(near(byTop.node({0}).catalogueShare, 1.0));
        QVERIFY(near(byTop.chancePurity(1), 1.0));
        QVERIFY(byTop.commonAttributes().empty());
    }

    void singleItemNodesArePureByChanceAlone() {
        const Dataset d = beautyCatalogue();
        const TokenHierarchy tree(twoLevels({0, 0, 1, 1, 0, 0, 1, 1}), d);
        // At full depth every node is one item: 100 % pure, and so is a random deal.
        QVERIFY(near(tree.meanPurity(2), 1.0));
        QVERIFY(near(tree.chancePurity(2), 1.0));
        QVERIFY(tree.chancePurity(1) < tree.chancePurity(2));
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
