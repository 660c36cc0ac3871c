// Item tables (JSON lines, CSV) joined to loaded data sets, the LC-Rec/LETTER layout and its
// NAME.index.json semantic IDs, on tiny files written here: joins, counts, names, and bad input failing
// with file and line and leaving the project without a half-written data set.

#include <filesystem>
#include <fstream>
#include <string>

#include <QtTest>

#include "expect_error.h"
#include "temp_project.h"
#include "tokenbench/data/data_error.h"
#include "tokenbench/data/dataset_builder.h"
#include "tokenbench/data/item_table.h"
#include "tokenbench/data/loaders.h"
#include "tokenbench/jobs/import_job.h"
#include "tokenbench/storage/experiment_store.h"
#include "tokenbench/tokenizers/import_ids.h"

using namespace tokenbench::core;
using tokenbench::test::contains;
using tokenbench::test::TempProject;
using tokenbench::test::thrownError;

namespace {

void writeFile(const std::string& path, const std::string& content) {
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    std::ofstream out(path, std::ios::binary);
    out << content;
}

/// Four users over items 1..4 (item 4 only once), numeric attributes as S3-Rec ships them.
const char* kSequences = "u1 1 2 3\nu2 2 3 1\nu3 3 1 2 4\nu4 1 2\n";
const char* kNumericAttributes = R"({"1": [10, 11], "2": [10, 12], "3": [13], "4": [13, 12]})";

Dataset loadSeqtxt(const TempProject& tp) {
    writeFile(tp.file("seq.txt"), kSequences);
    writeFile(tp.file("attrs.json"), kNumericAttributes);
    LoadOptions options;
    options.format = "seqtxt";
    options.paths = {tp.file("seq.txt")};
    options.attributesPath = tp.file("attrs.json");
    DatasetBuilder builder;
    (void)load(options, builder);
    return builder.build({});
}

const ItemInfo& itemByRawId(const Dataset& d, const std::string& rawId) {
    for (const ItemInfo& item : d.items) {
        if (item.rawId == rawId) return item;
    }
    throw std::runtime_error("no item " + rawId);
}

std::vector<std::string> attributeNames(const Dataset& d, const ItemInfo& item) {
    std::vector<std::string> names;
    for (const int32_t a : item.attributes) names.push_back(d.attributeVocab.at(static_cast<size_t>(a)).name);
    std::sort(names.begin(), names.end());
    return names;
}

ItemTableOptions tableOptions(const std::string& path) {
    ItemTableOptions options;
    options.path = path;
    options.mapping.idField = "item";
    options.mapping.titleField = "title";
    options.mapping.textFields = {"title", "description"};
    options.mapping.attributeFields = {"attributes"};
    return options;
}

std::string lcrecInter() {
    // Users deliberately out of numeric order: the file's order must be kept.
    return "{\n  \"7\": [0, 1, 2],\n  \"3\": [1, 2, 0, 3],\n  \"5\": [2, 0]\n}\n";
}

std::string lcrecItems() {
    return R"({
  "0": {"title": "Stapler", "description": "Staples up to 20 sheets.", "brand": "Swingline",
        "categories": "Office Products, Office Supplies, Staplers"},
  "1": {"title": "Gel Pen", "description": "", "brand": "Pilot", "categories": "Office Products, Pens"},
  "2": {"title": "Sticky Notes", "description": "Yellow", "brand": "", "categories": "Office Products"},
  "9": {"title": "Never bought", "description": "", "brand": "Nobody", "categories": "Other"}
})";
}

}  // namespace

class TestItemTables final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void jsonLinesTableGivesTitlesTextAndAttributeNames() {
        TempProject tp;
        Dataset d = loadSeqtxt(tp);
        QCOMPARE(d.attributeVocab.size(), size_t{4});
        writeFile(tp.file("items.jsonl"),
                  "{\"item\": \"1\", \"title\": \"nail lacquer\", \"description\": \"red\", \"attributes\": [\"OPI\", \"Nails\"]}\n"
                  "\n"
                  "{\"item\": 2, \"title\": \"eye shadow\", \"attributes\": [\"OPI\", \"Eyes\"]}\n"
                  "{\"item\": \"3\", \"title\": \"face cream\", \"description\": [\"rich\", \"night\"], \"attributes\": []}\n"
                  "{\"item\": \"99\", \"title\": \"not in the data\", \"attributes\": [\"Ghost\"]}\n");
        const ItemTableReport report = joinItemTable(d, tableOptions(tp.file("items.jsonl")));
        QCOMPARE(report.layout, std::string("jsonl"));
        QCOMPARE(report.rows, int64_t{4});
        QCOMPARE(report.matched, int64_t{3});
        QCOMPARE(report.unknownIds, int64_t{1});
        QCOMPARE(report.unknownExamples, std::vector<std::string>{"99"});
        QCOMPARE(report.missingItems, int64_t{1});
        QCOMPARE(report.missingExamples, std::vector<std::string>{"4"});
        QCOMPARE(report.itemsWithTitle, int64_t{3});
        QCOMPARE(report.itemsWithAttributes, int64_t{2});

        QCOMPARE(itemByRawId(d, "1").title, std::string("nail lacquer"));
        QCOMPARE(itemByRawId(d, "1").description, std::string("red"));
        QCOMPARE(itemByRawId(d, "2").title, std::string("eye shadow"));
        QCOMPARE(itemByRawId(d, "3").description, std::string("rich\nnight"));
        QCOMPARE(attributeNames(d, itemByRawId(d, "1")), (std::vector<std::string>{"Nails", "OPI"}));
        QCOMPARE(attributeNames(d, itemByRawId(d, "2")), (std::vector<std::string>{"Eyes", "OPI"}));
        // No names in the table: the numeric attributes stay, as for the item without a row.
        QCOMPARE(attributeNames(d, itemByRawId(d, "3")), std::vector<std::string>{"13"});
        QCOMPARE(attributeNames(d, itemByRawId(d, "4")), (std::vector<std::string>{"12", "13"}));
        // 10 and 11 are no longer used by any item; "Ghost" belonged to an unknown row.
        std::vector<std::string> vocab;
        for (const AttributeValue& v : d.attributeVocab) vocab.push_back(v.name);
        std::sort(vocab.begin(), vocab.end());
        QCOMPARE(vocab, (std::vector<std::string>{"12", "13", "Eyes", "Nails", "OPI"}));
        for (const ItemInfo& item : d.items) QVERIFY(std::is_sorted(item.attributes.begin(), item.attributes.end()));
    }

    void csvTableSplitsAttributeStrings() {
        TempProject tp;
        Dataset d = loadSeqtxt(tp);
        writeFile(tp.file("items.csv"),
                  "id,name,brand,categories,notes\n"
                  "1,\"Lacquer, red\",OPI,Makeup|Nails,shiny\n"
                  "2,Shadow,,Makeup|Eyes,\n"
                  "3,Cream,Nivea,Skin,\"multi\nline\"\n"
                  "4,Brush,Ecotools,Tools,\n");
        ItemTableOptions options;
        options.path = tp.file("items.csv");
        options.mapping.idField = "id";
        options.mapping.titleField = "name";
        options.mapping.textFields = {"notes"};
        options.mapping.attributeFields = {"brand", "categories"};
        options.mapping.listSeparator = '|';
        const ItemTableReport report = joinItemTable(d, options);
        QCOMPARE(report.layout, std::string("csv"));
        QCOMPARE(report.matched, int64_t{4});
        QCOMPARE(report.unknownIds, int64_t{0});
        QCOMPARE(report.missingItems, int64_t{0});
        QCOMPARE(itemByRawId(d, "1").title, std::string("Lacquer, red"));
        QCOMPARE(itemByRawId(d, "3").description, std::string("multi\nline"));
        QCOMPARE(attributeNames(d, itemByRawId(d, "1")), (std::vector<std::string>{"Makeup", "Nails", "OPI"}));
        QCOMPARE(attributeNames(d, itemByRawId(d, "2")), (std::vector<std::string>{"Eyes", "Makeup"}));
        for (const AttributeValue& v : d.attributeVocab) {
            QVERIFY2(v.field == "brand" || v.field == "categories", v.field.c_str());
        }
    }

    void badRowsNameFileAndLineAndLeaveTheDatasetAlone() {
        TempProject tp;
        const Dataset original = loadSeqtxt(tp);
        struct Case {
            const char* name;
            const char* content;
            int64_t line;
            const char* part;
        };
        const Case cases[] = {
            {"broken.jsonl", "{\"item\": \"1\", \"title\": \"a\"}\n{\"item\": \"2\", \"title\": }\n", 2, "expected valid JSON"},
            {"noid.jsonl", "{\"item\": \"1\"}\n\n{\"title\": \"x\"}\n", 3, "item id field 'item'"},
            {"twice.jsonl", "{\"item\": \"1\"}\n{\"item\": \"1\"}\n", 2, "first on line 1"},
            {"badattr.jsonl", "{\"item\": \"1\", \"attributes\": [{\"a\": 1}]}\n", 1, "a list of names"},
            {"array.jsonl", "[1, 2]\n", 1, "JSON object per line"},
            {"short.csv", "item,title\n1,a\n2\n", 3, "expected 2 fields"},
            {"nocol.csv", "sku,title\n1,a\n", 1, "item id column 'item'"},
        };
        for (const Case& c : cases) {
            Dataset d = original;
            writeFile(tp.file(c.name), c.content);
            ItemTableOptions options = tableOptions(tp.file(c.name));
            if (std::string(c.name).find(".csv") != std::string::npos) options.mapping = ItemTableMapping{};
            const auto error = thrownError<DataError>([&] { (void)joinItemTable(d, options); });
            QVERIFY2(error.has_value(), c.name);
            QVERIFY2(contains(error->file(), c.name), error->what());
            QVERIFY2(error->line() == c.line, error->what());
            QVERIFY2(contains(error->message(), c.part), error->what());
            QCOMPARE(d.items.size(), original.items.size());
            for (size_t i = 0; i < d.items.size(); ++i) {
                QCOMPARE(d.items[i].title, original.items[i].title);
                QCOMPARE(d.items[i].attributes, original.items[i].attributes);
            }
        }
    }

    void noMatchingIdIsAnErrorThatSaysWhy() {
        TempProject tp;
        Dataset d = loadSeqtxt(tp);
        writeFile(tp.file("asin.jsonl"), "{\"item\": \"B00X\", \"title\": \"t\"}\n");
        const auto error = thrownError<DataError>([&] { (void)joinItemTable(d, tableOptions(tp.file("asin.jsonl"))); });
        QVERIFY(error.has_value());
        QVERIFY2(contains(error->message(), "none of the 1 rows"), error->what());
        QVERIFY2(contains(error->message(), "'B00X'"), error->what());
    }

    void importWithBadTableWritesNothing() {
        TempProject tp;
        std::filesystem::create_directories(tp.path());
        writeFile(tp.file("seq.txt"), kSequences);
        writeFile(tp.file("items.jsonl"), "{\"item\": \"1\", \"title\": \"ok\"}\n{\"item\": \"2\", \"title\": [}\n");
        ExperimentStore store(tp.path() + "/tokenbench.db");
        ImportRequest request;
        request.name = "tiny";
        request.load.format = "seqtxt";
        request.load.paths = {tp.file("seq.txt")};
        request.itemTable = tableOptions(tp.file("items.jsonl"));
        const auto error = thrownError<DataError>([&] { (void)importDataset(store, request); });
        QVERIFY(error.has_value());
        QCOMPARE(error->line(), int64_t{2});
        QVERIFY(store.listDatasets().empty());

        writeFile(tp.file("items.jsonl"), "{\"item\": \"1\", \"title\": \"ok\", \"attributes\": [\"Brand A\"]}\n");
        const ImportResult result = importDataset(store, request);
        QCOMPARE(result.itemTable.matched, int64_t{1});
        QCOMPARE(result.itemTable.missingItems, int64_t{3});
        const Dataset stored = store.loadDataset(result.datasetId);
        QCOMPARE(itemByRawId(stored, "1").title, std::string("ok"));
        QCOMPARE(attributeNames(stored, itemByRawId(stored, "1")), std::vector<std::string>{"Brand A"});
        QVERIFY(contains(toJson(result, "tiny"), "\"item_table\""));
    }

    void lcrecLayoutLoadsInFileOrderWithItemText() {
        TempProject tp;
        writeFile(tp.file("office/Office.inter.json"), lcrecInter());
        writeFile(tp.file("office/Office.item.json"), lcrecItems());
        for (const std::string& path : {tp.file("office"), tp.file("office/Office.inter.json")}) {
            std::string reason;
            QCOMPARE(detectFormat({path}, &reason), std::string("lcrec"));
            QVERIFY(contains(reason, "Office.inter.json"));
            LoadOptions options;
            options.paths = {path};
            DatasetBuilder builder;
            const LoadSummary summary = load(options, builder);
            QCOMPARE(summary.format, std::string("lcrec"));
            QCOMPARE(summary.files.size(), size_t{2});
            const Dataset d = builder.build({});
            QCOMPARE(d.users.size(), size_t{3});
            QCOMPARE(d.users[0].rawId, std::string("7"));
            QCOMPARE(d.users[1].rawId, std::string("3"));
            QCOMPARE(d.users[2].rawId, std::string("5"));
            QCOMPARE(d.interactionCount(), int64_t{9});
            QCOMPARE(d.items.size(), size_t{4});  // "9" is described but never bought
            QCOMPARE(d.items[d.users[1].items[3]].rawId, std::string("3"));
            QCOMPARE(itemByRawId(d, "0").title, std::string("Stapler"));
            QCOMPARE(itemByRawId(d, "0").description, std::string("Staples up to 20 sheets."));
            QCOMPARE(attributeNames(d, itemByRawId(d, "0")),
                     (std::vector<std::string>{"Office Products", "Office Supplies", "Staplers", "Swingline"}));
            QCOMPARE(attributeNames(d, itemByRawId(d, "2")), std::vector<std::string>{"Office Products"});
            QVERIFY(itemByRawId(d, "3").title.empty());
        }
    }

    void lcrecBadInputNamesFileAndLine() {
        TempProject tp;
        const auto loadError = [&](const std::string& inter, const std::string& items) {
            writeFile(tp.file("x/X.inter.json"), inter);
            writeFile(tp.file("x/X.item.json"), items);
            LoadOptions options;
            options.format = "lcrec";
            options.paths = {tp.file("x")};
            DatasetBuilder builder;
            return thrownError<DataError>([&] { (void)load(options, builder); });
        };
        auto e = loadError("{\n \"1\": [0, 1],\n \"2\": [0, true]\n}", "{}");
        QVERIFY(e.has_value());
        QVERIFY2(contains(e->file(), "X.inter.json") && e->line() == 3, e->what());
        QVERIFY2(contains(e->message(), "item id"), e->what());
        e = loadError("[1, 2]", "{}");
        QVERIFY(e.has_value() && contains(e->message(), "expected an object"));
        // (a number is reported once the token after it is read: keep that token on its line)
        e = loadError("{\"1\": [0]}", "{\n \"0\": {\n  \"title\": 5, \"brand\": \"b\"\n }\n}");
        QVERIFY(e.has_value());
        QVERIFY2(contains(e->file(), "X.item.json") && e->line() == 3, e->what());
        QVERIFY2(contains(e->message(), "'title' of item '0'"), e->what());
        e = loadError("{\"1\": [0, 1", "{}");
        QVERIFY(e.has_value() && contains(e->message(), "expected valid JSON"));
        writeFile(tp.file("y/Y.item.json"), "{}");
        const auto side = thrownError<DataError>([&] { (void)detectFormat({tp.file("y/Y.item.json")}); });
        QVERIFY(side.has_value() && contains(side->message(), "inter.json"));
    }

    void indexJsonTokensBecomeCodes() {
        TempProject tp;
        writeFile(tp.file("o/O.inter.json"), lcrecInter());
        LoadOptions options;
        options.paths = {tp.file("o/O.inter.json")};
        DatasetBuilder builder;
        (void)load(options, builder);
        const Dataset d = builder.build({});
        writeFile(tp.file("o/O.index.json"), R"({"0": ["<a_12>", "<b_7>", "<c_201>"], "1": ["<a_0>", "<b_7>", "<c_3>"],
                                                "2": ["<a_12>", "<b_1>", "<c_0>"], "3": ["<a_5>", "<b_0>", "<c_9>"]})");
        int32_t codebook = 0;
        const SemanticIds ids = importSemanticIds(tp.file("o/O.index.json"), d, ImportedIdKind::RawId, 0, &codebook);
        QCOMPARE(ids.levels, 3);
        QCOMPARE(codebook, 202);
        const auto codesOf = [&](const std::string& raw) {
            for (size_t i = 0; i < d.items.size(); ++i) {
                if (d.items[i].rawId == raw)
                    return std::vector<int32_t>(ids.codes.begin() + static_cast<std::ptrdiff_t>(i * 3),
                                                ids.codes.begin() + static_cast<std::ptrdiff_t>(i * 3 + 3));
            }
            return std::vector<int32_t>{};
        };
        QCOMPARE(codesOf("0"), (std::vector<int32_t>{12, 7, 201}));
        QCOMPARE(codesOf("3"), (std::vector<int32_t>{5, 0, 9}));

        const auto importError = [&](const std::string& text) {
            writeFile(tp.file("o/bad.index.json"), text);
            return thrownError<DataError>(
                [&] { (void)importSemanticIds(tp.file("o/bad.index.json"), d, ImportedIdKind::RawId, 0, nullptr); });
        };
        auto e = importError(R"({"0": ["<a_1>", "b_2"], "1": ["<a_1>", "<b_2>"], "2": ["<a_1>", "<b_2>"], "3": ["<a_1>", "<b_3>"]})");
        QVERIFY(e.has_value());
        QVERIFY2(contains(e->file(), "bad.index.json") && contains(e->message(), "item '0', level 2"), e->what());
        QVERIFY2(contains(e->message(), "<a_12>"), e->what());
        e = importError(R"({"0": ["<a_1>", "<b_2>"], "1": ["<b_1>", "<a_2>"], "2": ["<a_1>", "<b_2>"], "3": ["<a_1>", "<b_3>"]})");
        QVERIFY(e.has_value());
        QVERIFY2(contains(e->message(), "item '1', level 1") && contains(e->message(), "<a_N>"), e->what());
        e = importError(R"({"0": ["<a_x>"], "1": ["<a_1>"], "2": ["<a_1>"], "3": ["<a_1>"]})");
        QVERIFY(e.has_value() && contains(e->message(), "not a semantic-ID token"));
    }
};

QTEST_GUILESS_MAIN(TestItemTables)
#include "test_item_tables.moc"
