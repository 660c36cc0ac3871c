#include "pages/run_history.h"

#include <exception>
#include <limits>

#include "tokenbench/storage/database.h"
#include "tokenbench/storage/experiment_store.h"

namespace tokenbench::ui {

RunHistory loadRunHistory(const std::string& dbPath, int64_t runId) {
    RunHistory history;
    history.runId = runId;
    try {
        core::ExperimentStore store(dbPath, core::ExperimentStore::Access::ReadOnly);
        const auto run = store.findRun(runId);
        if (!run) {
            history.error = QStringLiteral("There is no run #%1 in this project").arg(runId);
            return history;
        }
        history.run = *run;
        // The store reads one series by name; a run's names vary by component, so list them first.
        std::vector<std::pair<std::string, std::string>> series;
        {
            auto names = store.database().prepare(
                "SELECT DISTINCT name, split FROM metrics WHERE run_id = ? ORDER BY name, split");
            names.bind(1, runId);
            while (names.step()) series.emplace_back(names.text(0), names.text(1));
        }
        for (const auto& [name, split] : series) {
            auto points = store.metricSeries(runId, name, split);
            history.metrics.insert(history.metrics.end(), points.begin(), points.end());
        }
        std::optional<int64_t> lastStep;
        {
            auto last = store.database().prepare("SELECT MAX(step) FROM codebook_snapshots WHERE run_id = ?");
            last.bind(1, runId);
            if (last.step() && !last.isNull(0)) lastStep = last.int64(0);
        }
        if (lastStep) history.snapshots = store.codebookSnapshots(runId, lastStep);
        history.events = store.events(runId);
    } catch (const std::exception& error) {
        history.error = QString::fromStdString(error.what());
        if (history.error.isEmpty()) history.error = QStringLiteral("unknown error");
    } catch (...) {
        history.error = QStringLiteral("unknown error");
    }
    return history;
}

}  // namespace tokenbench::ui
