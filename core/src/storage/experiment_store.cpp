#include "tokenbench/storage/experiment_store.h"

#include <chrono>
#include <cmath>
#include <ctime>
#include <limits>
#include <thread>

#include <nlohmann/json.hpp>

#include "tokenbench/data/dataset_json.h"
#include "tokenbench/storage/database.h"
#include "tokenbench/storage/migrations.h"
#include "tokenbench/storage/sha256.h"
#include "storage/database_identity.h"
#include "storage/run_lease.h"
#include "tokenbench/version.h"

namespace tokenbench::core {

namespace {

template <typename T>
void bindVector(Statement& st, int index, const std::vector<T>& values) {
    st.bindBlob(index, values.data(), values.size() * sizeof(T));
}

// Optional per-interaction arrays are stored as NULL when absent so "no timestamps" stays distinct
// from "zero timestamps".
template <typename T>
void bindOptionalVector(Statement& st, int index, const std::vector<T>& values) {
    if (values.empty()) st.bindNull(index);
    else bindVector(st, index, values);
}

std::string codeVersion() { return std::string(versionString()) + "+" + gitCommit(); }

RunRecord readRun(Statement& st) {
    RunRecord r;
    r.id = st.int64(0);
    r.kind = runKindFromString(st.text(1));
    r.componentId = st.text(2);
    r.componentVersion = static_cast<int>(st.int64(3));
    r.name = st.text(4);
    r.datasetId = st.int64(5);
    r.datasetName = st.text(6);
    r.status = runStatusFromString(st.text(7));
    r.createdAt = st.text(8);
    r.startedAt = st.optionalText(9);
    r.finishedAt = st.optionalText(10);
    r.summaryJson = st.text(11);
    r.message = st.text(12);
    r.configJson = st.text(13);
    r.seed = static_cast<uint64_t>(st.int64(14));
    r.dataHash = st.text(15);
    r.codeVersion = st.text(16);
    r.device = st.text(17);
    if (!st.isNull(18)) r.featureSetId = st.int64(18);
    if (!st.isNull(19)) r.tokenizerRunId = st.int64(19);
    if (!st.isNull(20)) r.groupId = st.int64(20);
    return r;
}

constexpr const char* kRunSelect = R"sql(
SELECT r.id, r.kind, r.component_id, r.component_version, r.name, r.dataset_id, d.name, r.status,
       r.created_at, r.started_at, r.finished_at, r.summary_json, r.message,
       c.config_json, c.seed, c.data_hash, c.code_version, c.device,
       t.feature_set_id, m.tokenizer_run_id, r.group_id
FROM runs r
JOIN datasets d ON d.id = r.dataset_id
JOIN run_configs c ON c.run_id = r.id
LEFT JOIN tokenizer_runs t ON t.run_id = r.id
LEFT JOIN model_runs m ON m.run_id = r.id
)sql";

DatasetRecord readDataset(Statement& st) {
    DatasetRecord d;
    d.id = st.int64(0);
    d.name = st.text(1);
    d.source = st.text(2);
    d.format = st.text(3);
    d.configJson = st.text(4);
    d.statsJson = st.text(5);
    d.dataHash = st.text(6);
    d.createdAt = st.text(7);
    return d;
}

constexpr const char* kDatasetSelect =
    "SELECT id, name, source, format, config_json, stats_json, data_hash, created_at FROM datasets";

}  // namespace

std::string isoTimestampNow() {
    const auto now = std::chrono::system_clock::now();
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
    const std::time_t t = std::chrono::system_clock::to_time_t(now);
    std::tm utc{};
    gmtime_r(&t, &utc);
    char buffer[40];
    std::snprintf(buffer, sizeof(buffer), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900, utc.tm_mon + 1,
                  utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, static_cast<int>(ms));
    return buffer;
}

double unixTimeNow() {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

namespace {

constexpr int kBusyTimeoutMs = 30000;  // several processes may share a project; writes are short

bool isBusy(const StorageError& e) {
    const int primary = e.code() & 0xFF;
    return primary == 5 /* SQLITE_BUSY */ || primary == 6 /* SQLITE_LOCKED */;
}

/// Switches to WAL. The switch needs a moment alone with the file, and SQLite does not wait for
/// it through the busy timeout, so a project other processes are opening is retried a while.
void useWriteAheadLog(Database& db, const std::string& dbPath) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kBusyTimeoutMs);
    for (;;) {
        try {
            const std::string mode = db.queryText("PRAGMA journal_mode = WAL");
            if (mode != "wal") throw StorageError("cannot switch " + dbPath + " to WAL mode (got '" + mode + "')");
            return;
        } catch (const StorageError& e) {
            if (!isBusy(e) || std::chrono::steady_clock::now() > deadline) throw;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

}  // namespace

ExperimentStore::ExperimentStore(const std::string& dbPath, Access access) {
    // Refuse a foreign or damaged file before anything could write to it.
    checkDatabaseFile(dbPath);
    if (access == Access::ReadOnly) {
        m_db = std::make_unique<Database>(dbPath, OpenMode::ReadOnly, kBusyTimeoutMs);
        checkTokenbenchSchema(*m_db);
        const int version = static_cast<int>(m_db->queryInt("PRAGMA user_version"));
        if (version != latestSchemaVersion()) {
            throw StorageError("database " + dbPath + " has schema version " + std::to_string(version) +
                               ", expected " + std::to_string(latestSchemaVersion()) +
                               " (open it read-write once to migrate)");
        }
        return;
    }
    m_db = std::make_unique<Database>(dbPath, OpenMode::ReadWriteCreate, kBusyTimeoutMs);
    checkTokenbenchSchema(*m_db);
    // WAL: readers never block the writer thread and a killed process loses no committed epoch.
    useWriteAheadLog(*m_db, dbPath);
    // NORMAL is durable in WAL mode against process crashes; only a power loss may drop the last commit.
    m_db->exec("PRAGMA synchronous = NORMAL");
    migrate(*m_db);
    markInterruptedRuns();
}

void ExperimentStore::markInterruptedRuns() {
    const std::string query = "SELECT id FROM runs WHERE status IN ('created', 'running')";
    if (!m_db->prepare(query).step()) return;
    // Under the write lock: a process starting or resuming a run takes its lease before it
    // writes 'running', so a run read here as running without a lease has no owner.
    Transaction tx(*m_db);
    std::vector<int64_t> orphans;
    auto st = m_db->prepare(query);
    while (st.step())
        if (!runLeaseHeld(m_db->path(), st.int64(0))) orphans.push_back(st.int64(0));
    auto mark = m_db->prepare(
        "UPDATE runs SET status = 'interrupted', finished_at = ?, "
        "message = 'its process ended without finishing it; resume it to continue from its last checkpoint' "
        "WHERE id = ?");
    for (int64_t id : orphans) mark.bind(1, isoTimestampNow()).bind(2, id).run();
    tx.commit();
}

ExperimentStore::~ExperimentStore() = default;

Database& ExperimentStore::database() { return *m_db; }

int ExperimentStore::schemaVersion() { return static_cast<int>(m_db->queryInt("PRAGMA user_version")); }

std::string ExperimentStore::journalMode() { return m_db->queryText("PRAGMA journal_mode"); }

std::string ExperimentStore::integrityCheck() {
    auto st = m_db->prepare("PRAGMA integrity_check");
    std::string result;
    while (st.step()) {
        if (!result.empty()) result += "\n";
        result += st.text(0);
    }
    return result;
}

// Data sets ------------------------------------------------------------------------------------------

int64_t ExperimentStore::saveDataset(const std::string& name, const Dataset& dataset, const std::string& source,
                                     const std::string& format, const std::string& configJson) {
    const std::string stats = statsToJson(computeStats(dataset));
    const std::string hash = datasetHash(dataset);
    Transaction tx(*m_db);
    m_db->prepare("INSERT INTO datasets(name, source, format, config_json, stats_json, data_hash, created_at) "
                  "VALUES (?,?,?,?,?,?,?)")
        .bind(1, name)
        .bind(2, source)
        .bind(3, format)
        .bind(4, configJson)
        .bind(5, stats)
        .bind(6, hash)
        .bind(7, isoTimestampNow())
        .run();
    const int64_t id = m_db->lastInsertId();

    auto insertVocab = m_db->prepare("INSERT INTO attribute_vocab(dataset_id, attr_idx, field, name) VALUES (?,?,?,?)");
    for (size_t a = 0; a < dataset.attributeVocab.size(); ++a) {
        insertVocab.bind(1, id).bind(2, static_cast<int64_t>(a));
        insertVocab.bind(3, dataset.attributeVocab[a].field).bind(4, dataset.attributeVocab[a].name).run();
    }
    auto insertItem = m_db->prepare(
        "INSERT INTO dataset_items(dataset_id, item_idx, raw_id, title, description, attributes) VALUES (?,?,?,?,?,?)");
    for (size_t i = 0; i < dataset.items.size(); ++i) {
        const ItemInfo& item = dataset.items[i];
        insertItem.bind(1, id).bind(2, static_cast<int64_t>(i)).bind(3, item.rawId).bind(4, item.title);
        insertItem.bind(5, item.description);
        bindVector(insertItem, 6, item.attributes);
        insertItem.run();
    }
    auto insertUser = m_db->prepare("INSERT INTO dataset_users(dataset_id, user_idx, raw_id) VALUES (?,?,?)");
    auto insertSequence = m_db->prepare(
        "INSERT INTO user_sequences(dataset_id, user_idx, items, timestamps, ratings) VALUES (?,?,?,?,?)");
    for (size_t u = 0; u < dataset.users.size(); ++u) {
        const UserSequence& user = dataset.users[u];
        insertUser.bind(1, id).bind(2, static_cast<int64_t>(u)).bind(3, user.rawId).run();
        insertSequence.bind(1, id).bind(2, static_cast<int64_t>(u));
        bindVector(insertSequence, 3, user.items);
        bindOptionalVector(insertSequence, 4, user.timestamps);
        bindOptionalVector(insertSequence, 5, user.ratings);
        insertSequence.run();
    }
    tx.commit();
    return id;
}

std::vector<DatasetRecord> ExperimentStore::listDatasets() {
    auto st = m_db->prepare(std::string(kDatasetSelect) + " ORDER BY id");
    std::vector<DatasetRecord> out;
    while (st.step()) out.push_back(readDataset(st));
    return out;
}

std::optional<DatasetRecord> ExperimentStore::findDataset(const std::string& name) {
    auto st = m_db->prepare(std::string(kDatasetSelect) + " WHERE name = ?");
    st.bind(1, name);
    if (!st.step()) return std::nullopt;
    return readDataset(st);
}

Dataset ExperimentStore::loadDataset(int64_t datasetId) {
    Dataset d;
    auto vocab = m_db->prepare("SELECT field, name FROM attribute_vocab WHERE dataset_id = ? ORDER BY attr_idx");
    vocab.bind(1, datasetId);
    while (vocab.step()) d.attributeVocab.push_back({vocab.text(0), vocab.text(1)});

    auto items = m_db->prepare(
        "SELECT raw_id, title, description, attributes FROM dataset_items WHERE dataset_id = ? ORDER BY item_idx");
    items.bind(1, datasetId);
    while (items.step()) d.items.push_back({items.text(0), items.text(1), items.text(2), items.blobAs<int32_t>(3)});

    auto users = m_db->prepare(
        "SELECT u.raw_id, s.items, s.timestamps, s.ratings FROM dataset_users u "
        "JOIN user_sequences s ON s.dataset_id = u.dataset_id AND s.user_idx = u.user_idx "
        "WHERE u.dataset_id = ? ORDER BY u.user_idx");
    users.bind(1, datasetId);
    while (users.step()) {
        UserSequence s;
        s.rawId = users.text(0);
        s.items = users.blobAs<int32_t>(1);
        s.timestamps = users.blobAs<int64_t>(2);
        s.ratings = users.blobAs<float>(3);
        d.users.push_back(std::move(s));
    }
    if (d.items.empty() && d.users.empty()) {
        auto exists = m_db->prepare("SELECT 1 FROM datasets WHERE id = ?");
        exists.bind(1, datasetId);
        if (!exists.step()) throw StorageError("no data set with id " + std::to_string(datasetId));
    }
    return d;
}

void ExperimentStore::deleteDataset(int64_t datasetId) {
    Transaction tx(*m_db);
    m_db->prepare("DELETE FROM datasets WHERE id = ?").bind(1, datasetId).run();
    tx.commit();
}

// Splits and feature sets ---------------------------------------------------------------------------

int64_t ExperimentStore::saveSplit(int64_t datasetId, const std::string& name, const std::string& method,
                                   const std::string& configJson, const std::string& statsJson) {
    m_db->prepare(
            "INSERT INTO dataset_splits(dataset_id, name, method, config_json, stats_json, created_at) VALUES (?,?,?,?,?,?) "
            "ON CONFLICT(dataset_id, name) DO UPDATE SET method = excluded.method, config_json = excluded.config_json, "
            "stats_json = excluded.stats_json, created_at = excluded.created_at")
        .bind(1, datasetId)
        .bind(2, name)
        .bind(3, method)
        .bind(4, configJson)
        .bind(5, statsJson)
        .bind(6, isoTimestampNow())
        .run();
    auto st = m_db->prepare("SELECT id FROM dataset_splits WHERE dataset_id = ? AND name = ?");
    st.bind(1, datasetId).bind(2, name);
    st.step();
    return st.int64(0);
}

std::vector<SplitRecord> ExperimentStore::listSplits(int64_t datasetId) {
    auto st = m_db->prepare(
        "SELECT id, dataset_id, name, method, config_json, stats_json, created_at FROM dataset_splits "
        "WHERE dataset_id = ? ORDER BY id");
    st.bind(1, datasetId);
    std::vector<SplitRecord> out;
    while (st.step()) out.push_back({st.int64(0), st.int64(1), st.text(2), st.text(3), st.text(4), st.text(5), st.text(6)});
    return out;
}

int64_t ExperimentStore::saveFeatureSet(int64_t datasetId, const std::string& name, const std::string& kind,
                                        const FeatureMatrix& matrix, const std::string& configJson) {
    if (matrix.values.size() != static_cast<size_t>(matrix.rows * matrix.dim))
        throw StorageError("feature matrix '" + name + "' holds " + std::to_string(matrix.values.size()) +
                           " values for " + std::to_string(matrix.rows) + "x" + std::to_string(matrix.dim));
    auto st = m_db->prepare(
        "INSERT INTO feature_sets(dataset_id, name, kind, rows, dim, config_json, matrix, created_at) "
        "VALUES (?,?,?,?,?,?,?,?)");
    st.bind(1, datasetId).bind(2, name).bind(3, kind).bind(4, matrix.rows).bind(5, matrix.dim).bind(6, configJson);
    bindVector(st, 7, matrix.values);
    st.bind(8, isoTimestampNow()).run();
    return m_db->lastInsertId();
}

namespace {
constexpr const char* kFeatureSetSelect =
    "SELECT id, dataset_id, name, kind, rows, dim, config_json, created_at FROM feature_sets";

FeatureSetRecord readFeatureSet(Statement& st) {
    return {st.int64(0), st.int64(1), st.text(2), st.text(3), st.int64(4), st.int64(5), st.text(6), st.text(7)};
}
}  // namespace

std::vector<FeatureSetRecord> ExperimentStore::listFeatureSets(std::optional<int64_t> datasetId) {
    auto st = m_db->prepare(std::string(kFeatureSetSelect) + " WHERE (? IS NULL OR dataset_id = ?) ORDER BY id");
    st.bind(1, datasetId).bind(2, datasetId);
    std::vector<FeatureSetRecord> out;
    while (st.step()) out.push_back(readFeatureSet(st));
    return out;
}

std::optional<FeatureSetRecord> ExperimentStore::findFeatureSet(int64_t datasetId, const std::string& name) {
    auto st = m_db->prepare(std::string(kFeatureSetSelect) + " WHERE dataset_id = ? AND name = ?");
    st.bind(1, datasetId).bind(2, name);
    if (!st.step()) return std::nullopt;
    return readFeatureSet(st);
}

FeatureMatrix ExperimentStore::loadFeatureMatrix(int64_t featureSetId) {
    auto st = m_db->prepare("SELECT rows, dim, matrix FROM feature_sets WHERE id = ?");
    st.bind(1, featureSetId);
    if (!st.step()) throw StorageError("no feature set with id " + std::to_string(featureSetId));
    FeatureMatrix m;
    m.rows = st.int64(0);
    m.dim = st.int64(1);
    m.values = st.blobAs<float>(2);
    if (m.values.size() != static_cast<size_t>(m.rows * m.dim))
        throw StorageError("feature set " + std::to_string(featureSetId) + " is damaged (size mismatch)");
    return m;
}

// Runs -----------------------------------------------------------------------------------------------

int64_t ExperimentStore::createRun(const RunSpec& spec, const std::function<void(int64_t)>& beforeCommit) {
    Transaction tx(*m_db);
    m_db->prepare("INSERT INTO runs(kind, component_id, component_version, name, dataset_id, status, created_at, "
                  "group_id) VALUES (?,?,?,?,?,'created',?,?)")
        .bind(1, toString(spec.kind))
        .bind(2, spec.componentId)
        .bind(3, spec.componentVersion)
        .bind(4, spec.name)
        .bind(5, spec.datasetId)
        .bind(6, isoTimestampNow())
        .bind(7, spec.groupId)
        .run();
    const int64_t id = m_db->lastInsertId();
    m_db->prepare("INSERT INTO run_configs(run_id, config_json, seed, data_hash, code_version, device) "
                  "VALUES (?,?,?,?,?,?)")
        .bind(1, id)
        .bind(2, spec.configJson)
        .bind(3, static_cast<int64_t>(spec.seed))
        .bind(4, spec.dataHash)
        .bind(5, spec.codeVersion.empty() ? codeVersion() : spec.codeVersion)
        .bind(6, spec.device)
        .run();
    if (spec.kind == RunKind::Tokenizer) {
        m_db->prepare("INSERT INTO tokenizer_runs(run_id, feature_set_id) VALUES (?,?)")
            .bind(1, id)
            .bind(2, spec.featureSetId)
            .run();
    } else {
        m_db->prepare("INSERT INTO model_runs(run_id, tokenizer_run_id) VALUES (?,?)")
            .bind(1, id)
            .bind(2, spec.tokenizerRunId)
            .run();
    }
    if (beforeCommit) beforeCommit(id);
    tx.commit();
    return id;
}

void ExperimentStore::markRunStarted(int64_t runId) {
    auto st = m_db->prepare("UPDATE runs SET status = 'running', started_at = ? WHERE id = ?");
    st.bind(1, isoTimestampNow()).bind(2, runId).run();
    if (m_db->changes() == 0) throw StorageError("no run with id " + std::to_string(runId));
}

void ExperimentStore::finishRun(int64_t runId, RunStatus status, const std::string& summaryJson,
                                const std::string& message) {
    auto st = m_db->prepare("UPDATE runs SET status = ?, finished_at = ?, summary_json = ?, message = ? WHERE id = ?");
    st.bind(1, toString(status)).bind(2, isoTimestampNow()).bind(3, summaryJson).bind(4, message).bind(5, runId).run();
    if (m_db->changes() == 0) throw StorageError("no run with id " + std::to_string(runId));
}

std::vector<RunRecord> ExperimentStore::listRuns() {
    auto st = m_db->prepare(std::string(kRunSelect) + " ORDER BY r.id");
    std::vector<RunRecord> out;
    while (st.step()) out.push_back(readRun(st));
    return out;
}

std::optional<RunRecord> ExperimentStore::findRun(int64_t runId) {
    auto st = m_db->prepare(std::string(kRunSelect) + " WHERE r.id = ?");
    st.bind(1, runId);
    if (!st.step()) return std::nullopt;
    return readRun(st);
}

// Run groups and per-target ranks --------------------------------------------------------------------

int64_t ExperimentStore::createRunGroup(const std::string& kind, const std::string& label,
                                        const std::string& configJson) {
    m_db->prepare("INSERT INTO run_groups(kind, label, config_json, created_at) VALUES (?,?,?,?)")
        .bind(1, kind)
        .bind(2, label)
        .bind(3, configJson)
        .bind(4, isoTimestampNow())
        .run();
    return m_db->lastInsertId();
}

std::vector<RunGroupRecord> ExperimentStore::listRunGroups() {
    auto st = m_db->prepare("SELECT id, kind, label, config_json, created_at FROM run_groups ORDER BY id");
    std::vector<RunGroupRecord> out;
    while (st.step()) out.push_back({st.int64(0), st.text(1), st.text(2), st.text(3), st.text(4)});
    return out;
}

std::optional<RunGroupRecord> ExperimentStore::findRunGroup(int64_t groupId) {
    auto st = m_db->prepare("SELECT id, kind, label, config_json, created_at FROM run_groups WHERE id = ?");
    st.bind(1, groupId);
    if (!st.step()) return std::nullopt;
    return RunGroupRecord{st.int64(0), st.text(1), st.text(2), st.text(3), st.text(4)};
}

std::vector<int64_t> ExperimentStore::groupRuns(int64_t groupId) {
    auto st = m_db->prepare("SELECT id FROM runs WHERE group_id = ? ORDER BY id");
    st.bind(1, groupId);
    std::vector<int64_t> out;
    while (st.step()) out.push_back(st.int64(0));
    return out;
}

void ExperimentStore::saveTargetRanks(int64_t runId, const std::string& split, const TargetRanks& ranks) {
    if (ranks.users.size() != ranks.ranks.size() || ranks.items.size() != ranks.ranks.size())
        throw StorageError("target ranks of run " + std::to_string(runId) + ": users, items and ranks differ in length");
    Transaction tx(*m_db);
    m_db->prepare("DELETE FROM target_ranks WHERE run_id = ? AND split = ?").bind(1, runId).bind(2, split).run();
    auto st = m_db->prepare(
        "INSERT INTO target_ranks(run_id, split, position, user_idx, item_idx, rank) VALUES (?,?,?,?,?,?)");
    for (size_t i = 0; i < ranks.ranks.size(); ++i) {
        st.bind(1, runId)
            .bind(2, split)
            .bind(3, static_cast<int64_t>(i))
            .bind(4, ranks.users[i])
            .bind(5, ranks.items[i])
            .bind(6, ranks.ranks[i])
            .run();
    }
    tx.commit();
}

TargetRanks ExperimentStore::targetRanks(int64_t runId, const std::string& split) {
    auto st = m_db->prepare(
        "SELECT user_idx, item_idx, rank FROM target_ranks WHERE run_id = ? AND split = ? ORDER BY position");
    st.bind(1, runId).bind(2, split);
    TargetRanks out;
    while (st.step()) {
        out.users.push_back(static_cast<int32_t>(st.int64(0)));
        out.items.push_back(static_cast<int32_t>(st.int64(1)));
        out.ranks.push_back(st.int64(2));
    }
    return out;
}

// Series and snapshots -------------------------------------------------------------------------------

void ExperimentStore::appendMetrics(const std::vector<MetricPoint>& points) {
    Transaction tx(*m_db);
    auto st = m_db->prepare("INSERT INTO metrics(run_id, step, epoch, split, name, value, time) VALUES (?,?,?,?,?,?,?)");
    for (const MetricPoint& p : points) {
        st.bind(1, p.runId).bind(2, p.step).bind(3, p.epoch).bind(4, p.split).bind(5, p.name);
        if (std::isfinite(p.value)) st.bind(6, p.value);
        else st.bindNull(6);  // SQLite has no NaN; NULL reads back as NaN
        st.bind(7, p.time).run();
    }
    tx.commit();
}

void ExperimentStore::discardMetricsAfter(int64_t runId, int64_t epoch) {
    auto st = m_db->prepare("DELETE FROM metrics WHERE run_id = ? AND epoch > ?");
    st.bind(1, runId).bind(2, epoch).run();
}

std::vector<MetricPoint> ExperimentStore::metricSeries(int64_t runId, const std::string& name, const std::string& split) {
    auto st = m_db->prepare(
        "SELECT run_id, step, epoch, split, name, value, time FROM metrics "
        "WHERE run_id = ? AND name = ? AND (? = '' OR split = ?) ORDER BY step, rowid");
    st.bind(1, runId).bind(2, name).bind(3, split).bind(4, split);
    std::vector<MetricPoint> out;
    while (st.step()) {
        out.push_back({st.int64(0), st.int64(1), st.int64(2), st.text(3), st.text(4),
                       st.isNull(5) ? std::numeric_limits<double>::quiet_NaN() : st.real(5), st.real(6)});
    }
    return out;
}

void ExperimentStore::appendCodebookSnapshots(const std::vector<CodebookSnapshot>& snapshots) {
    Transaction tx(*m_db);
    auto st = m_db->prepare(
        "INSERT OR REPLACE INTO codebook_snapshots(run_id, step, level, codes, usage) VALUES (?,?,?,?,?)");
    for (const CodebookSnapshot& s : snapshots) {
        st.bind(1, s.runId).bind(2, s.step).bind(3, s.level).bind(4, static_cast<int64_t>(s.usage.size()));
        bindVector(st, 5, s.usage);
        st.run();
    }
    tx.commit();
}

std::vector<CodebookSnapshot> ExperimentStore::codebookSnapshots(int64_t runId, std::optional<int64_t> step) {
    auto st = m_db->prepare(
        "SELECT run_id, step, level, usage FROM codebook_snapshots "
        "WHERE run_id = ? AND (? IS NULL OR step = ?) ORDER BY step, level");
    st.bind(1, runId).bind(2, step).bind(3, step);
    std::vector<CodebookSnapshot> out;
    while (st.step()) out.push_back({st.int64(0), st.int64(1), static_cast<int32_t>(st.int64(2)), st.blobAs<int64_t>(3)});
    return out;
}

void ExperimentStore::appendEvents(const std::vector<RunEvent>& events) {
    Transaction tx(*m_db);
    auto st = m_db->prepare("INSERT INTO run_events(run_id, time, level, kind, message) VALUES (?,?,?,?,?)");
    for (const RunEvent& e : events) st.bind(1, e.runId).bind(2, e.time).bind(3, e.level).bind(4, e.kind).bind(5, e.message).run();
    tx.commit();
}

std::vector<RunEvent> ExperimentStore::events(int64_t runId) {
    auto st = m_db->prepare("SELECT run_id, time, level, kind, message FROM run_events WHERE run_id = ? ORDER BY id");
    st.bind(1, runId);
    std::vector<RunEvent> out;
    while (st.step()) out.push_back({st.int64(0), st.real(1), st.text(2), st.text(3), st.text(4)});
    return out;
}

namespace {

// Attention map positions in the labels_json column: one object per position, {"kind": "item" |
// "token" | "mask", "label", and "item", "level", "code" where they apply}. Rows of older versions
// hold plain string labels; they load as Item positions with that label.
const char* positionKindName(AttentionPosition::Kind kind) {
    switch (kind) {
        case AttentionPosition::Kind::Token: return "token";
        case AttentionPosition::Kind::Mask: return "mask";
        case AttentionPosition::Kind::Item: break;
    }
    return "item";
}

std::string attentionPositionsJson(const std::vector<AttentionPosition>& positions) {
    nlohmann::json list = nlohmann::json::array();
    for (const AttentionPosition& p : positions) {
        nlohmann::json entry = {{"kind", positionKindName(p.kind)}, {"label", p.label}};
        if (p.kind != AttentionPosition::Kind::Mask) entry["item"] = p.item;
        if (p.kind == AttentionPosition::Kind::Token) {
            entry["level"] = p.level;
            entry["code"] = p.code;
        }
        list.push_back(std::move(entry));
    }
    return list.dump();
}

std::vector<AttentionPosition> attentionPositionsFromJson(const std::string& text) {
    std::vector<AttentionPosition> positions;
    for (const nlohmann::json& entry : nlohmann::json::parse(text)) {
        AttentionPosition p;
        if (entry.is_string()) {  // an older version's label
            p.label = entry.get<std::string>();
            positions.push_back(std::move(p));
            continue;
        }
        const std::string kind = entry.value("kind", std::string("item"));
        p.kind = kind == "token"  ? AttentionPosition::Kind::Token
                 : kind == "mask" ? AttentionPosition::Kind::Mask
                                  : AttentionPosition::Kind::Item;
        p.item = entry.value("item", -1);
        p.level = entry.value("level", -1);
        p.code = entry.value("code", -1);
        p.label = entry.value("label", std::string());
        positions.push_back(std::move(p));
    }
    return positions;
}

}  // namespace

void ExperimentStore::saveAttentionMap(const AttentionMap& map) {
    if (map.rows < 0 || map.cols < 0 || map.weights.size() != static_cast<size_t>(map.rows) * map.cols)
        throw StorageError("attention map has " + std::to_string(map.weights.size()) + " weights for " +
                           std::to_string(map.rows) + "x" + std::to_string(map.cols));
    auto st = m_db->prepare(
        "INSERT OR REPLACE INTO attention_maps(run_id, user_idx, layer, head, rows, cols, weights, labels_json, created_at) "
        "VALUES (?,?,?,?,?,?,?,?,?)");
    st.bind(1, map.runId).bind(2, map.userIdx).bind(3, map.layer).bind(4, map.head).bind(5, map.rows).bind(6, map.cols);
    bindVector(st, 7, map.weights);
    st.bind(8, attentionPositionsJson(map.positions)).bind(9, isoTimestampNow()).run();
}

std::vector<AttentionMap> ExperimentStore::attentionMaps(int64_t runId, int64_t userIdx) {
    auto st = m_db->prepare(
        "SELECT run_id, user_idx, layer, head, rows, cols, weights, labels_json FROM attention_maps "
        "WHERE run_id = ? AND user_idx = ? ORDER BY layer, head");
    st.bind(1, runId).bind(2, userIdx);
    std::vector<AttentionMap> out;
    while (st.step()) {
        AttentionMap m;
        m.runId = st.int64(0);
        m.userIdx = st.int64(1);
        m.layer = static_cast<int32_t>(st.int64(2));
        m.head = static_cast<int32_t>(st.int64(3));
        m.rows = static_cast<int32_t>(st.int64(4));
        m.cols = static_cast<int32_t>(st.int64(5));
        m.weights = st.blobAs<float>(6);
        m.positions = attentionPositionsFromJson(st.text(7));
        out.push_back(std::move(m));
    }
    return out;
}

int64_t ExperimentStore::addArtifact(const ArtifactRecord& artifact) {
    m_db->prepare("INSERT INTO artifacts(run_id, kind, path, sha256, bytes, created_at) VALUES (?,?,?,?,?,?)")
        .bind(1, artifact.runId)
        .bind(2, artifact.kind)
        .bind(3, artifact.path)
        .bind(4, artifact.sha256)
        .bind(5, artifact.bytes)
        .bind(6, artifact.createdAt.empty() ? isoTimestampNow() : artifact.createdAt)
        .run();
    return m_db->lastInsertId();
}

std::vector<ArtifactRecord> ExperimentStore::artifacts(int64_t runId) {
    auto st = m_db->prepare("SELECT id, run_id, kind, path, sha256, bytes, created_at FROM artifacts WHERE run_id = ? ORDER BY id");
    st.bind(1, runId);
    std::vector<ArtifactRecord> out;
    while (st.step()) out.push_back({st.int64(0), st.int64(1), st.text(2), st.text(3), st.text(4), st.int64(5), st.text(6)});
    return out;
}

// Semantic IDs ---------------------------------------------------------------------------------------

void ExperimentStore::saveSemanticIds(int64_t runId, const std::vector<std::vector<int32_t>>& codes) {
    const size_t length = codes.empty() ? 0 : codes.front().size();
    Transaction tx(*m_db);
    m_db->prepare("DELETE FROM semantic_ids WHERE run_id = ?").bind(1, runId).run();
    auto st = m_db->prepare("INSERT INTO semantic_ids(run_id, item_idx, codes) VALUES (?,?,?)");
    for (size_t i = 0; i < codes.size(); ++i) {
        if (codes[i].size() != length)
            throw StorageError("semantic ID of item " + std::to_string(i) + " has " + std::to_string(codes[i].size()) +
                               " codes, expected " + std::to_string(length));
        st.bind(1, runId).bind(2, static_cast<int64_t>(i));
        bindVector(st, 3, codes[i]);
        st.run();
    }
    tx.commit();
}

std::vector<std::vector<int32_t>> ExperimentStore::semanticIds(int64_t runId) {
    auto st = m_db->prepare("SELECT codes FROM semantic_ids WHERE run_id = ? ORDER BY item_idx");
    st.bind(1, runId);
    std::vector<std::vector<int32_t>> out;
    while (st.step()) out.push_back(st.blobAs<int32_t>(0));
    return out;
}

}  // namespace tokenbench::core
