#include "plots/plot_export_dialog.h"

#include <cmath>

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include "widgets/form_helpers.h"

namespace tokenbench::ui {
namespace {

const QStringList kSuffixes = {QStringLiteral("png"), QStringLiteral("pdf"), QStringLiteral("svg")};

}  // namespace

PlotExportDialog::PlotExportDialog(const QString& proposedPath, QSize size, QWidget* parent)
    : QDialog(parent),
      m_format(new QComboBox),
      m_path(new QLineEdit),
      m_width(new QSpinBox),
      m_height(new QSpinBox),
      m_dpi(new QDoubleSpinBox),
      m_summary(new QLabel) {
    setObjectName(QStringLiteral("plotExportDialog"));
    setWindowTitle(QStringLiteral("Export plot"));
    m_format->setObjectName(QStringLiteral("exportFormat"));
    m_format->addItem(QStringLiteral("PNG image"), kSuffixes[0]);
    m_format->addItem(QStringLiteral("PDF document (vector)"), kSuffixes[1]);
    m_format->addItem(QStringLiteral("SVG drawing (vector)"), kSuffixes[2]);
    m_path->setObjectName(QStringLiteral("exportPath"));
    m_path->setMinimumWidth(320);
    auto* browse = new QPushButton(QStringLiteral("Browse…"));
    for (QSpinBox* spin : {m_width, m_height}) {
        spin->setRange(64, 20000);
        spin->setSuffix(QStringLiteral(" px"));
    }
    m_width->setObjectName(QStringLiteral("exportWidth"));
    m_height->setObjectName(QStringLiteral("exportHeight"));
    m_width->setValue(std::max(64, size.width()));
    m_height->setValue(std::max(64, size.height()));
    m_dpi->setObjectName(QStringLiteral("exportDpi"));
    m_dpi->setRange(36, 1200);
    m_dpi->setDecimals(0);
    m_dpi->setValue(192);
    m_dpi->setSuffix(QStringLiteral(" dpi"));
    m_dpi->setToolTip(QStringLiteral("PNG: output pixels = size × DPI / 96. Vector formats scale freely."));

    auto* form = new QFormLayout;
    form->addRow(QStringLiteral("Format:"), m_format);
    form->addRow(QStringLiteral("File:"), fieldWithButton(m_path, browse));
    form->addRow(QStringLiteral("Width:"), m_width);
    form->addRow(QStringLiteral("Height:"), m_height);
    form->addRow(QStringLiteral("Resolution:"), m_dpi);
    form->addRow(QString(), m_summary);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(buttons);

    setPath(proposedPath);
    connect(m_format, qOverload<int>(&QComboBox::currentIndexChanged), this, &PlotExportDialog::onFormatChanged);
    connect(browse, &QPushButton::clicked, this, &PlotExportDialog::browse);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    for (QSpinBox* spin : {m_width, m_height}) {
        connect(spin, qOverload<int>(&QSpinBox::valueChanged), this, &PlotExportDialog::updateSummary);
    }
    connect(m_dpi, qOverload<double>(&QDoubleSpinBox::valueChanged), this, &PlotExportDialog::updateSummary);
    connect(m_path, &QLineEdit::textChanged, this, [this, buttons](const QString& text) {
        buttons->button(QDialogButtonBox::Save)->setEnabled(!text.trimmed().isEmpty());
    });
    updateSummary();
}

QString PlotExportDialog::path() const {
    return m_path->text().trimmed();
}

ImageExportOptions PlotExportDialog::options() const {
    ImageExportOptions options;
    options.size = QSize(m_width->value(), m_height->value());
    options.dpi = m_dpi->value();
    return options;
}

void PlotExportDialog::setPath(const QString& path) {
    m_path->setText(path);
    const int index = kSuffixes.indexOf(QFileInfo(path).suffix().toLower());
    if (index >= 0) {
        const QSignalBlocker blocker(m_format);
        m_format->setCurrentIndex(index);
    }
    updateSummary();
}

void PlotExportDialog::setOptions(const ImageExportOptions& options) {
    if (!options.size.isEmpty()) {
        m_width->setValue(options.size.width());
        m_height->setValue(options.size.height());
    }
    m_dpi->setValue(options.dpi);
}

void PlotExportDialog::onFormatChanged() {
    // Keep the file name, change its suffix to the chosen format.
    const QString suffix = m_format->currentData().toString();
    QString path = m_path->text().trimmed();
    const QFileInfo info(path);
    if (!path.isEmpty()) {
        path = info.path() + QLatin1Char('/') + info.completeBaseName() + QLatin1Char('.') + suffix;
        const QSignalBlocker blocker(m_path);
        m_path->setText(path);
    }
    updateSummary();
}

void PlotExportDialog::browse() {
    auto* dialog = new QFileDialog(this, QStringLiteral("Export plot as"), m_path->text());
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->setNameFilters({QStringLiteral("PNG image (*.png)"), QStringLiteral("PDF document (*.pdf)"),
                            QStringLiteral("SVG drawing (*.svg)")});
    dialog->selectNameFilter(m_format->currentText().section(QLatin1Char(' '), 0, 0));
    connect(dialog, &QFileDialog::fileSelected, this, [this](const QString& file) {
        QString path = file;
        if (!kSuffixes.contains(QFileInfo(path).suffix().toLower())) {
            path += QLatin1Char('.') + m_format->currentData().toString();
        }
        setPath(path);
    });
    dialog->open();
}

void PlotExportDialog::updateSummary() {
    const QString suffix = m_format->currentData().toString();
    if (suffix == kSuffixes[0]) {
        const double scale = m_dpi->value() / 96.0;
        m_summary->setText(QStringLiteral("Output: %1 × %2 pixels")
                               .arg(std::lround(m_width->value() * scale))
                               .arg(std::lround(m_height->value() * scale)));
    } else {
        m_summary->setText(QStringLiteral("Vector output; size sets the layout and text proportions."));
    }
}

}  // namespace tokenbench::ui
