#pragma once
/// Everything the data-set page shows about one data set, computed off the UI thread.

#include <cstdint>
#include <string>

#include <QString>
#include <QVector>

#include "tokenbench/data/dataset.h"

namespace tokenbench::ui {

/// Figures and plot series of one data set. Plain value: built on a worker, handed to the UI.
struct DatasetSummary final {
    int64_t datasetId = 0;
    QString error;  ///< non-empty when loading failed; the rest is then empty
    core::DatasetStats stats;
    int attributeFields = 0;           ///< distinct AttributeValue::field values
    double topFifthShare = 0.0;        ///< share of interactions on the most popular 20 % of items
    QVector<double> lengthValues;      ///< sequence lengths with at least one user
    QVector<double> lengthUsers;       ///< users per length
    QVector<double> popularityRanks;   ///< item ranks (1-based), thinned on a log scale
    QVector<double> popularityCounts;  ///< interactions of the item at that rank (> 0)
};

/// Summarizes an in-memory data set. Pure; any thread.
[[nodiscard]] DatasetSummary summarizeDataset(const core::Dataset& dataset);

/// Opens its own read-only store on `dbPath` (a connection must stay on the thread that opened
/// it), loads the data set and summarizes it. Never throws: failures land in `error`. Worker thread.
[[nodiscard]] DatasetSummary loadDatasetSummary(const std::string& dbPath, int64_t datasetId);

}  // namespace tokenbench::ui
