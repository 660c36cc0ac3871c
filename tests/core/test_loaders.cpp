// Streaming loaders: every format on small files written here, auto detection, and every kind of bad
// input failing with a DataError that names the file and the line.

#include <algorithm>
#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include <zlib.h>

#include <QtTest>

#include "expect_error.h"
#include "temp_project.h"
#include "tokenbench/cancellation.h"
#include "tokenbench/data/data_error.h"
#include "tokenbench/data/dataset.h"
#include "tokenbench/data/dataset_builder.h"
#include "tokenbench/data/loaders.h"

using namespace tokenbench::core;
using tokenbench::test::TempProject;

using tokenbench::test::contains;

namespace {

void writeFile(const std::string& path, const std::string& content) {
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    std::ofstream out(path, std::ios::binary);
    out << content;
}

void writeGzip(const std::string& path, const std::string& content) {
    gzFile gz = gzopen(path.c_str(), "wb");
    QVERIFY(gz != nullptr);
    QCOMPARE(gzwrite(gz, content.data(), static_cast<unsigned>(content.size())), static_cast<int>(content.size()));
    gzclose(gz);
}

LoadOptions options(const std::string& format, const std::string& path) {
    LoadOptions o;
    o.format = format;
    o.paths = {path};
    return o;
}

struct Loaded {
    LoadSummary summary;
    Dataset dataset;
};

Loaded loadAll(const LoadOptions& o) {
    DatasetBuilder builder;
    Loaded loaded;
    loaded.summary = load(o, builder);
    loaded.dataset = builder.build({});
    return loaded;
}

/// Runs load() expecting a DataError; returns it (an empty error with line -1 when none was thrown).
DataError loadError(const LoadOptions& o) {
    DatasetBuilder builder;
    try {
        (void)load(o, builder);
    } catch (const DataError& e) {
        return e;
    } catch (const std::exception& e) {
        return DataError("<other exception>", -1, 0, e.what());
    }
    return DataError("<no error>", -1, 0, "no error thrown");
}

/// Writes `content` to the file `name` in `tp` and returns loadError of it as `format`.
DataError fileError(const TempProject& tp, const std::string& format, const std::string& name,
                    const std::string& content) {
    writeFile(tp.file(name), content);
    return loadError(options(format, tp.file(name)));
}

const UserSequence* userById(const Dataset& d, const std::string& rawId) {
    for (const auto& u : d.users) {
        if (u.rawId == rawId) return &u;
    }
    return nullptr;
}

const ItemInfo* itemById(const Dataset& d, const std::string& rawId) {
    for (const auto& i : d.items) {
        if (i.rawId == rawId) return &i;
    }
    return nullptr;
}

std::vector<std::string> rawItems(const Dataset& d, const UserSequence& u) {
    std::vector<std::string> out;
    for (int32_t i : u.items) out.push_back(d.items[static_cast<size_t>(i)].rawId);
    return out;
}

/// "field=name" strings of an item's attributes, sorted.
std::vector<std::string> attributes(const Dataset& d, const std::string& rawId) {
    std::vector<std::string> out;
    const ItemInfo* item = itemById(d, rawId);
    if (!item) return out;
    for (int32_t a : item->attributes) {
        const auto& v = d.attributeVocab[static_cast<size_t>(a)];
        out.push_back(v.field + "=" + v.name);
    }
    std::sort(out.begin(), out.end());
    return out;
}

using Strings = std::vector<std::string>;

}  // namespace

#define EXPECT_ERROR(error, fileName, lineNumber, messagePart)                                                   \
    do {                                                                                                         \
        const DataError& e_ = (error);                                                                           \
        if (!contains(e_.file(), fileName) || e_.line() != (lineNumber) || !contains(e_.message(), messagePart)) \
            QFAIL(("unexpected error: " + std::string(e_.what())).c_str());                                      \
        QVERIFY(contains(e_.what(), fileName));                                                                  \
    } while (false)

/// Writes `content` to the file `name` in `tp`, loads it as `format` and checks the DataError as EXPECT_ERROR.
#define EXPECT_FILE_ERROR(tp, format, name, content, lineNumber, messagePart) \
    EXPECT_ERROR(fileError(tp, format, name, content), name, lineNumber, messagePart)

class TestLoaders final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // ---------------------------------------------------------------- seqtxt
    void seqtxtSequencesKeepOrderAndAttributes() {
        TempProject tp;
        writeFile(tp.file("Beauty.txt"), "1 10 11 12\n2 11 13\n\n3 12 10\n");
        writeFile(tp.file("attrs.json"), "{\"10\": [1, 2], \"11\": [\"3\"], \"99\": [4]}");
        LoadOptions o = options("seqtxt", tp.file("Beauty.txt"));
        o.attributesPath = tp.file("attrs.json");
        const Loaded l = loadAll(o);
        QCOMPARE(l.summary.format, std::string("seqtxt"));
        QCOMPARE(l.summary.layout, std::string("sequences"));
        QCOMPARE(l.summary.lines, int64_t{3});
        QCOMPARE(l.dataset.users.size(), size_t{3});
        QCOMPARE(l.dataset.items.size(), size_t{4});
        QCOMPARE(l.dataset.interactionCount(), int64_t{7});
        QVERIFY((rawItems(l.dataset, *userById(l.dataset, "1")) == Strings{"10", "11", "12"}));
        QVERIFY((rawItems(l.dataset, *userById(l.dataset, "3")) == Strings{"12", "10"}));
        QVERIFY(l.dataset.users[0].timestamps.empty());
        QVERIFY((attributes(l.dataset, "10") == Strings{"attribute=1", "attribute=2"}));
        QVERIFY((attributes(l.dataset, "11") == Strings{"attribute=3"}));
        QVERIFY(attributes(l.dataset, "12").empty());
        QCOMPARE(l.summary.files.size(), size_t{2});
    }

    void seqtxtPairsAreDetectedAndKeepFileOrder() {
        TempProject tp;
        writeFile(tp.file("pairs.txt"), "u1 a\nu2 b\nu1 c\nu1 a\n");
        const Loaded l = loadAll(options("seqtxt", tp.file("pairs.txt")));
        QCOMPARE(l.summary.layout, std::string("pairs"));
        QCOMPARE(l.dataset.interactionCount(), int64_t{4});
        QVERIFY((rawItems(l.dataset, *userById(l.dataset, "u1")) == Strings{"a", "c", "a"}));
        // Two-token lines with no repeated user are one-item sequences.
        writeFile(tp.file("short.txt"), "u1 a\nu2 b\n");
        QCOMPARE(loadAll(options("seqtxt", tp.file("short.txt"))).summary.layout, std::string("sequences"));
    }

    void seqtxtLineWithOnlyAUserFailsNamingLine2() {
        TempProject tp;
        EXPECT_FILE_ERROR(tp, "seqtxt", "seq.txt", "1 2 3\n4\n5 6\n", 2, "at least one item id");
    }

    void seqtxtDelimitedTokenFailsNamingLineAndColumn() {
        TempProject tp;
        const DataError e = fileError(tp, "seqtxt", "seq.txt", "1 2 3\n4 5,6\n");
        EXPECT_ERROR(e, "seq.txt", 2, "expected whitespace-separated ids but found '5,6'");
        QCOMPARE(e.column(), int64_t{3});
    }

    void seqtxtAttributeSyntaxErrorNamesLineAndColumn() {
        TempProject tp;
        writeFile(tp.file("seq.txt"), "1 2 3\n");
        writeFile(tp.file("attrs.json"), "{\n  \"2\": [1],\n  \"3\": [2,,3]\n}\n");
        LoadOptions o = options("seqtxt", tp.file("seq.txt"));
        o.attributesPath = tp.file("attrs.json");
        const DataError e = loadError(o);
        EXPECT_ERROR(e, "attrs.json", 3, "unexpected ','");
        QCOMPARE(e.column(), int64_t{11});  // the second comma
    }

    void seqtxtAttributeOfWrongShapeFails() {
        TempProject tp;
        writeFile(tp.file("seq.txt"), "1 2 3\n");
        writeFile(tp.file("attrs.json"), "{\"2\": [1],\n \"3\": 7}");
        LoadOptions o = options("seqtxt", tp.file("seq.txt"));
        o.attributesPath = tp.file("attrs.json");
        EXPECT_ERROR(loadError(o), "attrs.json", 2, "expected a list of attributes for item '3' but found a number");
        writeFile(tp.file("list.json"), "[[1, 2]]");
        o.attributesPath = tp.file("list.json");
        EXPECT_ERROR(loadError(o), "list.json", 1, "expected an object");
    }

    // ---------------------------------------------------------------- recbole
    void recboleInterAndItemGiveTimesTitlesAndAttributes() {
        TempProject tp;
        const std::string folder = tp.file("toy");
        writeFile(folder + "/toy.inter",
                  "user_id:token\titem_id:token\trating:float\ttimestamp:float\n"
                  "7\t20\t4\t300\n7\t10\t5\t100\n8\t10\t3.5\t50\n7\t30\t1\t200\n");
        writeFile(folder + "/toy.item",
                  "item_id:token\tmovie_title:token_seq\trelease_year:token\tclass:token_seq\n"
                  "10\tToy Story\t1995\tAnimation Children's Comedy\n20\tHeat\t1995\tAction\n"
                  "30\tAlien\t\tHorror Sci-Fi\n99\tNever Rated\t2000\tDrama\n");
        const Loaded l = loadAll(options("recbole", folder));
        QCOMPARE(l.summary.lines, int64_t{4});
        QCOMPARE(l.dataset.users.size(), size_t{2});
        QCOMPARE(l.dataset.items.size(), size_t{3});
        const UserSequence* u = userById(l.dataset, "7");
        QVERIFY((rawItems(l.dataset, *u) == Strings{"10", "30", "20"}));
        QVERIFY((u->timestamps == std::vector<int64_t>{100, 200, 300}));
        QVERIFY((u->ratings == std::vector<float>{5.0f, 1.0f, 4.0f}));
        QCOMPARE(userById(l.dataset, "8")->ratings.front(), 3.5f);
        QCOMPARE(itemById(l.dataset, "10")->title, std::string("Toy Story"));
        QVERIFY((attributes(l.dataset, "10") ==
                 Strings{"class=Animation", "class=Children's", "class=Comedy", "release_year=1995"}));
        QVERIFY((attributes(l.dataset, "30") == Strings{"class=Horror", "class=Sci-Fi"}));
        QVERIFY(itemById(l.dataset, "99") == nullptr);
        QCOMPARE(l.summary.files.size(), size_t{2});
    }

    void recboleBadFloatFailsNamingLineAndField() {
        TempProject tp;
        const DataError e =
            fileError(tp, "recbole", "x.inter", "user_id:token\titem_id:token\trating:float\n1\t2\t3\n1\t3\tgood\n");
        EXPECT_ERROR(e, "x.inter", 3, "expected a number in field 'rating' but found 'good'");
        QCOMPARE(e.column(), int64_t{3});
    }

    void recboleHeaderProblemsFailOnLine1() {
        TempProject tp;
        EXPECT_FILE_ERROR(tp, "recbole", "a.inter", "user_id\titem_id\n1\t2\n", 1, "expected a typed header");
        EXPECT_FILE_ERROR(tp, "recbole", "b.inter", "user_id:token\titem_id:number\n1\t2\n", 1, "found 'number'");
        EXPECT_FILE_ERROR(tp, "recbole", "c.inter", "user_id:token\tuser_id:token\n1\t2\n",
                          1, "duplicate field 'user_id'");
        EXPECT_FILE_ERROR(tp, "recbole", "d.inter", "user:token\titem_id:token\n1\t2\n",
                          1, "expected a field 'user_id'");
        EXPECT_FILE_ERROR(tp, "recbole", "e.inter", "user_id:token\titem_id:token\n1\t2\n3\n",
                          3, "expected 2 tab-separated fields");
    }

    // ---------------------------------------------------------------- movielens
    void movielensDatReadsLatin1MoviesAndGenres() {
        TempProject tp;
        writeFile(tp.file("ml1m/ratings.dat"), "1::1193::5::978300760\n1::661::3::978302109\n2::1193::4::978298413\n");
        writeFile(tp.file("ml1m/movies.dat"),
                  "661::James and the Giant Peach (1996)::Animation|Children's|Musical\n"
                  "1193::Mis\xE9rables, Les (1995)::Drama\n");
        const Loaded l = loadAll(options("movielens", tp.file("ml1m/ratings.dat")));
        QCOMPARE(l.dataset.users.size(), size_t{2});
        QCOMPARE(l.dataset.interactionCount(), int64_t{3});
        const UserSequence* u = userById(l.dataset, "1");
        QVERIFY((rawItems(l.dataset, *u) == Strings{"1193", "661"}));
        QVERIFY((u->timestamps == std::vector<int64_t>{978300760, 978302109}));
        QCOMPARE(itemById(l.dataset, "1193")->title, std::string("Mis\xC3\xA9rables, Les (1995)"));
        QVERIFY((attributes(l.dataset, "661") == Strings{"genre=Animation", "genre=Children's", "genre=Musical"}));
    }

    void movielensCsvReadsQuotedTitles() {
        TempProject tp;
        writeFile(tp.file("ml/ratings.csv"), "userId,movieId,rating,timestamp\n1,11,4.5,1000\n1,2,3.0,900\n");
        writeFile(tp.file("ml/movies.csv"),
                  "movieId,title,genres\n2,Jumanji (1995),Adventure|Children|Fantasy\n"
                  "11,\"American President, The (1995)\",Comedy|Drama|Romance\n12,Other,(no genres listed)\n");
        const Loaded l = loadAll(options("movielens", tp.file("ml")));
        QVERIFY((rawItems(l.dataset, l.dataset.users[0]) == Strings{"2", "11"}));
        QVERIFY((l.dataset.users[0].ratings == std::vector<float>{3.0f, 4.5f}));
        QCOMPARE(itemById(l.dataset, "11")->title, std::string("American President, The (1995)"));
        QVERIFY((attributes(l.dataset, "11") == Strings{"genre=Comedy", "genre=Drama", "genre=Romance"}));
    }

    void movielensUDataReadsUItemFlagsWithGenreNames() {
        TempProject tp;
        const std::string flags1 = "|0|0|0|1|1|1|0|0|0|0|0|0|0|0|0|0|0|0|0";
        const std::string flags2 = "|0|1|0|0|0|0|0|0|0|0|0|0|0|0|0|0|1|0|0";
        writeFile(tp.file("ml-100k/u.data"), "196\t242\t3\t881250949\n196\t1\t4\t881250000\n");
        writeFile(tp.file("ml-100k/u.item"), "1|Toy Story (1995)|01-Jan-1995||http://x" + flags1 +
                                                 "\n242|Kolya (1996)|24-Jan-1997||http://y" + flags2 + "\n");
        const Loaded l = loadAll(options("movielens", tp.file("ml-100k/u.data")));
        QVERIFY((rawItems(l.dataset, l.dataset.users[0]) == Strings{"1", "242"}));
        QVERIFY((attributes(l.dataset, "1") == Strings{"genre=Animation", "genre=Children's", "genre=Comedy"}));
        QVERIFY((attributes(l.dataset, "242") == Strings{"genre=Action", "genre=Thriller"}));
        // A u.genre next to u.item names the flags; u.item titles in Latin-1 become UTF-8.
        writeFile(tp.file("ml-100k/u.genre"), "none|0\nfirst|1\nsecond|2\n\n");
        writeFile(tp.file("ml-100k/u.item"), "1|Caf\xE9 (1995)|||x|1|0|1\n242|Kolya|||y|0|1|0\n");
        const Loaded g = loadAll(options("movielens", tp.file("ml-100k/u.data")));
        QCOMPARE(itemById(g.dataset, "1")->title, std::string("Caf\xC3\xA9 (1995)"));
        QVERIFY((attributes(g.dataset, "1") == Strings{"genre=none", "genre=second"}));
        QVERIFY((attributes(g.dataset, "242") == Strings{"genre=first"}));
    }

    void movielensNonIntegerIdFailsNamingLine2() {
        TempProject tp;
        const DataError e = fileError(tp, "movielens", "a/ratings.dat", "1::10::5::978300760\nx1::10::5::978300761\n");
        EXPECT_ERROR(e, "ratings.dat", 2, "expected an integer user id in field 1 but found 'x1'");
        QCOMPARE(e.column(), int64_t{1});
        writeFile(tp.file("b/u.data"), "1\t10\t5\t978300760\n2\t10\tfive\t978300761\n");
        EXPECT_ERROR(loadError(options("movielens", tp.file("b/u.data"))), "u.data", 2, "expected a numeric rating");
        writeFile(tp.file("c/ratings.csv"), "userId,movieId,rating,timestamp\n1,2,3,4\n1,2,3,yesterday\n");
        EXPECT_ERROR(loadError(options("movielens", tp.file("c/ratings.csv"))), "ratings.csv", 3,
                     "expected a numeric timestamp in field 4");
    }

    // ---------------------------------------------------------------- amazon
    void amazon2014ReviewsWithMetaGiveTitlesAndAttributes() {
        TempProject tp;
        writeFile(tp.file("reviews.json"),
                  "{\"reviewerID\": \"A1\", \"asin\": \"B2\", \"overall\": 5.0, \"unixReviewTime\": 200, "
                  "\"helpful\": [0, 0], \"reviewText\": \"great {not json}\"}\n"
                  "{\"reviewerID\": \"A1\", \"asin\": \"B1\", \"overall\": 3.0, \"unixReviewTime\": 100}\n"
                  "{\"reviewerID\": \"A2\", \"asin\": \"B1\", \"overall\": 4, \"unixReviewTime\": 150}\n");
        writeFile(tp.file("meta.json"),
                  "{\"asin\": \"B1\", \"title\": \"Face Cream\", \"brand\": \"Lumia\", \"price\": 12.5, "
                  "\"categories\": [[\"Beauty\", \"Skin Care\", \"Face\"], [\"Beauty\", \"Makeup\"]], "
                  "\"description\": \"Soft.\"}\n"
                  "{\"asin\": \"B2\", \"title\": \"Brush\", \"category\": [\"Tools\"], \"price\": \"$55.00\", "
                  "\"description\": [\"One\", \"Two\"]}\n"
                  "{\"asin\": \"B9\", \"title\": \"Unrated\"}\n");
        LoadOptions o = options("amazon", tp.file("reviews.json"));
        o.attributesPath = tp.file("meta.json");
        const Loaded l = loadAll(o);
        QCOMPARE(l.summary.lines, int64_t{3});
        const UserSequence* a1 = userById(l.dataset, "A1");
        QVERIFY((rawItems(l.dataset, *a1) == Strings{"B1", "B2"}));
        QVERIFY((a1->timestamps == std::vector<int64_t>{100, 200}));
        QVERIFY((a1->ratings == std::vector<float>{3.0f, 5.0f}));
        QCOMPARE(itemById(l.dataset, "B1")->title, std::string("Face Cream"));
        QCOMPARE(itemById(l.dataset, "B1")->description, std::string("Soft."));
        QCOMPARE(itemById(l.dataset, "B2")->description, std::string("One\nTwo"));
        QVERIFY((attributes(l.dataset, "B1") == Strings{"brand=Lumia", "category=Beauty", "category=Beauty > Makeup",
                                                        "category=Beauty > Skin Care",
                                                        "category=Beauty > Skin Care > Face", "price=$10-25"}));
        QVERIFY((attributes(l.dataset, "B2") == Strings{"category=Tools", "price=$50+"}));
        QCOMPARE(l.dataset.items.size(), size_t{2});
    }

    void amazon2023ReviewsUseParentAsinAndMilliseconds() {
        TempProject tp;
        writeFile(tp.file("All_Beauty.jsonl"),
                  "{\"rating\": 5.0, \"title\": \"t\", \"asin\": \"C1\", \"parent_asin\": \"P1\", \"user_id\": \"U1\", "
                  "\"timestamp\": 1588687728923, \"images\": []}\n"
                  "{\"rating\": 2.0, \"asin\": \"C2\", \"parent_asin\": \"P2\", \"user_id\": \"U1\", "
                  "\"timestamp\": 1588600000000}\n");
        writeFile(tp.file("meta.jsonl"),
                  "{\"parent_asin\": \"P1\", \"title\": \"Serum\", \"store\": \"Acme\", "
                  "\"categories\": [], \"price\": null, \"details\": {\"Size\": \"1oz\"}}\n");
        LoadOptions o = options("amazon", tp.file("All_Beauty.jsonl"));
        o.attributesPath = tp.file("meta.jsonl");
        const Loaded l = loadAll(o);
        QVERIFY((rawItems(l.dataset, l.dataset.users[0]) == Strings{"P2", "P1"}));
        QVERIFY((l.dataset.users[0].timestamps == std::vector<int64_t>{1588600000, 1588687728}));
        QCOMPARE(itemById(l.dataset, "P1")->title, std::string("Serum"));
        QVERIFY((attributes(l.dataset, "P1") == Strings{"brand=Acme"}));
    }

    void amazonGzipReviewsLoadLikePlainOnes() {
        TempProject tp;
        std::string content;
        for (int i = 0; i < 500; ++i) {
            content += "{\"reviewerID\": \"U" + std::to_string(i % 7) + "\", \"asin\": \"I" + std::to_string(i % 13) +
                       "\", \"overall\": 4.0, \"unixReviewTime\": " + std::to_string(1000 + i) + "}\n";
        }
        writeGzip(tp.file("reviews.json.gz"), content);
        const Loaded l = loadAll(options("amazon", tp.file("reviews.json.gz")));
        QCOMPARE(l.dataset.interactionCount(), int64_t{500});
        QCOMPARE(l.dataset.users.size(), size_t{7});
        QCOMPARE(l.dataset.items.size(), size_t{13});
        QCOMPARE(l.summary.lines, int64_t{500});
    }

    void truncatedGzipFailsNamingTheFile() {
        TempProject tp;
        std::string content;
        for (int i = 0; i < 20000; ++i) {
            content += "{\"reviewerID\": \"U" + std::to_string(i) + "\", \"asin\": \"I" + std::to_string(i * 7919) +
                       "\", \"overall\": 4.0}\n";
        }
        writeGzip(tp.file("full.json.gz"), content);
        std::ifstream in(tp.file("full.json.gz"), std::ios::binary);
        std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        const DataError e = fileError(tp, "amazon", "cut.json.gz", bytes.substr(0, bytes.size() * 2 / 3));
        QVERIFY2(contains(e.file(), "cut.json.gz"), e.what());
        QVERIFY2(contains(e.message(), "gzip") && contains(e.message(), "ends early"), e.what());
        // Cut inside the gzip header, and a corrupt body.
        writeFile(tp.file("head.json.gz"), bytes.substr(0, 5));
        QVERIFY(contains(loadError(options("amazon", tp.file("head.json.gz"))).message(), "gzip"));
        std::string corrupt = bytes;
        for (size_t k = 40; k < 200 && k < corrupt.size(); ++k) corrupt[k] = static_cast<char>(corrupt[k] ^ 0x5A);
        writeFile(tp.file("bad.json.gz"), corrupt);
        const DataError c = loadError(options("amazon", tp.file("bad.json.gz")));
        QVERIFY2(contains(c.file(), "bad.json.gz") && c.line() >= 0, c.what());
    }

    void amazonMissingOrWrongFieldFailsNamingLine() {
        TempProject tp;
        writeFile(tp.file("r.json"),
                  "{\"reviewerID\": \"A\", \"asin\": \"B\"}\n{\"reviewerID\": \"A\", \"overall\": 5}\n");
        EXPECT_ERROR(loadError(options("amazon", tp.file("r.json"))), "r.json", 2, "expected an 'asin'");
        writeFile(tp.file("s.json"),
                  "{\"reviewerID\": \"A\", \"asin\": \"B\"}\n\n{\"reviewerID\": [1], \"asin\": \"B\"}\n");
        EXPECT_ERROR(loadError(options("amazon", tp.file("s.json"))), "s.json", 3, "for 'reviewerID' but found a list");
        EXPECT_FILE_ERROR(tp, "amazon", "t.json", "{\"reviewerID\": \"A\", \"asin\": \"B\", \"overall\": \"bad\"}\n",
                          1, "expected a numeric rating");
        const DataError e = fileError(tp, "amazon", "u.json",
                                      "{\"reviewerID\": \"A\", \"asin\": \"B\"}\n"
                                      "{\"reviewerID\": \"A\", \"asin\": }\n");
        EXPECT_ERROR(e, "u.json", 2, "expected valid JSON");
        QCOMPARE(e.column(), int64_t{29});  // the '}' where a value belongs
    }

    void amazonNumberTooLargeForADoubleFailsNamingLine() {
        // Found by fuzz_amazon: nlohmann reports this overflow as out_of_range, not parse_error.
        TempProject tp;
        EXPECT_FILE_ERROR(tp, "amazon", "r.json", "{\"reviewerID\": \"A\", \"asin\": \"B\"}\n"
                                                  "{\"reviewerID\": \"A\", \"asin\": \"C\", \"overall\": 5E9669}\n",
                          2, "number overflow");
        writeFile(tp.file("meta.json"), "{\"asin\": \"B\"}\n\n{\"asin\": \"B\", \"price\": 5000E9669}\n");
        LoadOptions o = options("amazon", tp.file("r.json"));
        writeFile(tp.file("r.json"), "{\"reviewerID\": \"A\", \"asin\": \"B\"}\n");
        o.attributesPath = tp.file("meta.json");
        EXPECT_ERROR(loadError(o), "meta.json", 3, "number overflow");
    }

    void amazonPythonDictMetaFailsWithAHint() {
        TempProject tp;
        writeFile(tp.file("r.json"), "{\"reviewerID\": \"A\", \"asin\": \"B\"}\n");
        writeFile(tp.file("meta.json"), "{\"asin\": \"B\"}\n{'asin': 'B', 'title': 'x'}\n");
        LoadOptions o = options("amazon", tp.file("r.json"));
        o.attributesPath = tp.file("meta.json");
        EXPECT_ERROR(loadError(o), "meta.json", 2, "Python dict literal");
    }

    // ---------------------------------------------------------------- csv
    void csvReadsMappedColumnsWithQuotesAndDetectedDelimiter() {
        TempProject tp;
        writeFile(tp.file("log.csv"),
                  "when;who;what;stars;note\n"
                  "2020-01-02T00:00:00Z;\"u;1\";i1;4;\"said \"\"hi\"\"\"\n"
                  "2020-01-01;\"u;1\";i2;;\"two\nlines\"\n"
                  "1577836800;u2;i1;2.5;plain\n");
        LoadOptions o = options("csv", tp.file("log.csv"));
        o.csv.user = "who";
        o.csv.item = "what";
        o.csv.timestamp = "when";
        o.csv.rating = "stars";
        const Loaded l = loadAll(o);
        QCOMPARE(l.summary.lines, int64_t{3});
        const UserSequence* u = userById(l.dataset, "u;1");
        QVERIFY(u != nullptr);
        QVERIFY((rawItems(l.dataset, *u) == Strings{"i2", "i1"}));
        QVERIFY((u->timestamps == std::vector<int64_t>{1577836800, 1577923200}));
        QVERIFY(std::isnan(u->ratings[0]));
        QCOMPARE(u->ratings[1], 4.0f);
        QCOMPARE(userById(l.dataset, "u2")->timestamps.front(), int64_t{1577836800});
    }

    void csvUnknownColumnFailsListingTheHeader() {
        TempProject tp;
        writeFile(tp.file("x.csv"), "a,b,c\n1,2,3\n");
        LoadOptions o = options("csv", tp.file("x.csv"));
        o.csv.user = "a";
        o.csv.item = "foo";
        EXPECT_ERROR(loadError(o), "x.csv", 1, "column 'foo' not in header: a, b, c");
    }

    void csvDuplicateHeaderFails() {
        TempProject tp;
        EXPECT_FILE_ERROR(tp, "csv", "x.csv", "user_id,item_id,user_id\n1,2,3\n",
                          1, "duplicate column 'user_id' in header (columns 1 and 3)");
    }

    void csvWrongDelimiterSaysSo() {
        TempProject tp;
        writeFile(tp.file("x.csv"), "user_id;item_id\n1;2\n");
        LoadOptions o = options("csv", tp.file("x.csv"));
        o.csv.delimiter = ',';
        EXPECT_ERROR(loadError(o), "x.csv", 1, "wrong delimiter");
        EXPECT_FILE_ERROR(tp, "csv", "y.csv", "user_id item_id\n1 2\n", 1, "single column 'user_id item_id'");
    }

    void csvNonNumericTimestampOrRatingFailsNamingLineAndColumn() {
        TempProject tp;
        writeFile(tp.file("x.tsv"), "user_id\titem_id\tts\tr\n1\t2\t100\t1\n1\t3\tsoon\t2\n");
        LoadOptions o = options("csv", tp.file("x.tsv"));
        o.csv.timestamp = "ts";
        o.csv.rating = "r";
        DataError e = loadError(o);
        EXPECT_ERROR(e, "x.tsv", 3,
                     "expected a numeric timestamp (or an ISO-8601 date) in column 'ts' but found 'soon'");
        QCOMPARE(e.column(), int64_t{3});
        writeFile(tp.file("x.tsv"), "user_id\titem_id\tts\tr\n1\t2\t100\tlots\n");
        e = loadError(o);
        EXPECT_ERROR(e, "x.tsv", 2, "expected a numeric rating in column 'r'");
        QCOMPARE(e.column(), int64_t{4});
    }

    void csvRowProblemsFailNamingTheRecordLine() {
        TempProject tp;
        EXPECT_FILE_ERROR(tp, "csv", "a.csv", "user_id,item_id\n1,2\n3\n", 3, "expected 2 fields");
        EXPECT_FILE_ERROR(tp, "csv", "b.csv", "user_id,item_id\n1,2\n3,\"open\n4,5\n", 3, "expected a closing quote");
        EXPECT_FILE_ERROR(tp, "csv", "c.csv", "user_id,item_id\n1,\"2\"x\n", 2, "after the closing quote");
        EXPECT_FILE_ERROR(tp, "csv", "d.csv", "user_id,item_id\n,2\n", 2, "expected an id in column 'user_id'");
        EXPECT_FILE_ERROR(tp, "csv", "e.csv", "user_id,item_id\n", 0, "no data lines");
    }

    // ---------------------------------------------------------------- auto
    void autoDetectsEveryFormatAndSaysWhy() {
        TempProject tp;
        struct Case {
            std::string file, content, format;
        };
        const std::vector<Case> cases = {
            {"Beauty.txt", "1 1 2 3\n2 4 5\n", "seqtxt"},
            {"d/d.inter", "user_id:token\titem_id:token\n1\t2\n", "recbole"},
            {"m1/ratings.dat", "1::2::5::978300760\n", "movielens"},
            {"m2/u.data", "1\t2\t5\t978300760\n", "movielens"},
            {"m3/ratings.csv", "userId,movieId,rating,timestamp\n1,2,5,978300760\n", "movielens"},
            {"m4/u1.base", "1\t2\t5\t978300760\n", "movielens"},
            {"other.txt", "1\t2\t5\t978300760\n3\t4\t1\t978300761\n", "movielens"},
            {"r.json", "{\"reviewerID\": \"A\", \"asin\": \"B\", \"overall\": 5}\n", "amazon"},
            {"r23.jsonl", "{\"user_id\": \"A\", \"parent_asin\": \"B\", \"rating\": 5}\n", "amazon"},
            {"log.csv", "user_id,item_id\nu,i\n", "csv"},
            {"log.tsv", "user_id\titem_id\nu\ti\n", "csv"},
        };
        for (const Case& c : cases) {
            writeFile(tp.file(c.file), c.content);
            std::string reason;
            const std::string format = detectFormat({tp.file(c.file)}, &reason);
            QVERIFY2(format == c.format, (c.file + " -> " + format + ": " + reason).c_str());
            QVERIFY2(contains(reason, c.format + ":") && reason.size() > 20, reason.c_str());
            const Loaded l = loadAll(options("auto", tp.file(c.file)));
            QCOMPARE(l.summary.format, c.format);
            QCOMPARE(l.summary.detectionReason, reason);
            QVERIFY(l.dataset.interactionCount() >= 1);
        }
        writeGzip(tp.file("z.json.gz"), "{\"reviewerID\": \"A\", \"asin\": \"B\"}\n");
        QCOMPARE(detectFormat({tp.file("z.json.gz")}), std::string("amazon"));
        QCOMPARE(detectFormat({tp.file("d")}), std::string("recbole"));
        QCOMPARE(detectFormat({tp.file("m1")}), std::string("movielens"));
        QVERIFY(loadAll(options("csv", tp.file("log.csv"))).summary.detectionReason.empty());
    }

    void autoRejectsWhatItCannotRecognise() {
        TempProject tp;
        EXPECT_FILE_ERROR(tp, "auto", "meta.json", "{\"asin\": \"B\", \"title\": \"x\"}\n",
                          1, "cannot detect the format");
        EXPECT_FILE_ERROR(tp, "auto", "prose.txt", "Hello world!\nThis is prose.\n", 0, "cannot detect the format");
        EXPECT_FILE_ERROR(tp, "auto", "nums.csv", "1,2\n3,4\n", 1, "needs a header");
        EXPECT_FILE_ERROR(tp, "auto", "x.item", "item_id:token\ttitle:token_seq\n1\tA\n", 0, "RecBole .item file");
        EXPECT_FILE_ERROR(tp, "auto", "u.item", "1|Toy Story (1995)|01-Jan-1995||http://x|0\n",
                          0, "MovieLens side file");
        std::filesystem::create_directories(tp.file("emptydir"));
        EXPECT_ERROR(loadError(options("auto", tp.file("emptydir"))), "emptydir", 0, "cannot detect the format");
    }

    // ---------------------------------------------------------------- input problems shared by all formats
    void tenMegabyteLineFailsNamingTheLine() {
        TempProject tp;
        std::string content = "1 2 3\n";
        content += "4 " + std::string(10u << 20, '7') + "\n5 6\n";
        writeFile(tp.file("long.txt"), content);
        for (const char* format : {"seqtxt", "auto"}) {
            const DataError e = loadError(options(format, tp.file("long.txt")));
            EXPECT_ERROR(e, "long.txt", 2, "line longer than 1048576 bytes");
        }
        EXPECT_FILE_ERROR(tp, "csv", "long.csv", "user_id,item_id\n" + std::string(10u << 20, 'x') + ",1\n",
                          2, "line longer than");
        EXPECT_FILE_ERROR(tp, "amazon", "long.json", "{\"reviewerID\": \"" + std::string(10u << 20, 'x') + "\"}\n",
                          1, "line longer than");
    }

    void binaryGarbageFailsForEveryFormat() {
        TempProject tp;
        std::string garbage = "1 2 3\n";
        for (int i = 0; i < 600; ++i) garbage.push_back(static_cast<char>((i * 37) & 0xFF));
        writeFile(tp.file("garbage.bin"), garbage);
        writeFile(tp.file("latin.txt"), "1 caf\xE9 2\n");
        for (const char* format : {"seqtxt", "recbole", "movielens", "amazon", "csv", "auto"}) {
            EXPECT_ERROR(loadError(options(format, tp.file("garbage.bin"))), "garbage.bin", 0,
                         "binary data, not a text file");
            EXPECT_ERROR(loadError(options(format, tp.file("latin.txt"))), "latin.txt", 0,
                         "binary data, not a text file");
        }
    }

    void invalidUtf8AfterTheFirstKilobyteFailsNamingTheLine() {
        TempProject tp;
        std::string content;
        for (int i = 0; i < 300; ++i) content += std::to_string(i) + " 1 2\n";
        content += "x caf\xE9\n";
        const DataError e = fileError(tp, "seqtxt", "seq.txt", content);
        EXPECT_ERROR(e, "seq.txt", 301, "expected UTF-8 text but found byte 0xE9");
        QCOMPARE(e.column(), int64_t{6});
    }

    void emptyFileFailsForEveryFormat() {
        TempProject tp;
        writeFile(tp.file("empty.txt"), "");
        writeGzip(tp.file("empty.json.gz"), "");
        writeFile(tp.file("blank.txt"), "\n  \n\n");
        for (const char* format : {"seqtxt", "recbole", "movielens", "amazon", "csv", "auto"}) {
            EXPECT_ERROR(loadError(options(format, tp.file("empty.txt"))), "empty.txt", 0, "file is empty");
            EXPECT_ERROR(loadError(options(format, tp.file("empty.json.gz"))), "empty.json.gz", 0, "file is empty");
            EXPECT_ERROR(loadError(options(format, tp.file("blank.txt"))), "blank.txt", 0, "file is empty");
        }
    }

    void missingFileAndUnknownFormatFail() {
        TempProject tp;
        EXPECT_ERROR(loadError(options("seqtxt", tp.file("nope.txt"))), "nope.txt", 0, "cannot open file");
        EXPECT_ERROR(loadError(options("auto", tp.file("nope.txt"))), "nope.txt", 0, "cannot open file");
        writeFile(tp.file("a.txt"), "1 2\n");
        EXPECT_ERROR(loadError(options("parquet", tp.file("a.txt"))), "", 0, "unknown format 'parquet'");
        LoadOptions none;
        EXPECT_ERROR(loadError(none), "", 0, "no input files");
    }

    void crlfLineEndingsAndByteOrderMarkAreAccepted() {
        TempProject tp;
        writeFile(tp.file("x.csv"), "\xEF\xBB\xBFuser_id,item_id,ts\r\n1,2,10\r\n1,3,5\r\n");
        LoadOptions o = options("csv", tp.file("x.csv"));
        o.csv.timestamp = "ts";
        const Loaded l = loadAll(o);
        QVERIFY((rawItems(l.dataset, l.dataset.users[0]) == Strings{"3", "2"}));
        writeFile(tp.file("s.txt"),
                  "\xEF\xBB\xBF"
                  "1 2 3\r\n2 3\r\n");
        const Loaded s = loadAll(options("auto", tp.file("s.txt")));
        QCOMPARE(s.summary.format, std::string("seqtxt"));
        QCOMPARE(s.dataset.users[0].rawId, std::string("1"));
        QVERIFY((rawItems(s.dataset, s.dataset.users[0]) == Strings{"2", "3"}));
    }

    void progressReportsBytesUpToTheTotal() {
        TempProject tp;
        std::string content;
        for (int i = 0; i < 150000; ++i) content += std::to_string(i % 1000) + " " + std::to_string(i) + "\n";
        writeFile(tp.file("big.txt"), content);
        std::vector<std::pair<int64_t, int64_t>> calls;
        LoadOptions o = options("seqtxt", tp.file("big.txt"));
        o.progress = [&](int64_t done, int64_t total) { calls.emplace_back(done, total); };
        const Loaded l = loadAll(o);
        QCOMPARE(l.summary.lines, int64_t{150000});
        QVERIFY(calls.size() >= 3);
        for (size_t k = 1; k < calls.size(); ++k) QVERIFY(calls[k].first >= calls[k - 1].first);
        QCOMPARE(calls.back().first, static_cast<int64_t>(content.size()));
        QCOMPARE(calls.back().second, static_cast<int64_t>(content.size()));
    }

    void cancellationStopsTheLoadAtTheNextReport() {
        TempProject tp;
        std::string content;
        for (int i = 0; i < 200000; ++i) content += std::to_string(i) + " 1\n";
        writeFile(tp.file("big.txt"), content);
        std::atomic<bool> cancel{false};
        int reports = 0;
        LoadOptions o = options("seqtxt", tp.file("big.txt"));
        o.cancel = &cancel;
        o.progress = [&](int64_t, int64_t) {
            ++reports;
            cancel = true;  // as the GUI thread would
        };
        DatasetBuilder builder;
        try {
            (void)load(o, builder);
            QFAIL("expected cancellation");
        } catch (const DataError& e) {
            QFAIL(e.what());
        } catch (const tokenbench::core::CancelledError& e) {  // the one cancellation type
            QCOMPARE(std::string(e.what()), std::string("cancelled"));
        }
        QCOMPARE(reports, 1);
        QVERIFY(builder.interactionCount() < 200000);
        // Already cancelled: nothing is read.
        DatasetBuilder other;
        QVERIFY_EXCEPTION_THROWN((void)load(o, other), std::runtime_error);
        QCOMPARE(other.interactionCount(), int64_t{0});
    }

    void loaderFormatsListsEveryFormat() {
        const auto& formats = loaderFormats();
        for (const char* f : {"auto", "seqtxt", "recbole", "movielens", "amazon", "csv"}) {
            QVERIFY(std::find(formats.begin(), formats.end(), f) != formats.end());
        }
    }
};

QTEST_GUILESS_MAIN(TestLoaders)
#include "test_loaders.moc"
