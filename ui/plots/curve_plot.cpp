#include "plots/curve_plot.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <qcustomplot.h>

#include <QEvent>
#include <QResizeEvent>
#include <QVBoxLayout>

#include "plots/palette.h"
#include "plots/plot_export.h"
#include "plots/plot_style.h"

namespace tokenbench::ui {
namespace {

constexpr double kDotSize = 9;  // points-only plots: dots that read as values on their own

}  // namespace

CurvePlot::CurvePlot(const QString& title, const QString& xLabel, const QString& yLabel, const QString& exportName,
                     QWidget* parent)
    : QWidget(parent), m_plot(new QCustomPlot(this)) {
    setObjectName(exportName);
    setUpPlot(*m_plot, exportName + QStringLiteral("Plot"), QSize(260, 180), title, xLabel, yLabel);
    setLegendBelow(*m_plot, false);
    m_plot->setNoAntialiasingOnDrag(true);
    m_plot->xAxis->setRange(0, 1);
    m_plot->yAxis->setRange(0, 1);
    m_plot->yAxis->ticker()->setTickCount(4);  // small plots: fewer, readable value ticks
    installPlotExport(m_plot, exportName);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_plot);

    m_replotTimer.setSingleShot(true);
    m_replotTimer.setInterval(kReplotIntervalMs);
    connect(&m_replotTimer, &QTimer::timeout, this, &CurvePlot::replotNow);
    restyle();
}

QWidget* CurvePlot::plotWidget() const {
    return m_plot;
}

QCPGraph* CurvePlot::graph(const QString& series) {
    if (QCPGraph* existing = m_graphs.value(series)) return existing;
    QCPGraph* created = m_plot->addGraph();
    created->setName(series);
    const QColor color = seriesColor(static_cast<int>(m_order.size()));
    created->setPen(QPen(color, 2));
    if (m_markers) created->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, color, color, 5));
    if (m_pointsOnly) {
        created->setLineStyle(QCPGraph::lsNone);
        created->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, color, color, kDotSize));
    }
    m_graphs.insert(series, created);
    m_order << series;
    setLegendBelow(*m_plot, m_order.size() > 1);
    return created;
}

void CurvePlot::append(const QString& series, double x, double y) {
    if (!std::isfinite(x) || !std::isfinite(y)) return;
    graph(series)->addData(x, y);
    setPlotPlaceholder(*m_plot, {});
    scheduleReplot();
}

void CurvePlot::setSeries(const QString& series, const QVector<double>& x, const QVector<double>& y) {
    QVector<double> keys, values;
    keys.reserve(x.size());
    values.reserve(y.size());
    for (int i = 0; i < std::min(x.size(), y.size()); ++i) {
        if (!std::isfinite(x[i]) || !std::isfinite(y[i])) continue;
        keys << x[i];
        values << y[i];
    }
    graph(series)->setData(keys, values);
    if (!keys.isEmpty()) setPlotPlaceholder(*m_plot, {});
    scheduleReplot();
}

void CurvePlot::clear(const QString& placeholder) {
    m_plot->clearGraphs();
    m_graphs.clear();
    m_order.clear();
    setLegendBelow(*m_plot, false);
    m_plot->xAxis->setRange(0, 1);
    if (!m_fixedY) m_plot->yAxis->setRange(0, 1);
    setPlotPlaceholder(*m_plot, placeholder);
    scheduleReplot();
}

void CurvePlot::setPlaceholder(const QString& text) {
    setPlotPlaceholder(*m_plot, text);
    scheduleReplot();
}

void CurvePlot::setFixedYRange(double low, double high) {
    m_fixedY = true;
    m_yLow = low;
    m_yHigh = high;
    m_plot->yAxis->setRange(low, high);
}

void CurvePlot::setLogY(bool logarithmic) {
    m_plot->yAxis->setScaleType(logarithmic ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
    if (logarithmic) {
        QSharedPointer<QCPAxisTickerLog> ticker(new QCPAxisTickerLog);
        m_plot->yAxis->setTicker(ticker);
        m_plot->yAxis->setNumberFormat(QStringLiteral("gb"));
    } else {
        QSharedPointer<QCPAxisTicker> ticker(new QCPAxisTicker);
        ticker->setTickCount(4);
        m_plot->yAxis->setTicker(ticker);
        m_plot->yAxis->setNumberFormat(QStringLiteral("gb"));
    }
}

void CurvePlot::setIntegerX(bool integer) {
    m_integerX = integer;
    if (integer) {
        QSharedPointer<QCPAxisTickerFixed> ticker(new QCPAxisTickerFixed);
        ticker->setTickStep(1.0);
        ticker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
        m_plot->xAxis->setTicker(ticker);
    } else {
        m_plot->xAxis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
    }
}

void CurvePlot::setMarkers(bool markers) {
    m_markers = markers;
    for (QCPGraph* g : std::as_const(m_graphs)) {
        const QColor color = g->pen().color();
        g->setScatterStyle(markers ? QCPScatterStyle(QCPScatterStyle::ssCircle, color, color, 5)
                                   : QCPScatterStyle(QCPScatterStyle::ssNone));
    }
}

void CurvePlot::setPointsOnly(bool pointsOnly) {
    m_pointsOnly = pointsOnly;
    for (QCPGraph* g : std::as_const(m_graphs)) {
        const QColor color = g->pen().color();
        g->setLineStyle(pointsOnly ? QCPGraph::lsNone : QCPGraph::lsLine);
        g->setScatterStyle(pointsOnly  ? QCPScatterStyle(QCPScatterStyle::ssDisc, color, color, kDotSize)
                           : m_markers ? QCPScatterStyle(QCPScatterStyle::ssCircle, color, color, 5)
                                       : QCPScatterStyle(QCPScatterStyle::ssNone));
    }
    scheduleReplot();
}

void CurvePlot::setTitle(const QString& title) {
    setPlotTitle(*m_plot, title);
    scheduleReplot();
}

void CurvePlot::setAxisLabels(const QString& xLabel, const QString& yLabel) {
    m_plot->xAxis->setLabel(xLabel);
    m_plot->yAxis->setLabel(yLabel);
    scheduleReplot();
}

QStringList CurvePlot::seriesNames() const {
    return m_order;
}

int CurvePlot::pointCount(const QString& series) const {
    const QCPGraph* g = m_graphs.value(series);
    return g ? g->dataCount() : 0;
}

void CurvePlot::scheduleReplot() {
    if (!m_replotTimer.isActive()) m_replotTimer.start();
}

void CurvePlot::rescale() {
    bool anyData = false;
    double xLow = std::numeric_limits<double>::max(), xHigh = std::numeric_limits<double>::lowest();
    double yLow = xLow, yHigh = xHigh;
    const bool logY = m_plot->yAxis->scaleType() == QCPAxis::stLogarithmic;
    for (QCPGraph* g : std::as_const(m_graphs)) {
        if (g->dataCount() == 0) continue;
        bool found = false;
        const QCPRange keys = g->getKeyRange(found);
        if (!found) continue;
        const QCPRange values = g->getValueRange(found, QCP::sdBoth, QCPRange());
        if (!found) continue;
        const QCPRange logValues = logY ? g->getValueRange(found, QCP::sdPositive, QCPRange()) : values;
        anyData = true;
        xLow = std::min(xLow, keys.lower);
        xHigh = std::max(xHigh, keys.upper);
        yLow = std::min(yLow, logValues.lower);
        yHigh = std::max(yHigh, logValues.upper);
    }
    if (!anyData) return;
    if (xHigh <= xLow) {
        xLow -= 0.5;
        xHigh += 0.5;
    } else if (m_integerX) {
        // Markers on the first and last epoch stay whole.
        xLow -= 0.2;
        xHigh += 0.2;
    } else {
        // Likewise for step axes: a series that only has points at the end (a later level's
        // first step) keeps its marker inside the plot.
        const double pad = (xHigh - xLow) * 0.02;
        xLow -= pad;
        xHigh += pad;
    }
    m_plot->xAxis->setRange(xLow, xHigh);
    if (m_fixedY) {
        m_plot->yAxis->setRange(m_yLow, m_yHigh);
    } else if (logY) {
        if (yLow <= 0) yLow = yHigh > 0 ? yHigh / 10 : 1e-3;
        m_plot->yAxis->setRange(yLow / 1.3, yHigh * 1.3);
    } else {
        // A flat series (float noise only: span below 0.1 % of the values) gets a range around its
        // value wide enough for distinct tick labels, not five ticks that all read the same.
        const double span = yHigh - yLow;
        const double scale = std::max(std::abs(yLow), std::abs(yHigh));
        const bool flat = span <= scale * 1e-3;
        const double pad = flat ? std::max(scale * 0.05, 0.05) : span * 0.06;
        m_plot->yAxis->setRange(yLow - pad, yHigh + pad);
    }
}

void CurvePlot::replotNow() {
    m_replotTimer.stop();
    // A series of one or two points has no visible line: mark its points.
    if (!m_markers && !m_pointsOnly) {
        for (QCPGraph* g : std::as_const(m_graphs)) {
            const QColor color = g->pen().color();
            g->setScatterStyle(g->dataCount() <= 2 ? QCPScatterStyle(QCPScatterStyle::ssDisc, color, color, 6)
                                                   : QCPScatterStyle(QCPScatterStyle::ssNone));
        }
    }
    rescale();
    fitLegendColumns(*m_plot);
    m_plot->replot();
    ++m_replots;
}

void CurvePlot::restyle() {
    stylePlot(*m_plot, palette());
}

void CurvePlot::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    if (m_plot->legend->visible()) scheduleReplot();  // the legend's columns follow the width
}

void CurvePlot::changeEvent(QEvent* event) {
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) {
        restyle();
        scheduleReplot();
    }
}

}  // namespace tokenbench::ui
