#include "plots/codebook_heatmap.h"

#include <algorithm>

#include <qcustomplot.h>

#include <QLocale>

#include "plots/palette.h"
#include "plots/plot_export.h"
#include "plots/plot_style.h"

namespace tokenbench::ui {

CodebookHeatmap::CodebookHeatmap(QWidget* parent) : HeatmapWidget(QStringLiteral("codebookHeatmap"), parent) {
    setUpPlot(*m_plot, QStringLiteral("codebookHeatmapPlot"), QSize(300, 160), QStringLiteral("Codebook usage"),
              QStringLiteral("Code"), QStringLiteral("Level"));
    m_plot->yAxis->setRangeReversed(true);  // level 1 on top, like the hierarchy reads

    QSharedPointer<QCPAxisTickerFixed> codeTicks(new QCPAxisTickerFixed);
    codeTicks->setTickStep(1.0);
    codeTicks->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    m_plot->xAxis->setTicker(codeTicks);
    QSharedPointer<QCPAxisTickerFixed> levelTicks(new QCPAxisTickerFixed);
    levelTicks->setTickStep(1.0);
    levelTicks->setScaleStrategy(QCPAxisTickerFixed::ssNone);
    m_plot->yAxis->setTicker(levelTicks);
    m_layer = addColorMap(*m_plot, QStringLiteral("Items per code"));

    embedHoverPlot(this, m_plot, QStringLiteral("codebook-usage"));
    restyle();
    clear(QStringLiteral("No codebook snapshot yet"));
}

void CodebookHeatmap::setUsage(const std::vector<std::vector<int64_t>>& usage, int64_t step) {
    m_usage = usage;
    m_codes = 0;
    int64_t peak = 0;
    for (const auto& level : usage) {
        m_codes = std::max(m_codes, static_cast<int>(level.size()));
        for (int64_t v : level) peak = std::max(peak, v);
    }
    const int levels = static_cast<int>(usage.size());
    if (levels == 0 || m_codes == 0) {
        clear(QStringLiteral("No codebook snapshot yet"));
        return;
    }
    QCPColorMapData* data = m_layer.map->data();
    data->setSize(m_codes, levels);
    data->setRange(QCPRange(0, m_codes - 1), QCPRange(1, levels));
    for (int l = 0; l < levels; ++l) {
        for (int c = 0; c < m_codes; ++c) {
            const auto& row = usage[static_cast<size_t>(l)];
            data->setCell(c, l, c < static_cast<int>(row.size()) ? static_cast<double>(row[static_cast<size_t>(c)]) : 0.0);
        }
    }
    m_layer.map->setDataRange(QCPRange(0, std::max<int64_t>(1, peak)));
    m_layer.map->setVisible(true);
    m_layer.scale->setVisible(true);
    m_plot->xAxis->setTickLabels(true);
    m_plot->yAxis->setTickLabels(true);
    m_plot->xAxis->setRange(-0.5, m_codes - 0.5);
    m_plot->yAxis->setRange(0.5, levels + 0.5);
    setPlotTitle(*m_plot, step < 0 ? QStringLiteral("Codebook usage (final IDs)")
                                   : QStringLiteral("Codebook usage (step %1)").arg(QLocale().toString(static_cast<qlonglong>(step))));
    setPlotPlaceholder(*m_plot, {});
    m_plot->replot();
}

void CodebookHeatmap::clear(const QString& placeholder) {
    m_usage.clear();
    m_codes = 0;
    m_layer.map->data()->clear();
    m_layer.map->data()->setSize(1, 1);
    m_layer.map->setDataRange(QCPRange(0, 1));
    showEmptyColorMap(*m_plot, m_layer, QStringLiteral("Codebook usage"), placeholder);
    m_plot->xAxis->setRange(0, 1);
    m_plot->yAxis->setRange(0.5, 1.5);
    m_plot->replot();
}

int64_t CodebookHeatmap::cell(int level, int code) const {
    if (level < 0 || level >= static_cast<int>(m_usage.size())) return -1;
    const auto& row = m_usage[static_cast<size_t>(level)];
    if (code < 0 || code >= m_codes) return -1;
    return code < static_cast<int>(row.size()) ? row[static_cast<size_t>(code)] : 0;
}

bool CodebookHeatmap::hasCells() const {
    return !m_usage.empty();
}

QString CodebookHeatmap::cellToolTip(QPoint at) const {
    const int code = at.x();
    const int level = at.y() - 1;  // y: level, 1 on top
    const int64_t items = cell(level, code);
    if (items < 0) return {};
    return QStringLiteral("Level %1 · code %2: %3 item%4")
        .arg(level + 1)
        .arg(code)
        .arg(items)
        .arg(items == 1 ? QString() : QStringLiteral("s"));
}

}  // namespace tokenbench::ui
