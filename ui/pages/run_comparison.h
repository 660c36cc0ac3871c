#pragma once
/// Several runs side by side: their curves overlaid, their summary figures in one table, and the
/// cold/warm breakdown of a test metric as grouped bars.

#include <cstdint>
#include <string>
#include <vector>

#include <QWidget>

#include "pages/run_history.h"
#include "widgets/latest_only_loader.h"

class QComboBox;
class QLabel;
class QTableWidget;
class QTabWidget;

namespace tokenbench::ui {

class BarChart;
class CurvePlot;

/// Loads the chosen runs' histories on a worker (own read-only store) and shows them. UI thread.
class RunComparison final : public QWidget {
    Q_OBJECT

public:
    static constexpr int kMaxRuns = 8;

    explicit RunComparison(QWidget* parent = nullptr);
    ~RunComparison() override;

    void setDatabase(const std::string& dbPath);
    /// Compares `runIds` (at most kMaxRuns are loaded); compared() follows.
    void compare(const std::vector<int64_t>& runIds);

    /// Picks the overlaid series ("valid · ndcg@10"); false when no compared run has it.
    bool selectCurve(const QString& key);
    /// Picks the metric of the cold/warm chart ("ndcg@10").
    bool selectBreakdownMetric(const QString& metric);

    [[nodiscard]] CurvePlot* curves() const { return m_curves; }
    [[nodiscard]] BarChart* breakdown() const { return m_breakdown; }
    [[nodiscard]] QTableWidget* metricsTable() const { return m_table; }
    [[nodiscard]] QComboBox* curveSelector() const { return m_curve; }
    [[nodiscard]] QTabWidget* tabs() const { return m_tabs; }
    [[nodiscard]] int comparedRuns() const { return static_cast<int>(m_histories.size()); }

Q_SIGNALS:
    void compared(int runs);

private:
    void onLoaded(std::vector<RunHistory> histories);
    void fillCurveSelector();
    void showCurves();
    void fillTable();
    void showBreakdown();

    QTabWidget* m_tabs;
    QComboBox* m_curve;
    CurvePlot* m_curves;
    QTableWidget* m_table;
    QComboBox* m_breakdownMetric;
    BarChart* m_breakdown;
    QLabel* m_hint;
    LatestOnlyLoader<std::vector<RunHistory>> m_loader;
    std::string m_dbPath;
    std::vector<RunHistory> m_histories;
};

}  // namespace tokenbench::ui
