#pragma once
/// Shared look of every QCustomPlot: theme colours, fonts, grid, title and empty-state text.

#include <QPalette>
#include <QString>

class QCustomPlot;
class QCPColorMap;
class QCPColorScale;
class QCPTextElement;

namespace tokenbench::ui {

/// Restyles `plot` for `palette` (text and background taken from it, so light and dark themes both
/// read well) and the plot widget's font. Call again on QEvent::PaletteChange; does not replot.
void stylePlot(QCustomPlot& plot, const QPalette& palette);

/// Sets the plot's title, adding a title row above the axis rect on first use.
QCPTextElement* setPlotTitle(QCustomPlot& plot, const QString& title);

/// Shows the legend in its own row under the axis rect (one line, wrapping after `columns`
/// entries), or removes it: a legend outside the data never hides a curve or a bar. Does not replot.
void setLegendBelow(QCustomPlot& plot, bool shown, int columns = 4);

/// Sets the legend below the axis rect to as many columns as its widest entry allows in the plot's
/// current width, so entries are never clipped. Call before replotting.
void fitLegendColumns(QCustomPlot& plot);

/// A heatmap layer: the colour map and its colour bar.
struct ColorMapLayer final {
    QCPColorMap* map = nullptr;
    QCPColorScale* scale = nullptr;
};

/// Adds a discrete heatmap (no interpolation between cells, the palette's sequential gradient) with
/// a colour bar at the right, as tall as the axis rect and labelled `valueName`; hides the grid.
ColorMapLayer addColorMap(QCustomPlot& plot, const QString& valueName);

/// Restyles a heatmap plot as stylePlot does, with its colour bar's axis in the same colours and
/// fonts. Call again on QEvent::PaletteChange; does not replot.
void styleColorMap(QCustomPlot& plot, const ColorMapLayer& layer, const QPalette& palette);

/// Shows `text` centred in the axis rect (empty or error state); an empty string hides it.
/// Does not replot.
void setPlotPlaceholder(QCustomPlot& plot, const QString& text);

}  // namespace tokenbench::ui
