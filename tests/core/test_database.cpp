// The sqlite3 wrapper: statements, blobs, transactions that roll back, nested savepoints.

#include <QtTest>

#include "expect_error.h"
#include "temp_project.h"
#include "tokenbench/storage/database.h"

using namespace tokenbench::core;

class TestDatabase final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void preparedStatementsRoundTripValues() {
        tokenbench::test::TempProject dir;
        Database db(dir.file("a.db"));
        db.exec("CREATE TABLE t (i INTEGER, r REAL, s TEXT, b BLOB, n TEXT)");
        const std::vector<int32_t> ids = {3, 1, 4, 1, 5};
        auto insert = db.prepare("INSERT INTO t VALUES (?,?,?,?,?)");
        insert.bind(1, int64_t{1} << 40).bind(2, 0.25).bind(3, "héllo");
        insert.bindBlob(4, ids.data(), ids.size() * sizeof(int32_t)).bindNull(5).run();
        auto select = db.prepare("SELECT i, r, s, b, n FROM t");
        QVERIFY(select.step());
        QCOMPARE(select.int64(0), int64_t{1} << 40);
        QCOMPARE(select.real(1), 0.25);
        QCOMPARE(QString::fromStdString(select.text(2)), QStringLiteral("héllo"));
        QVERIFY(select.blobAs<int32_t>(3) == ids);
        QVERIFY(select.isNull(4));
        QVERIFY(!select.optionalText(4));
        QVERIFY(!select.step());
    }

    void transactionRollsBackWhenNotCommitted() {
        tokenbench::test::TempProject dir;
        Database db(dir.file("a.db"));
        db.exec("CREATE TABLE t (x INTEGER PRIMARY KEY)");
        try {
            Transaction tx(db);
            db.exec("INSERT INTO t VALUES (1)");
            db.exec("INSERT INTO t VALUES (1)");  // primary-key violation throws before commit
            tx.commit();
            QFAIL("duplicate key did not throw");
        } catch (const StorageError& e) {
            QVERIFY(QString(e.what()).contains("UNIQUE"));
        }
        QCOMPARE(db.queryInt("SELECT count(*) FROM t"), int64_t{0});
        QVERIFY(!db.inTransaction());
    }

    void nestedTransactionRollsBackOnlyItsOwnWrites() {
        tokenbench::test::TempProject dir;
        Database db(dir.file("a.db"));
        db.exec("CREATE TABLE t (x INTEGER)");
        Transaction outer(db);
        db.exec("INSERT INTO t VALUES (1)");
        {
            Transaction inner(db);
            db.exec("INSERT INTO t VALUES (2)");
        }  // not committed: savepoint rolled back
        {
            Transaction inner(db);
            db.exec("INSERT INTO t VALUES (3)");
            inner.commit();
        }
        outer.commit();
        QCOMPARE(db.queryInt("SELECT sum(x) FROM t"), int64_t{4});
    }

    void badSqlNamesTheStatement() {
        tokenbench::test::TempProject dir;
        Database db(dir.file("a.db"));
        const auto error = tokenbench::test::thrownError<StorageError>([&] { (void)db.prepare("SELEC nonsense"); });
        QVERIFY2(error, "no exception");
        QVERIFY(QString(error->what()).contains("SELEC nonsense"));
    }

    void foreignKeysAreEnforced() {
        tokenbench::test::TempProject dir;
        Database db(dir.file("a.db"));
        db.exec("CREATE TABLE p (id INTEGER PRIMARY KEY); CREATE TABLE c (p INTEGER REFERENCES p(id))");
        QVERIFY_THROWS_EXCEPTION(StorageError, db.exec("INSERT INTO c VALUES (7)"));
    }

    void notADatabaseFailsClearly() {
        tokenbench::test::TempProject dir;
        const std::string path = dir.file("garbage.db");
        {
            QFile f(QString::fromStdString(path));
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(QByteArray(4096, '\x7f'));
        }
        try {
            Database db(path);
            (void)db.queryInt("PRAGMA user_version");
            QFAIL("garbage accepted");
        } catch (const StorageError& e) {
            QVERIFY2(QString(e.what()).contains("not a database"), e.what());
        }
    }
};

QTEST_GUILESS_MAIN(TestDatabase)
#include "test_database.moc"
