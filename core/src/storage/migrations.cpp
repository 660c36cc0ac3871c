#include "tokenbench/storage/migrations.h"

#include "tokenbench/storage/database.h"
#include "tokenbench/storage/experiment_store.h"
#include "tokenbench/version.h"

namespace tokenbench::core {

namespace {

// Version 1: the whole experiment store. Blobs hold packed little-endian arrays (int32 item ids,
// int64 timestamps, float32 matrices) because per-interaction rows would make a 200k-interaction
// data set ten times larger and slower to load.
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE datasets (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL UNIQUE CHECK (length(name) > 0),
  source      TEXT NOT NULL DEFAULT '',
  format      TEXT NOT NULL DEFAULT '',
  config_json TEXT NOT NULL DEFAULT '{}',
  stats_json  TEXT NOT NULL DEFAULT '{}',
  data_hash   TEXT NOT NULL DEFAULT '',
  created_at  TEXT NOT NULL
);
CREATE TABLE dataset_users (
  dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  user_idx   INTEGER NOT NULL,
  raw_id     TEXT NOT NULL,
  PRIMARY KEY (dataset_id, user_idx)
) WITHOUT ROWID;
CREATE TABLE dataset_items (
  dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  item_idx   INTEGER NOT NULL,
  raw_id     TEXT NOT NULL,
  title       TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  attributes  BLOB NOT NULL,
  PRIMARY KEY (dataset_id, item_idx)
) WITHOUT ROWID;
CREATE INDEX dataset_items_by_raw_id ON dataset_items(dataset_id, raw_id);
CREATE TABLE attribute_vocab (
  dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  attr_idx   INTEGER NOT NULL,
  field      TEXT NOT NULL,
  name       TEXT NOT NULL,
  PRIMARY KEY (dataset_id, attr_idx)
) WITHOUT ROWID;
CREATE TABLE user_sequences (
  dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  user_idx   INTEGER NOT NULL,
  items      BLOB NOT NULL,
  timestamps BLOB,
  ratings    BLOB,
  PRIMARY KEY (dataset_id, user_idx)
) WITHOUT ROWID;
CREATE TABLE dataset_splits (
  id          INTEGER PRIMARY KEY,
  dataset_id  INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  name        TEXT NOT NULL,
  method      TEXT NOT NULL,
  config_json TEXT NOT NULL DEFAULT '{}',
  stats_json  TEXT NOT NULL DEFAULT '{}',
  created_at  TEXT NOT NULL,
  UNIQUE (dataset_id, name)
);
CREATE TABLE feature_sets (
  id          INTEGER PRIMARY KEY,
  dataset_id  INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  name        TEXT NOT NULL,
  kind        TEXT NOT NULL,
  rows        INTEGER NOT NULL CHECK (rows >= 0),
  dim         INTEGER NOT NULL CHECK (dim > 0),
  config_json TEXT NOT NULL DEFAULT '{}',
  matrix      BLOB NOT NULL,
  created_at  TEXT NOT NULL,
  UNIQUE (dataset_id, name)
);
CREATE TABLE runs (
  id                INTEGER PRIMARY KEY,
  kind              TEXT NOT NULL CHECK (kind IN ('tokenizer', 'model')),
  component_id      TEXT NOT NULL,
  component_version INTEGER NOT NULL,
  name              TEXT NOT NULL DEFAULT '',
  dataset_id        INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  status            TEXT NOT NULL
                    CHECK (status IN ('created', 'running', 'completed', 'failed', 'cancelled')),
  created_at        TEXT NOT NULL,
  started_at        TEXT,
  finished_at       TEXT,
  summary_json      TEXT NOT NULL DEFAULT '{}',
  message           TEXT NOT NULL DEFAULT ''
);
CREATE INDEX runs_by_dataset ON runs(dataset_id);
CREATE TABLE run_configs (
  run_id       INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
  config_json  TEXT NOT NULL,
  seed         INTEGER NOT NULL,
  data_hash    TEXT NOT NULL,
  code_version TEXT NOT NULL,
  device       TEXT NOT NULL
);
CREATE TABLE tokenizer_runs (
  run_id         INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
  feature_set_id INTEGER REFERENCES feature_sets(id) ON DELETE SET NULL
);
CREATE TABLE model_runs (
  run_id           INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
  tokenizer_run_id INTEGER REFERENCES runs(id) ON DELETE CASCADE,
  split_id         INTEGER REFERENCES dataset_splits(id) ON DELETE SET NULL
);
CREATE TABLE semantic_ids (
  run_id   INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  item_idx INTEGER NOT NULL,
  codes    BLOB NOT NULL,
  PRIMARY KEY (run_id, item_idx)
) WITHOUT ROWID;
CREATE TABLE metrics (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  step   INTEGER NOT NULL,
  epoch  INTEGER NOT NULL,
  split  TEXT NOT NULL,
  name   TEXT NOT NULL,
  value  REAL,
  time   REAL NOT NULL
);
CREATE INDEX metrics_by_series ON metrics(run_id, name, split, step);
CREATE TABLE codebook_snapshots (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  step   INTEGER NOT NULL,
  level  INTEGER NOT NULL,
  codes  INTEGER NOT NULL,
  usage  BLOB NOT NULL,
  PRIMARY KEY (run_id, step, level)
) WITHOUT ROWID;
CREATE TABLE attention_maps (
  id          INTEGER PRIMARY KEY,
  run_id      INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  user_idx    INTEGER NOT NULL,
  layer       INTEGER NOT NULL,
  head        INTEGER NOT NULL,
  rows        INTEGER NOT NULL,
  cols        INTEGER NOT NULL,
  weights     BLOB NOT NULL,
  labels_json TEXT NOT NULL DEFAULT '[]',
  created_at  TEXT NOT NULL,
  UNIQUE (run_id, user_idx, layer, head)
);
CREATE TABLE artifacts (
  id         INTEGER PRIMARY KEY,
  run_id     INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  kind       TEXT NOT NULL,
  path       TEXT NOT NULL,
  sha256     TEXT NOT NULL,
  bytes      INTEGER NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX artifacts_by_run ON artifacts(run_id);
CREATE TABLE run_events (
  id      INTEGER PRIMARY KEY,
  run_id  INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  time    REAL NOT NULL,
  level   TEXT NOT NULL,
  kind    TEXT NOT NULL,
  message TEXT NOT NULL
);
CREATE INDEX run_events_by_run ON run_events(run_id);
)sql";

// Version 2: run groups (repeats with several seeds, sweeps) and per-target ranks, so runs can be
// compared user by user.
constexpr const char* kSchemaV2 = R"sql(
CREATE TABLE run_groups (
  id          INTEGER PRIMARY KEY,
  kind        TEXT NOT NULL,
  label       TEXT NOT NULL,
  config_json TEXT NOT NULL DEFAULT '{}',
  created_at  TEXT NOT NULL
);
ALTER TABLE runs ADD COLUMN group_id INTEGER REFERENCES run_groups(id) ON DELETE SET NULL;
CREATE INDEX runs_by_group ON runs(group_id);
CREATE TABLE target_ranks (
  run_id   INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  split    TEXT NOT NULL,
  position INTEGER NOT NULL,
  user_idx INTEGER NOT NULL,
  item_idx INTEGER NOT NULL,
  rank     INTEGER NOT NULL,
  PRIMARY KEY (run_id, split, position)
) WITHOUT ROWID;
)sql";

// Version 3: the 'interrupted' status (a run whose process died; it can be resumed) and
// Tokenbench's application id. SQLite cannot change a CHECK constraint in place, so runs is
// rebuilt; migrate() runs migrations with foreign keys off, or dropping runs would cascade.
constexpr const char* kSchemaV3 = R"sql(
CREATE TABLE runs_v3 (
  id                INTEGER PRIMARY KEY,
  kind              TEXT NOT NULL CHECK (kind IN ('tokenizer', 'model')),
  component_id      TEXT NOT NULL,
  component_version INTEGER NOT NULL,
  name              TEXT NOT NULL DEFAULT '',
  dataset_id        INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  status            TEXT NOT NULL
                    CHECK (status IN ('created', 'running', 'completed', 'failed', 'cancelled', 'interrupted')),
  created_at        TEXT NOT NULL,
  started_at        TEXT,
  finished_at       TEXT,
  summary_json      TEXT NOT NULL DEFAULT '{}',
  message           TEXT NOT NULL DEFAULT '',
  group_id          INTEGER REFERENCES run_groups(id) ON DELETE SET NULL
);
INSERT INTO runs_v3 (id, kind, component_id, component_version, name, dataset_id, status, created_at, started_at,
                     finished_at, summary_json, message, group_id)
  SELECT id, kind, component_id, component_version, name, dataset_id, status, created_at, started_at,
         finished_at, summary_json, message, group_id FROM runs;
DROP TABLE runs;
ALTER TABLE runs_v3 RENAME TO runs;
CREATE INDEX runs_by_dataset ON runs(dataset_id);
CREATE INDEX runs_by_group ON runs(group_id);
PRAGMA application_id = 1416315502;
)sql";

}  // namespace

const std::vector<Migration>& schemaMigrations() {
    static const std::vector<Migration> migrations = {
        {1, "experiment store: data sets, features, runs, metrics, codebooks, attention, artifacts", kSchemaV1},
        {2, "run groups (repeats, sweeps) and per-target ranks for paired comparisons", kSchemaV2},
        {3, "the interrupted run status and Tokenbench's application id", kSchemaV3},
    };
    return migrations;
}

int latestSchemaVersion() { return schemaMigrations().back().version; }

namespace {

int storedVersion(Database& db) { return static_cast<int>(db.queryInt("PRAGMA user_version")); }

/// Applies the migrations after the stored version, each in its own IMMEDIATE transaction. The
/// version is read again under the write lock: another process opening the same new project at
/// the same moment may have migrated it while this one waited.
int applyMigrations(Database& db, const std::vector<Migration>& migrations) {
    int version = storedVersion(db);
    for (const Migration& migration : migrations) {
        if (migration.version <= version) continue;
        Transaction tx(db);
        version = storedVersion(db);
        if (migration.version <= version) continue;  // done by another process meanwhile
        if (migration.version != version + 1) {
            throw StorageError("schema migrations have a gap before version " + std::to_string(migration.version));
        }
        db.exec("CREATE TABLE IF NOT EXISTS schema_history (version INTEGER PRIMARY KEY, "
                "description TEXT NOT NULL, applied_at TEXT NOT NULL, code_version TEXT NOT NULL)");
        try {
            db.exec(migration.sql);
            if (db.queryInt("SELECT count(*) FROM pragma_foreign_key_check") > 0)
                throw StorageError("rows would break a foreign key");
        } catch (const StorageError& e) {
            throw StorageError("schema migration to version " + std::to_string(migration.version) +
                               " failed: " + e.what(), e.code());
        }
        db.prepare("INSERT INTO schema_history(version, description, applied_at, code_version) VALUES (?,?,?,?)")
            .bind(1, migration.version)
            .bind(2, migration.description)
            .bind(3, isoTimestampNow())
            .bind(4, std::string(versionString()) + "+" + gitCommit())
            .run();
        // PRAGMA takes no bound parameters; the version is an int we own.
        db.exec("PRAGMA user_version = " + std::to_string(migration.version));
        tx.commit();
        version = migration.version;
    }
    return version;
}

}  // namespace

int migrate(Database& db, const std::vector<Migration>& migrations) {
    const int version = storedVersion(db);
    const int latest = migrations.empty() ? 0 : migrations.back().version;
    if (version > latest) {
        throw StorageError("database " + db.path() + " has schema version " + std::to_string(version) +
                           ", newer than this Tokenbench supports (" + std::to_string(latest) +
                           "): open it with a newer version");
    }
    if (version == latest) return version;
    // Rebuilding a table (version 3) must not cascade deletes; PRAGMA foreign_keys only changes
    // outside a transaction, so it is switched around the whole sequence.
    db.exec("PRAGMA foreign_keys = OFF");
    try {
        const int reached = applyMigrations(db, migrations);
        db.exec("PRAGMA foreign_keys = ON");
        return reached;
    } catch (...) {
        db.exec("PRAGMA foreign_keys = ON");
        throw;
    }
}

}  // namespace tokenbench::core
