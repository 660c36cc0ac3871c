#pragma once
/// How the figures of a run group read on screen: the mean ± 95 % confidence interval over a
/// repeat's seeds, or the best trial of a sweep. The numbers are core's (summarizeRuns), printed
/// with the CLI's four decimals so a table and `runs groups` agree. Pure; any thread.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <QString>

#include "tokenbench/eval/paired_statistics.h"
#include "tokenbench/storage/records.h"

namespace tokenbench::ui {

/// "0.0412 ± 0.0031"; a single value (no interval) alone: "0.0412".
[[nodiscard]] QString formatMeanInterval(const core::MeanInterval& interval, int decimals = 4);

/// Decimals a figure is shown with: 2 for times and counts, else 4 (as the CLI prints metrics).
[[nodiscard]] int figureDecimals(const std::string& figure);

/// Whether a smaller value of `figure` is better (collision rate, errors, times).
[[nodiscard]] bool lowerIsBetter(const std::string& figure);

/// The figures a group's row shows for runs of `kind`: test NDCG@10 and Recall@10 for models, the
/// collision rate for tokenizers (names as core::runFigures gives them).
[[nodiscard]] const std::vector<std::string>& headlineFigures(core::RunKind kind);

/// "NDCG@10 0.0412 ± 0.0031 · Recall@10 0.0800 ± 0.0050 (95 % CI, n = 3)"; empty when the group
/// has none of the headline figures.
[[nodiscard]] QString headlineLine(core::RunKind kind, const std::map<std::string, core::MeanInterval>& figures);

/// One line per figure, names aligned: "  ndcg@10    0.0412 ± 0.0031  (n = 3)".
[[nodiscard]] QString figureLines(const std::map<std::string, core::MeanInterval>& figures);

/// The best value of `figure` among the completed `runs` and the run that reached it (sweeps).
struct BestRun final {
    double value = 0.0;
    int64_t runId = 0;
};
[[nodiscard]] std::optional<BestRun> bestRun(const std::vector<core::RunRecord>& runs, const std::string& figure);

}  // namespace tokenbench::ui
