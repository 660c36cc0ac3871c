#pragma once
/// Bar charts: one series over numeric keys (usage per code) or grouped series over named
/// categories (a metric per run, side by side).

#include <QString>
#include <QStringList>
#include <QVector>
#include <QWidget>

#include "plots/plot_widget.h"

class QCPBarsGroup;
class QCPItemStraightLine;
class QCPItemText;

namespace tokenbench::ui {

/// One named series of a grouped chart.
struct BarSeries final {
    QString name;
    QVector<double> values;  ///< one per category
};

/// See file comment. Styled like every plot, with the export button and a value tooltip. UI thread.
class BarChart final : public PlotWidget {
    Q_OBJECT

public:
    BarChart(const QString& title, const QString& xLabel, const QString& yLabel, const QString& exportName,
             QWidget* parent = nullptr);

    /// One series over numeric keys; `reference` > 0 draws a dashed horizontal line there with
    /// `referenceLabel` (e.g. the uniform share).
    void setBars(const QString& name, const QVector<double>& keys, const QVector<double>& values,
                 double reference = 0.0, const QString& referenceLabel = {});
    /// Grouped bars: one group per category, one coloured bar per series, legend when > 1 series.
    void setGroups(const QStringList& categories, const QVector<BarSeries>& series);
    void clear(const QString& placeholder);
    void setTitle(const QString& title);
    void setAxisLabels(const QString& xLabel, const QString& yLabel);

    /// Bars drawn, over all series.
    [[nodiscard]] int barCount() const;

protected:
    void resizeEvent(QResizeEvent* event) override;
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void removeBars();
    void restyle() override;

    QCPBarsGroup* m_group = nullptr;
    QCPItemStraightLine* m_reference = nullptr;
    QCPItemText* m_referenceLabel = nullptr;
};

}  // namespace tokenbench::ui
