#pragma once
/// The experiment store: the project's SQLite database, the single source of truth for data sets,
/// runs, metrics, codebook snapshots, attention maps and artifacts.
///
/// Threads: one ExperimentStore object = one connection, used by one thread at a time. The UI opens
/// its own read-only store; training writes through SqliteMetricsWriter's thread. WAL mode lets
/// readers run while a writer commits.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tokenbench/data/dataset.h"
#include "tokenbench/features/feature_matrix.h"
#include "tokenbench/models/attention_map.h"
#include "tokenbench/storage/records.h"

namespace tokenbench::core {

class Database;

/// Opens (creating and migrating when writable) the database at a path.
class ExperimentStore final {
public:
    enum class Access { ReadWrite, ReadOnly };

    /// Opens `dbPath`. ReadWrite creates the file, turns WAL on, migrates the schema and marks runs
    /// whose process died as interrupted; ReadOnly requires an existing database at the current
    /// schema version. A file that is not a Tokenbench database is refused unchanged. Throws
    /// StorageError naming the file.
    explicit ExperimentStore(const std::string& dbPath, Access access = Access::ReadWrite);
    ~ExperimentStore();
    ExperimentStore(const ExperimentStore&) = delete;
    ExperimentStore& operator=(const ExperimentStore&) = delete;

    [[nodiscard]] Database& database();
    [[nodiscard]] int schemaVersion();
    [[nodiscard]] std::string journalMode();
    /// Result of PRAGMA integrity_check ("ok" when healthy).
    [[nodiscard]] std::string integrityCheck();

    // Data sets ---------------------------------------------------------------------------------
    /// Stores a whole data set in one transaction; throws (leaving nothing behind) on any failure,
    /// including a duplicate name. Returns the new id.
    int64_t saveDataset(const std::string& name, const Dataset& dataset, const std::string& source,
                        const std::string& format, const std::string& configJson);
    [[nodiscard]] std::vector<DatasetRecord> listDatasets();
    [[nodiscard]] std::optional<DatasetRecord> findDataset(const std::string& name);
    [[nodiscard]] Dataset loadDataset(int64_t datasetId);
    /// Removes a data set with everything that depends on it (runs, features...).
    void deleteDataset(int64_t datasetId);

    // Splits and feature sets ------------------------------------------------------------------
    /// Stores (or replaces, by name) a split description of a data set.
    int64_t saveSplit(int64_t datasetId, const std::string& name, const std::string& method,
                      const std::string& configJson, const std::string& statsJson);
    [[nodiscard]] std::vector<SplitRecord> listSplits(int64_t datasetId);
    /// Stores a feature matrix under a name unique within its data set; throws on a duplicate name.
    int64_t saveFeatureSet(int64_t datasetId, const std::string& name, const std::string& kind,
                           const FeatureMatrix& matrix, const std::string& configJson);
    /// Feature sets of one data set, or of all when datasetId is empty.
    [[nodiscard]] std::vector<FeatureSetRecord> listFeatureSets(std::optional<int64_t> datasetId = {});
    [[nodiscard]] std::optional<FeatureSetRecord> findFeatureSet(int64_t datasetId, const std::string& name);
    [[nodiscard]] FeatureMatrix loadFeatureMatrix(int64_t featureSetId);

    // Runs --------------------------------------------------------------------------------------
    /// Creates a run ('created'). `beforeCommit`, when given, is called with the new id inside the
    /// creating transaction (a job takes the run's lease there, so no other process ever sees the
    /// run without its owner).
    int64_t createRun(const RunSpec& spec, const std::function<void(int64_t)>& beforeCommit = {});
    void markRunStarted(int64_t runId);
    void finishRun(int64_t runId, RunStatus status, const std::string& summaryJson,
                   const std::string& message = {});
    [[nodiscard]] std::vector<RunRecord> listRuns();
    [[nodiscard]] std::optional<RunRecord> findRun(int64_t runId);

    // Run groups (repeats, sweeps) and per-target ranks ------------------------------------------
    int64_t createRunGroup(const std::string& kind, const std::string& label, const std::string& configJson = "{}");
    [[nodiscard]] std::vector<RunGroupRecord> listRunGroups();
    [[nodiscard]] std::optional<RunGroupRecord> findRunGroup(int64_t groupId);
    /// Ids of the group's runs, oldest first.
    [[nodiscard]] std::vector<int64_t> groupRuns(int64_t groupId);
    /// Stores (replacing) the per-target ranks of a run's evaluation on `split` ("valid", "test").
    void saveTargetRanks(int64_t runId, const std::string& split, const TargetRanks& ranks);
    /// Empty when the run stored none for the split (e.g. it was trained by an older version).
    [[nodiscard]] TargetRanks targetRanks(int64_t runId, const std::string& split);

    // Series and snapshots (the metrics writer thread uses the batch forms) ----------------------
    void appendMetrics(const std::vector<MetricPoint>& points);
    /// Removes a run's points of epochs after `epoch` (a resumed run redoes them from its checkpoint).
    void discardMetricsAfter(int64_t runId, int64_t epoch);
    [[nodiscard]] std::vector<MetricPoint> metricSeries(int64_t runId, const std::string& name,
                                                        const std::string& split = {});
    void appendCodebookSnapshots(const std::vector<CodebookSnapshot>& snapshots);
    [[nodiscard]] std::vector<CodebookSnapshot> codebookSnapshots(int64_t runId,
                                                                  std::optional<int64_t> step = {});
    void appendEvents(const std::vector<RunEvent>& events);
    [[nodiscard]] std::vector<RunEvent> events(int64_t runId);
    /// Stores `map` with its typed positions (replacing the same run, user, layer and head).
    void saveAttentionMap(const AttentionMap& map);
    /// The maps of (run, user) by layer and head. Maps stored by older versions, whose positions were
    /// plain labels, come back with Item positions carrying those labels.
    [[nodiscard]] std::vector<AttentionMap> attentionMaps(int64_t runId, int64_t userIdx);
    int64_t addArtifact(const ArtifactRecord& artifact);
    [[nodiscard]] std::vector<ArtifactRecord> artifacts(int64_t runId);

    // Semantic IDs --------------------------------------------------------------------------------
    /// Stores one code tuple per item (all tuples the same length) in one transaction.
    void saveSemanticIds(int64_t runId, const std::vector<std::vector<int32_t>>& codes);
    [[nodiscard]] std::vector<std::vector<int32_t>> semanticIds(int64_t runId);

private:
    /// Marks created or running runs whose process is gone (no lease, see run_lease.h) as
    /// interrupted; run on every read-write open.
    void markInterruptedRuns();

    std::unique_ptr<Database> m_db;
};

/// Current time as ISO 8601 UTC with milliseconds ("2026-11-22T10:00:00.123Z").
[[nodiscard]] std::string isoTimestampNow();
/// Seconds since the Unix epoch, with sub-second precision.
[[nodiscard]] double unixTimeNow();

}  // namespace tokenbench::core
