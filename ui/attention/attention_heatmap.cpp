#include "attention/attention_heatmap.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <qcustomplot.h>

#include <QEvent>
#include <QLocale>
#include <QMouseEvent>
#include <QToolTip>

#include "plots/palette.h"
#include "plots/plot_export.h"
#include "plots/plot_style.h"

namespace tokenbench::ui {
namespace {

constexpr int kMaxLabelChars = 18;

QString shortLabel(const QString& label) {
    return label.size() > kMaxLabelChars ? label.left(kMaxLabelChars - 1) + QChar(0x2026) : label;
}

}  // namespace

AttentionHeatmap::AttentionHeatmap(QWidget* parent) : QWidget(parent), m_plot(new QCustomPlot(this)) {
    setObjectName(QStringLiteral("attentionHeatmap"));
    m_plot->setObjectName(QStringLiteral("attentionHeatmapPlot"));
    m_plot->setMinimumSize(320, 240);
    setPlotTitle(*m_plot, QStringLiteral("Attention"));
    m_plot->xAxis->setLabel(QStringLiteral("Attended position (key)"));
    m_plot->yAxis->setLabel(QStringLiteral("Attending position (query)"));
    m_plot->yAxis->setRangeReversed(true);  // first history item on top, like a matrix
    m_plot->xAxis->setTickLabelRotation(60);
    const ColorMapLayer layer = addColorMap(*m_plot, QStringLiteral("Attention weight"));
    m_map = layer.map;
    m_scale = layer.scale;
    embedHoverPlot(this, m_plot, QStringLiteral("attention"));
    restyle();
    clear(QStringLiteral("Pick a model run and a user"));
}

QWidget* AttentionHeatmap::plotWidget() const {
    return m_plot;
}

void AttentionHeatmap::setMap(const core::AttentionMap& map, const QString& title) {
    if (map.rows <= 0 || map.cols <= 0 || map.weights.size() != static_cast<size_t>(map.rows) * map.cols) {
        clear(QStringLiteral("This attention map is empty"));
        return;
    }
    m_data = map;
    m_colLabels.clear();
    m_rowLabels.clear();
    for (int c = 0; c < map.cols; ++c) {
        m_colLabels << (c < static_cast<int>(map.positions.size())
                            ? QString::fromStdString(core::positionText(map.positions[static_cast<size_t>(c)]))
                            : QStringLiteral("#%1").arg(c + 1));
    }
    // Queries are the last `rows` positions of the same sequence (all of it for self-attention).
    for (int r = 0; r < map.rows; ++r) {
        const int col = map.cols - map.rows + r;
        m_rowLabels << (col >= 0 && col < m_colLabels.size() ? m_colLabels[col] : QStringLiteral("#%1").arg(r + 1));
    }
    QCPColorMapData* data = m_map->data();
    data->setSize(map.cols, map.rows);
    data->setRange(QCPRange(0, map.cols - 1), QCPRange(0, map.rows - 1));
    float peak = 0.0f;
    for (int r = 0; r < map.rows; ++r) {
        for (int c = 0; c < map.cols; ++c) {
            const float w = map.weights[static_cast<size_t>(r) * map.cols + c];
            data->setCell(c, r, w);
            if (std::isfinite(w)) peak = std::max(peak, w);
        }
    }
    m_map->setDataRange(QCPRange(0, peak > 0 ? peak : 1.0));
    m_map->setVisible(true);
    m_scale->setVisible(true);
    m_plot->xAxis->setTickLabels(true);
    m_plot->yAxis->setTickLabels(true);

    // Label every position when they fit; otherwise every n-th.
    const auto ticks = [](const QStringList& labels, int maxTicks) {
        QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
        const int step = std::max(1, static_cast<int>(std::ceil(labels.size() / static_cast<double>(maxTicks))));
        for (int i = 0; i < labels.size(); i += step) ticker->addTick(i, shortLabel(labels[i]));
        return ticker;
    };
    m_plot->xAxis->setTicker(ticks(m_colLabels, 30));
    m_plot->yAxis->setTicker(ticks(m_rowLabels, 30));
    m_plot->xAxis->setRange(-0.5, map.cols - 0.5);
    m_plot->yAxis->setRange(-0.5, map.rows - 0.5);
    setPlotTitle(*m_plot, title);
    setPlotPlaceholder(*m_plot, {});
    m_plot->replot();
}

void AttentionHeatmap::clear(const QString& placeholder) {
    m_data = {};
    m_rowLabels.clear();
    m_colLabels.clear();
    m_map->data()->clear();
    m_map->setVisible(false);
    // An empty map shows its message only: no colour bar, no ticks for cells that do not exist.
    m_scale->setVisible(false);
    m_plot->xAxis->setTickLabels(false);
    m_plot->yAxis->setTickLabels(false);
    m_plot->xAxis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
    m_plot->yAxis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
    m_plot->xAxis->setRange(0, 1);
    m_plot->yAxis->setRange(0, 1);
    setPlotTitle(*m_plot, QStringLiteral("Attention"));
    setPlotPlaceholder(*m_plot, placeholder);
    m_plot->replot();
}

double AttentionHeatmap::weight(int row, int col) const {
    if (row < 0 || col < 0 || row >= m_data.rows || col >= m_data.cols) return std::numeric_limits<double>::quiet_NaN();
    return m_data.weights[static_cast<size_t>(row) * m_data.cols + col];
}

QString AttentionHeatmap::describeCell(int row, int col) const {
    const double w = weight(row, col);
    if (!std::isfinite(w)) return {};
    return QStringLiteral("Query %1 (%2) → key %3 (%4): weight %5")
        .arg(row + 1)
        .arg(m_rowLabels.value(row))
        .arg(col + 1)
        .arg(m_colLabels.value(col))
        .arg(QLocale().toString(w, 'f', 4));
}

bool AttentionHeatmap::eventFilter(QObject* watched, QEvent* event) {
    if (watched == m_plot && event->type() == QEvent::MouseMove && m_data.rows > 0) {
        const auto* mouse = static_cast<QMouseEvent*>(event);
        const QPointF pos = mouse->position();
        const int col = static_cast<int>(std::lround(m_plot->xAxis->pixelToCoord(pos.x())));
        const int row = static_cast<int>(std::lround(m_plot->yAxis->pixelToCoord(pos.y())));
        const QString text = m_plot->axisRect()->rect().contains(pos.toPoint()) ? describeCell(row, col) : QString();
        if (text.isEmpty()) QToolTip::hideText();
        else QToolTip::showText(mouse->globalPosition().toPoint(), text, m_plot);
    }
    return QWidget::eventFilter(watched, event);
}

void AttentionHeatmap::restyle() {
    styleColorMap(*m_plot, {m_map, m_scale}, palette());
}

void AttentionHeatmap::changeEvent(QEvent* event) {
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) {
        restyle();
        m_plot->replot();
    }
}

}  // namespace tokenbench::ui
