// Preprocessing: chronological order with stable ties, rating threshold, iterative k-core, repeat
// removal, history cap, dense re-indexing and item side information.

#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include <QtTest>

#include "tokenbench/data/dataset_builder.h"

using namespace tokenbench::core;

namespace {

std::vector<std::string> rawItems(const Dataset& d, size_t user) {
    std::vector<std::string> out;
    for (int32_t i : d.users[user].items) out.push_back(d.items[static_cast<size_t>(i)].rawId);
    return out;
}

}  // namespace

class TestDatasetBuilder final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void ordersByTimeKeepingTiesInSourceOrder() {
        DatasetBuilder b;
        b.addInteraction("u", "c", 30);
        b.addInteraction("u", "a", 10);
        b.addInteraction("u", "x", 20);
        b.addInteraction("u", "y", 20);  // tie with x: stays after x
        b.addInteraction("v", "a", 5);
        const Dataset d = b.build({});
        QCOMPARE(d.users.size(), size_t{2});
        QVERIFY((rawItems(d, 0) == std::vector<std::string>{"a", "x", "y", "c"}));
        QVERIFY((d.users[0].timestamps == std::vector<int64_t>{10, 20, 20, 30}));
        QCOMPARE(d.users[1].rawId, std::string("v"));
        QVERIFY(d.users[0].ratings.empty());
        QCOMPARE(d.interactionCount(), int64_t{5});
    }

    void withoutTimestampsSourceOrderIsKept() {
        DatasetBuilder b;
        for (const char* item : {"3", "1", "2"}) b.addInteraction("u", item);
        const Dataset d = b.build({});
        QVERIFY((rawItems(d, 0) == std::vector<std::string>{"3", "1", "2"}));
        QVERIFY(d.users[0].timestamps.empty());
    }

    void ratingThresholdDropsLowRatings() {
        DatasetBuilder b;
        b.addInteraction("u", "a", 1, 5.0f);
        b.addInteraction("u", "b", 2, 2.0f);
        b.addInteraction("u", "c", 3, 4.0f);
        PreprocessConfig c;
        c.minRating = 4.0;
        PreprocessReport report;
        const Dataset d = b.build(c, &report);
        QVERIFY((rawItems(d, 0) == std::vector<std::string>{"a", "c"}));
        QCOMPARE(report.droppedByRating, int64_t{1});
        QVERIFY((d.users[0].ratings == std::vector<float>{5.0f, 4.0f}));
    }

    void kCoreIteratesUntilStable() {
        // Item "rare" has 1 interaction; removing it leaves user "w" with 1, which must go too, which
        // leaves item "b" with 1 ... only the dense block u,v x a,c survives a 2-core.
        DatasetBuilder b;
        const std::vector<std::pair<std::string, std::string>> interactions = {
            {"u", "a"}, {"u", "c"}, {"v", "a"}, {"v", "c"}, {"w", "rare"}, {"w", "b"}, {"x", "b"}};
        for (const auto& [user, item] : interactions) b.addInteraction(user, item);
        PreprocessConfig c;
        c.userCore = 2;
        c.itemCore = 2;
        PreprocessReport report;
        const Dataset d = b.build(c, &report);
        QCOMPARE(d.users.size(), size_t{2});
        QCOMPARE(d.items.size(), size_t{2});
        QCOMPARE(report.droppedByCore, int64_t{3});
        QVERIFY(report.coreIterations >= 2);
    }

    void consecutiveRepeatsAndHistoryCap() {
        DatasetBuilder b;
        for (const char* item : {"a", "a", "b", "a", "c", "c", "d"}) b.addInteraction("u", item);
        PreprocessConfig c;
        c.removeConsecutiveRepeats = true;
        c.maxHistoryLength = 3;
        PreprocessReport report;
        const Dataset d = b.build(c, &report);
        QVERIFY((rawItems(d, 0) == std::vector<std::string>{"a", "c", "d"}));  // a b a c d -> last 3
        QCOMPARE(report.droppedRepeats, int64_t{2});
        QCOMPARE(report.droppedByMaxLength, int64_t{2});
    }

    void sideInformationFollowsItems() {
        DatasetBuilder b;
        b.addInteraction("u", "i2");
        b.addInteraction("u", "i1");
        b.setItemTitle("i1", "Rose Face Cream");
        b.setItemDescription("i1", "A cream.");
        b.addItemAttribute("i1", "brand", "Lumia");
        b.addItemAttribute("i1", "category", "Face");
        b.addItemAttribute("i1", "brand", "Lumia");  // duplicate ignored
        b.addItemAttribute("i2", "brand", "Lumia");
        b.setItemTitle("never-used", "dropped");
        const Dataset d = b.build({});
        QCOMPARE(d.items.size(), size_t{2});
        QCOMPARE(d.items[1].rawId, std::string("i1"));
        QCOMPARE(d.items[1].title, std::string("Rose Face Cream"));
        QCOMPARE(d.items[1].description, std::string("A cream."));
        QCOMPARE(d.items[1].attributes.size(), size_t{2});
        QVERIFY((d.items[0].attributes == std::vector<int32_t>{0}));
        QCOMPARE(d.attributeVocab.at(0).field, std::string("brand"));
        QCOMPARE(d.attributeVocab.size(), size_t{2});
    }

    void builderIsEmptyAfterBuild() {
        DatasetBuilder b;
        b.addInteraction("u", "a");
        (void)b.build({});
        QCOMPARE(b.interactionCount(), int64_t{0});
        QCOMPARE(b.build({}).users.size(), size_t{0});
    }
};

QTEST_GUILESS_MAIN(TestDatasetBuilder)
#include "test_dataset_builder.moc"
