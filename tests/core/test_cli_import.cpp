// `dataset import` and `features build` as a user runs them: counts, statistics that survive a reopen,
// bad input failing with file and line and leaving no data set behind.

#include <QtTest>

#include "cli_runner.h"
#include "temp_project.h"

using tokenbench::test::runCli;

namespace {

void writeFile(const std::string& path, const QByteArray& bytes) {
    QFile f(QString::fromStdString(path));
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(bytes);
}

// A small S3-Rec style data set: 6 users, items 1..5, attributes for each item.
QByteArray seqtxt() { return "1 1 2 3 4\n2 2 3 4 5\n3 1 3 5 2\n4 4 5 1 2 3\n5 5 4 3\n6 1 2 5 4\n"; }
QByteArray attributes() { return R"({"1":[10,11],"2":[10],"3":[12],"4":[12,11],"5":[13]})"; }

}  // namespace

class TestCliImport final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void seqtxtImportCountsAndStatsSurviveReopen() {
        tokenbench::test::TempProject dir;
        writeFile(dir.file("seq.txt"), seqtxt());
        writeFile(dir.file("attrs.json"), attributes());
        const QString project = QString::fromStdString(dir.path());
        const auto result = runCli({"dataset", "import", "--project", project, "--name", "tiny", "--format", "seqtxt",
                                    "--attributes", QString::fromStdString(dir.file("attrs.json")),
                                    QString::fromStdString(dir.file("seq.txt")), "--json"});
        QVERIFY2(result.exitCode == 0, result.err.constData());
        const auto json = result.json();
        QCOMPARE(json.at("users").get<int>(), 6);
        QCOMPARE(json.at("items").get<int>(), 5);
        QCOMPARE(json.at("interactions").get<int>(), 24);
        QCOMPARE(json.at("split").at("test_targets").get<int>(), 6);

        const auto stats = runCli({"dataset", "stats", "--project", project, "--name", "tiny", "--json"});
        QCOMPARE(stats.exitCode, 0);
        const auto reopened = stats.json();
        QCOMPARE(reopened.at("interactions").get<int>(), 24);
        QCOMPARE(reopened.at("attributes").get<int>(), 4);
        QCOMPARE(reopened.at("splits").size(), size_t{1});
        QCOMPARE(reopened.at("splits")[0].at("stats").at("valid_targets").get<int>(), 6);
    }

    void badLineFailsNamingItAndLeavesNoDataset() {
        tokenbench::test::TempProject dir;
        writeFile(dir.file("u.data"), "1\t10\t5\t881250949\nabc\t11\t4\t881250950\n2\t10\t3\t881250951\n");
        const QString project = QString::fromStdString(dir.path());
        QCOMPARE(runCli({"runs", "list", "--project", project}).exitCode, 0);
        const auto result = runCli({"dataset", "import", "--project", project, "--name", "bad", "--format", "movielens",
                                    QString::fromStdString(dir.file("u.data"))});
        QCOMPARE(result.exitCode, 1);
        QVERIFY2(result.err.contains("u.data:2"), result.err.constData());
        const auto list = runCli({"dataset", "list", "--project", project, "--json"});
        QCOMPARE(list.json().at("datasets").size(), size_t{0});
    }

    void randomBytesFailCleanly() {
        tokenbench::test::TempProject dir;
        QByteArray garbage;
        quint32 state = 12345;
        for (int i = 0; i < 65536; ++i) {
            state = state * 1664525u + 1013904223u;
            garbage.append(static_cast<char>(state >> 24));
        }
        writeFile(dir.file("garbage.bin"), garbage);
        const QString project = QString::fromStdString(dir.path());
        for (const char* format : {"auto", "seqtxt", "csv", "recbole", "movielens", "amazon"}) {
            const auto result = runCli({"dataset", "import", "--project", project, "--name", "g", "--format", format,
                                        QString::fromStdString(dir.file("garbage.bin"))});
            QVERIFY2(result.exitCode == 1, qPrintable(QString("%1: exit %2: %3").arg(format).arg(result.exitCode).arg(QString(result.err))));
            QVERIFY2(result.err.contains("garbage.bin"), result.err.constData());
        }
    }

    void featuresBuildStoresAMatrix() {
        tokenbench::test::TempProject dir;
        const QString project = QString::fromStdString(dir.path());
        QCOMPARE(runCli({"dataset", "generate", "--project", project, "--name", "syn", "--users", "300", "--items", "120",
                         "--branching", "3", "2", "2"}).exitCode, 0);
        const auto built = runCli({"features", "build", "--project", project, "--dataset", "syn", "--kind",
                                   "attributes,cooccurrence", "--dim", "8", "--json"});
        QVERIFY2(built.exitCode == 0, built.err.constData());
        const auto json = built.json();
        QCOMPARE(json.at("rows").get<int>(), 120);
        QCOMPARE(json.at("dim").get<int>(), 16);
        QCOMPARE(json.at("name").get<std::string>(), std::string("attributes+cooccurrence"));
        const auto again = runCli({"features", "build", "--project", project, "--dataset", "syn", "--kind",
                                   "attributes+cooccurrence", "--dim", "8"});
        QCOMPARE(again.exitCode, 1);  // name taken
        QCOMPARE(runCli({"features", "build", "--project", project, "--dataset", "syn", "--kind", "colour"}).exitCode, 1);
        const auto list = runCli({"features", "list", "--project", project, "--json"});
        QCOMPARE(list.json().at("feature_sets").size(), size_t{1});
    }
};

QTEST_GUILESS_MAIN(TestCliImport)
#include "test_cli_import.moc"
