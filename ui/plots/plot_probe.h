#pragma once
/// Read-only facts about a plot widget, for tests and diagnostics that must not include
/// qcustomplot.h (it needs Qt's `signals` keyword, which test targets switch off).

#include <QRectF>
#include <QString>
#include <QStringList>
#include <QVector>

class QWidget;

namespace tokenbench::ui {

/// What a QCustomPlot currently shows.
struct PlotProbe final {
    bool isPlot = false;  ///< false when the widget is not a QCustomPlot
    QString title;
    QString xLabel;
    QString yLabel;
    bool xLogarithmic = false;
    bool yLogarithmic = false;
    int plottables = 0;
    int dataPoints = 0;  ///< sum over graphs, bars and curves
    int linedGraphs = 0;    ///< graphs drawn with a line between their points (not dots alone)
    int colorMapCells = 0;  ///< cells of colour maps (heatmaps)
    double colorMapMax = 0.0;  ///< largest cell value over all colour maps
    int visibleTexts = 0;      ///< text items shown (empty-state placeholders, annotations)
    int widestText = 0;        ///< pixel width of the widest of them, as drawn in its font
    int axisRectWidth = 0;     ///< the space they must fit in
    QStringList xTickLabels;   ///< the key axis's tick labels as last drawn
    QStringList texts;         ///< the shown text items' texts, in item order
    QVector<QRectF> textBoxes; ///< their boxes in widget pixels, as laid out at the last replot
    QStringList yTickLabels;   ///< the value axis's tick labels as last drawn
};

/// Inspects `widget` (a QCustomPlot). UI thread.
[[nodiscard]] PlotProbe probePlot(const QWidget* widget);

}  // namespace tokenbench::ui
