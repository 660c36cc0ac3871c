#pragma once
/// Shared look of every QCustomPlot: theme colours, fonts, grid, title and empty-state text.

#include <optional>

#include <QPalette>
#include <QPoint>
#include <QSize>
#include <QString>

class QCustomPlot;
class QCPColorMap;
class QCPColorScale;
class QCPItemStraightLine;
class QCPItemText;
class QCPTextElement;
class QMouseEvent;

namespace tokenbench::ui {

/// Restyles `plot` for `palette` (text and background taken from it, so light and dark themes both
/// read well) and the plot widget's font. Call again on QEvent::PaletteChange; does not replot.
void stylePlot(QCustomPlot& plot, const QPalette& palette);

/// Sets the plot's title, adding a title row above the axis rect on first use.
QCPTextElement* setPlotTitle(QCustomPlot& plot, const QString& title);

/// What every plot starts with: its object name (tests and screenshots find it by that), minimum
/// size, title and axis labels. Does not replot.
void setUpPlot(QCustomPlot& plot, const QString& objectName, QSize minimumSize, const QString& title,
               const QString& xLabel, const QString& yLabel);

/// A straight line marking a value (a mean, a reference) and its text label, both hidden until used.
struct LineMarker final {
    QCPItemStraightLine* line = nullptr;
    QCPItemText* label = nullptr;
};

/// Adds a hidden LineMarker to `plot`. Qt::Vertical: a line at an x value, the label placed at
/// (x in plot coordinates, y as a fraction of the axis rect); Qt::Horizontal: a line at a y value,
/// the label at (x as a fraction of the axis rect, y in plot coordinates). `labelAlignment` says
/// which corner of the label sits at its position.
LineMarker addLineMarker(QCustomPlot& plot, Qt::Orientation orientation, Qt::Alignment labelAlignment);

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

/// A heatmap's empty state: only `placeholder` under `title` shows (no map, no colour bar, no tick
/// labels for cells that do not exist). Does not replot.
void showEmptyColorMap(QCustomPlot& plot, const ColorMapLayer& layer, const QString& title, const QString& placeholder);

/// The heatmap cell under `mouse` (x and y data coordinates rounded to the nearest integer), or
/// nullopt when the mouse is outside the axis rect.
[[nodiscard]] std::optional<QPoint> hoveredCell(const QCustomPlot& plot, const QMouseEvent& mouse);

/// Shows `text` as the hover tool tip of `plot` at the mouse position; an empty text hides it.
void showHoverTip(QCustomPlot& plot, const QMouseEvent& mouse, const QString& text);

/// Shows `text` centred in the axis rect (empty or error state); an empty string hides it.
/// Does not replot.
void setPlotPlaceholder(QCustomPlot& plot, const QString& text);

}  // namespace tokenbench::ui
