#pragma once
/// A parallel-coordinates plot: one vertical axis per variable (linear, log or categorical), one
/// polyline per record across them, coloured by its value on one chosen axis. Sweeps use it to show
/// every trial's parameters against its validation metric.

#include <limits>

#include <QString>
#include <QStringList>
#include <QTimer>
#include <QVector>

#include "plots/plot_widget.h"

class QCPAbstractItem;

namespace tokenbench::ui {

/// One vertical axis.
struct ParallelAxis final {
    enum class Scale { Linear, Log, Categories };
    QString name;
    Scale scale = Scale::Linear;
    double min = 0.0;        ///< Linear and Log: the bottom and top of the axis (Log: > 0)
    double max = 1.0;
    bool integer = false;    ///< Linear: values are whole numbers
    QStringList categories;  ///< Categories: the labels, bottom to top, evenly spaced
};

/// One polyline.
struct ParallelLine final {
    QString name;        ///< "trial 3"
    QVector<double> values;  ///< per axis: the value, or the category's index; NaN leaves a gap
    bool highlighted = false;  ///< drawn thick, with markers, above the others (the best)
    QString toolTip;     ///< shown while the mouse is over the line
};

/// See file comment. The axes carry their name above them, their range's ends (Linear, Log, the top
/// one marked "(log)"), the powers of ten inside a Log range, or every category; labels are elided and thinned to the space
/// the plot has, so none overlaps another at any size. Lines are coloured by the palette's
/// sequential gradient over the colour axis; a line without a value there is grey and dashed.
/// Redraws at most every kReplotIntervalMs. UI thread.
class ParallelCoordinates final : public PlotWidget {
    Q_OBJECT

public:
    static constexpr int kReplotIntervalMs = 100;

    ParallelCoordinates(const QString& title, const QString& exportName, QWidget* parent = nullptr);

    /// Shows `lines` over `axes`, coloured by their value on axis `colorAxis` (-1: one colour).
    /// With no line the plot shows `placeholder` alone.
    void setData(const QVector<ParallelAxis>& axes, const QVector<ParallelLine>& lines, int colorAxis,
                 const QString& placeholder);
    /// Removes everything and shows `placeholder`.
    void clear(const QString& placeholder);
    void setTitle(const QString& title);
    /// Redraws at once.
    void replotNow();

    [[nodiscard]] int lineCount() const { return static_cast<int>(m_lines.size()); }
    [[nodiscard]] int axisCount() const { return static_cast<int>(m_axes.size()); }
    /// Number of redraws so far (tests check the throttle).
    [[nodiscard]] int replotCount() const { return m_replots; }
    /// Where `value` sits on axis `axis`, 0 (bottom) to 1 (top); NaN when it is not on the axis.
    [[nodiscard]] static double position(const ParallelAxis& axis, double value);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    /// A label and where it belongs; placed in pixels after every layout.
    struct Label {
        QCPAbstractItem* item = nullptr;
        int axis = 0;
        enum class Row { Name, Top, Bottom, Inside } row = Row::Inside;
        double y = 0.0;       ///< Inside: position on the axis, 0..1
        QString text;         ///< unelided
        int priority = 0;     ///< Inside: lower is kept first when labels must be thinned
    };

    void removeDecorations();
    void addAxisDecorations(int axis);
    void addLabel(int axis, Label::Row row, const QString& text, double y = 0.0, int priority = 0);
    /// Places, elides and thins the labels for the axis rect as now laid out.
    void placeLabels();
    void scheduleReplot();
    void restyle() override;
    void setMargins();

    QVector<ParallelAxis> m_axes;
    QVector<ParallelLine> m_lines;
    QVector<QCPAbstractItem*> m_axisLines;
    QVector<Label> m_labels;
    QTimer m_replotTimer;
    int m_replots = 0;
};

}  // namespace tokenbench::ui
