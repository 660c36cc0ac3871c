#pragma once
/// A line plot of named series that grow while a job runs: points are appended (never re-read) and
/// the plot redraws at most every kReplotIntervalMs, however often data arrives.

#include <QHash>
#include <QString>
#include <QTimer>
#include <QVector>
#include <QWidget>

class QCustomPlot;
class QCPGraph;

namespace tokenbench::ui {

/// Wraps a QCustomPlot (see plotWidget()) with the project's style, a legend once there are two
/// series, the export button and a throttled replot. UI thread.
class CurvePlot final : public QWidget {
    Q_OBJECT

public:
    static constexpr int kReplotIntervalMs = 100;

    /// `exportName` names exported files ("tokenizer-loss").
    CurvePlot(const QString& title, const QString& xLabel, const QString& yLabel, const QString& exportName,
              QWidget* parent = nullptr);

    /// Appends one point to `series` (created on first use, coloured in creation order).
    void append(const QString& series, double x, double y);
    /// Replaces a series' data (stored runs).
    void setSeries(const QString& series, const QVector<double>& x, const QVector<double>& y);
    /// Removes every series and shows `placeholder` (may be empty) until data arrives.
    void clear(const QString& placeholder = {});
    void setPlaceholder(const QString& text);
    /// Fixes the value axis (e.g. 0..1 for shares); without it the axis follows the data.
    void setFixedYRange(double low, double high);
    void setLogY(bool logarithmic);
    /// Keys are whole numbers (epochs, levels): ticks at integers only.
    void setIntegerX(bool integer);
    /// Draws a marker on every point (curves with few points, e.g. per epoch).
    void setMarkers(bool markers);
    /// Draws every point as a dot with no line between them: one value per level or category, where a
    /// line would suggest a course over time.
    void setPointsOnly(bool pointsOnly);
    void setTitle(const QString& title);
    void setAxisLabels(const QString& xLabel, const QString& yLabel);

    /// Redraws at once (after a batch of setSeries calls for stored data).
    void replotNow();

    [[nodiscard]] QWidget* plotWidget() const;
    [[nodiscard]] QStringList seriesNames() const;
    [[nodiscard]] int pointCount(const QString& series) const;
    /// Number of redraws so far (tests check the throttle).
    [[nodiscard]] int replotCount() const { return m_replots; }

protected:
    void changeEvent(QEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    QCPGraph* graph(const QString& series);
    void scheduleReplot();
    void rescale();
    void restyle();

    QCustomPlot* m_plot;
    QHash<QString, QCPGraph*> m_graphs;
    QStringList m_order;
    QTimer m_replotTimer;
    bool m_fixedY = false;
    double m_yLow = 0.0;
    double m_yHigh = 1.0;
    bool m_markers = false;
    bool m_pointsOnly = false;
    bool m_integerX = false;
    int m_replots = 0;
};

}  // namespace tokenbench::ui
