#pragma once
/// One attention map as a heatmap: query positions down, key positions across, both labelled with
/// the history's items; the weight under the mouse in a tooltip.

#include <QStringList>
#include <QWidget>

#include "plots/plot_widget.h"
#include "tokenbench/models/attention_map.h"

namespace tokenbench::ui {

/// UI thread.
class AttentionHeatmap final : public HeatmapWidget {
    Q_OBJECT

public:
    explicit AttentionHeatmap(QWidget* parent = nullptr);

    /// Shows `map` (rows × cols weights); labels come from map.positions (cols entries; rows reuse the
    /// last `rows` of them when the map is square over the same items).
    void setMap(const core::AttentionMap& map, const QString& title);
    void clear(const QString& placeholder);

    /// Weight at (row, col), NaN outside.
    [[nodiscard]] double weight(int row, int col) const;
    /// Tooltip text for a cell ("query … → key …: 0.123"), empty outside.
    [[nodiscard]] QString describeCell(int row, int col) const;

private:
    [[nodiscard]] bool hasCells() const override;
    [[nodiscard]] QString cellToolTip(QPoint cell) const override;

    core::AttentionMap m_data;
    QStringList m_rowLabels;
    QStringList m_colLabels;
};

}  // namespace tokenbench::ui
