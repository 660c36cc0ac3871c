#include "pages/dataset_summary.h"

#include <algorithm>
#include <cmath>
#include <exception>
#include <set>

#include "tokenbench/storage/experiment_store.h"

namespace tokenbench::ui {
namespace {

// Log-log plots need far fewer points than items: keep the head exactly and thin the tail so
// points are about evenly spaced on the log axis.
constexpr size_t kExactHead = 200;
constexpr double kTailStep = 1.004;

void fillPopularity(const std::vector<int64_t>& popularity, DatasetSummary& summary) {
    // Sorted descending: items past `last` have no interactions and no logarithm.
    size_t last = 0;
    while (last < popularity.size() && popularity[last] > 0) ++last;
    size_t rank = 1;
    while (rank <= last) {
        summary.popularityRanks.push_back(static_cast<double>(rank));
        summary.popularityCounts.push_back(static_cast<double>(popularity[rank - 1]));
        if (rank == last) break;
        size_t next = rank + 1;
        if (rank >= kExactHead) {
            next = std::max(next, static_cast<size_t>(std::ceil(static_cast<double>(rank) * kTailStep)));
        }
        rank = std::min(next, last);  // always end on the last item so the tail's end shows
    }
}

}  // namespace

DatasetSummary summarizeDataset(const core::Dataset& dataset) {
    DatasetSummary summary;
    summary.stats = core::computeStats(dataset);
    const core::DatasetStats& stats = summary.stats;

    std::set<std::string> fields;
    for (const core::AttributeValue& value : dataset.attributeVocab) fields.insert(value.field);
    summary.attributeFields = static_cast<int>(fields.size());

    for (size_t length = 0; length < stats.sequenceLengthHistogram.size(); ++length) {
        const int64_t users = stats.sequenceLengthHistogram[length];
        if (users <= 0) continue;
        summary.lengthValues.push_back(static_cast<double>(length));
        summary.lengthUsers.push_back(static_cast<double>(users));
    }

    fillPopularity(stats.itemPopularity, summary);

    if (stats.interactions > 0 && !stats.itemPopularity.empty()) {
        const size_t top = std::max<size_t>(1, stats.itemPopularity.size() / 5);
        int64_t held = 0;
        for (size_t i = 0; i < top; ++i) held += stats.itemPopularity[i];
        summary.topFifthShare = static_cast<double>(held) / static_cast<double>(stats.interactions);
    }
    return summary;
}

DatasetSummary loadDatasetSummary(const std::string& dbPath, int64_t datasetId) {
    try {
        core::ExperimentStore store(dbPath, core::ExperimentStore::Access::ReadOnly);
        DatasetSummary summary = summarizeDataset(store.loadDataset(datasetId));
        summary.datasetId = datasetId;
        return summary;
    } catch (const std::exception& error) {
        DatasetSummary failed;
        failed.datasetId = datasetId;
        failed.error = QString::fromStdString(error.what());
        if (failed.error.isEmpty()) failed.error = QStringLiteral("unknown error");
        return failed;
    } catch (...) {
        DatasetSummary failed;
        failed.datasetId = datasetId;
        failed.error = QStringLiteral("unknown error");
        return failed;
    }
}

}  // namespace tokenbench::ui
