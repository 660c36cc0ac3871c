#pragma once
/// A small RAII wrapper over the sqlite3 C API: one connection, prepared statements, transactions.
/// A Database is used by one thread at a time (SQLite's own rule for a connection).

#include <algorithm>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace tokenbench::core {

/// Any failure reported by SQLite, with its message and the statement or file concerned.
class StorageError final : public std::runtime_error {
public:
    explicit StorageError(const std::string& message, int code = 0)
        : std::runtime_error(message), m_code(code) {}
    /// SQLite's extended result code, 0 when the error did not come from SQLite.
    [[nodiscard]] int code() const { return m_code; }

private:
    int m_code;
};

class Database;

/// A prepared statement. Bind with 1-based indexes, step, read with 0-based columns.
class Statement final {
public:
    Statement(Database& db, std::string_view sql);
    ~Statement();
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    Statement(Statement&& other) noexcept;
    Statement& operator=(Statement&&) = delete;

    Statement& bind(int index, int64_t value);
    Statement& bind(int index, int value) { return bind(index, static_cast<int64_t>(value)); }
    Statement& bind(int index, double value);
    Statement& bind(int index, std::string_view text);
    Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
    Statement& bind(int index, const std::string& text) { return bind(index, std::string_view(text)); }
    Statement& bindBlob(int index, const void* data, size_t bytes);
    Statement& bindNull(int index);
    template <typename T>
    Statement& bind(int index, const std::optional<T>& value) {
        return value ? bind(index, *value) : bindNull(index);
    }

    /// Advances; true while a row is available.
    bool step();
    /// Runs a statement that returns no rows (INSERT, UPDATE...).
    void run();
    /// Resets for re-use with new bindings (bindings are cleared).
    void reset();

    [[nodiscard]] bool isNull(int column) const;
    [[nodiscard]] int64_t int64(int column) const;
    [[nodiscard]] double real(int column) const;
    [[nodiscard]] std::string text(int column) const;
    [[nodiscard]] std::optional<std::string> optionalText(int column) const;
    [[nodiscard]] std::vector<uint8_t> blob(int column) const;
    /// Reads a blob of packed native values (written by bindBlob of a vector of T).
    template <typename T>
    [[nodiscard]] std::vector<T> blobAs(int column) const {
        const auto bytes = blob(column);
        std::vector<T> out(bytes.size() / sizeof(T));
        if (!out.empty()) std::copy_n(bytes.data(), out.size() * sizeof(T), reinterpret_cast<uint8_t*>(out.data()));
        return out;
    }

private:
    void check(int rc) const;
    Database* m_db;
    sqlite3_stmt* m_stmt = nullptr;
};

/// How to open a connection.
enum class OpenMode { ReadWriteCreate, ReadWrite, ReadOnly };

/// One SQLite connection. Opening sets foreign keys on and a busy timeout; WAL is set by the store.
class Database final {
public:
    explicit Database(const std::string& path, OpenMode mode = OpenMode::ReadWriteCreate,
                      int busyTimeoutMs = 5000);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    /// Executes one or more statements with no parameters (schema, pragmas).
    void exec(std::string_view sql);
    [[nodiscard]] Statement prepare(std::string_view sql) { return Statement(*this, sql); }
    /// Runs a single-value query (e.g. "PRAGMA user_version").
    [[nodiscard]] int64_t queryInt(std::string_view sql);
    [[nodiscard]] std::string queryText(std::string_view sql);
    [[nodiscard]] int64_t lastInsertId() const;
    [[nodiscard]] int changes() const;
    /// True inside BEGIN ... COMMIT (then Transaction nests as a SAVEPOINT).
    [[nodiscard]] bool inTransaction() const;
    [[nodiscard]] const std::string& path() const { return m_path; }
    [[nodiscard]] sqlite3* handle() const { return m_db; }
    /// The message of the last error, for composing exceptions.
    [[nodiscard]] std::string errorMessage() const;

private:
    sqlite3* m_db = nullptr;
    std::string m_path;
};

/// Begins a transaction (IMMEDIATE: takes the write lock at once, so busy waits happen here and not
/// half-way). Rolls back on destruction unless commit() was called: an exception leaves no partial write.
/// Inside another transaction it becomes a SAVEPOINT, so store methods compose into one batch.
class Transaction final {
public:
    explicit Transaction(Database& db);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    void commit();

private:
    Database& m_db;
    std::string m_savepoint;  ///< empty for an outermost transaction
    bool m_done = false;
};

}  // namespace tokenbench::core
