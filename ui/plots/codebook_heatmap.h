#pragma once
/// Codebook usage as a heatmap: one row per level, one column per code, colour = items on the code.

#include <cstdint>
#include <vector>

#include <QWidget>

#include "plots/plot_widget.h"

namespace tokenbench::ui {

/// Discrete cells (no interpolation), integer ticks, a labelled colour scale, and a tooltip with the
/// exact count under the mouse. UI thread.
class CodebookHeatmap final : public HeatmapWidget {
    Q_OBJECT

public:
    explicit CodebookHeatmap(QWidget* parent = nullptr);

    /// Shows `usage[level][code]` (levels may differ in length; missing cells count 0). `step` goes
    /// into the title; a negative step means the final assignment.
    void setUsage(const std::vector<std::vector<int64_t>>& usage, int64_t step);
    void clear(const QString& placeholder);

    /// Items on one cell, -1 outside the map.
    [[nodiscard]] int64_t cell(int level, int code) const;
    [[nodiscard]] int levels() const { return static_cast<int>(m_usage.size()); }
    [[nodiscard]] int codes() const { return m_codes; }

private:
    [[nodiscard]] bool hasCells() const override;
    [[nodiscard]] QString cellToolTip(QPoint cell) const override;

    std::vector<std::vector<int64_t>> m_usage;
    int m_codes = 0;
};

}  // namespace tokenbench::ui
