#include "attention/attention_heatmap.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <qcustomplot.h>

#include <QLocale>

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

AttentionHeatmap::AttentionHeatmap(QWidget* parent) : HeatmapWidget(QStringLiteral("attentionHeatmap"), parent) {
    setUpPlot(*m_plot, QStringLiteral("attentionHeatmapPlot"), QSize(320, 240), QStringLiteral("Attention"),
              QStringLiteral("Attended position (key)"), QStringLiteral("Attending position (query)"));
    m_plot->yAxis->setRangeReversed(true);  // first history item on top, like a matrix
    m_plot->xAxis->setTickLabelRotation(60);
    m_layer = addColorMap(*m_plot, QStringLiteral("Attention weight"));
    embedHoverPlot(this, m_plot, QStringLiteral("attention"));
    restyle();
    clear(QStringLiteral("Pick a model run and a user"));
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
    QCPColorMapData* data = m_layer.map->data();
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
    m_layer.map->setDataRange(QCPRange(0, peak > 0 ? peak : 1.0));
    m_layer.map->setVisible(true);
    m_layer.scale->setVisible(true);
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
    m_layer.map->data()->clear();
    showEmptyColorMap(*m_plot, m_layer, QStringLiteral("Attention"), placeholder);
    m_plot->xAxis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
    m_plot->yAxis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
    m_plot->xAxis->setRange(0, 1);
    m_plot->yAxis->setRange(0, 1);
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

bool AttentionHeatmap::hasCells() const {
    return m_data.rows > 0;
}

QString AttentionHeatmap::cellToolTip(QPoint cell) const {
    return describeCell(cell.y(), cell.x());  // x: key column, y: query row
}

}  // namespace tokenbench::ui
