#include "pages/run_comparison.h"

#include <algorithm>
#include <cmath>
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

#include "group_figures.h"
#include "pages/metric_names.h"
#include "pages/run_aggregates.h"
#include "pages/significance_panel.h"
#include "plots/bar_chart.h"
#include "plots/curve_plot.h"
#include "run_status.h"
#include "widgets/form_helpers.h"

namespace tokenbench::ui {
namespace {

const QString kSeparator = QStringLiteral(" · ");
const QString kNothingSelected = QStringLiteral("Select one or more runs or groups above (Ctrl/Shift-click) to compare them.");

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

/// Decimals for a mean ± CI cell: enough for metrics, fewer for counts and seconds.
int decimalsFor(double value) {
    const double magnitude = std::abs(value);
    return magnitude >= 100 ? 1 : magnitude >= 1 ? 3 : 4;
}

QTableWidgetItem* numberItem(const QString& text) {
    auto* item = new QTableWidgetItem(text);
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return item;
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
      m_significance(new SignificancePanel),
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
    m_hint->setText(kNothingSelected);

    QWidget* curvesPage = chartTab(QStringLiteral("Series:"), m_curve, m_curves);
    QWidget* breakdownPage = chartTab(QStringLiteral("Metric:"), m_breakdownMetric, m_breakdown);

    m_tabs->setObjectName(QStringLiteral("comparisonTabs"));
    m_tabs->addTab(curvesPage, QStringLiteral("Curves"));
    m_tabs->addTab(m_table, QStringLiteral("Metrics side by side"));
    m_tabs->addTab(breakdownPage, QStringLiteral("Target groups"));
    m_tabs->addTab(m_significance, QStringLiteral("Significance"));

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_hint);
    layout->addWidget(m_tabs, 1);

    connect(m_curve, qOverload<int>(&QComboBox::currentIndexChanged), this, &RunComparison::showCurves);
    connect(m_breakdownMetric, qOverload<int>(&QComboBox::currentIndexChanged), this, &RunComparison::showBreakdown);
    compare({});
}

RunComparison::~RunComparison() = default;

void RunComparison::setProject(const core::ProjectPaths& paths) {
    if (paths.database == m_paths.database && paths.root == m_paths.root) return;
    m_paths = paths;
    m_significance->setProjectDir(paths.root);
    compare({});
}

void RunComparison::showSignificance() {
    m_tabs->setCurrentWidget(m_significance);
}

void RunComparison::compare(const std::vector<int64_t>& runIds) {
    std::vector<ComparedEntry> entries;
    for (int64_t id : runIds) entries.push_back({{id}, std::nullopt});
    compareEntries(std::move(entries));
}

void RunComparison::compareEntries(std::vector<ComparedEntry> entries) {
    if (entries.size() > static_cast<size_t>(kMaxRuns)) entries.resize(kMaxRuns);
    if (entries.empty() || m_paths.database.empty()) {
        m_loader.cancel();
        m_entries.clear();
        m_histories.clear();
        m_columns.clear();
        fillCurveSelector();
        fillTable();
        showBreakdown();
        updateSignificance();
        m_hint->setText(kNothingSelected);
        Q_EMIT compared(0);
        return;
    }
    std::vector<int64_t> ids;
    for (ComparedEntry& entry : entries) {
        const size_t room = static_cast<size_t>(kMaxLoadedRuns) - std::min(ids.size(), static_cast<size_t>(kMaxLoadedRuns));
        if (entry.runIds.size() > room) entry.runIds.resize(room);
        ids.insert(ids.end(), entry.runIds.begin(), entry.runIds.end());
    }
    m_entries = std::move(entries);
    m_hint->setText(QStringLiteral("Loading %1 run(s)…").arg(ids.size()));
    m_loader.request([db = m_paths.database, ids] {
        std::vector<RunHistory> histories;
        for (int64_t id : ids) histories.push_back(loadRunHistory(db, id));
        return histories;
    });
}

void RunComparison::onLoaded(std::vector<RunHistory> histories) {
    m_histories.clear();
    m_columns.clear();
    QStringList errors;
    size_t next = 0;
    int groups = 0;
    for (const ComparedEntry& entry : m_entries) {
        Column column;
        column.group = entry.group;
        for (size_t i = 0; i < entry.runIds.size() && next < histories.size(); ++i, ++next) {
            RunHistory& history = histories[next];
            if (!history.error.isEmpty()) {
                errors << history.error;
                continue;
            }
            column.histories.push_back(m_histories.size());
            m_histories.push_back(std::move(history));
        }
        if (column.histories.empty()) continue;
        if (column.group) {
            column.label = QStringLiteral("%1 (%2 runs)").arg(QString::fromStdString(column.group->label)).arg(column.histories.size());
            ++groups;
        } else {
            column.label = runDisplayName(m_histories[column.histories.front()].run);
        }
        m_columns.push_back(std::move(column));
    }
    QString hint = groups > 0 ? QStringLiteral("%1 column(s), %2 run(s) compared · a group shows the mean of its runs, "
                                               "± its 95 % CI")
                                    .arg(m_columns.size())
                                    .arg(m_histories.size())
                              : QStringLiteral("%1 run(s) compared").arg(m_histories.size());
    if (m_columns.size() == static_cast<size_t>(kMaxRuns)) hint += QStringLiteral(" (at most %1)").arg(kMaxRuns);
    if (!errors.isEmpty()) hint += kSeparator + errors.join(QStringLiteral("; "));
    m_hint->setText(hint);
    fillCurveSelector();
    fillTable();
    showBreakdown();
    updateSignificance();
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
            epochs = isPerEpoch(*point);
            break;
        }
    }
    m_curves->setIntegerX(epochs);
    m_curves->setMarkers(epochs);
    const QString name = key.section(kSeparator, 1);
    m_curves->setTitle(QStringLiteral("%1 (%2)").arg(metricLabel(name), key.section(kSeparator, 0, 0)));
    m_curves->setAxisLabels(epochs ? QStringLiteral("Epoch") : QStringLiteral("Step"), metricLabel(name));
    for (const Column& column : m_columns) {
        std::vector<const RunHistory*> histories;
        for (size_t index : column.histories) histories.push_back(&m_histories[index]);
        const Curve curve = column.group ? meanCurve(histories, key, epochs) : runCurve(*histories.front(), key, epochs);
        const QString label = column.group ? QStringLiteral("%1, mean").arg(column.label) : column.label;
        if (!curve.x.isEmpty()) m_curves->setSeries(label, curve.x, curve.y);
    }
    m_curves->replotNow();
}

void RunComparison::fillTable() {
    // Per column: the run's numbers, or a group's mean ± CI over its completed runs.
    std::vector<std::map<QString, QString>> cells;
    std::set<QString> keys;
    for (const Column& column : m_columns) {
        std::map<QString, QString> texts;
        if (column.group) {
            std::vector<const core::RunRecord*> runs;
            for (size_t index : column.histories) runs.push_back(&m_histories[index].run);
            for (const auto& [key, interval] : summaryIntervals(runs)) {
                texts[key] = formatMeanInterval(interval, decimalsFor(interval.mean));
            }
        } else {
            for (const auto& [key, value] : summaryValues(m_histories[column.histories.front()].run)) {
                texts[key] = QLocale().toString(value, 'g', 5);
            }
        }
        for (const auto& [key, text] : texts) keys.insert(key);
        cells.push_back(std::move(texts));
    }
    m_table->clear();
    m_table->setColumnCount(static_cast<int>(m_columns.size()));
    m_table->setRowCount(static_cast<int>(keys.size()) + 3);
    QStringList headers;
    for (const Column& column : m_columns) headers << column.label;
    m_table->setHorizontalHeaderLabels(headers);
    QStringList rows = {QStringLiteral("component"), QStringLiteral("data set"), QStringLiteral("status")};
    for (const QString& key : keys) rows << key;
    m_table->setVerticalHeaderLabels(rows);
    for (int c = 0; c < static_cast<int>(m_columns.size()); ++c) {
        const Column& column = m_columns[static_cast<size_t>(c)];
        // Component and data set: the runs' own, or "several" where a group's runs differ.
        const auto shared = [&](auto field) {
            std::set<QString> values;
            for (size_t index : column.histories) values.insert(field(m_histories[index].run));
            return values.size() == 1 ? *values.begin() : QStringLiteral("several");
        };
        m_table->setItem(0, c, new QTableWidgetItem(shared([](const core::RunRecord& r) { return QString::fromStdString(r.componentId); })));
        m_table->setItem(1, c, new QTableWidgetItem(shared([](const core::RunRecord& r) { return QString::fromStdString(r.datasetName); })));
        int completed = 0;
        for (size_t index : column.histories) completed += m_histories[index].run.status == core::RunStatus::Completed;
        const QString status = column.group ? QStringLiteral("%1 of %2 completed").arg(completed).arg(column.histories.size())
                                            : runStatusLabel(m_histories[column.histories.front()].run.status);
        m_table->setItem(2, c, new QTableWidgetItem(status));
        if (column.group) {
            m_table->horizontalHeaderItem(c)->setToolTip(
                QStringLiteral("Mean ± 95 % CI (Student t) over the group's %1 completed runs").arg(completed));
        }
        int r = 3;
        const std::map<QString, QString>& texts = cells[static_cast<size_t>(c)];
        for (const QString& key : keys) {
            const auto it = texts.find(key);
            m_table->setItem(r++, c, numberItem(it == texts.end() ? QStringLiteral("–") : it->second));
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
    for (const Column& column : m_columns) {
        std::vector<const core::RunRecord*> runs;
        for (size_t index : column.histories) runs.push_back(&m_histories[index].run);
        const QVector<double> values = meanTargetGroups(runs, name);
        if (values.isEmpty()) continue;
        categories << (column.group ? QStringLiteral("%1, mean").arg(column.label) : column.label);
        for (int g = 0; g < series.size(); ++g) series[g].values << values[g];
    }
    m_breakdown->setTitle(QStringLiteral("Test %1 by target group").arg(metricLabel(metric)));
    m_breakdown->setAxisLabels(QStringLiteral("Run"), metricLabel(metric));
    if (categories.isEmpty()) {
        m_breakdown->clear(m_histories.empty() ? QStringLiteral("No runs selected")
                                               : QStringLiteral("None of these runs has test metrics"));
        return;
    }
    // A group no run has (new items exist only under a split that holds items out) gets no bars.
    series.erase(std::remove_if(series.begin(), series.end(),
                                [](const BarSeries& s) {
                                    return std::none_of(s.values.begin(), s.values.end(),
                                                        [](double v) { return std::isfinite(v); });
                                }),
                 series.end());
    m_breakdown->setGroups(categories, series);
}

void RunComparison::updateSignificance() {
    if (m_columns.size() != 2) {
        m_significance->setUnavailable(
            QStringLiteral("Select exactly two model runs, or two groups of seeded runs, to test their difference%1.")
                .arg(m_columns.empty() ? QString() : QStringLiteral(" (%1 compared now)").arg(m_columns.size())));
        return;
    }
    SignificancePanel::Side sides[2];
    for (size_t s = 0; s < 2; ++s) {
        const Column& column = m_columns[s];
        sides[s].label = column.label;
        for (size_t index : column.histories) {
            const core::RunRecord& run = m_histories[index].run;
            if (run.kind != core::RunKind::Model) {
                m_significance->setUnavailable(
                    QStringLiteral("Cannot test these runs: %1 is a tokenizer run; the paired test compares model runs "
                                   "user by user.")
                        .arg(runDisplayName(run)),
                    true);
                return;
            }
            // A group's unfinished runs are left out, as `compare --groups` does; a run chosen on its
            // own is passed on, so the test says why it cannot be compared.
            if (!column.group || run.status == core::RunStatus::Completed) sides[s].runIds.push_back(run.id);
        }
        if (sides[s].runIds.empty()) {
            m_significance->setUnavailable(
                QStringLiteral("Cannot test these runs: %1 has no completed run.").arg(column.label), true);
            return;
        }
    }
    m_significance->setSides(std::move(sides[0]), std::move(sides[1]));
}

}  // namespace tokenbench::ui
