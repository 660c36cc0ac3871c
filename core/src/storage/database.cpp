#include "tokenbench/storage/database.h"

#include <atomic>

#include <sqlite3.h>

namespace tokenbench::core {

namespace {

// Every message names the database file: a user with several projects must know which one failed.
[[noreturn]] void fail(const Database& db, int rc, const std::string& what) {
    const char* detail = db.handle() ? sqlite3_errmsg(db.handle()) : sqlite3_errstr(rc);
    throw StorageError(db.path() + ": " + what + ": " + (detail ? detail : "unknown error"),
                       db.handle() ? sqlite3_extended_errcode(db.handle()) : rc);
}

}  // namespace

// Statement ----------------------------------------------------------------------------------------

Statement::Statement(Database& db, std::string_view sql) : m_db(&db) {
    const int rc = sqlite3_prepare_v2(db.handle(), sql.data(), static_cast<int>(sql.size()), &m_stmt, nullptr);
    if (rc != SQLITE_OK) fail(db, rc, "cannot prepare \"" + std::string(sql.substr(0, 120)) + "\"");
}

Statement::~Statement() {
    if (m_stmt) sqlite3_finalize(m_stmt);
}

Statement::Statement(Statement&& other) noexcept : m_db(other.m_db), m_stmt(other.m_stmt) {
    other.m_stmt = nullptr;
}

void Statement::check(int rc) const {
    if (rc != SQLITE_OK) fail(*m_db, rc, "cannot bind parameter");
}

Statement& Statement::bind(int index, int64_t value) {
    check(sqlite3_bind_int64(m_stmt, index, value));
    return *this;
}

Statement& Statement::bind(int index, double value) {
    check(sqlite3_bind_double(m_stmt, index, value));
    return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
    check(sqlite3_bind_text64(m_stmt, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
    return *this;
}

Statement& Statement::bindBlob(int index, const void* data, size_t bytes) {
    // An empty vector's data() may be null, which SQLite would store as NULL: bind a zero blob instead.
    if (bytes == 0) check(sqlite3_bind_zeroblob(m_stmt, index, 0));
    else check(sqlite3_bind_blob64(m_stmt, index, data, bytes, SQLITE_TRANSIENT));
    return *this;
}

Statement& Statement::bindNull(int index) {
    check(sqlite3_bind_null(m_stmt, index));
    return *this;
}

bool Statement::step() {
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    fail(*m_db, rc, std::string("statement failed (") + sqlite3_sql(m_stmt) + ")");
}

void Statement::run() {
    while (step()) {
    }
    reset();
}

void Statement::reset() {
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
}

bool Statement::isNull(int column) const { return sqlite3_column_type(m_stmt, column) == SQLITE_NULL; }

int64_t Statement::int64(int column) const { return sqlite3_column_int64(m_stmt, column); }

double Statement::real(int column) const { return sqlite3_column_double(m_stmt, column); }

std::string Statement::text(int column) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(m_stmt, column));
    return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(m_stmt, column))) : std::string();
}

std::optional<std::string> Statement::optionalText(int column) const {
    if (isNull(column)) return std::nullopt;
    return text(column);
}

std::vector<uint8_t> Statement::blob(int column) const {
    const auto* p = static_cast<const uint8_t*>(sqlite3_column_blob(m_stmt, column));
    const int n = sqlite3_column_bytes(m_stmt, column);
    return p ? std::vector<uint8_t>(p, p + n) : std::vector<uint8_t>();
}

// Database -----------------------------------------------------------------------------------------

Database::Database(const std::string& path, OpenMode mode, int busyTimeoutMs) : m_path(path) {
    int flags = SQLITE_OPEN_NOMUTEX;
    switch (mode) {
        case OpenMode::ReadWriteCreate: flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE; break;
        case OpenMode::ReadWrite: flags |= SQLITE_OPEN_READWRITE; break;
        case OpenMode::ReadOnly: flags |= SQLITE_OPEN_READONLY; break;
    }
    const int rc = sqlite3_open_v2(path.c_str(), &m_db, flags, nullptr);
    if (rc != SQLITE_OK) {
        const std::string detail = m_db ? sqlite3_errmsg(m_db) : sqlite3_errstr(rc);
        if (m_db) sqlite3_close_v2(m_db);
        m_db = nullptr;
        throw StorageError("cannot open database " + path + ": " + detail, rc);
    }
    sqlite3_extended_result_codes(m_db, 1);
    sqlite3_busy_timeout(m_db, busyTimeoutMs);
    try {
        exec("PRAGMA foreign_keys = ON");
    } catch (...) {
        sqlite3_close_v2(m_db);
        throw;
    }
}

Database::~Database() {
    if (m_db) sqlite3_close_v2(m_db);
}

void Database::exec(std::string_view sql) {
    char* error = nullptr;
    const std::string copy(sql);
    const int rc = sqlite3_exec(m_db, copy.c_str(), nullptr, nullptr, &error);
    if (rc != SQLITE_OK) {
        std::string message = error ? error : sqlite3_errstr(rc);
        sqlite3_free(error);
        throw StorageError(m_path + ": SQL failed: " + message, rc);
    }
}

int64_t Database::queryInt(std::string_view sql) {
    Statement st(*this, sql);
    if (!st.step()) throw StorageError("query returned no row: " + std::string(sql));
    return st.int64(0);
}

std::string Database::queryText(std::string_view sql) {
    Statement st(*this, sql);
    if (!st.step()) throw StorageError("query returned no row: " + std::string(sql));
    return st.text(0);
}

int64_t Database::lastInsertId() const { return sqlite3_last_insert_rowid(m_db); }

int Database::changes() const { return sqlite3_changes(m_db); }

bool Database::inTransaction() const { return sqlite3_get_autocommit(m_db) == 0; }

std::string Database::errorMessage() const { return sqlite3_errmsg(m_db); }

// Transaction --------------------------------------------------------------------------------------

Transaction::Transaction(Database& db) : m_db(db) {
    if (m_db.inTransaction()) {
        static std::atomic<uint64_t> counter{0};
        m_savepoint = "tb_sp_" + std::to_string(++counter);
        m_db.exec("SAVEPOINT " + m_savepoint);
    } else {
        m_db.exec("BEGIN IMMEDIATE");
    }
}

Transaction::~Transaction() {
    if (m_done) return;
    try {
        if (m_savepoint.empty()) m_db.exec("ROLLBACK");
        else m_db.exec("ROLLBACK TO " + m_savepoint + "; RELEASE " + m_savepoint);
    } catch (...) {
        // A failed rollback means SQLite already rolled back (e.g. after SQLITE_FULL): nothing to undo.
    }
}

void Transaction::commit() {
    m_db.exec(m_savepoint.empty() ? std::string("COMMIT") : "RELEASE " + m_savepoint);
    m_done = true;
}

}  // namespace tokenbench::core
