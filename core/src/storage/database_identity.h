#pragma once
// Private: recognising a project database before anything writes to it. A file that is not an
// SQLite database written by Tokenbench (random bytes, a truncated copy, another program's SQLite
// file) is refused with an error naming it, and is left byte for byte as it was.
//
// Threads: any; each call works on the file or connection it is given.

#include <cstdint>
#include <string>

namespace tokenbench::core {

class Database;

/// SQLite's application_id of a Tokenbench database ("TkBn"); set by schema version 3.
inline constexpr int32_t kTokenbenchApplicationId = 0x546B426E;

/// Checks the file's SQLite header before SQLite opens it: a missing or empty file passes (a new
/// project); anything else must start with the SQLite magic and hold every page its header counts.
/// Throws StorageError "PATH: ...: expected an SQLite database written by Tokenbench".
void checkDatabaseFile(const std::string& path);

/// Checks an open connection's contents: Tokenbench's application id, or (older projects) our
/// schema history, or no tables at all (a new database). Throws StorageError as above.
void checkTokenbenchSchema(Database& db);

}  // namespace tokenbench::core
