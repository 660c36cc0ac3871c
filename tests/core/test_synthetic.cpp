#include "tokenbench/data/dataset.h"
#include "tokenbench/data/synthetic.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include <QElapsedTimer>
#include <QObject>
#include <QtTest>

#include "test_data.h"

using namespace tokenbench::core;

namespace {

/// Small enough to run in milliseconds, big enough for the statistics below to be stable.
SyntheticConfig smallConfig(uint64_t seed = 42) {
    return tokenbench::test::smallSyntheticConfig(300, 120, {3, 2, 2}, seed);
}

bool sameData(const SyntheticData& a, const SyntheticData& b) {
    const Dataset& x = a.dataset;
    const Dataset& y = b.dataset;
    if (x.items.size() != y.items.size() || x.users.size() != y.users.size() ||
        x.attributeVocab.size() != y.attributeVocab.size()) {
        return false;
    }
    for (size_t i = 0; i < x.items.size(); ++i) {
        if (x.items[i].rawId != y.items[i].rawId || x.items[i].title != y.items[i].title ||
            x.items[i].attributes != y.items[i].attributes) {
            return false;
        }
    }
    for (size_t u = 0; u < x.users.size(); ++u) {
        const UserSequence& p = x.users[u];
        const UserSequence& q = y.users[u];
        if (p.rawId != q.rawId || p.items != q.items || p.timestamps != q.timestamps || p.ratings != q.ratings) {
            return false;
        }
    }
    for (size_t v = 0; v < x.attributeVocab.size(); ++v) {
        if (x.attributeVocab[v].field != y.attributeVocab[v].field ||
            x.attributeVocab[v].name != y.attributeVocab[v].name) {
            return false;
        }
    }
    return a.truth.categoryPath == b.truth.categoryPath && a.truth.topCategory == b.truth.topCategory;
}

/// Share of consecutive interaction pairs whose items share a top category.
double sameTopShare(const SyntheticData& data) {
    int64_t pairs = 0;
    int64_t same = 0;
    for (const UserSequence& user : data.dataset.users) {
        for (size_t i = 1; i < user.items.size(); ++i) {
            ++pairs;
            same += data.truth.topCategory[static_cast<size_t>(user.items[i - 1])] ==
                    data.truth.topCategory[static_cast<size_t>(user.items[i])];
        }
    }
    return pairs == 0 ? 0.0 : static_cast<double>(same) / static_cast<double>(pairs);
}

/// Share two independently drawn interactions would have: sum over tops of (top's share)^2.
double randomPairShare(const SyntheticData& data) {
    std::map<int32_t, int64_t> perTop;
    int64_t total = 0;
    for (const UserSequence& user : data.dataset.users) {
        for (int32_t item : user.items) {
            ++perTop[data.truth.topCategory[static_cast<size_t>(item)]];
            ++total;
        }
    }
    double share = 0.0;
    for (const auto& [top, count] : perTop) {
        const double p = static_cast<double>(count) / static_cast<double>(total);
        share += p * p;
    }
    return share;
}

/// Vocabulary index of `item`'s attribute in `field`, -1 if none, -2 if more than one.
int32_t attributeIn(const Dataset& dataset, size_t item, const std::string& field) {
    int32_t found = -1;
    for (int32_t index : dataset.items[item].attributes) {
        if (dataset.attributeVocab[static_cast<size_t>(index)].field == field) {
            found = found == -1 ? index : -2;
        }
    }
    return found;
}

}  // namespace

class TestSynthetic final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void sameSeedGivesIdenticalData();
    void differentSeedGivesDifferentData();
    void sizesFollowConfig();
    void categoryTreeShape();
    void attributesEncodeCategories();
    void titlesNameBrandAndAreVaried();
    void sequencesFollowPreferences();
    void popularityIsSkewed();
    void everyItemIsUsed();
    void defaultConfigIsTheDemoProject();
    void invalidConfigThrows();
    void statsMatchData();
    void statsOfEmptyDataset();
};

void TestSynthetic::sameSeedGivesIdenticalData() {
    const SyntheticData first = generateSynthetic(smallConfig(7));
    const SyntheticData second = generateSynthetic(smallConfig(7));
    QVERIFY(sameData(first, second));

    // Pinned values: a change here means saved demo projects and baselines no longer match.
    const SyntheticData data = generateSynthetic(smallConfig(42));
    QCOMPARE(data.dataset.items[0].rawId, std::string("i1"));
    QCOMPARE(data.dataset.users[0].rawId, std::string("u1"));
    QCOMPARE(data.dataset.users[0].timestamps[0], int64_t{1611817673});
    QCOMPARE(data.dataset.users[0].items, (std::vector<int32_t>{55, 111, 10, 56, 2}));
    QCOMPARE(data.dataset.items[0].title, std::string("Petalune Luxe Nourishing Co-Wash"));
}

void TestSynthetic::differentSeedGivesDifferentData() {
    const SyntheticData a = generateSynthetic(smallConfig(1));
    const SyntheticData b = generateSynthetic(smallConfig(2));
    QVERIFY(!sameData(a, b));
    int32_t differentUsers = 0;
    for (size_t u = 0; u < a.dataset.users.size(); ++u) {
        differentUsers += a.dataset.users[u].items != b.dataset.users[u].items;
    }
    QVERIFY(differentUsers > 250);
    QVERIFY(a.truth.categoryPath != b.truth.categoryPath);
}

void TestSynthetic::sizesFollowConfig() {
    const SyntheticConfig config = smallConfig();
    const SyntheticData data = generateSynthetic(config);
    const Dataset& dataset = data.dataset;
    QCOMPARE(dataset.users.size(), size_t{300});
    QCOMPARE(dataset.items.size(), size_t{120});
    QCOMPARE(data.truth.categoryPath.size(), size_t{120});
    QCOMPARE(data.truth.topCategory.size(), size_t{120});

    for (const UserSequence& user : dataset.users) {
        QVERIFY(user.items.size() >= static_cast<size_t>(config.minSequenceLength));
        QVERIFY(user.items.size() <= 60);
        QCOMPARE(user.timestamps.size(), user.items.size());
        QVERIFY(user.ratings.empty());
        for (size_t i = 0; i < user.items.size(); ++i) {
            QVERIFY(user.items[i] >= 0 && user.items[i] < config.items);
            if (i > 0) {
                QVERIFY(user.timestamps[i] > user.timestamps[i - 1]);
                QVERIFY(user.items[i] != user.items[i - 1]);
            }
        }
        QVERIFY(user.timestamps.front() >= 1'600'000'000);
    }
    const auto vocabSize = static_cast<int32_t>(dataset.attributeVocab.size());
    for (const auto& item : dataset.items) {
        QVERIFY(!item.attributes.empty());
        QVERIFY(std::is_sorted(item.attributes.begin(), item.attributes.end()));
        QVERIFY(std::adjacent_find(item.attributes.begin(), item.attributes.end()) == item.attributes.end());
        for (int32_t index : item.attributes) {
            QVERIFY(index >= 0 && index < vocabSize);
        }
    }
    const DatasetStats stats = computeStats(dataset);
    QVERIFY(stats.meanSequenceLength > 7.5 && stats.meanSequenceLength < 10.5);
}

void TestSynthetic::categoryTreeShape() {
    const SyntheticData data = generateSynthetic(smallConfig());
    std::vector<int32_t> perLeaf(12, 0);
    for (size_t item = 0; item < data.truth.categoryPath.size(); ++item) {
        const std::vector<int32_t>& path = data.truth.categoryPath[item];
        QCOMPARE(path.size(), size_t{3});
        QVERIFY(path[0] >= 0 && path[0] < 3);
        QVERIFY(path[1] >= 0 && path[1] < 6);
        QVERIFY(path[2] >= 0 && path[2] < 12);
        QCOMPARE(path[1] / 2, path[0]);  // a node's parent is its index divided by the branching
        QCOMPARE(path[2] / 2, path[1]);
        QCOMPARE(data.truth.topCategory[item], path[0]);
        ++perLeaf[static_cast<size_t>(path[2])];
    }
    // 120 items over 12 leaves: spread evenly.
    for (int32_t count : perLeaf) {
        QCOMPARE(count, 10);
    }
}

void TestSynthetic::attributesEncodeCategories() {
    const SyntheticData data = generateSynthetic(smallConfig());
    const Dataset& dataset = data.dataset;
    // Each truth node maps to exactly one attribute value and back.
    std::vector<std::map<int32_t, int32_t>> nodeToAttribute(3);
    std::vector<std::map<int32_t, int32_t>> attributeToNode(3);
    for (size_t item = 0; item < dataset.items.size(); ++item) {
        std::string parentName;
        for (size_t level = 0; level < 3; ++level) {
            const int32_t attribute = attributeIn(dataset, item, "category_l" + std::to_string(level + 1));
            QVERIFY2(attribute >= 0, "exactly one attribute per category level");
            const int32_t node = data.truth.categoryPath[item][level];
            const auto [byNode, newNode] = nodeToAttribute[level].emplace(node, attribute);
            QCOMPARE(byNode->second, attribute);
            const auto [byAttribute, newAttribute] = attributeToNode[level].emplace(attribute, node);
            QCOMPARE(byAttribute->second, node);
            // Deeper names spell the path, so each value names its ancestors.
            const std::string& name = dataset.attributeVocab[static_cast<size_t>(attribute)].name;
            QVERIFY(!name.empty());
            if (level > 0) {
                QVERIFY(name.rfind(parentName + " > ", 0) == 0);
            }
            parentName = name;
        }
        QVERIFY(attributeIn(dataset, item, "brand") >= 0);
        QVERIFY(attributeIn(dataset, item, "price") >= 0);
        QCOMPARE(dataset.items[item].attributes.size(), size_t{5});
    }
    QCOMPARE(nodeToAttribute[0].size(), size_t{3});
    QCOMPARE(nodeToAttribute[1].size(), size_t{6});
    QCOMPARE(nodeToAttribute[2].size(), size_t{12});

    // Brands mostly belong to the item's top category.
    std::map<int32_t, std::map<int32_t, int32_t>> topsOfBrand;
    for (size_t item = 0; item < dataset.items.size(); ++item) {
        ++topsOfBrand[attributeIn(dataset, item, "brand")][data.truth.topCategory[item]];
    }
    int32_t majority = 0;
    for (const auto& [brand, tops] : topsOfBrand) {
        int32_t best = 0;
        for (const auto& [top, count] : tops) {
            best = std::max(best, count);
        }
        majority += best;
    }
    QVERIFY(majority >= 100);  // ~90% of 120
}

void TestSynthetic::titlesNameBrandAndAreVaried() {
    const SyntheticData data = generateSynthetic(smallConfig());
    const Dataset& dataset = data.dataset;
    std::map<std::string, int32_t> titles;
    for (size_t item = 0; item < dataset.items.size(); ++item) {
        const std::string& title = dataset.items[item].title;
        const int32_t brand = attributeIn(dataset, item, "brand");
        const std::string& brandName = dataset.attributeVocab[static_cast<size_t>(brand)].name;
        QVERIFY(title.size() > brandName.size() + 2);
        QVERIFY(title.rfind(brandName + " ", 0) == 0);
        ++titles[title];
    }
    QVERIFY(titles.size() >= 100);
}

void TestSynthetic::sequencesFollowPreferences() {
    const SyntheticData data = generateSynthetic(smallConfig());
    const double share = sameTopShare(data);
    const double baseline = randomPairShare(data);  // ~1/3 with three top categories
    qInfo("same-top consecutive pairs %.3f, random pairs %.3f", share, baseline);
    QVERIFY(share > 0.5);
    QVERIFY(share > baseline + 0.2);
}

void TestSynthetic::popularityIsSkewed() {
    const SyntheticData data = generateSynthetic(smallConfig());
    const DatasetStats stats = computeStats(data.dataset);
    const size_t head = stats.itemPopularity.size() / 10;
    int64_t headInteractions = 0;
    for (size_t i = 0; i < head; ++i) {
        headInteractions += stats.itemPopularity[i];
    }
    const double share = static_cast<double>(headInteractions) / static_cast<double>(stats.interactions);
    qInfo("top 10%% of items hold %.3f of interactions", share);
    QVERIFY(share > 0.18);
    QVERIFY(stats.itemPopularity.front() > 4 * stats.itemPopularity.back());
}

void TestSynthetic::everyItemIsUsed() {
    for (uint64_t seed : {1ULL, 2ULL, 3ULL}) {
        const DatasetStats stats = computeStats(generateSynthetic(smallConfig(seed)).dataset);
        QVERIFY(stats.itemPopularity.back() > 0);
    }
    // A steep curve leaves tail items undrawn; the generator still places each one once.
    SyntheticConfig steep = smallConfig();
    steep.popularitySkew = 3.0;
    QVERIFY(computeStats(generateSynthetic(steep).dataset).itemPopularity.back() > 0);
}

void TestSynthetic::defaultConfigIsTheDemoProject() {
    const SyntheticConfig config;
    QElapsedTimer timer;
    timer.start();
    const SyntheticData data = generateSynthetic(config);
    qInfo("default config generated in %lld ms", static_cast<long long>(timer.elapsed()));
    const DatasetStats stats = computeStats(data.dataset);
    QCOMPARE(stats.users, int64_t{5000});
    QCOMPARE(stats.items, int64_t{2000});
    QVERIFY(stats.minSequenceLength >= 5);
    QVERIFY(stats.meanSequenceLength > 8.0 && stats.meanSequenceLength < 10.0);
    QVERIFY(stats.itemPopularity.back() > 0);
    // 96 leaves + 24 mid + 6 top categories, 30 brands, 3 price buckets.
    QCOMPARE(stats.attributes, int64_t{96 + 24 + 6 + 30 + 3});
    int32_t maxTop = 0;
    int32_t maxLeaf = 0;
    for (const std::vector<int32_t>& path : data.truth.categoryPath) {
        maxTop = std::max(maxTop, path[0]);
        maxLeaf = std::max(maxLeaf, path[2]);
    }
    QCOMPARE(maxTop, 5);
    QCOMPARE(maxLeaf, 95);
    const double share = sameTopShare(data);
    qInfo("default config: same-top consecutive pairs %.3f", share);
    QVERIFY(share > 0.5);
}

void TestSynthetic::invalidConfigThrows() {
    SyntheticConfig noLevels = smallConfig();
    noLevels.branching.clear();
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, (void)generateSynthetic(noLevels));
    SyntheticConfig zeroBranch = smallConfig();
    zeroBranch.branching = {3, 0};
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, (void)generateSynthetic(zeroBranch));
    SyntheticConfig negative = smallConfig();
    negative.users = -1;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, (void)generateSynthetic(negative));
    SyntheticConfig probabilities = smallConfig();
    probabilities.transitionProbability = 0.8;
    probabilities.explorationProbability = 0.3;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, (void)generateSynthetic(probabilities));
}

void TestSynthetic::statsMatchData() {
    Dataset dataset;
    for (int i = 0; i < 4; ++i) {
        dataset.items.push_back({"i" + std::to_string(i), "", "", {}});
    }
    dataset.attributeVocab = {{"brand", "A"}, {"brand", "B"}};
    // Lengths 3, 1, 2, 4; item 3 is the most popular so sorting is really exercised.
    dataset.users = {
        {"u1", {3, 1, 2}, {}, {}},
        {"u2", {3}, {}, {}},
        {"u3", {3, 1}, {}, {}},
        {"u4", {0, 3, 1, 2}, {}, {}},
    };
    QCOMPARE(dataset.interactionCount(), int64_t{10});

    const DatasetStats stats = computeStats(dataset);
    QCOMPARE(stats.users, int64_t{4});
    QCOMPARE(stats.items, int64_t{4});
    QCOMPARE(stats.interactions, int64_t{10});
    QCOMPARE(stats.density, 0.625);
    QCOMPARE(stats.minSequenceLength, int64_t{1});
    QCOMPARE(stats.maxSequenceLength, int64_t{4});
    QCOMPARE(stats.meanSequenceLength, 2.5);
    QCOMPARE(stats.medianSequenceLength, 2.5);
    QCOMPARE(stats.attributes, int64_t{2});
    QCOMPARE(stats.sequenceLengthHistogram, (std::vector<int64_t>{0, 1, 1, 1, 1}));
    QCOMPARE(stats.itemPopularity, (std::vector<int64_t>{4, 3, 2, 1}));

    // Odd number of users: the middle length; an unused item counts zero.
    dataset.users.pop_back();
    dataset.items.push_back({"i4", "", "", {}});
    const DatasetStats odd = computeStats(dataset);
    QCOMPARE(odd.medianSequenceLength, 2.0);
    QCOMPARE(odd.density, 6.0 / 15.0);
    QCOMPARE(odd.sequenceLengthHistogram, (std::vector<int64_t>{0, 1, 1, 1}));
    QCOMPARE(odd.itemPopularity, (std::vector<int64_t>{3, 2, 1, 0, 0}));
}

void TestSynthetic::statsOfEmptyDataset() {
    const DatasetStats stats = computeStats(Dataset{});
    QCOMPARE(stats.users, int64_t{0});
    QCOMPARE(stats.interactions, int64_t{0});
    QCOMPARE(stats.density, 0.0);
    QCOMPARE(stats.medianSequenceLength, 0.0);
    QVERIFY(stats.sequenceLengthHistogram.empty());
    QVERIFY(stats.itemPopularity.empty());
}

QTEST_GUILESS_MAIN(TestSynthetic)
#include "test_synthetic.moc"
