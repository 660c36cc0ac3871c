#pragma once
/// Codebook usage as a heatmap: one row per level, one column per code, colour = items on the code.

#include <cstdint>
#include <vector>

#include <QWidget>

class QCustomPlot;
class QCPColorMap;
class QCPColorScale;

namespace tokenbench::ui {

/// Discrete cells (no interpolation), integer ticks, a labelled colour scale, and a tooltip with the
/// exact count under the mouse. UI thread.
class CodebookHeatmap final : public QWidget {
    Q_OBJECT

public:
    explicit CodebookHeatmap(QWidget* parent = nullptr);

    /// Shows `usage[level][code]` (levels may differ in length; missing cells count 0). `step` goes
    /// into the title; a negative step means the final assignment.
    void setUsage(const std::vector<std::vector<int64_t>>& usage, int64_t step);
    void clear(const QString& placeholder);

    [[nodiscard]] QWidget* plotWidget() const;
    /// Items on one cell, -1 outside the map.
    [[nodiscard]] int64_t cell(int level, int code) const;
    [[nodiscard]] int levels() const { return static_cast<int>(m_usage.size()); }
    [[nodiscard]] int codes() const { return m_codes; }

protected:
    void changeEvent(QEvent* event) override;
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void restyle();

    QCustomPlot* m_plot;
    QCPColorMap* m_map;
    QCPColorScale* m_scale;
    std::vector<std::vector<int64_t>> m_usage;
    int m_codes = 0;
};

}  // namespace tokenbench::ui
