#include "plots/plot_probe.h"

#include <algorithm>

#include <qcustomplot.h>

namespace tokenbench::ui {

PlotProbe probePlot(const QWidget* widget) {
    PlotProbe probe;
    // QCustomPlot's accessors are not const; nothing below modifies the plot.
    auto* plot = qobject_cast<QCustomPlot*>(const_cast<QWidget*>(widget));
    if (!plot) return probe;
    probe.isPlot = true;
    for (QCPLayoutElement* element : plot->plotLayout()->elements(false)) {
        if (auto* title = qobject_cast<QCPTextElement*>(element)) {
            probe.title = title->text();
            break;
        }
    }
    probe.xLabel = plot->xAxis->label();
    probe.yLabel = plot->yAxis->label();
    probe.xLogarithmic = plot->xAxis->scaleType() == QCPAxis::stLogarithmic;
    probe.yLogarithmic = plot->yAxis->scaleType() == QCPAxis::stLogarithmic;
    probe.plottables = plot->plottableCount();
    for (int i = 0; i < plot->plottableCount(); ++i) {
        QCPAbstractPlottable* plottable = plot->plottable(i);
        if (auto* graph = qobject_cast<QCPGraph*>(plottable)) {
            probe.dataPoints += graph->dataCount();
            if (graph->lineStyle() != QCPGraph::lsNone) ++probe.linedGraphs;
        } else if (auto* bars = qobject_cast<QCPBars*>(plottable)) {
            probe.dataPoints += bars->dataCount();
        } else if (auto* curve = qobject_cast<QCPCurve*>(plottable)) {
            probe.dataPoints += curve->dataCount();
        } else if (auto* map = qobject_cast<QCPColorMap*>(plottable); map && map->visible()) {
            QCPColorMapData* data = map->data();
            probe.colorMapCells += data->keySize() * data->valueSize();
            for (int y = 0; y < data->valueSize(); ++y) {
                for (int x = 0; x < data->keySize(); ++x) probe.colorMapMax = std::max(probe.colorMapMax, data->cell(x, y));
            }
        }
    }
    if (plot->axisRect()) probe.axisRectWidth = plot->axisRect()->width();
    for (const QString& label : plot->xAxis->tickVectorLabels()) probe.xTickLabels << label;
    for (const QString& label : plot->yAxis->tickVectorLabels()) probe.yTickLabels << label;
    for (int i = 0; i < plot->itemCount(); ++i) {
        auto* text = qobject_cast<QCPItemText*>(plot->item(i));
        if (!text || !text->visible() || text->text().isEmpty()) continue;
        ++probe.visibleTexts;
        probe.texts << text->text();
        probe.textBoxes << QRectF(text->topLeft->pixelPosition(), text->bottomRight->pixelPosition()).normalized();
        const QRect box = QFontMetrics(text->font()).boundingRect(QRect(), Qt::AlignCenter, text->text());
        probe.widestText = std::max(probe.widestText, box.width());
    }
    return probe;
}

}  // namespace tokenbench::ui
