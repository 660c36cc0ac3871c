// tokenbench-cli as a user runs it: exit codes, --json on stdout only, project creation.

#include <QtTest>

#include <nlohmann/json.hpp>

#include "cli_runner.h"
#include "temp_project.h"
#include "tokenbench/storage/database.h"

using tokenbench::test::runCli;

namespace {

nlohmann::json parseJson(const QByteArray& out) { return nlohmann::json::parse(out.toStdString()); }

}  // namespace

class TestCli final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void versionAndHelpExitZero() {
        const auto version = runCli({"--version"});
        QCOMPARE(version.exitCode, 0);
        QVERIFY(version.out.startsWith("tokenbench-cli "));
        const auto help = runCli({"--help"});
        QCOMPARE(help.exitCode, 0);
        QVERIFY(help.out.contains("runs"));
        QVERIFY(help.out.contains("db"));
    }

    void usageErrorsExitOne() {
        QCOMPARE(runCli({}).exitCode, 1);
        QCOMPARE(runCli({"frobnicate"}).exitCode, 1);
        const auto missing = runCli({"runs", "list"});
        QCOMPARE(missing.exitCode, 1);
        QVERIFY(missing.err.contains("--project"));
        QCOMPARE(runCli({"--log-level", "loud", "runs", "list", "--project", "x"}).exitCode, 1);
    }

    void runsListCreatesAHealthyWalProject() {
        tokenbench::test::TempProject dir;
        const QString project = QString::fromStdString(dir.path());
        const auto result = runCli({"runs", "list", "--project", project, "--json"});
        QCOMPARE(result.exitCode, 0);
        const auto json = parseJson(result.out);  // the whole of stdout is one JSON object
        QVERIFY(json.is_object());
        QVERIFY(json.at("runs").is_array());
        QCOMPARE(json.at("runs").size(), size_t{0});
        QVERIFY(!result.out.contains("[info]"));

        tokenbench::core::Database db(dir.path() + "/tokenbench.db", tokenbench::core::OpenMode::ReadOnly);
        QCOMPARE(QString::fromStdString(db.queryText("PRAGMA integrity_check")), QStringLiteral("ok"));
        QCOMPARE(QString::fromStdString(db.queryText("PRAGMA journal_mode")), QStringLiteral("wal"));
        QVERIFY(QFileInfo(project + "/artifacts").isDir());
        QVERIFY(QFileInfo::exists(project + "/logs/tokenbench.log"));
    }

    void dbCheckReportsSchemaAndFailsOnMissingProject() {
        tokenbench::test::TempProject dir;
        const QString project = QString::fromStdString(dir.path());
        const auto missing = runCli({"db", "check", "--project", project});
        QCOMPARE(missing.exitCode, 1);
        QVERIFY(missing.err.contains("no Tokenbench project"));
        QCOMPARE(runCli({"runs", "list", "--project", project}).exitCode, 0);
        const auto check = runCli({"db", "check", "--project", project, "--json"});
        QCOMPARE(check.exitCode, 0);
        const auto json = parseJson(check.out);
        QCOMPARE(json.at("integrity").get<std::string>(), std::string("ok"));
        QCOMPARE(json.at("schema_version").get<int>(), json.at("latest_schema_version").get<int>());
        QCOMPARE(json.at("journal_mode").get<std::string>(), std::string("wal"));
    }

    void corruptDatabaseIsAUserError() {
        tokenbench::test::TempProject dir;
        const QString project = QString::fromStdString(dir.path());
        QVERIFY(QDir().mkpath(project));
        QFile f(project + "/tokenbench.db");
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray("this is not an SQLite file").repeated(200));
        f.close();
        const auto result = runCli({"db", "check", "--project", project, "--json"});
        QCOMPARE(result.exitCode, 1);
        QVERIFY(result.out.isEmpty());
        QVERIFY2(result.err.contains("tokenbench.db"), result.err.constData());
    }

    void datasetGenerateThenListAndStats() {
        tokenbench::test::TempProject dir;
        const QString project = QString::fromStdString(dir.path());
        const auto gen = runCli({"dataset", "generate", "--project", project, "--name", "syn", "--users", "300",
                                 "--items", "100", "--branching", "3", "2", "2", "--json"});
        QCOMPARE(gen.exitCode, 0);
        const auto stats = parseJson(gen.out);
        QCOMPARE(stats.at("users").get<int>(), 300);
        QCOMPARE(stats.at("items").get<int>(), 100);
        QVERIFY(stats.at("interactions").get<int>() >= 300 * 5);
        QCOMPARE(runCli({"dataset", "generate", "--project", project, "--name", "syn"}).exitCode, 1);
        const auto again = parseJson(runCli({"dataset", "stats", "--project", project, "--name", "syn", "--json"}).out);
        QCOMPARE(again.at("interactions"), stats.at("interactions"));
        const auto list = parseJson(runCli({"dataset", "list", "--project", project, "--json"}).out);
        QCOMPARE(list.at("datasets").size(), size_t{1});
        const auto unknown = runCli({"dataset", "stats", "--project", project, "--name", "nope"});
        QCOMPARE(unknown.exitCode, 1);
        QVERIFY(unknown.err.contains("syn"));
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "test_cli.moc"
