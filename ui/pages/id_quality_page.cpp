#include "pages/id_quality_page.h"

#include <algorithm>
#include <cmath>
#include <exception>
#include <numeric>
#include <set>

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

#include "plots/scatter_plot.h"
#include "tokenbench/storage/experiment_store.h"
#include "widgets/form_helpers.h"

namespace tokenbench::ui {
namespace {

constexpr const char* kDefaultMetric = "cooccurrence_purity";

/// "perplexity/l0" → ("Perplexity", "level 1"); "attribute_purity/d2" → ("Attribute purity", "depth 2").
std::pair<QString, QString> metricParts(const QString& key) {
    const QString base = key.section(QLatin1Char('/'), 0, 0);
    const QString tail = key.section(QLatin1Char('/'), 1);
    QString name = base;
    if (base == QLatin1String("perplexity")) name = QStringLiteral("Perplexity");
    else if (base == QLatin1String("utilization")) name = QStringLiteral("Utilization");
    else if (base == QLatin1String("collision_rate")) name = QStringLiteral("Collision rate");
    else if (base == QLatin1String("reconstruction_error")) name = QStringLiteral("Reconstruction error");
    else if (base == QLatin1String("attribute_purity")) name = QStringLiteral("Attribute purity");
    else if (base == QLatin1String("cooccurrence_purity")) name = QStringLiteral("Co-occurrence purity");
    QString where;
    if (tail.startsWith(QLatin1Char('l'))) where = QStringLiteral("level %1").arg(tail.mid(1).toInt() + 1);
    else if (tail.startsWith(QLatin1Char('d'))) where = QStringLiteral("depth %1").arg(tail.mid(1));
    return {name, where};
}

/// "Perplexity, level 1".
QString metricName(const QString& key) {
    const auto [name, where] = metricParts(key);
    return where.isEmpty() ? name : name + QStringLiteral(", ") + where;
}

/// What a figure measures, for tool tips.
QString metricHelp(const QString& key) {
    const QString base = key.section(QLatin1Char('/'), 0, 0);
    if (base == QLatin1String("perplexity")) return QStringLiteral("Effective number of codes in use at the level (exp of the code entropy).");
    if (base == QLatin1String("utilization")) return QStringLiteral("Share of the level's codes that some item uses.");
    if (base == QLatin1String("collision_rate"))
        return QStringLiteral("Share of items whose ID is shared with another item, before collisions were resolved.");
    if (base == QLatin1String("reconstruction_error"))
        return QStringLiteral("Mean squared error of the features rebuilt from the codes (methods that have one).");
    if (base == QLatin1String("attribute_purity"))
        return QStringLiteral("Item-weighted share of a prefix's items that carry its most frequent attribute.");
    if (base == QLatin1String("cooccurrence_purity"))
        return QStringLiteral("Share of consecutive training interactions (item, next item) whose IDs share the prefix.");
    return {};
}

/// Short column header: "Perplexity\nL1".
QString metricHeader(const QString& key) {
    const auto [name, where] = metricParts(key);
    return where.isEmpty() ? name : name + QLatin1Char('\n') + where;
}

QString number(double value) {
    return std::isfinite(value) ? QLocale::c().toString(value, 'g', 4) : QStringLiteral("–");
}

/// A read-only cell that sorts by `value` (text otherwise).
QTableWidgetItem* cell(const QString& text, double value = std::nan("")) {
    auto* item = new QTableWidgetItem(text);
    item->setFlags(Qt::ItemIsSelectable | Qt::ItemIsEnabled);
    if (std::isfinite(value)) {
        item->setData(Qt::UserRole, value);
        item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    }
    return item;
}

double metricOf(const core::IdQualityRow& row, const std::string& key) {
    for (const auto& [name, value] : row.metrics)
        if (name == key) return value;
    return std::nan("");
}

QTableWidget* makeTable(const QString& objectName) {
    auto* table = new QTableWidget;
    table->setObjectName(objectName);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setSelectionMode(QAbstractItemView::SingleSelection);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->verticalHeader()->setVisible(false);
    table->setAlternatingRowColors(true);
    table->setWordWrap(false);
    return table;
}

}  // namespace

IdQualityPage::IdQualityPage(QWidget* parent)
    : QWidget(parent),
      m_model(new QComboBox),
      m_metric(new QComboBox),
      m_status(new QLabel),
      m_runs(makeTable(QStringLiteral("idQualityRuns"))),
      m_correlations(makeTable(QStringLiteral("idQualityCorrelations"))),
      m_scatter(new ScatterPlot(QStringLiteral("Figure against NDCG@10"), QString(), QStringLiteral("Test NDCG@10"),
                                QStringLiteral("idQualityScatter"))),
      m_verdict(new QLabel),
      m_loader(this, [this](Outcome outcome) { onLoaded(std::move(outcome)); }) {
    setObjectName(QStringLiteral("idQualityPage"));
    m_model->setObjectName(QStringLiteral("idQualityModel"));
    m_model->setToolTip(QStringLiteral("Which model runs count: NDCG@10 is averaged over a tokenizer run's model runs of "
                                       "this model (all models mixes architectures)."));
    m_model->addItem(QStringLiteral("All models"), QString());
    m_metric->setObjectName(QStringLiteral("idQualityMetric"));
    m_metric->setMinimumContentsLength(24);
    m_status->setObjectName(QStringLiteral("idQualityStatus"));
    m_status->setWordWrap(true);
    m_verdict->setObjectName(QStringLiteral("idQualityVerdict"));
    m_verdict->setWordWrap(true);
    m_verdict->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_correlations->setColumnCount(3);
    m_correlations->setHorizontalHeaderLabels({QStringLiteral("Figure"), QStringLiteral("Spearman ρ"), QStringLiteral("n")});
    m_correlations->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_correlations->setToolTip(QStringLiteral("Rank correlation of each figure with the test NDCG@10 of the models trained "
                                              "on the IDs, over tokenizer runs (ties share their mean rank)."));

    auto* intro = new QLabel(QStringLiteral(
        "Which properties of the semantic IDs go with good recommendations: every tokenizer run that has finished "
        "model runs trained on its IDs, its figures, and their Spearman correlation with the models' test NDCG@10."));
    intro->setWordWrap(true);
    auto* choices = new QHBoxLayout;
    choices->addWidget(new QLabel(QStringLiteral("Models:")));
    choices->addWidget(m_model);
    choices->addSpacing(12);
    choices->addWidget(new QLabel(QStringLiteral("Figure:")));
    choices->addWidget(m_metric);
    choices->addStretch(1);

    auto* right = new QWidget;
    auto* rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->addWidget(m_scatter, 3);
    rightLayout->addWidget(m_verdict);
    rightLayout->addWidget(m_correlations, 2);
    auto* split = new QSplitter(Qt::Horizontal);
    split->setObjectName(QStringLiteral("idQualitySplit"));
    split->setChildrenCollapsible(false);
    split->addWidget(m_runs);
    split->addWidget(right);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 6, 8, 6);
    layout->addWidget(intro);
    layout->addLayout(choices);
    layout->addWidget(m_status);
    layout->addWidget(split, 1);

    connect(m_model, qOverload<int>(&QComboBox::currentIndexChanged), this, &IdQualityPage::loadIfStale);
    connect(m_metric, qOverload<int>(&QComboBox::currentIndexChanged), this, &IdQualityPage::showMetric);
    connect(m_correlations, &QTableWidget::cellClicked, this, [this](int row, int) {
        const QTableWidgetItem* item = m_correlations->item(row, 0);
        if (item) selectMetric(item->data(Qt::UserRole + 1).toString());
    });
    m_status->setText(QStringLiteral("Open a project to see its tokenizer runs."));
    m_scatter->clear(QStringLiteral("No tokenizer run with model runs yet"));
}

void IdQualityPage::setProject(const ProjectContents& contents) {
    m_database = contents.isOpen() ? contents.paths.database : std::string();
    ++m_revision;
    // The models trained on some tokenizer run's IDs, for the filter.
    const QString chosen = m_model->currentData().toString();
    std::set<QString> models;
    for (const core::RunRecord& run : contents.runs)
        if (run.kind == core::RunKind::Model && run.tokenizerRunId) models.insert(QString::fromStdString(run.componentId));
    {
        const QSignalBlocker blocker(m_model);
        m_model->clear();
        m_model->addItem(QStringLiteral("All models"), QString());
        for (const QString& model : models) m_model->addItem(model, model);
        selectItemData(*m_model, chosen);
    }
    if (m_database.empty()) {
        m_loader.cancel();
        m_report.reset();
        m_shownKey.clear();
        fillRuns();
        fillCorrelations();
        showMetric();
        m_status->setText(QStringLiteral("Open a project to see its tokenizer runs."));
        m_pendingView.complete();
        return;
    }
    loadIfStale();
}

void IdQualityPage::showView(const QString& name, std::function<void()> ready) {
    m_pendingView.wait(name, std::move(ready));
    if (m_database.empty() || (!m_loader.isLoading() && m_shownKey == requestKey())) m_pendingView.complete();
    else loadIfStale();
}

bool IdQualityPage::selectMetric(const QString& metric) {
    return selectItemData(*m_metric, metric);
}

QString IdQualityPage::statusText() const {
    return m_status->text();
}

void IdQualityPage::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    loadIfStale();
}

std::string IdQualityPage::requestKey() const {
    return m_database + '|' + std::to_string(m_revision) + '|' + m_model->currentData().toString().toStdString();
}

void IdQualityPage::loadIfStale() {
    if (m_database.empty() || !isVisible()) return;
    const std::string key = requestKey();
    if (key == m_shownKey) return;
    m_shownKey = key;
    m_status->setText(QStringLiteral("Computing the figures of every tokenizer run…"));
    core::IdQualityOptions options;
    options.model = m_model->currentData().toString().toStdString();
    m_loader.request([database = m_database, options] {
        Outcome outcome;
        try {
            core::ExperimentStore store(database, core::ExperimentStore::Access::ReadOnly);
            outcome.report = core::analyzeIdQuality(store, options);
        } catch (const std::exception& error) {
            outcome.error = QString::fromStdString(error.what());
        }
        return outcome;
    });
}

void IdQualityPage::onLoaded(Outcome outcome) {
    m_report = std::move(outcome.report);
    if (!m_report) {
        m_status->setText(QStringLiteral("Could not analyse the IDs: %1").arg(outcome.error));
    } else if (m_report->runs.empty()) {
        m_status->setText(QStringLiteral("No finished tokenizer run has finished model runs trained on its IDs yet: "
                                         "train a generative model (e.g. TIGER) on a few tokenizer runs."));
    } else {
        m_status->setText(QStringLiteral("%1 tokenizer runs with %2 model runs.")
                              .arg(m_report->runs.size())
                              .arg(std::accumulate(m_report->runs.begin(), m_report->runs.end(), size_t{0},
                                                   [](size_t n, const core::IdQualityRow& r) { return n + r.modelRuns.size(); })));
    }
    fillRuns();
    fillCorrelations();
    const QString chosen = m_metric->currentData().toString();
    {
        const QSignalBlocker blocker(m_metric);
        m_metric->clear();
        if (m_report)
            for (const core::MetricCorrelation& c : m_report->correlations) {
                const QString key = QString::fromStdString(c.metric);
                m_metric->addItem(metricName(key), key);
            }
        if (!selectItemData(*m_metric, chosen)) selectItemData(*m_metric, QString::fromLatin1(kDefaultMetric));
    }
    showMetric();
    m_pendingView.complete();
    Q_EMIT loaded(m_report.has_value());
}

void IdQualityPage::fillRuns() {
    m_runs->setSortingEnabled(false);
    m_runs->clear();
    m_runs->setRowCount(0);
    if (!m_report) {
        m_runs->setColumnCount(0);
        return;
    }
    std::vector<std::string> keys;
    for (const core::MetricCorrelation& c : m_report->correlations) keys.push_back(c.metric);
    QStringList headers = {QStringLiteral("Run"), QStringLiteral("Method")};
    for (const std::string& key : keys) headers << metricHeader(QString::fromStdString(key));
    headers << QStringLiteral("NDCG@10") << QStringLiteral("Models");
    m_runs->setColumnCount(static_cast<int>(headers.size()));
    m_runs->setHorizontalHeaderLabels(headers);
    for (int c = 0; c < static_cast<int>(keys.size()); ++c)
        m_runs->horizontalHeaderItem(c + 2)->setToolTip(metricHelp(QString::fromStdString(keys[static_cast<size_t>(c)])));
    m_runs->setRowCount(static_cast<int>(m_report->runs.size()));
    for (int r = 0; r < static_cast<int>(m_report->runs.size()); ++r) {
        const core::IdQualityRow& row = m_report->runs[static_cast<size_t>(r)];
        QString label = QStringLiteral("#%1").arg(row.runId);
        if (!row.name.empty()) label += QLatin1Char(' ') + QString::fromStdString(row.name);
        m_runs->setItem(r, 0, cell(label));
        m_runs->setItem(r, 1, cell(QString::fromStdString(row.method)));
        for (int c = 0; c < static_cast<int>(keys.size()); ++c) {
            const double value = metricOf(row, keys[static_cast<size_t>(c)]);
            m_runs->setItem(r, c + 2, cell(number(value), value));
        }
        const int last = static_cast<int>(keys.size()) + 2;
        m_runs->setItem(r, last, cell(number(row.ndcg10), row.ndcg10));
        QStringList models;
        for (size_t k = 0; k < row.modelRuns.size(); ++k)
            models << QStringLiteral("#%1 %2: NDCG@10 %3")
                          .arg(row.modelRuns[k].first)
                          .arg(QString::fromStdString(row.modelRuns[k].second), number(row.modelNdcg[k]));
        QTableWidgetItem* count = cell(QString::number(row.modelRuns.size()), static_cast<double>(row.modelRuns.size()));
        count->setToolTip(models.join(QLatin1Char('\n')));
        m_runs->setItem(r, last + 1, count);
    }
    m_runs->resizeColumnsToContents();
}

void IdQualityPage::fillCorrelations() {
    m_correlations->setRowCount(0);
    if (!m_report) return;
    std::vector<const core::MetricCorrelation*> order;
    for (const core::MetricCorrelation& c : m_report->correlations) order.push_back(&c);
    // Strongest first, either sign; figures without a value last.
    std::stable_sort(order.begin(), order.end(), [](const core::MetricCorrelation* a, const core::MetricCorrelation* b) {
        const double x = a->correlation.spearman ? std::abs(*a->correlation.spearman) : -1.0;
        const double y = b->correlation.spearman ? std::abs(*b->correlation.spearman) : -1.0;
        return x > y;
    });
    m_correlations->setRowCount(static_cast<int>(order.size()));
    for (int r = 0; r < static_cast<int>(order.size()); ++r) {
        const core::MetricCorrelation& c = *order[static_cast<size_t>(r)];
        const QString key = QString::fromStdString(c.metric);
        QTableWidgetItem* name = cell(metricName(key));
        name->setData(Qt::UserRole + 1, key);
        name->setToolTip(metricHelp(key));
        m_correlations->setItem(r, 0, name);
        QTableWidgetItem* rho = c.correlation.spearman
                                    ? cell(QLocale::c().toString(*c.correlation.spearman, 'f', 3), *c.correlation.spearman)
                                    : cell(QStringLiteral("–"));
        if (!c.correlation.note.empty()) rho->setToolTip(QString::fromStdString(c.correlation.note));
        m_correlations->setItem(r, 1, rho);
        m_correlations->setItem(r, 2, cell(QString::number(c.correlation.n), static_cast<double>(c.correlation.n)));
    }
    m_correlations->resizeColumnToContents(1);
    m_correlations->resizeColumnToContents(2);
}

void IdQualityPage::showMetric() {
    const QString key = m_metric->currentData().toString();
    if (!m_report || m_report->runs.empty() || key.isEmpty()) {
        m_scatter->setTitle(QStringLiteral("Figure against NDCG@10"));
        m_scatter->clear(QStringLiteral("No tokenizer run with model runs yet"));
        m_verdict->clear();
        return;
    }
    QVector<double> x;
    QVector<double> y;
    QStringList labels;
    for (const core::IdQualityRow& row : m_report->runs) {
        x << metricOf(row, key.toStdString());
        y << row.ndcg10;
        labels << QStringLiteral("#%1 %2").arg(row.runId).arg(QString::fromStdString(row.method));
    }
    m_scatter->setTitle(QStringLiteral("%1 against NDCG@10").arg(metricName(key)));
    m_scatter->setAxisLabels(metricName(key), QStringLiteral("Test NDCG@10 (mean over model runs)"));
    m_scatter->setPoints(x, y, labels);
    for (const core::MetricCorrelation& c : m_report->correlations) {
        if (c.metric != key.toStdString()) continue;
        m_verdict->setText(c.correlation.spearman
                               ? QStringLiteral("Spearman ρ = %1 over %2 tokenizer runs.")
                                     .arg(QLocale::c().toString(*c.correlation.spearman, 'f', 3))
                                     .arg(c.correlation.n)
                               : QStringLiteral("No Spearman ρ (n = %1): %2.")
                                     .arg(c.correlation.n)
                                     .arg(QString::fromStdString(c.correlation.note)));
    }
}

}  // namespace tokenbench::ui
