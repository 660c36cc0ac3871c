#pragma once
/// Versioned schema of the experiment store and the forward migrations that build it.

#include <string>
#include <vector>

namespace tokenbench::core {

class Database;

/// One forward step of the schema: version N is reached by running `sql` on version N-1.
struct Migration final {
    int version;
    std::string description;
    std::string sql;
};

/// The project's migrations, in order. Versions are 1, 2, 3... without gaps.
[[nodiscard]] const std::vector<Migration>& schemaMigrations();

/// Schema version this build writes (the last migration's version).
[[nodiscard]] int latestSchemaVersion();

/// Applies every migration above the database's `PRAGMA user_version`, each in its own
/// transaction together with the version bump and a row in `schema_history`. Returns the version
/// reached. Throws StorageError when the database is newer than `migrations` know (opened by a newer
/// Tokenbench) or a step fails; a failed step leaves the database at the previous version.
int migrate(Database& db, const std::vector<Migration>& migrations = schemaMigrations());

}  // namespace tokenbench::core
