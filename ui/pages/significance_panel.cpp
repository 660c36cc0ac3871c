#include "pages/significance_panel.h"

#include <exception>

#include <QComboBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QVBoxLayout>

#include "group_figures.h"
#include "pages/metric_names.h"
#include "run_status.h"
#include "widgets/form_helpers.h"

namespace tokenbench::ui {
namespace {

enum Row { SideA, SideB, Difference, TTest, Bootstrap, Effect, Users, RowCount };

/// p-values as the CLI prints them (three significant digits).
QString pValue(double p) {
    return QString::number(p, 'g', 3);
}

QString sideText(const core::ComparedSide& side) {
    if (side.overRuns.n < 2) return QLocale::c().toString(side.overRuns.mean, 'f', 4);
    return QStringLiteral("%1 (95 % CI over %2 runs)").arg(formatMeanInterval(side.overRuns)).arg(side.overRuns.n);
}

QString verdict(const core::PairedComparison& paired) {
    constexpr double kAlpha = 0.05;
    const bool t = paired.pValue < kAlpha;
    const bool bootstrap = paired.bootstrapSamples > 0 && paired.bootstrapPValue < kAlpha;
    if (paired.bootstrapSamples > 0 && t != bootstrap)
        return QStringLiteral("The two tests disagree at the 5 % level: read the difference as uncertain.");
    if (!t) return QStringLiteral("No significant difference at the 5 % level.");
    return QStringLiteral("B %1 A significantly at the 5 % level.")
        .arg(paired.meanDifference > 0 ? QStringLiteral("beats") : QStringLiteral("trails"));
}

}  // namespace

SignificancePanel::SignificancePanel(QWidget* parent)
    : QWidget(parent),
      m_metric(new QComboBox),
      m_split(new QComboBox),
      m_status(new QLabel),
      m_busy(new QProgressBar),
      m_results(new QWidget),
      m_grid(new QGridLayout(m_results)),
      m_loader(this, [this](Outcome outcome) { onComputed(std::move(outcome)); }) {
    setObjectName(QStringLiteral("significancePanel"));
    m_metric->setObjectName(QStringLiteral("significanceMetric"));
    for (const char* metric : {"ndcg@10", "recall@10", "ndcg@20", "recall@20", "ndcg@5", "recall@5", "mrr"}) {
        m_metric->addItem(metricLabel(QString::fromLatin1(metric)), QString::fromLatin1(metric));
    }
    m_split->setObjectName(QStringLiteral("significanceSplit"));
    m_split->addItem(QStringLiteral("test"), QStringLiteral("test"));
    m_split->addItem(QStringLiteral("validation"), QStringLiteral("valid"));
    m_status->setObjectName(QStringLiteral("significanceStatus"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_busy->setObjectName(QStringLiteral("significanceBusy"));
    m_busy->setRange(0, 0);  // no fractions to report: an animated bar says it is working
    m_busy->setMaximumWidth(160);
    m_busy->hide();

    const QString labels[RowCount] = {QStringLiteral("A"),
                                      QStringLiteral("B"),
                                      QStringLiteral("Difference B − A"),
                                      QStringLiteral("Paired t-test"),
                                      QStringLiteral("Paired bootstrap"),
                                      QStringLiteral("Effect size d_z"),
                                      QStringLiteral("Users")};
    const char* names[RowCount] = {"significanceA",     "significanceB",         "significanceDifference",
                                   "significanceTTest", "significanceBootstrap", "significanceEffect",
                                   "significanceUsers"};
    m_grid->setContentsMargins(0, 0, 0, 0);
    m_grid->setHorizontalSpacing(16);
    for (int row = 0; row < RowCount; ++row) {
        auto* label = new QLabel(labels[row]);
        auto* value = new QLabel;
        value->setObjectName(QString::fromLatin1(names[row]));
        value->setTextInteractionFlags(Qt::TextSelectableByMouse);
        m_grid->addWidget(label, row, 0, Qt::AlignLeft | Qt::AlignTop);
        m_grid->addWidget(value, row, 1, Qt::AlignLeft | Qt::AlignTop);
        m_rows.emplace_back(label, value);
    }
    m_grid->setColumnStretch(1, 1);
    m_results->setToolTip(QStringLiteral("Over the users of the split, pair by pair (B − A); a group's runs are "
                                         "averaged user by user. Same figures as tokenbench-cli compare."));

    auto* choices = new QHBoxLayout;
    choices->addWidget(new QLabel(QStringLiteral("Metric:")));
    choices->addWidget(m_metric);
    choices->addSpacing(12);
    choices->addWidget(new QLabel(QStringLiteral("Split:")));
    choices->addWidget(m_split);
    choices->addStretch(1);
    auto* statusRow = new QHBoxLayout;
    statusRow->addWidget(m_busy);
    statusRow->addWidget(m_status, 1);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 6, 8, 6);
    layout->addLayout(choices);
    layout->addLayout(statusRow);
    layout->addWidget(m_results);
    layout->addStretch(1);

    connect(m_metric, qOverload<int>(&QComboBox::currentIndexChanged), this, &SignificancePanel::computeIfStale);
    connect(m_split, qOverload<int>(&QComboBox::currentIndexChanged), this, &SignificancePanel::computeIfStale);
    setUnavailable(QStringLiteral("Select two model runs, or two groups of seeded runs, to test their difference."));
}

void SignificancePanel::setProjectDir(const std::string& projectDir) {
    m_projectDir = projectDir;
    computeIfStale();
}

void SignificancePanel::setSides(Side a, Side b) {
    m_a = std::move(a);
    m_b = std::move(b);
    m_unavailable.clear();
    m_rows[SideA].first->setText(QStringLiteral("A: %1").arg(m_a->label));
    m_rows[SideB].first->setText(QStringLiteral("B: %1").arg(m_b->label));
    if (requestKey() != m_shownKey) {
        // An answer on its way is about other runs now: drop it, and ask again once shown.
        m_loader.cancel();
        m_shownKey.clear();
        m_result.reset();
        m_busy->hide();
        setResultsVisible(false);
        setStatus(QStringLiteral("The test runs when this tab is open."), false);
    }
    computeIfStale();
}

void SignificancePanel::setUnavailable(const QString& reason, bool error) {
    m_a.reset();
    m_b.reset();
    m_unavailable = reason;
    m_loader.cancel();
    m_shownKey.clear();
    m_result.reset();
    m_busy->hide();
    setResultsVisible(false);
    setStatus(reason, error);
}

bool SignificancePanel::selectMetric(const QString& metric) {
    return selectItemData(*m_metric, metric);
}

QString SignificancePanel::statusText() const {
    return m_status->text();
}

QString SignificancePanel::resultText() const {
    if (m_results->isHidden()) return {};
    QStringList lines;
    for (const auto& [label, value] : m_rows) lines << QStringLiteral("%1: %2").arg(label->text(), value->text());
    return lines.join(QLatin1Char('\n'));
}

void SignificancePanel::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    computeIfStale();
}

std::string SignificancePanel::requestKey() const {
    if (!m_a || !m_b) return {};
    std::string key = m_projectDir + '|' + m_metric->currentData().toString().toStdString() + '|' +
                      m_split->currentData().toString().toStdString();
    for (const Side* side : {&*m_a, &*m_b}) {
        key += '|';
        for (int64_t id : side->runIds) key += std::to_string(id) + ',';
    }
    return key;
}

void SignificancePanel::computeIfStale() {
    if (!m_a || !m_b || m_projectDir.empty() || !isVisible()) return;
    const std::string key = requestKey();
    if (key == m_shownKey) return;
    m_shownKey = key;
    m_result.reset();
    setResultsVisible(false);
    m_busy->show();
    setStatus(QStringLiteral("Computing… (runs stored without per-user ranks are evaluated again first)"), false);
    m_loader.request([project = m_projectDir, a = m_a->runIds, b = m_b->runIds,
                      metric = m_metric->currentData().toString().toStdString(),
                      split = m_split->currentData().toString().toStdString()] {
        Outcome outcome;
        try {
            outcome.comparison = core::compareRuns(project, a, b, metric, split);
        } catch (const std::exception& error) {
            outcome.error = QString::fromUtf8(error.what());
        }
        return outcome;
    });
}

void SignificancePanel::onComputed(Outcome outcome) {
    m_busy->hide();
    if (!outcome.comparison) {
        setStatus(QStringLiteral("Cannot test these runs: %1").arg(outcome.error), true);
        Q_EMIT computed(false);
        return;
    }
    m_result = std::move(outcome.comparison);
    showResult(*m_result);
    Q_EMIT computed(true);
}

void SignificancePanel::showResult(const core::RunComparison& c) {
    const core::PairedComparison& p = c.paired;
    const QString metric = metricLabel(QString::fromStdString(c.metric));
    m_rows[SideA].second->setText(sideText(c.a));
    m_rows[SideB].second->setText(sideText(c.b));
    m_rows[Difference].second->setText(QString::asprintf("%+.4f %s (95 %% CI %+.4f … %+.4f)", p.meanDifference,
                                                         qPrintable(metric), p.differenceLow, p.differenceHigh));
    m_rows[TTest].second->setText(QStringLiteral("p = %1 (t = %2)").arg(pValue(p.pValue), QString::asprintf("%.3f", p.tStatistic)));
    m_rows[Bootstrap].second->setText(p.bootstrapSamples > 0
                                          ? QStringLiteral("p = %1 (%2 resamples)")
                                                .arg(pValue(p.bootstrapPValue))
                                                .arg(QLocale::c().toString(static_cast<qlonglong>(p.bootstrapSamples)))
                                          : QStringLiteral("not run"));
    m_rows[Effect].second->setText(QString::asprintf("%.3f", p.effectSize));
    m_rows[Users].second->setText(QStringLiteral("%1 (%2 split)").arg(p.n).arg(QString::fromStdString(c.split)));
    setResultsVisible(true);
    setStatus(verdict(p), false);
}

void SignificancePanel::setStatus(const QString& text, bool error) {
    m_status->setText(text);
    QPalette palette = this->palette();
    if (error) palette.setColor(QPalette::WindowText, runStatusColor(core::RunStatus::Failed));
    m_status->setPalette(palette);
}

void SignificancePanel::setResultsVisible(bool visible) {
    m_results->setVisible(visible);
}

}  // namespace tokenbench::ui
