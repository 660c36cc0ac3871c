#include "plots/parallel_coordinates.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <qcustomplot.h>

#include <QEvent>
#include <QFontMetrics>
#include <QLocale>
#include <QMouseEvent>

#include "plots/palette.h"
#include "plots/plot_export.h"
#include "plots/plot_style.h"

namespace tokenbench::ui {
namespace {

const QString kAxesLayer = QStringLiteral("parallelAxes");
const QString kLabelsLayer = QStringLiteral("parallelLabels");
constexpr double kPad = 0.03;         // free space above and below the axes, in axis fractions
constexpr double kLogTickEnds = 0.12;  // powers of ten this close to an end would crowd its label
constexpr int kLabelGap = 2;           // pixels between a label and what it labels
constexpr int kInsideOffset = 4;       // pixels between an inside label and its axis
constexpr double kFirstAxisRoom = 0.8;  // left of the first axis, in gaps between axes: its inside labels' room
const char* const kLineProperty = "parallelLine";

QString formatValue(double value, bool integer) {
    if (integer) return QLocale().toString(static_cast<qlonglong>(std::llround(value)));
    return QLocale().toString(value, 'g', 3);
}

QFont valueFont(const QCustomPlot& plot) { return plot.xAxis->tickLabelFont(); }

QFont nameFont(const QCustomPlot& plot) {
    QFont font = plot.xAxis->labelFont();
    font.setBold(true);
    return font;
}

}  // namespace

ParallelCoordinates::ParallelCoordinates(const QString& title, const QString& exportName, QWidget* parent)
    : PlotWidget(exportName, parent) {
    setUpPlot(*m_plot, exportName + QStringLiteral("Plot"), QSize(360, 240), title, QString(), QString());
    // The axes are items drawn per variable; the plot's own axes only map coordinates.
    m_plot->xAxis->setVisible(false);
    m_plot->yAxis->setVisible(false);
    m_plot->xAxis->grid()->setVisible(false);
    m_plot->yAxis->grid()->setVisible(false);
    m_plot->axisRect()->setAutoMargins(QCP::msNone);
    m_plot->addLayer(kAxesLayer, m_plot->layer(QStringLiteral("main")), QCustomPlot::limBelow);
    m_plot->addLayer(kLabelsLayer, m_plot->layer(QStringLiteral("main")), QCustomPlot::limAbove);
    m_plot->setCurrentLayer(QStringLiteral("main"));
    m_plot->yAxis->setRange(-kPad, 1.0 + kPad);
    m_plot->xAxis->setRange(-0.5, 0.5);
    embedHoverPlot(this, m_plot, exportName);
    // Labels are placed in pixels, so they follow every size the plot is laid out at.
    connect(m_plot, &QCustomPlot::afterLayout, this, &ParallelCoordinates::placeLabels);

    m_replotTimer.setSingleShot(true);
    m_replotTimer.setInterval(kReplotIntervalMs);
    connect(&m_replotTimer, &QTimer::timeout, this, &ParallelCoordinates::replotNow);
    restyle();
    setPlotPlaceholder(*m_plot, QString());
}

double ParallelCoordinates::position(const ParallelAxis& axis, double value) {
    if (!std::isfinite(value)) return std::nan("");
    switch (axis.scale) {
    case ParallelAxis::Scale::Categories: {
        const auto count = axis.categories.size();
        if (value < 0 || value > static_cast<double>(count - 1)) return std::nan("");
        return count <= 1 ? 0.5 : value / static_cast<double>(count - 1);
    }
    case ParallelAxis::Scale::Log:
        if (value <= 0 || axis.min <= 0) return std::nan("");
        if (axis.max <= axis.min) return 0.5;
        return std::clamp((std::log(value) - std::log(axis.min)) / (std::log(axis.max) - std::log(axis.min)), 0.0, 1.0);
    case ParallelAxis::Scale::Linear:
        break;
    }
    if (axis.max <= axis.min) return 0.5;
    return std::clamp((value - axis.min) / (axis.max - axis.min), 0.0, 1.0);
}

void ParallelCoordinates::setData(const QVector<ParallelAxis>& axes, const QVector<ParallelLine>& lines,
                                  int colorAxis, const QString& placeholder) {
    m_plot->clearGraphs();
    removeDecorations();
    m_axes = axes;
    m_lines = lines;
    if (axes.isEmpty() || lines.isEmpty()) {
        m_axes.clear();
        m_lines.clear();
        setPlotPlaceholder(*m_plot, placeholder);
        scheduleReplot();
        return;
    }
    const int n = static_cast<int>(axes.size());
    const bool colored = colorAxis >= 0 && colorAxis < n;
    const auto colorPosition = [&](const ParallelLine& line) {
        return colored && colorAxis < line.values.size() ? position(axes[colorAxis], line.values[colorAxis]) : std::nan("");
    };
    // Uncoloured lines first, then low to high, the highlighted one last: the best lines stay on top.
    QVector<int> order(lines.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
        const auto key = [&](int i) {
            const double t = colorPosition(lines[i]);
            return std::make_pair(lines[i].highlighted ? 2 : std::isfinite(t) ? 1 : 0, std::isfinite(t) ? t : 0.0);
        };
        return key(a) < key(b);
    });

    QCPColorGradient gradient = sequentialGradient();  // color() is not const
    const QColor text = palette().color(QPalette::WindowText);
    const QColor missing = blend(palette().color(QPalette::Base), text, 0.45);
    QVector<double> keys(n);
    std::iota(keys.begin(), keys.end(), 0.0);
    for (int index : order) {
        const ParallelLine& line = lines[index];
        QVector<double> values(n, std::nan(""));
        for (int a = 0; a < n && a < line.values.size(); ++a) values[a] = position(axes[a], line.values[a]);
        QCPGraph* graph = m_plot->addGraph();
        graph->setName(line.name);
        graph->setProperty(kLineProperty, index);
        graph->setData(keys, values, true);
        const double t = colorPosition(line);
        if (!std::isfinite(t)) {
            graph->setPen(QPen(missing, 1.5, Qt::DashLine));
            continue;
        }
        // The gradient's palest end would fade into a light background.
        QColor color = gradient.color(0.05 + 0.8 * t, QCPRange(0.0, 1.0));
        if (line.highlighted) {
            graph->setPen(QPen(color, 4.0));
            graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(text, 1.5), QBrush(color), 9));
        } else {
            color.setAlpha(210);
            graph->setPen(QPen(color, 2.0));
        }
    }
    for (int a = 0; a < n; ++a) addAxisDecorations(a);
    m_plot->xAxis->setRange(-kFirstAxisRoom, n - 0.5);
    setPlotPlaceholder(*m_plot, QString());
    restyle();
    scheduleReplot();
}

void ParallelCoordinates::clear(const QString& placeholder) {
    setData({}, {}, -1, placeholder);
}

void ParallelCoordinates::setTitle(const QString& title) {
    setPlotTitle(*m_plot, title);
    scheduleReplot();
}

void ParallelCoordinates::removeDecorations() {
    for (QCPAbstractItem* item : std::as_const(m_axisLines)) m_plot->removeItem(item);
    for (const Label& label : std::as_const(m_labels)) m_plot->removeItem(label.item);
    m_axisLines.clear();
    m_labels.clear();
}

void ParallelCoordinates::addAxisDecorations(int axis) {
    const ParallelAxis& a = m_axes[axis];
    auto* line = new QCPItemLine(m_plot);
    line->setLayer(kAxesLayer);
    line->setSelectable(false);
    line->start->setCoords(axis, 0.0);
    line->end->setCoords(axis, 1.0);
    m_axisLines << line;

    addLabel(axis, Label::Row::Name, a.name);
    if (a.scale == ParallelAxis::Scale::Categories) {
        const auto count = a.categories.size();
        for (qsizetype c = 0; c < count; ++c) {
            // Both ends are kept first when there is no room for every category.
            const int priority = c == 0 || c == count - 1 ? 0 : 1;
            addLabel(axis, Label::Row::Inside, a.categories[c], position(a, static_cast<double>(c)), priority);
        }
        return;
    }
    // The scale goes with the range, so the name keeps its room.
    const bool log = a.scale == ParallelAxis::Scale::Log;
    addLabel(axis, Label::Row::Top, formatValue(a.max, a.integer) + (log ? QStringLiteral(" (log)") : QString()));
    addLabel(axis, Label::Row::Bottom, formatValue(a.min, a.integer));
    if (a.scale == ParallelAxis::Scale::Log && a.min > 0 && a.max > a.min) {
        for (int k = static_cast<int>(std::ceil(std::log10(a.min))); k <= static_cast<int>(std::floor(std::log10(a.max))); ++k) {
            const double value = std::pow(10.0, k);
            const double y = position(a, value);
            if (y < kLogTickEnds || y > 1.0 - kLogTickEnds) continue;
            addLabel(axis, Label::Row::Inside, formatValue(value, false), y, 1);
        }
    }
}

void ParallelCoordinates::addLabel(int axis, Label::Row row, const QString& text, double y, int priority) {
    auto* item = new QCPItemText(m_plot);
    item->setLayer(kLabelsLayer);
    item->setSelectable(false);
    item->setClipToAxisRect(false);
    item->position->setType(QCPItemPosition::ptAbsolute);
    item->setPadding(QMargins(3, 1, 3, 1));
    item->setText(text);
    Label label;
    label.item = item;
    label.axis = axis;
    label.row = row;
    label.y = y;
    label.text = text;
    label.priority = priority;
    m_labels << label;
}

void ParallelCoordinates::placeLabels() {
    if (m_axes.isEmpty()) return;
    const QRect rect = m_plot->axisRect()->rect();
    const QCPAxis& x = *m_plot->xAxis;
    const QCPAxis& y = *m_plot->yAxis;
    const double cell = m_axes.size() > 1 ? x.coordToPixel(1) - x.coordToPixel(0) : rect.width();
    const QFontMetrics valueMetrics(valueFont(*m_plot));
    const QFontMetrics nameMetrics(nameFont(*m_plot));
    const double top = y.coordToPixel(1.0);
    const double bottom = y.coordToPixel(0.0);
    const int valueHeight = valueMetrics.height() + 2;  // the label's padding included
    const int padding = 6;                              // the label's left and right padding

    // Names and range ends always show; inside labels take what room is left, ends of a
    // categorical axis first, and are left out where they would touch a label already placed.
    QVector<QRectF> placed;
    QVector<int> insideOrder;
    for (int i = 0; i < m_labels.size(); ++i) {
        Label& label = m_labels[i];
        auto* item = static_cast<QCPItemText*>(label.item);
        const double at = x.coordToPixel(label.axis);
        const bool name = label.row == Label::Row::Name;
        const QFontMetrics& metrics = name ? nameMetrics : valueMetrics;
        // Centred labels share the gap to each neighbour; inside labels sit left of their axis,
        // in the gap no other axis's inside labels use.
        const double room = label.row != Label::Row::Inside ? cell - 10
                            : label.axis == 0             ? at - rect.left() - kInsideOffset - 2
                                                          : cell - kInsideOffset - 8;
        const QString text =
            metrics.elidedText(label.text, name ? Qt::ElideMiddle : Qt::ElideRight, std::max(8, static_cast<int>(room) - padding));
        item->setText(text);
        item->setVisible(true);
        const double width = metrics.horizontalAdvance(text) + padding;
        const double height = metrics.height() + 2;
        switch (label.row) {
        case Label::Row::Name:
            item->setPositionAlignment(Qt::AlignHCenter | Qt::AlignBottom);
            item->position->setCoords(at, top - kLabelGap - valueHeight);
            placed << QRectF(at - width / 2, top - kLabelGap - valueHeight - height, width, height);
            break;
        case Label::Row::Top:
            item->setPositionAlignment(Qt::AlignHCenter | Qt::AlignBottom);
            item->position->setCoords(at, top - kLabelGap);
            placed << QRectF(at - width / 2, top - kLabelGap - height, width, height);
            break;
        case Label::Row::Bottom:
            item->setPositionAlignment(Qt::AlignHCenter | Qt::AlignTop);
            item->position->setCoords(at, bottom + kLabelGap);
            placed << QRectF(at - width / 2, bottom + kLabelGap, width, height);
            break;
        case Label::Row::Inside:
            // Beside the axis, not on it: a line's point there (the best line's marker) stays visible.
            item->setPositionAlignment(Qt::AlignRight | Qt::AlignVCenter);
            item->position->setCoords(at - kInsideOffset, y.coordToPixel(label.y));
            insideOrder << i;
            break;
        }
    }
    std::stable_sort(insideOrder.begin(), insideOrder.end(),
                     [this](int a, int b) { return m_labels[a].priority < m_labels[b].priority; });
    for (int i : insideOrder) {
        const Label& label = m_labels[i];
        auto* item = static_cast<QCPItemText*>(label.item);
        const double width = valueMetrics.horizontalAdvance(item->text()) + padding;
        const double right = x.coordToPixel(label.axis) - kInsideOffset;
        const QRectF box(right - width, y.coordToPixel(label.y) - valueHeight / 2.0 - 1, width, valueHeight + 2);
        const bool free = std::none_of(placed.begin(), placed.end(), [&box](const QRectF& other) { return box.intersects(other); });
        item->setVisible(free);
        if (free) placed << box;
    }
}

void ParallelCoordinates::replotNow() {
    m_replotTimer.stop();
    m_plot->replot();
    ++m_replots;
}

void ParallelCoordinates::scheduleReplot() {
    if (!m_replotTimer.isActive()) m_replotTimer.start();
}

void ParallelCoordinates::setMargins() {
    const QFontMetrics values(valueFont(*m_plot));
    const QFontMetrics names(nameFont(*m_plot));
    const int valueHeight = values.height() + 2;
    m_plot->axisRect()->setMargins(QMargins(4, names.height() + 2 + valueHeight + 2 * kLabelGap + 4, 4,
                                            valueHeight + kLabelGap + 4));
}

void ParallelCoordinates::restyle() {
    stylePlot(*m_plot, palette());
    const QColor text = palette().color(QPalette::WindowText);
    const QColor base = palette().color(QPalette::Base);
    const QPen axisPen(blend(base, text, 0.55), 1.5);
    for (QCPAbstractItem* item : std::as_const(m_axisLines)) static_cast<QCPItemLine*>(item)->setPen(axisPen);
    QColor backdrop = base;
    backdrop.setAlpha(225);
    for (const Label& label : std::as_const(m_labels)) {
        auto* item = static_cast<QCPItemText*>(label.item);
        item->setColor(text);
        item->setFont(label.row == Label::Row::Name ? nameFont(*m_plot) : valueFont(*m_plot));
        // Inside labels sit on the lines: a backdrop keeps them legible.
        item->setBrush(label.row == Label::Row::Inside ? QBrush(backdrop) : QBrush(Qt::NoBrush));
    }
    setMargins();
}

bool ParallelCoordinates::eventFilter(QObject* watched, QEvent* event) {
    if (watched == m_plot && event->type() == QEvent::MouseMove && !m_lines.isEmpty()) {
        const auto& mouse = *static_cast<QMouseEvent*>(event);
        double nearest = m_plot->selectionTolerance();
        QString tip;
        for (int i = 0; i < m_plot->graphCount(); ++i) {
            QCPGraph* graph = m_plot->graph(i);
            const double distance = graph->selectTest(mouse.position(), false);
            const int line = graph->property(kLineProperty).toInt();
            if (distance < 0 || distance >= nearest || line < 0 || line >= m_lines.size()) continue;
            nearest = distance;
            tip = m_lines[line].toolTip.isEmpty() ? m_lines[line].name : m_lines[line].toolTip;
        }
        showHoverTip(*m_plot, mouse, tip);
    }
    return PlotWidget::eventFilter(watched, event);
}

}  // namespace tokenbench::ui
