#pragma once
/// What a stored run recorded (record, metric series, last codebook snapshot, events), read off the
/// UI thread for the pages that show finished runs.

#include <cstdint>
#include <string>
#include <vector>

#include <QMetaType>
#include <QString>

#include "tokenbench/storage/records.h"

namespace tokenbench::ui {

/// A run's stored history. Plain value: built on a worker, handed to the UI.
struct RunHistory final {
    int64_t runId = 0;
    QString error;        ///< non-empty when loading failed
    core::RunRecord run;
    std::vector<core::MetricPoint> metrics;          ///< every point, ordered by step
    std::vector<core::CodebookSnapshot> snapshots;   ///< the last step's snapshot of each level
    std::vector<core::RunEvent> events;
};

/// Opens its own read-only store on `dbPath` and reads run `runId`. Never throws: failures land in
/// `error`. Worker thread.
[[nodiscard]] RunHistory loadRunHistory(const std::string& dbPath, int64_t runId);

}  // namespace tokenbench::ui

Q_DECLARE_METATYPE(tokenbench::ui::RunHistory)
