#include "plots/bar_chart.h"

#include <algorithm>
#include <cmath>

#include <qcustomplot.h>

#include <QEvent>
#include <QResizeEvent>
#include <QLocale>
#include <QMouseEvent>
#include <QVBoxLayout>

#include "plots/palette.h"
#include "plots/plot_export.h"
#include "plots/plot_style.h"

namespace tokenbench::ui {

BarChart::BarChart(const QString& title, const QString& xLabel, const QString& yLabel, const QString& exportName,
                   QWidget* parent)
    : PlotWidget(exportName, parent) {
    setUpPlot(*m_plot, exportName + QStringLiteral("Plot"), QSize(260, 160), title, xLabel, yLabel);
    setLegendBelow(*m_plot, false);
    m_plot->xAxis->grid()->setVisible(false);
    m_plot->yAxis->ticker()->setTickCount(4);
    const LineMarker reference = addLineMarker(*m_plot, Qt::Horizontal, Qt::AlignRight | Qt::AlignBottom);
    m_reference = reference.line;
    m_referenceLabel = reference.label;
    // Bars are created later and would cover the reference line: draw it on a layer above them.
    m_plot->addLayer(QStringLiteral("annotations"), m_plot->layer(QStringLiteral("main")), QCustomPlot::limAbove);
    m_reference->setLayer(QStringLiteral("annotations"));
    m_referenceLabel->setLayer(QStringLiteral("annotations"));
    installPlotExport(m_plot, exportName);
    m_plot->setMouseTracking(true);
    m_plot->installEventFilter(this);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_plot);
    restyle();
}

void BarChart::removeBars() {
    m_plot->clearPlottables();
    if (m_group) {
        delete m_group;
        m_group = nullptr;
    }
    setLegendBelow(*m_plot, false);
    m_reference->setVisible(false);
    m_referenceLabel->setVisible(false);
}

void BarChart::setBars(const QString& name, const QVector<double>& keys, const QVector<double>& values,
                       double reference, const QString& referenceLabel) {
    removeBars();
    auto* bars = new QCPBars(m_plot->xAxis, m_plot->yAxis);
    bars->setName(name);
    bars->setWidthType(QCPBars::wtPlotCoords);
    bars->setWidth(0.8);
    QColor fill = seriesColor(0);
    fill.setAlpha(210);
    bars->setBrush(fill);
    bars->setPen(keys.size() > 120 ? Qt::NoPen : QPen(seriesColor(0).darker(115), 1));
    bars->setData(keys, values, true);

    QSharedPointer<QCPAxisTickerFixed> ticker(new QCPAxisTickerFixed);
    ticker->setTickStep(1.0);
    ticker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    m_plot->xAxis->setTicker(ticker);
    double peak = reference;
    for (double v : values) peak = std::max(peak, v);
    if (!keys.isEmpty()) {
        const auto [low, high] = std::minmax_element(keys.begin(), keys.end());
        m_plot->xAxis->setRange(*low - 0.6, *high + 0.6);
    }
    m_plot->yAxis->setRange(0, std::max(1.0, peak * 1.12));
    if (reference > 0) {
        m_reference->point1->setCoords(0, reference);
        m_reference->point2->setCoords(1, reference);
        m_referenceLabel->position->setCoords(0.99, reference);
        m_referenceLabel->setText(referenceLabel);
        m_reference->setVisible(true);
        m_referenceLabel->setVisible(!referenceLabel.isEmpty());
    }
    setPlotPlaceholder(*m_plot, keys.isEmpty() ? QStringLiteral("No data") : QString());
    m_plot->replot();
}

void BarChart::setGroups(const QStringList& categories, const QVector<BarSeries>& series) {
    removeBars();
    QVector<double> ticks;
    for (int i = 0; i < categories.size(); ++i) ticks << i + 1;
    QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
    ticker->setTicks(ticks, categories.toVector());
    m_plot->xAxis->setTicker(ticker);
    m_plot->xAxis->setRange(0.4, categories.size() + 0.6);

    if (series.size() > 1) m_group = new QCPBarsGroup(m_plot);
    const double width = 0.8 / std::max<qsizetype>(1, series.size());
    double peak = 0;
    for (int s = 0; s < series.size(); ++s) {
        auto* bars = new QCPBars(m_plot->xAxis, m_plot->yAxis);
        bars->setName(series[s].name);
        bars->setWidthType(QCPBars::wtPlotCoords);
        bars->setWidth(width);
        const QColor color = seriesColor(s);
        QColor fill = color;
        fill.setAlpha(220);
        bars->setBrush(fill);
        bars->setPen(QPen(color.darker(115), 1));
        QVector<double> keys, values;
        for (int c = 0; c < std::min<qsizetype>(categories.size(), series[s].values.size()); ++c) {
            const double v = series[s].values[c];
            if (!std::isfinite(v)) continue;
            keys << c + 1;
            values << v;
            peak = std::max(peak, v);
        }
        bars->setData(keys, values, true);
        if (m_group) bars->setBarsGroup(m_group);
    }
    setLegendBelow(*m_plot, series.size() > 1);
    fitLegendColumns(*m_plot);
    m_plot->yAxis->setRange(0, peak > 0 ? peak * 1.12 : 1.0);
    setPlotPlaceholder(*m_plot, categories.isEmpty() || series.isEmpty() ? QStringLiteral("No data") : QString());
    m_plot->replot();
}

void BarChart::clear(const QString& placeholder) {
    removeBars();
    m_plot->xAxis->setRange(0, 1);
    m_plot->yAxis->setRange(0, 1);
    setPlotPlaceholder(*m_plot, placeholder);
    m_plot->replot();
}

void BarChart::setTitle(const QString& title) {
    setPlotTitle(*m_plot, title);
    m_plot->replot();
}

void BarChart::setAxisLabels(const QString& xLabel, const QString& yLabel) {
    m_plot->xAxis->setLabel(xLabel);
    m_plot->yAxis->setLabel(yLabel);
}

int BarChart::barCount() const {
    int count = 0;
    for (int i = 0; i < m_plot->plottableCount(); ++i) {
        if (auto* bars = qobject_cast<QCPBars*>(m_plot->plottable(i))) count += bars->dataCount();
    }
    return count;
}

bool BarChart::eventFilter(QObject* watched, QEvent* event) {
    if (watched == m_plot && event->type() == QEvent::MouseMove) {
        const auto* mouse = static_cast<QMouseEvent*>(event);
        QString tip;
        for (int i = 0; i < m_plot->plottableCount() && tip.isEmpty(); ++i) {
            auto* bars = qobject_cast<QCPBars*>(m_plot->plottable(i));
            if (!bars) continue;
            QVariant details;
            const double distance = bars->selectTest(mouse->position(), false, &details);
            if (distance < 0 || distance >= m_plot->selectionTolerance()) continue;
            const QCPDataSelection hit = details.value<QCPDataSelection>();
            if (hit.isEmpty()) continue;
            const auto it = bars->data()->at(hit.dataRange().begin());
            auto text = m_plot->xAxis->ticker().dynamicCast<QCPAxisTickerText>();
            const QString key = text ? text->ticks().value(it->key) : QLocale().toString(it->key, 'g', 6);
            tip = QStringLiteral("%1 · %2: %3").arg(bars->name(), key, QLocale().toString(it->value, 'g', 5));
        }
        showHoverTip(*m_plot, *mouse, tip);
    }
    return PlotWidget::eventFilter(watched, event);
}

void BarChart::restyle() {
    stylePlot(*m_plot, palette());
    const QColor accent = seriesColor(1);
    m_reference->setPen(QPen(accent, 1.5, Qt::DashLine));
    m_referenceLabel->setColor(accent.darker(palette().color(QPalette::Base).lightness() > 128 ? 130 : 80));
    QColor backdrop = palette().color(QPalette::Base);
    backdrop.setAlpha(220);
    m_referenceLabel->setBrush(backdrop);
}

void BarChart::resizeEvent(QResizeEvent* event) {
    PlotWidget::resizeEvent(event);
    if (m_plot->legend->visible()) {
        fitLegendColumns(*m_plot);
        m_plot->replot(QCustomPlot::rpQueuedReplot);
    }
}

}  // namespace tokenbench::ui
