#pragma once
/// Several runs, or groups of runs, side by side: their curves overlaid, their summary figures in
/// one table, the cold/warm breakdown of a test metric as grouped bars, and for exactly two of
/// them the paired significance test.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <QWidget>

#include "pages/run_history.h"
#include "tokenbench/project.h"
#include "tokenbench/storage/records.h"
#include "widgets/latest_only_loader.h"

class QComboBox;
class QLabel;
class QTableWidget;
class QTabWidget;

namespace tokenbench::ui {

class BarChart;
class CurvePlot;
class SignificancePanel;

/// One column of a comparison: a single run, or a group's runs summed up as mean ± 95 % CI.
struct ComparedEntry final {
    std::vector<int64_t> runIds;
    std::optional<core::RunGroupRecord> group;  ///< set: the runs are this group's
};

/// Loads the chosen runs' histories on a worker (own read-only store) and shows them; a group's
/// curves are the mean of its runs' curves, its figures mean ± 95 % CI over its completed runs.
/// UI thread.
class RunComparison final : public QWidget {
    Q_OBJECT

public:
    static constexpr int kMaxRuns = 8;        ///< columns (runs or groups) compared at most
    static constexpr int kMaxLoadedRuns = 64; ///< runs read at most, over all groups

    explicit RunComparison(QWidget* parent = nullptr);
    ~RunComparison() override;

    void setProject(const core::ProjectPaths& paths);
    /// Compares `runIds`, each on its own (at most kMaxRuns); compared() follows.
    void compare(const std::vector<int64_t>& runIds);
    /// Compares runs and groups (at most kMaxRuns entries); compared() follows.
    void compareEntries(std::vector<ComparedEntry> entries);

    /// Picks the overlaid series ("valid · ndcg@10"); false when no compared run has it.
    bool selectCurve(const QString& key);
    /// Picks the metric of the cold/warm chart ("ndcg@10").
    bool selectBreakdownMetric(const QString& metric);
    /// Brings the significance tab to the front.
    void showSignificance();

    [[nodiscard]] CurvePlot* curves() const { return m_curves; }
    [[nodiscard]] BarChart* breakdown() const { return m_breakdown; }
    [[nodiscard]] QTableWidget* metricsTable() const { return m_table; }
    [[nodiscard]] QComboBox* curveSelector() const { return m_curve; }
    [[nodiscard]] QTabWidget* tabs() const { return m_tabs; }
    [[nodiscard]] SignificancePanel* significance() const { return m_significance; }
    /// Runs loaded (over all compared runs and groups).
    [[nodiscard]] int comparedRuns() const { return static_cast<int>(m_histories.size()); }
    /// Columns shown (runs and groups).
    [[nodiscard]] int comparedColumns() const { return static_cast<int>(m_columns.size()); }

Q_SIGNALS:
    /// The histories arrived: `runs` runs are shown (0: nothing selected).
    void compared(int runs);

private:
    /// A shown column: its label and the loaded histories (indices into m_histories) it sums up.
    struct Column final {
        QString label;
        std::vector<size_t> histories;
        std::optional<core::RunGroupRecord> group;
    };

    void onLoaded(std::vector<RunHistory> histories);
    void fillCurveSelector();
    void showCurves();
    void fillTable();
    void showBreakdown();
    void updateSignificance();

    QTabWidget* m_tabs;
    QComboBox* m_curve;
    CurvePlot* m_curves;
    QTableWidget* m_table;
    QComboBox* m_breakdownMetric;
    BarChart* m_breakdown;
    SignificancePanel* m_significance;
    QLabel* m_hint;
    LatestOnlyLoader<std::vector<RunHistory>> m_loader;
    core::ProjectPaths m_paths;
    std::vector<ComparedEntry> m_entries;  ///< asked for; m_columns follow once loaded
    std::vector<RunHistory> m_histories;
    std::vector<Column> m_columns;
};

}  // namespace tokenbench::ui
