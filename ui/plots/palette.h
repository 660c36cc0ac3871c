#pragma once
/// The one colour palette of every Tokenbench plot: a qualitative set for curves and bars, a
/// perceptually uniform gradient for heatmaps, and helpers to derive colours from the widget theme.

#include <vector>

#include <QColor>

#include <qcustomplot.h>

namespace tokenbench::ui {

/// Qualitative colours for series, in the order they should be used (Tableau 10: distinguishable,
/// colour-blind friendlier than Qt's defaults, readable on light and dark backgrounds).
[[nodiscard]] const std::vector<QColor>& seriesColors();

/// Colour of series number `index` (wraps around).
[[nodiscard]] QColor seriesColor(int index);

/// Viridis-like gradient (dark violet → teal → yellow): perceptually uniform and monotone in
/// lightness, so heatmaps read correctly in grey scale too. QCustomPlot 2.1 ships no such preset.
[[nodiscard]] QCPColorGradient sequentialGradient();

/// Linear mix of two colours: t = 0 gives `a`, t = 1 gives `b`.
[[nodiscard]] QColor blend(const QColor& a, const QColor& b, double t);

}  // namespace tokenbench::ui
