#pragma once
/// A scatter of labelled points (one metric against another), each point named next to it.

#include <QString>
#include <QStringList>
#include <QVector>

#include "plots/plot_widget.h"

class QCPItemText;

namespace tokenbench::ui {

/// See file comment. Styled like every plot, with the export button. UI thread only.
class ScatterPlot final : public PlotWidget {
    Q_OBJECT

public:
    ScatterPlot(const QString& title, const QString& xLabel, const QString& yLabel, const QString& exportName,
                QWidget* parent = nullptr);

    /// Shows the points (x[i], y[i]) labelled labels[i]; points with a non-finite value are left out.
    void setPoints(const QVector<double>& x, const QVector<double>& y, const QStringList& labels);
    /// No points; `placeholder` says why.
    void clear(const QString& placeholder);
    void setTitle(const QString& title);
    void setAxisLabels(const QString& xLabel, const QString& yLabel);
    /// Points drawn.
    [[nodiscard]] int pointCount() const { return m_points; }

private:
    void removePoints();
    void restyle() override;

    QVector<QCPItemText*> m_labels;
    int m_points = 0;
};

}  // namespace tokenbench::ui
