#include "pages/run_comparison.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>

#include "pages/metric_names.h"
#include "plots/bar_chart.h"
#include "plots/curve_plot.h"
#include "run_status.h"
#include "tokenbench/eval/metric_keys.h"
#include "tokenbench/storage/run_summary.h"
#include "widgets/form_helpers.h"

namespace tokenbench::ui {
namespace {

const QString kSeparator = QStringLiteral(" · ");

QString curveKey(const core::MetricPoint& point) {
    return QString::fromStdString(point.split) + kSeparator + QString::fromStdString(point.name);
}

/// Evaluation splits are drawn per epoch, training series per optimizer step.
bool perEpoch(const core::MetricPoint& point) {
    return core::metricPhase(point.split) != core::MetricPhase::Train;
}

QString runLabel(const RunHistory& history) {
    return runDisplayName(history.run);
}

/// Summary numbers flattened one level deep: "test.ndcg@10", "collision_rate".
std::map<QString, double> flatten(const std::string& json) {
    std::map<QString, double> out;
    for (const auto& [key, value] : core::summaryNumbers(json)) out[QString::fromStdString(key)] = value;
    return out;
}

/// A comparison tab: `label` and `selector` (what to show) in a row above `chart`.
QWidget* chartTab(const QString& label, QWidget* selector, QWidget* chart) {
    auto* page = new QWidget;
    auto* row = new QHBoxLayout;
    row->addWidget(new QLabel(label));
    row->addWidget(selector);
    row->addStretch(1);
    auto* layout = new QVBoxLayout(page);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(row);
    layout->addWidget(chart, 1);
    return page;
}

}  // namespace

RunComparison::RunComparison(QWidget* parent)
    : QWidget(parent),
      m_tabs(new QTabWidget),
      m_curve(new QComboBox),
      m_curves(new CurvePlot(QStringLiteral("Runs compared"), QStringLiteral("Epoch"), QStringLiteral("Value"),
                             QStringLiteral("runs-curves"))),
      m_table(new QTableWidget),
      m_breakdownMetric(new QComboBox),
      m_breakdown(new BarChart(QStringLiteral("Test metric by target group"), QStringLiteral("Run"),
                               QStringLiteral("Value"), QStringLiteral("runs-cold-warm"))),
      m_hint(new QLabel),
      m_loader(this, [this](std::vector<RunHistory> histories) { onLoaded(std::move(histories)); }) {
    setObjectName(QStringLiteral("runComparison"));
    m_curve->setObjectName(QStringLiteral("comparisonCurve"));
    m_curve->setMinimumContentsLength(22);
    m_curves->setMarkers(true);
    m_table->setObjectName(QStringLiteral("comparisonTable"));
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_breakdownMetric->setObjectName(QStringLiteral("comparisonBreakdownMetric"));
    for (const char* metric : {"ndcg@10", "recall@10", "ndcg@20", "recall@20", "mrr"}) {
        m_breakdownMetric->addItem(metricLabel(QString::fromLatin1(metric)), QString::fromLatin1(metric));
    }
    m_hint->setObjectName(QStringLiteral("comparisonHint"));
    m_hint->setText(QStringLiteral("Select one or more runs above (Ctrl/Shift-click) to compare them."));

    QWidget* curvesPage = chartTab(QStringLiteral("Series:"), m_curve, m_curves);
    QWidget* breakdownPage = chartTab(QStringLiteral("Metric:"), m_breakdownMetric, m_breakdown);

    m_tabs->setObjectName(QStringLiteral("comparisonTabs"));
    m_tabs->addTab(curvesPage, QStringLiteral("Curves"));
    m_tabs->addTab(m_table, QStringLiteral("Metrics side by side"));
    m_tabs->addTab(breakdownPage, QStringLiteral("Cold items"));

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_hint);
    layout->addWidget(m_tabs, 1);

    connect(m_curve, qOverload<int>(&QComboBox::currentIndexChanged), this, &RunComparison::showCurves);
    connect(m_breakdownMetric, qOverload<int>(&QComboBox::currentIndexChanged), this, &RunComparison::showBreakdown);
    compare({});
}

RunComparison::~RunComparison() = default;

void RunComparison::setDatabase(const std::string& dbPath) {
    if (dbPath == m_dbPath) return;
    m_dbPath = dbPath;
    compare({});
}

void RunComparison::compare(const std::vector<int64_t>& runIds) {
    std::vector<int64_t> ids(runIds.begin(), runIds.begin() + std::min<size_t>(runIds.size(), kMaxRuns));
    if (ids.empty() || m_dbPath.empty()) {
        m_loader.cancel();
        m_histories.clear();
        fillCurveSelector();
        fillTable();
        showBreakdown();
        m_hint->setText(QStringLiteral("Select one or more runs above (Ctrl/Shift-click) to compare them."));
        Q_EMIT compared(0);
        return;
    }
    m_hint->setText(QStringLiteral("Loading %1 run(s)…").arg(ids.size()));
    const std::string db = m_dbPath;
    m_loader.request([db, ids] {
        std::vector<RunHistory> histories;
        for (int64_t id : ids) histories.push_back(loadRunHistory(db, id));
        return histories;
    });
}

void RunComparison::onLoaded(std::vector<RunHistory> histories) {
    m_histories.clear();
    QStringList errors;
    for (RunHistory& history : histories) {
        if (history.error.isEmpty()) m_histories.push_back(std::move(history));
        else errors << history.error;
    }
    QString hint = QStringLiteral("%1 run(s) compared").arg(m_histories.size());
    if (m_histories.size() == static_cast<size_t>(kMaxRuns)) hint += QStringLiteral(" (at most %1)").arg(kMaxRuns);
    if (!errors.isEmpty()) hint += QStringLiteral(" · ") + errors.join(QStringLiteral("; "));
    m_hint->setText(hint);
    fillCurveSelector();
    fillTable();
    showBreakdown();
    Q_EMIT compared(static_cast<int>(m_histories.size()));
}

void RunComparison::fillCurveSelector() {
    const QString keep = m_curve->currentData().toString();
    std::set<QString> keys;
    for (const RunHistory& history : m_histories) {
        for (const core::MetricPoint& point : history.metrics) keys.insert(curveKey(point));
    }
    {
        const QSignalBlocker blocker(m_curve);
        m_curve->clear();
        for (const QString& key : keys) {
            const QString split = key.section(kSeparator, 0, 0);
            const QString name = key.section(kSeparator, 1);
            m_curve->addItem(split + kSeparator + metricLabel(name), key);
        }
        int index = m_curve->findData(keep);
        // A useful first view: validation NDCG@10 for models, utilization for tokenizers.
        for (const QString& preferred : {QStringLiteral("valid · ndcg@10"), QStringLiteral("train · loss"),
                                         QStringLiteral("train · utilization/l0")}) {
            if (index < 0) index = m_curve->findData(preferred);
        }
        m_curve->setCurrentIndex(std::max(0, index));
        m_curve->setEnabled(!keys.empty());
    }
    showCurves();
}

bool RunComparison::selectCurve(const QString& key) {
    if (!selectItemData(*m_curve, key)) return false;
    showCurves();
    return true;
}

void RunComparison::showCurves() {
    const QString key = m_curve->currentData().toString();
    m_curves->clear(m_histories.empty() ? QStringLiteral("No runs selected") : QStringLiteral("No series recorded"));
    if (key.isEmpty()) {
        m_curves->replotNow();
        return;
    }
    bool epochs = true;
    for (const RunHistory& history : m_histories) {
        const auto point = std::find_if(history.metrics.begin(), history.metrics.end(),
                                        [&key](const core::MetricPoint& p) { return curveKey(p) == key; });
        if (point != history.metrics.end()) {
            epochs = perEpoch(*point);
            break;
        }
    }
    m_curves->setIntegerX(epochs);
    m_curves->setMarkers(epochs);
    const QString name = key.section(kSeparator, 1);
    m_curves->setTitle(QStringLiteral("%1 (%2)").arg(metricLabel(name), key.section(kSeparator, 0, 0)));
    m_curves->setAxisLabels(epochs ? QStringLiteral("Epoch") : QStringLiteral("Step"), metricLabel(name));
    for (const RunHistory& history : m_histories) {
        QVector<double> x, y;
        for (const core::MetricPoint& point : history.metrics) {
            if (curveKey(point) != key || point.step >= std::numeric_limits<int32_t>::max()) continue;
            x << static_cast<double>(epochs ? point.epoch : point.step);
            y << point.value;
        }
        if (!x.isEmpty()) m_curves->setSeries(runLabel(history), x, y);
    }
    m_curves->replotNow();
}

void RunComparison::fillTable() {
    std::vector<std::map<QString, double>> values;
    std::set<QString> keys;
    for (const RunHistory& history : m_histories) {
        values.push_back(flatten(history.run.summaryJson));
        for (const auto& [key, value] : values.back()) keys.insert(key);
    }
    m_table->clear();
    m_table->setColumnCount(static_cast<int>(m_histories.size()));
    m_table->setRowCount(static_cast<int>(keys.size()) + 3);
    QStringList headers;
    for (const RunHistory& history : m_histories) headers << runLabel(history);
    m_table->setHorizontalHeaderLabels(headers);
    QStringList rows = {QStringLiteral("component"), QStringLiteral("data set"), QStringLiteral("status")};
    for (const QString& key : keys) rows << key;
    m_table->setVerticalHeaderLabels(rows);
    for (int c = 0; c < static_cast<int>(m_histories.size()); ++c) {
        const core::RunRecord& run = m_histories[static_cast<size_t>(c)].run;
        m_table->setItem(0, c, new QTableWidgetItem(QString::fromStdString(run.componentId)));
        m_table->setItem(1, c, new QTableWidgetItem(QString::fromStdString(run.datasetName)));
        m_table->setItem(2, c, new QTableWidgetItem(runStatusLabel(run.status)));
        int r = 3;
        for (const QString& key : keys) {
            const auto it = values[static_cast<size_t>(c)].find(key);
            auto* item = new QTableWidgetItem(it == values[static_cast<size_t>(c)].end()
                                                  ? QStringLiteral("–")
                                                  : QLocale().toString(it->second, 'g', 5));
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            m_table->setItem(r++, c, item);
        }
    }
}

bool RunComparison::selectBreakdownMetric(const QString& metric) {
    if (!selectItemData(*m_breakdownMetric, metric)) return false;
    showBreakdown();
    return true;
}

void RunComparison::showBreakdown() {
    const QString metric = m_breakdownMetric->currentData().toString();
    QStringList categories;
    QVector<BarSeries> series;
    for (const TargetGroupSeries& group : kTargetGroups) series.push_back({QString::fromLatin1(group.name), {}});
    const std::string name = metric.toStdString();
    for (const RunHistory& history : m_histories) {
        const std::optional<core::TrainSummary> summary = core::parseTrainSummary(history.run.summaryJson);
        if (!summary || !std::isfinite(summary->test.value(name))) continue;
        categories << runLabel(history);
        for (int g = 0; g < series.size(); ++g) series[g].values << summary->testGroup(kTargetGroups[g].group).value(name);
    }
    m_breakdown->setTitle(QStringLiteral("Test %1 by target group").arg(metricLabel(metric)));
    m_breakdown->setAxisLabels(QStringLiteral("Run"), metricLabel(metric));
    if (categories.isEmpty()) {
        m_breakdown->clear(m_histories.empty() ? QStringLiteral("No runs selected")
                                               : QStringLiteral("None of these runs has test metrics"));
        return;
    }
    m_breakdown->setGroups(categories, series);
}

}  // namespace tokenbench::ui
