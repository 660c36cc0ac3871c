#include "plots/scatter_plot.h"

#include <algorithm>
#include <cmath>

#include <qcustomplot.h>

#include <QVBoxLayout>

#include "plots/palette.h"
#include "plots/plot_export.h"
#include "plots/plot_style.h"

namespace tokenbench::ui {

namespace {

/// A range around [low, high] with a margin, never empty (a single value gets some room).
QCPRange padded(double low, double high) {
    const double span = high - low;
    const double margin = span > 0 ? span * 0.12 : std::max(std::abs(low) * 0.1, 0.01);
    return {low - margin, high + margin};
}

}  // namespace

ScatterPlot::ScatterPlot(const QString& title, const QString& xLabel, const QString& yLabel, const QString& exportName,
                         QWidget* parent)
    : PlotWidget(exportName, parent) {
    setUpPlot(*m_plot, exportName + QStringLiteral("Plot"), QSize(320, 240), title, xLabel, yLabel);
    installPlotExport(m_plot, exportName);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_plot);
    restyle();
    clear(QStringLiteral("No data"));
}

void ScatterPlot::removePoints() {
    m_plot->clearGraphs();
    for (QCPItemText* label : m_labels) m_plot->removeItem(label);
    m_labels.clear();
    m_points = 0;
}

void ScatterPlot::setPoints(const QVector<double>& x, const QVector<double>& y, const QStringList& labels) {
    removePoints();
    QVector<double> keys;
    QVector<double> values;
    QStringList names;
    for (int i = 0; i < std::min(x.size(), y.size()); ++i) {
        if (!std::isfinite(x[i]) || !std::isfinite(y[i])) continue;
        keys << x[i];
        values << y[i];
        names << labels.value(i);
    }
    if (keys.isEmpty()) {
        clear(QStringLiteral("No run has this figure"));
        return;
    }
    QCPGraph* graph = m_plot->addGraph();
    graph->setLineStyle(QCPGraph::lsNone);
    const QColor color = seriesColor(0);
    graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(color.darker(130), 1.5), QBrush(color), 10));
    graph->setData(keys, values);  // not sorted: QCPGraph sorts by key itself
    const auto [xLow, xHigh] = std::minmax_element(keys.begin(), keys.end());
    const auto [yLow, yHigh] = std::minmax_element(values.begin(), values.end());
    m_plot->xAxis->setRange(padded(*xLow, *xHigh));
    m_plot->yAxis->setRange(padded(*yLow, *yHigh));
    const double middle = m_plot->xAxis->range().center();
    for (int i = 0; i < keys.size(); ++i) {
        auto* label = new QCPItemText(m_plot);
        label->position->setCoords(keys[i], values[i]);
        // Labels grow away from the nearer side edge, so none runs out of the plot.
        const bool right = keys[i] > middle;
        label->setPositionAlignment((right ? Qt::AlignRight : Qt::AlignLeft) | Qt::AlignBottom);
        label->setPadding(right ? QMargins(0, 0, 6, 4) : QMargins(6, 0, 0, 4));
        label->setText(names[i]);
        label->setClipToAxisRect(false);
        m_labels << label;
    }
    m_points = static_cast<int>(keys.size());
    setPlotPlaceholder(*m_plot, QString());
    restyle();
    m_plot->replot();
}

void ScatterPlot::clear(const QString& placeholder) {
    removePoints();
    m_plot->xAxis->setRange(0, 1);
    m_plot->yAxis->setRange(0, 1);
    setPlotPlaceholder(*m_plot, placeholder);
    m_plot->replot();
}

void ScatterPlot::setTitle(const QString& title) {
    setPlotTitle(*m_plot, title);
    m_plot->replot();
}

void ScatterPlot::setAxisLabels(const QString& xLabel, const QString& yLabel) {
    m_plot->xAxis->setLabel(xLabel);
    m_plot->yAxis->setLabel(yLabel);
    m_plot->replot();
}

void ScatterPlot::restyle() {
    stylePlot(*m_plot, palette());
    for (QCPItemText* label : m_labels) {
        label->setColor(palette().color(QPalette::Text));
        label->setFont(m_plot->xAxis->tickLabelFont());
    }
}

}  // namespace tokenbench::ui
