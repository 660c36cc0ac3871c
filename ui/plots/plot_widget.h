#pragma once
/// Bases of the plot widgets that are one QCustomPlot filling the widget (bar chart, heatmaps).

#include <QPoint>
#include <QWidget>

#include "plots/plot_style.h"

class QCustomPlot;

namespace tokenbench::ui {

/// Owns the QCustomPlot and keeps it in the current theme: on every palette change it calls
/// restyle() and replots. UI thread only.
class PlotWidget : public QWidget {
    Q_OBJECT

public:
    /// The QCustomPlot itself, for tests, screenshots and export (see plots/plot_probe.h).
    [[nodiscard]] QWidget* plotWidget() const;

protected:
    /// Names the widget `objectName` and creates the (empty) plot as its child.
    PlotWidget(const QString& objectName, QWidget* parent);

    /// Applies the widget's palette to the plot; does not replot.
    virtual void restyle() = 0;
    void changeEvent(QEvent* event) override;

    QCustomPlot* m_plot;
};

/// A PlotWidget showing one heatmap (the subclass adds it with addColorMap into m_layer), styled
/// with its colour bar, and a tool tip for the cell under the mouse. UI thread only.
class HeatmapWidget : public PlotWidget {
    Q_OBJECT

protected:
    using PlotWidget::PlotWidget;

    /// Whether any cells are shown (no tool tips otherwise).
    [[nodiscard]] virtual bool hasCells() const = 0;
    /// Tool tip for the cell at `cell` (x and y data coordinates); empty when there is none.
    [[nodiscard]] virtual QString cellToolTip(QPoint cell) const = 0;

    void restyle() override;
    bool eventFilter(QObject* watched, QEvent* event) override;

    ColorMapLayer m_layer;
};

}  // namespace tokenbench::ui
