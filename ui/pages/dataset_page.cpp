#include "pages/dataset_page.h"

#include <algorithm>
#include <cmath>

#include <spdlog/spdlog.h>

#include <qcustomplot.h>

#include <QComboBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QStyle>
#include <QVBoxLayout>

#include "pages/stat_card.h"
#include "plots/palette.h"
#include "plots/plot_export.h"
#include "plots/plot_style.h"
#include "text_format.h"
#include "widgets/form_helpers.h"

namespace tokenbench::ui {
namespace {

const QString kNoProject = QStringLiteral("No project open");
const QString kNoDatasets = QStringLiteral("This project has no data sets yet");

struct CardSpec {
    const char* key;
    const char* caption;
};
constexpr CardSpec kCards[] = {
    {"users", "Users"},
    {"items", "Items"},
    {"interactions", "Interactions"},
    {"density", "Density"},
    {"sequenceLength", "Mean sequence length"},
    {"attributes", "Attributes"},
};

/// Integer tick step of about `span / 6`, rounded to 1, 2 or 5 times a power of ten.
double integerTickStep(double span) {
    const double raw = std::max(1.0, span / 6.0);
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    for (double factor : {1.0, 2.0, 5.0, 10.0}) {
        if (factor * magnitude >= raw) return std::max(1.0, factor * magnitude);
    }
    return std::max(1.0, 10.0 * magnitude);
}

QString formatCount(int64_t value) {
    return QLocale().toString(static_cast<qlonglong>(value));
}

QString formatNumber(double value, int decimals) {
    return QLocale().toString(value, 'f', decimals);
}

QString formatDensity(double density) {
    const double percent = density * 100.0;
    const int decimals = percent >= 10 ? 1 : percent >= 0.1 ? 2 : 4;
    return QStringLiteral("%1 %").arg(formatNumber(percent, decimals));
}

}  // namespace

DatasetPage::DatasetPage(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("datasetPage"));

    m_selector = new QComboBox(this);
    m_selector->setObjectName(QStringLiteral("datasetSelector"));
    m_selector->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_selector->setMinimumContentsLength(18);
    auto* selectorLabel = new QLabel(QStringLiteral("&Data set:"), this);
    selectorLabel->setBuddy(m_selector);
    m_infoLine = new QLabel(this);
    m_infoLine->setObjectName(QStringLiteral("datasetInfo"));
    m_infoLine->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_infoLine->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);

    m_import = new QPushButton(style()->standardIcon(QStyle::SP_DialogOpenButton), QStringLiteral("Import…"), this);
    m_import->setObjectName(QStringLiteral("importButton"));
    m_import->setToolTip(QStringLiteral("Import a data set from files (or drop a file on the window)"));
    connect(m_import, &QPushButton::clicked, this, &DatasetPage::importRequested);

    auto* header = new QHBoxLayout;
    header->addWidget(selectorLabel);
    header->addWidget(m_selector);
    header->addSpacing(12);
    header->addWidget(m_infoLine, 1);
    header->addWidget(m_import);

    // Error banner: visible text instead of a modal box, so a broken data set never blocks.
    m_errorBanner = new QFrame(this);
    m_errorBanner->setObjectName(QStringLiteral("datasetErrorBanner"));
    m_errorBanner->setFrameShape(QFrame::StyledPanel);
    m_errorBanner->setAutoFillBackground(true);
    auto* bannerIcon = new QLabel(m_errorBanner);
    const int iconSize = style()->pixelMetric(QStyle::PM_SmallIconSize);
    bannerIcon->setPixmap(style()->standardIcon(QStyle::SP_MessageBoxWarning).pixmap(iconSize, iconSize));
    m_errorText = new QLabel(m_errorBanner);
    m_errorText->setObjectName(QStringLiteral("datasetErrorText"));
    m_errorText->setWordWrap(true);
    m_errorText->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* bannerLayout = new QHBoxLayout(m_errorBanner);
    bannerLayout->setContentsMargins(8, 6, 8, 6);
    bannerLayout->addWidget(bannerIcon);
    bannerLayout->addWidget(m_errorText, 1);
    m_errorBanner->hide();

    auto* cards = new QHBoxLayout;
    cards->setSpacing(8);
    for (const CardSpec& spec : kCards) {
        auto* card = new StatCard(QString::fromLatin1(spec.key), QString::fromUtf8(spec.caption), this);
        m_cards.push_back(card);
        cards->addWidget(card, 1);
    }

    buildPlots();
    auto* plots = new QHBoxLayout;
    plots->setSpacing(8);
    plots->addWidget(m_lengthPlot, 1);
    plots->addWidget(m_popularityPlot, 1);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(10, 10, 10, 10);
    layout->setSpacing(8);
    layout->addLayout(header);
    layout->addWidget(m_errorBanner);
    layout->addLayout(cards);
    layout->addLayout(plots, 1);

    connect(m_selector, qOverload<int>(&QComboBox::currentIndexChanged), this, &DatasetPage::onSelectionChanged);

    clearProject();
}

DatasetPage::~DatasetPage() = default;

void DatasetPage::buildPlots() {
    m_lengthPlot = new QCustomPlot(this);
    setUpPlot(*m_lengthPlot, QStringLiteral("sequenceLengthPlot"), QSize(320, 240),
              QStringLiteral("Sequence length distribution"), QStringLiteral("Sequence length (items)"),
              QStringLiteral("Users"));
    m_lengthBars = new QCPBars(m_lengthPlot->xAxis, m_lengthPlot->yAxis);
    m_lengthBars->setName(QStringLiteral("Users"));
    m_lengthBars->setWidthType(QCPBars::wtPlotCoords);
    m_lengthBars->setWidth(0.8);
    const LineMarker mean = addLineMarker(*m_lengthPlot, Qt::Vertical, Qt::AlignLeft | Qt::AlignTop);
    m_meanLine = mean.line;
    m_meanLabel = mean.label;

    m_popularityPlot = new QCustomPlot(this);
    setUpPlot(*m_popularityPlot, QStringLiteral("popularityPlot"), QSize(320, 240),
              QStringLiteral("Item popularity (long tail)"), QStringLiteral("Item rank"),
              QStringLiteral("Interactions"));
    for (QCPAxis* axis : {m_popularityPlot->xAxis, m_popularityPlot->yAxis}) {
        axis->setScaleType(QCPAxis::stLogarithmic);
        QSharedPointer<QCPAxisTickerLog> ticker(new QCPAxisTickerLog);
        ticker->setLogBase(10);
        ticker->setSubTickCount(8);
        axis->setTicker(ticker);
        axis->setNumberFormat(QStringLiteral("gb"));
        axis->setNumberPrecision(6);
        axis->grid()->setSubGridVisible(true);
    }
    installPlotExport(m_lengthPlot, QStringLiteral("sequence-lengths"));
    installPlotExport(m_popularityPlot, QStringLiteral("item-popularity"));
    m_popularityGraph = m_popularityPlot->addGraph();
    m_popularityGraph->setName(QStringLiteral("Interactions"));
    m_popularityGraph->setLineStyle(QCPGraph::lsLine);

    restyle();
}

void DatasetPage::restyle() {
    const QPalette& palette = this->palette();
    stylePlot(*m_lengthPlot, palette);
    stylePlot(*m_popularityPlot, palette);

    const QColor primary = seriesColor(0);
    QColor fill = primary;
    fill.setAlpha(200);
    m_lengthBars->setBrush(fill);
    m_lengthBars->setPen(QPen(primary.darker(115), 1));
    const QColor accent = seriesColor(1);
    m_meanLine->setPen(QPen(accent, 1.5, Qt::DashLine));
    m_meanLabel->setColor(accent.darker(palette.color(QPalette::Base).lightness() > 128 ? 120 : 80));
    QFont labelFont = m_lengthPlot->font();
    labelFont.setPointSizeF(labelFont.pointSizeF() * 0.9);
    m_meanLabel->setFont(labelFont);
    m_popularityGraph->setPen(QPen(primary, 2));

    QPalette muted = m_infoLine->palette();
    muted.setColor(QPalette::WindowText,
                   blend(palette.color(QPalette::Window), palette.color(QPalette::WindowText), 0.7));
    m_infoLine->setPalette(muted);

    QPalette banner = m_errorBanner->palette();
    banner.setColor(QPalette::Window, blend(palette.color(QPalette::Base), seriesColor(2), 0.18));
    m_errorBanner->setPalette(banner);
}

void DatasetPage::changeEvent(QEvent* event) {
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange && m_lengthPlot) {
        restyle();
        m_lengthPlot->replot();
        m_popularityPlot->replot();
    }
}

void DatasetPage::setProject(const std::string& dbPath, std::vector<core::DatasetRecord> datasets) {
    const bool sameProject = dbPath == m_dbPath;
    m_dbPath = dbPath;
    m_datasets = std::move(datasets);

    std::optional<int64_t> keep;
    if (sameProject && m_requestedId) {
        const auto it = std::find_if(m_datasets.begin(), m_datasets.end(),
                                     [&](const core::DatasetRecord& r) { return r.id == *m_requestedId; });
        if (it != m_datasets.end()) keep = m_requestedId;
    }
    if (!sameProject) m_requestedId.reset();
    if (!keep && !m_datasets.empty()) keep = m_datasets.front().id;
    populateSelector(keep);

    if (m_datasets.empty()) {
        m_requestedId.reset();
        m_loader.cancel();  // a load still running belongs to a list that no longer exists
        m_errorBanner->hide();
        m_infoLine->clear();
        showPlaceholder(kNoDatasets);
        Q_EMIT viewsReady();
        return;
    }
    if (keep != m_requestedId) {
        startLoad(*keep);
    } else {
        updateInfoLine();
    }
}

void DatasetPage::setProject(const ProjectContents& contents) {
    if (contents.isOpen()) setProject(contents.paths.database, contents.datasets);
    else clearProject();
}

void DatasetPage::clearProject() {
    m_dbPath.clear();
    m_datasets.clear();
    m_requestedId.reset();
    m_loader.cancel();
    populateSelector(std::nullopt);
    m_errorBanner->hide();
    m_infoLine->clear();
    showPlaceholder(kNoProject);
    Q_EMIT viewsReady();
}

bool DatasetPage::selectDataset(int64_t datasetId) {
    // Loads through onSelectionChanged when the selection changed.
    return selectItemData(*m_selector, QVariant::fromValue<qint64>(datasetId));
}

std::optional<int64_t> DatasetPage::currentDatasetId() const {
    return m_requestedId;
}

QWidget* DatasetPage::sequenceLengthPlot() const {
    return m_lengthPlot;
}

QWidget* DatasetPage::popularityPlot() const {
    return m_popularityPlot;
}

QString DatasetPage::statValue(const QString& key) const {
    for (const StatCard* card : m_cards) {
        if (card->objectName() == key + QStringLiteral("Card")) return card->value();
    }
    return {};
}

QString DatasetPage::errorText() const {
    return m_errorBanner->isVisible() ? m_errorText->text() : QString();
}

void DatasetPage::populateSelector(std::optional<int64_t> select) {
    const QSignalBlocker blocker(m_selector);
    m_selector->clear();
    for (const core::DatasetRecord& record : m_datasets) {
        m_selector->addItem(QString::fromStdString(record.name), QVariant::fromValue<qint64>(record.id));
        m_selector->setItemData(m_selector->count() - 1,
                                QStringLiteral("%1\n%2").arg(QString::fromStdString(record.source),
                                                             QString::fromStdString(record.createdAt)),
                                Qt::ToolTipRole);
    }
    if (m_datasets.empty()) {
        m_selector->addItem(m_dbPath.empty() ? QStringLiteral("No project") : QStringLiteral("No data sets"));
    }
    m_selector->setEnabled(!m_datasets.empty());
    if (select) m_selector->setCurrentIndex(std::max(0, m_selector->findData(QVariant::fromValue<qint64>(*select))));
}

void DatasetPage::onSelectionChanged(int index) {
    if (index < 0 || m_datasets.empty()) return;
    const int64_t id = m_selector->itemData(index).toLongLong();
    if (m_requestedId == id) return;
    startLoad(id);
}

void DatasetPage::startLoad(int64_t datasetId) {
    m_requestedId = datasetId;
    const std::string dbPath = m_dbPath;
    m_loader.request([dbPath, datasetId] { return loadDatasetSummary(dbPath, datasetId); });
    updateInfoLine();
    m_errorBanner->hide();
    for (StatCard* card : m_cards) card->clear();
    showPlaceholder(QStringLiteral("Loading…"));
    Q_EMIT loadStarted(datasetId);
}

void DatasetPage::onLoadFinished(const DatasetSummary& summary) {
    if (!summary.error.isEmpty()) {
        const QString name = m_selector->currentText();
        spdlog::error("Could not load data set '{}' (id {}): {}", name.toStdString(), summary.datasetId,
                      summary.error.toStdString());
        showError(QStringLiteral("Could not load data set “%1”: %2").arg(name, summary.error));
        return;
    }
    showSummary(summary);
}

void DatasetPage::updateInfoLine() {
    const auto it = std::find_if(m_datasets.begin(), m_datasets.end(),
                                 [&](const core::DatasetRecord& r) { return m_requestedId && r.id == *m_requestedId; });
    if (it == m_datasets.end()) {
        m_infoLine->clear();
        return;
    }
    QStringList parts;
    if (!it->format.empty()) parts << QString::fromStdString(it->format);
    if (!it->source.empty()) parts << QString::fromStdString(it->source);
    if (!it->createdAt.empty()) parts << QStringLiteral("created %1").arg(formatTimestamp(it->createdAt));
    if (!it->dataHash.empty()) {
        parts << QStringLiteral("sha256 %1…").arg(QString::fromStdString(it->dataHash.substr(0, 12)));
    }
    const QString full = parts.join(QStringLiteral("  ·  "));
    m_infoLine->setText(full);
    m_infoLine->setToolTip(full);
}

void DatasetPage::showSummary(const DatasetSummary& summary) {
    const core::DatasetStats& s = summary.stats;
    const auto card = [this](const char* key) {
        const QString name = QString::fromLatin1(key) + QStringLiteral("Card");
        for (StatCard* c : m_cards) {
            if (c->objectName() == name) return c;
        }
        return static_cast<StatCard*>(nullptr);
    };
    const double perUser = s.users > 0 ? static_cast<double>(s.interactions) / static_cast<double>(s.users) : 0.0;
    const QString topShare = formatNumber(summary.topFifthShare * 100.0, 0);
    // Details stay short (no wrapping, cards keep one height); the full wording is in tooltips.
    card("users")->setValue(formatCount(s.users), QStringLiteral("%1 interactions each").arg(formatNumber(perUser, 1)));
    card("users")->setToolTip(
        QStringLiteral("Users with at least one interaction; %1 interactions per user on average.")
            .arg(formatNumber(perUser, 2)));
    card("items")->setValue(formatCount(s.items), QStringLiteral("top 20 % get %1 %").arg(topShare));
    card("items")->setToolTip(
        QStringLiteral("The most popular 20 % of items receive %1 % of all interactions.").arg(topShare));
    card("interactions")->setValue(formatCount(s.interactions), QStringLiteral("user–item events"));
    card("density")->setValue(formatDensity(s.density), QStringLiteral("of users × items"));
    card("density")->setToolTip(QStringLiteral("Interactions / (users × items) = %1").arg(s.density, 0, 'g', 4));
    card("sequenceLength")
        ->setValue(formatNumber(s.meanSequenceLength, 1),
                   QStringLiteral("median %1 · min %2 · max %3")
                       .arg(formatNumber(s.medianSequenceLength, 0), formatCount(s.minSequenceLength),
                            formatCount(s.maxSequenceLength)));
    card("sequenceLength")
        ->setToolTip(QStringLiteral("Items per user history: mean %1, median %2, min %3, max %4.")
                         .arg(formatNumber(s.meanSequenceLength, 2), formatNumber(s.medianSequenceLength, 1),
                              formatCount(s.minSequenceLength), formatCount(s.maxSequenceLength)));
    card("attributes")
        ->setValue(formatCount(s.attributes), summary.attributeFields == 1
                                                  ? QStringLiteral("in 1 field")
                                                  : QStringLiteral("in %1 fields").arg(summary.attributeFields));

    // Sequence lengths: one bar per length; integer ticks, a dashed line at the mean.
    m_lengthBars->setData(summary.lengthValues, summary.lengthUsers, true);
    if (!summary.lengthValues.isEmpty()) {
        const double low = summary.lengthValues.front() - 1.0;
        const double high = summary.lengthValues.back() + 1.0;
        m_lengthPlot->xAxis->setRange(low, high);
        QSharedPointer<QCPAxisTickerFixed> ticker(new QCPAxisTickerFixed);
        ticker->setTickStep(integerTickStep(high - low));
        ticker->setScaleStrategy(QCPAxisTickerFixed::ssNone);
        m_lengthPlot->xAxis->setTicker(ticker);
        const double peak = *std::max_element(summary.lengthUsers.begin(), summary.lengthUsers.end());
        m_lengthPlot->yAxis->setRange(0.0, peak * 1.12);
        m_meanLine->point1->setCoords(s.meanSequenceLength, 0.0);
        m_meanLine->point2->setCoords(s.meanSequenceLength, 1.0);
        m_meanLabel->position->setCoords(s.meanSequenceLength, 0.02);
        m_meanLabel->setText(QStringLiteral("mean %1").arg(formatNumber(s.meanSequenceLength, 1)));
        m_meanLine->setVisible(true);
        m_meanLabel->setVisible(true);
    }
    setPlotPlaceholder(*m_lengthPlot, summary.lengthValues.isEmpty() ? QStringLiteral("No users") : QString());

    // Popularity: rank vs. interactions on log–log axes; a straight line would be a pure power law.
    m_popularityGraph->setData(summary.popularityRanks, summary.popularityCounts, true);
    if (!summary.popularityRanks.isEmpty()) {
        const double lastRank = summary.popularityRanks.back();
        const auto [minIt, maxIt] =
            std::minmax_element(summary.popularityCounts.begin(), summary.popularityCounts.end());
        m_popularityPlot->xAxis->setRange(0.8, std::max(10.0, lastRank * 1.3));
        m_popularityPlot->yAxis->setRange(std::max(0.5, *minIt / 1.5), std::max(10.0, *maxIt * 1.5));
    }
    setPlotPlaceholder(*m_popularityPlot,
                       summary.popularityRanks.isEmpty() ? QStringLiteral("No interactions") : QString());

    m_lengthPlot->replot();
    m_popularityPlot->replot();
    spdlog::debug("Data set {} shown: {} users, {} items", summary.datasetId, s.users, s.items);
    Q_EMIT viewsReady();
}

void DatasetPage::showPlaceholder(const QString& message) {
    for (StatCard* card : m_cards) card->clear();
    m_lengthBars->data()->clear();
    m_popularityGraph->data()->clear();
    m_meanLine->setVisible(false);
    m_meanLabel->setVisible(false);
    m_lengthPlot->xAxis->setRange(0, 10);
    m_lengthPlot->yAxis->setRange(0, 10);
    m_popularityPlot->xAxis->setRange(1, 1000);
    m_popularityPlot->yAxis->setRange(1, 1000);
    setPlotPlaceholder(*m_lengthPlot, message);
    setPlotPlaceholder(*m_popularityPlot, message);
    m_lengthPlot->replot();
    m_popularityPlot->replot();
}

void DatasetPage::showError(const QString& message) {
    showPlaceholder(QStringLiteral("Could not load this data set"));
    m_errorText->setText(message);
    m_errorBanner->show();
    Q_EMIT viewsReady();
}

}  // namespace tokenbench::ui
