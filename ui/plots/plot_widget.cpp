#include "plots/plot_widget.h"

#include <qcustomplot.h>

#include <QEvent>
#include <QMouseEvent>

namespace tokenbench::ui {

PlotWidget::PlotWidget(const QString& objectName, QWidget* parent) : QWidget(parent), m_plot(new QCustomPlot(this)) {
    setObjectName(objectName);
}

QWidget* PlotWidget::plotWidget() const {
    return m_plot;
}

void PlotWidget::changeEvent(QEvent* event) {
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) {
        restyle();
        m_plot->replot();
    }
}

void HeatmapWidget::restyle() {
    styleColorMap(*m_plot, m_layer, palette());
}

bool HeatmapWidget::eventFilter(QObject* watched, QEvent* event) {
    if (watched == m_plot && event->type() == QEvent::MouseMove && hasCells()) {
        const auto& mouse = *static_cast<QMouseEvent*>(event);
        const std::optional<QPoint> cell = hoveredCell(*m_plot, mouse);
        showHoverTip(*m_plot, mouse, cell ? cellToolTip(*cell) : QString());
    }
    return PlotWidget::eventFilter(watched, event);
}

}  // namespace tokenbench::ui
