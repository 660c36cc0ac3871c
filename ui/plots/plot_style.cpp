#include "plots/plot_style.h"

#include <algorithm>
#include <cmath>

#include <qcustomplot.h>

#include <QFontMetrics>
#include <QMouseEvent>
#include <QToolTip>

#include "plots/palette.h"

namespace tokenbench::ui {
namespace {

const QString kPlaceholderName = QStringLiteral("tokenbenchPlaceholder");

QCPTextElement* findTitle(QCustomPlot& plot) {
    for (QCPLayoutElement* element : plot.plotLayout()->elements(false)) {
        if (auto* title = qobject_cast<QCPTextElement*>(element)) return title;
    }
    return nullptr;
}

constexpr const char* kPlaceholderText = "placeholderText";  // the unwrapped text, a property of the item
constexpr int kPlaceholderMargin = 12;                       // pixels kept free at each side of the axis rect

/// `text` with line breaks so no line is wider than `width` pixels in `font` (words never split;
/// existing line breaks kept).
QString wrappedText(const QString& text, const QFont& font, int width) {
    const QFontMetrics metrics(font);
    QStringList lines;
    for (const QString& paragraph : text.split(QLatin1Char('\n'))) {
        QString line;
        for (const QString& word : paragraph.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
            const QString longer = line.isEmpty() ? word : line + QLatin1Char(' ') + word;
            if (!line.isEmpty() && metrics.horizontalAdvance(longer) > width) {
                lines << line;
                line = word;
            } else {
                line = longer;
            }
        }
        lines << line;
    }
    return lines.join(QLatin1Char('\n'));
}

/// Fits the placeholder's text into the axis rect as it is now laid out.
void wrapPlaceholder(QCustomPlot& plot, QCPItemText& placeholder) {
    const QString text = placeholder.property(kPlaceholderText).toString();
    const int width = plot.axisRect() ? plot.axisRect()->width() - 2 * kPlaceholderMargin : 0;
    placeholder.setText(width > 0 ? wrappedText(text, placeholder.font(), width) : text);
}

QCPItemText* findPlaceholder(QCustomPlot& plot) {
    for (int i = 0; i < plot.itemCount(); ++i) {
        if (auto* text = qobject_cast<QCPItemText*>(plot.item(i)); text && text->objectName() == kPlaceholderName) {
            return text;
        }
    }
    return nullptr;
}

QFont scaledFont(const QFont& base, double factor, bool bold = false) {
    QFont font = base;
    if (base.pointSizeF() > 0) font.setPointSizeF(base.pointSizeF() * factor);
    font.setBold(bold);
    return font;
}

}  // namespace

void stylePlot(QCustomPlot& plot, const QPalette& palette) {
    const QColor text = palette.color(QPalette::Active, QPalette::WindowText);
    const QColor background = palette.color(QPalette::Active, QPalette::Base);
    const QColor axisColor = blend(background, text, 0.55);
    const QColor gridColor = blend(background, text, 0.12);
    const QFont base = plot.font();

    plot.setBackground(background);
    plot.setAntialiasedElements(QCP::aeAll);
    plot.setNotAntialiasedElements(QCP::aeAxes | QCP::aeGrid);

    for (QCPAxisRect* rect : plot.axisRects()) {
        rect->setBackground(background);
        for (QCPAxis* axis : rect->axes()) {
            axis->setBasePen(QPen(axisColor, 1));
            axis->setTickPen(QPen(axisColor, 1));
            axis->setSubTickPen(QPen(axisColor, 1));
            axis->setTickLengthIn(0);
            axis->setTickLengthOut(5);
            axis->setSubTickLengthIn(0);
            axis->setSubTickLengthOut(3);
            axis->setTickLabelColor(text);
            axis->setLabelColor(text);
            axis->setTickLabelFont(scaledFont(base, 0.9));
            axis->setLabelFont(scaledFont(base, 1.0));
            axis->grid()->setPen(QPen(gridColor, 1, Qt::SolidLine));
            axis->grid()->setSubGridPen(QPen(blend(background, text, 0.06), 1, Qt::DotLine));
            axis->grid()->setZeroLinePen(Qt::NoPen);
        }
    }
    if (QCPLegend* legend = plot.legend) {
        legend->setBrush(QBrush(background));
        legend->setBorderPen(plot.plotLayout()->elements(false).contains(legend) ? QPen(Qt::NoPen) : QPen(gridColor));
        legend->setTextColor(text);
        legend->setFont(scaledFont(base, 0.9));
    }
    if (QCPTextElement* title = findTitle(plot)) {
        title->setTextColor(text);
        title->setFont(scaledFont(base, 1.1, true));
    }
    if (QCPItemText* placeholder = findPlaceholder(plot)) {
        placeholder->setColor(blend(background, text, 0.6));
        placeholder->setFont(scaledFont(base, 1.0));
    }
}

QCPTextElement* setPlotTitle(QCustomPlot& plot, const QString& title) {
    QCPTextElement* element = findTitle(plot);
    if (!element) {
        plot.plotLayout()->insertRow(0);
        element = new QCPTextElement(&plot, title, scaledFont(plot.font(), 1.1, true));
        element->setMargins(QMargins(0, 6, 0, 0));
        plot.plotLayout()->addElement(0, 0, element);
    }
    element->setText(title);
    return element;
}

void setUpPlot(QCustomPlot& plot, const QString& objectName, QSize minimumSize, const QString& title,
               const QString& xLabel, const QString& yLabel) {
    plot.setObjectName(objectName);
    plot.setMinimumSize(minimumSize);
    setPlotTitle(plot, title);
    plot.xAxis->setLabel(xLabel);
    plot.yAxis->setLabel(yLabel);
}

LineMarker addLineMarker(QCustomPlot& plot, Qt::Orientation orientation, Qt::Alignment labelAlignment) {
    LineMarker marker;
    marker.line = new QCPItemStraightLine(&plot);
    marker.label = new QCPItemText(&plot);
    const bool vertical = orientation == Qt::Vertical;
    marker.label->setPositionAlignment(labelAlignment);
    marker.label->position->setTypeX(vertical ? QCPItemPosition::ptPlotCoords : QCPItemPosition::ptAxisRectRatio);
    marker.label->position->setTypeY(vertical ? QCPItemPosition::ptAxisRectRatio : QCPItemPosition::ptPlotCoords);
    marker.label->setPadding(QMargins(4, 2, 4, 2));
    marker.line->setVisible(false);
    marker.label->setVisible(false);
    return marker;
}

void setLegendBelow(QCustomPlot& plot, bool shown, int columns) {
    QCPLegend* legend = plot.legend;
    QCPLayoutGrid* grid = plot.plotLayout();
    // A new plot keeps its legend inside the axis rect; move it out of there once.
    if (QCPLayoutInset* inset = plot.axisRect()->insetLayout(); inset->elements(false).contains(legend)) {
        inset->take(legend);
        inset->simplify();
    }
    const bool inGrid = grid->elements(false).contains(legend);
    if (shown && !inGrid) {
        const int row = grid->rowCount();
        grid->insertRow(row);
        grid->addElement(row, 0, legend);
        grid->setRowStretchFactor(row, 0.001);  // as tall as its text, no more
        legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
        legend->setWrap(columns);
        legend->setMargins(QMargins(4, 0, 4, 4));
        legend->setBorderPen(Qt::NoPen);
    } else if (!shown && inGrid) {
        grid->take(legend);
        grid->simplify();
    }
    legend->setVisible(shown);
}

void fitLegendColumns(QCustomPlot& plot) {
    QCPLegend* legend = plot.legend;
    if (!legend->visible() || legend->itemCount() == 0) return;
    const QFontMetrics metrics(legend->font());
    int widest = 0;
    for (int i = 0; i < legend->itemCount(); ++i) {
        if (auto* item = qobject_cast<QCPPlottableLegendItem*>(legend->item(i))) {
            widest = std::max(widest, metrics.horizontalAdvance(item->plottable()->name()));
        }
    }
    const int itemWidth = widest + legend->iconSize().width() + legend->iconTextPadding() + 24;
    const int available = std::max(1, plot.width() - 16);
    const int columns = std::clamp(available / std::max(1, itemWidth), 1, legend->itemCount());
    if (legend->wrap() != columns) {
        legend->setWrap(columns);
        legend->setFillOrder(legend->fillOrder(), true);  // setWrap alone leaves placed items where they are
    }
}

void showEmptyColorMap(QCustomPlot& plot, const ColorMapLayer& layer, const QString& title,
                       const QString& placeholder) {
    layer.map->setVisible(false);
    layer.scale->setVisible(false);
    plot.xAxis->setTickLabels(false);
    plot.yAxis->setTickLabels(false);
    setPlotTitle(plot, title);
    setPlotPlaceholder(plot, placeholder);
}

std::optional<QPoint> hoveredCell(const QCustomPlot& plot, const QMouseEvent& mouse) {
    const QPointF pos = mouse.position();
    if (!plot.axisRect()->rect().contains(pos.toPoint())) return std::nullopt;
    return QPoint(static_cast<int>(std::lround(plot.xAxis->pixelToCoord(pos.x()))),
                  static_cast<int>(std::lround(plot.yAxis->pixelToCoord(pos.y()))));
}

void showHoverTip(QCustomPlot& plot, const QMouseEvent& mouse, const QString& text) {
    if (text.isEmpty()) QToolTip::hideText();
    else QToolTip::showText(mouse.globalPosition().toPoint(), text, &plot);
}

void setPlotPlaceholder(QCustomPlot& plot, const QString& text) {
    QCPItemText* placeholder = findPlaceholder(plot);
    if (!placeholder) {
        placeholder = new QCPItemText(&plot);
        placeholder->setObjectName(kPlaceholderName);
        placeholder->setClipToAxisRect(false);
        placeholder->position->setType(QCPItemPosition::ptAxisRectRatio);
        placeholder->position->setCoords(0.5, 0.5);
        placeholder->setPositionAlignment(Qt::AlignCenter);
        placeholder->setSelectable(false);
        placeholder->setTextAlignment(Qt::AlignCenter);
        stylePlot(plot, plot.palette());
        // Re-wrapped whenever the layout changes, so a long text never runs past a narrow plot.
        QObject::connect(&plot, &QCustomPlot::afterLayout, placeholder,
                         [&plot, placeholder] { wrapPlaceholder(plot, *placeholder); });
    }
    placeholder->setProperty(kPlaceholderText, text);
    wrapPlaceholder(plot, *placeholder);
    placeholder->setVisible(!text.isEmpty());
}

ColorMapLayer addColorMap(QCustomPlot& plot, const QString& valueName) {
    plot.xAxis->grid()->setVisible(false);
    plot.yAxis->grid()->setVisible(false);
    ColorMapLayer layer;
    layer.map = new QCPColorMap(plot.xAxis, plot.yAxis);
    layer.map->setName(valueName);
    layer.map->setInterpolate(false);  // cells are discrete: no blending between neighbours
    layer.map->setTightBoundary(true);
    layer.scale = new QCPColorScale(&plot);
    plot.plotLayout()->addElement(plot.plotLayout()->rowCount() - 1, 1, layer.scale);
    layer.scale->setType(QCPAxis::atRight);
    layer.scale->setBarWidth(12);
    layer.scale->axis()->setLabel(valueName);
    layer.map->setColorScale(layer.scale);
    layer.map->setGradient(sequentialGradient());
    // Keep the colour bar as tall as the map.
    auto* group = new QCPMarginGroup(&plot);
    plot.axisRect()->setMarginGroup(QCP::msTop | QCP::msBottom, group);
    layer.scale->setMarginGroup(QCP::msTop | QCP::msBottom, group);
    return layer;
}

void styleColorMap(QCustomPlot& plot, const ColorMapLayer& layer, const QPalette& palette) {
    stylePlot(plot, palette);
    const QColor text = palette.color(QPalette::WindowText);
    const QColor axis = blend(palette.color(QPalette::Base), text, 0.55);
    QCPAxis* scaleAxis = layer.scale->axis();
    scaleAxis->setLabelColor(text);
    scaleAxis->setTickLabelColor(text);
    scaleAxis->setBasePen(QPen(axis));
    scaleAxis->setTickPen(QPen(axis));
    scaleAxis->setLabelFont(plot.xAxis->labelFont());
    scaleAxis->setTickLabelFont(plot.xAxis->tickLabelFont());
}

}  // namespace tokenbench::ui
