#include "import/import_wizard.h"

#include <exception>
#include <functional>

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QWizardPage>

#include "tokenbench/data/loaders.h"
#include "widgets/form_helpers.h"

namespace tokenbench::ui {
namespace {

constexpr int kPreviewLines = 20;
constexpr qint64 kPreviewBytes = 64 * 1024;
const QString kNone = QStringLiteral("(none)");

/// Paths typed as "a.txt; b.txt" (or one path).
QStringList splitPaths(const QString& text) {
    QStringList out;
    for (const QString& part : text.split(QLatin1Char(';'), Qt::SkipEmptyParts)) {
        const QString trimmed = part.trimmed();
        if (!trimmed.isEmpty()) out << trimmed;
    }
    return out;
}

/// A page whose completeness follows a predicate (the first page needs a file and a name).
class CheckedPage final : public QWizardPage {
public:
    explicit CheckedPage(std::function<bool()> complete) : m_complete(std::move(complete)) {}
    bool isComplete() const override { return m_complete(); }
    void recheck() { Q_EMIT completeChanged(); }

private:
    std::function<bool()> m_complete;
};

QStringList splitLine(const QString& line, char delimiter) {
    if (delimiter == ' ') return line.split(QRegularExpression(QStringLiteral("\\s+")), Qt::SkipEmptyParts);
    QStringList fields = line.split(QLatin1Char(delimiter));
    for (QString& field : fields) {
        field = field.trimmed();
        if (field.size() >= 2 && field.startsWith(QLatin1Char('"')) && field.endsWith(QLatin1Char('"')))
            field = field.mid(1, field.size() - 2);
    }
    return fields;
}

/// A line edit named `objectName` that shows `placeholder` while empty.
QLineEdit* makeLineEdit(const QString& objectName, const QString& placeholder) {
    auto* edit = new QLineEdit;
    edit->setObjectName(objectName);
    edit->setPlaceholderText(placeholder);
    return edit;
}

}  // namespace

ImportWizard::ImportWizard(QWidget* parent) : QWizard(parent) {
    setObjectName(QStringLiteral("importWizard"));
    setWindowTitle(QStringLiteral("Import a data set"));
    setWizardStyle(QWizard::ClassicStyle);
    setOption(QWizard::NoBackButtonOnStartPage);
    addPage(buildFilesPage());
    addPage(buildItemTablePage());
    addPage(buildPreviewPage());
    addPage(buildOptionsPage());
    setButtonText(QWizard::FinishButton, QStringLiteral("Import"));
    resize(720, 520);
}

QWizardPage* ImportWizard::buildFilesPage() {
    m_paths = makeLineEdit(QStringLiteral("importPaths"),
                           QStringLiteral("interaction file(s), separated by ';' (a folder for RecBole or LC-Rec)"));
    auto* browse = new QPushButton(QStringLiteral("Browse…"));
    m_attributes = makeLineEdit(QStringLiteral("importAttributes"),
                                QStringLiteral("seqtxt: item2attributes.json · amazon: meta JSON (optional)"));
    auto* browseAttributes = new QPushButton(QStringLiteral("Browse…"));
    m_itemsFile = makeLineEdit(QStringLiteral("importItems"),
                               QStringLiteral("movielens: movies file · recbole: .item · lcrec: .item.json (optional)"));
    auto* browseItems = new QPushButton(QStringLiteral("Browse…"));
    m_format = new QComboBox;
    m_format->setObjectName(QStringLiteral("importFormat"));
    for (const std::string& format : core::loaderFormats()) m_format->addItem(QString::fromStdString(format));
    m_detection = new QLabel;
    m_detection->setObjectName(QStringLiteral("importDetection"));
    m_detection->setWordWrap(true);
    m_name = makeLineEdit(QStringLiteral("importName"), QStringLiteral("name of the data set in the project"));

    auto* page = new CheckedPage([this] { return !splitPaths(m_paths->text()).isEmpty() && !m_name->text().trimmed().isEmpty(); });
    page->setTitle(QStringLiteral("Files"));
    page->setSubTitle(QStringLiteral("Choose the interaction file; the format is detected from its name and first lines."));
    auto* form = new QFormLayout(page);
    form->addRow(QStringLiteral("Interactions:"), fieldWithButton(m_paths, browse));
    form->addRow(QStringLiteral("Item attributes:"), fieldWithButton(m_attributes, browseAttributes));
    form->addRow(QStringLiteral("Item file:"), fieldWithButton(m_itemsFile, browseItems));
    form->addRow(QStringLiteral("Format:"), m_format);
    form->addRow(QString(), m_detection);
    form->addRow(QStringLiteral("Data set name:"), m_name);

    connect(browse, &QPushButton::clicked, this, &ImportWizard::browseInteractions);
    connect(browseAttributes, &QPushButton::clicked, this,
            [this] { browseSide(m_attributes, QStringLiteral("Item attributes or metadata")); });
    connect(browseItems, &QPushButton::clicked, this, [this] { browseSide(m_itemsFile, QStringLiteral("Item file")); });
    connect(m_paths, &QLineEdit::editingFinished, this, &ImportWizard::detect);
    connect(m_paths, &QLineEdit::textChanged, page, [page] { page->recheck(); });
    connect(m_name, &QLineEdit::textChanged, page, [page] { page->recheck(); });
    connect(m_format, qOverload<int>(&QComboBox::currentIndexChanged), this, &ImportWizard::updatePreview);
    return page;
}

QWizardPage* ImportWizard::buildItemTablePage() {
    m_itemTable = makeLineEdit(QStringLiteral("importItemTable"),
                               QStringLiteral("JSON lines or CSV, one row per item (optional)"));
    auto* browse = new QPushButton(QStringLiteral("Browse…"));
    m_itemIdField = makeLineEdit(QStringLiteral("importItemIdField"), QStringLiteral("field holding the item id"));
    m_itemIdField->setText(QStringLiteral("item"));
    m_titleField = makeLineEdit(QStringLiteral("importTitleField"), QStringLiteral("field holding the title (empty: none)"));
    m_titleField->setText(QStringLiteral("title"));
    m_textFields = makeLineEdit(QStringLiteral("importTextFields"),
                                QStringLiteral("fields joined into the description, e.g. description,features"));
    m_attributeFields = makeLineEdit(QStringLiteral("importAttributeFields"),
                                     QStringLiteral("fields of attribute names, e.g. brand,categories"));
    m_attributeSeparator = makeLineEdit(QStringLiteral("importAttributeSeparator"),
                                        QStringLiteral("one character splitting a string of names (empty: no split)"));
    m_attributeSeparator->setMaxLength(1);

    auto* page = new QWizardPage;
    page->setTitle(QStringLiteral("Item text"));
    page->setSubTitle(QStringLiteral("An item table gives titles, text and attribute names to the items, joined by "
                                     "item id. Rows for unknown ids and items without a row are counted, not fatal."));
    auto* form = new QFormLayout(page);
    form->addRow(QStringLiteral("Item table:"), fieldWithButton(m_itemTable, browse));
    form->addRow(QStringLiteral("Item id field:"), m_itemIdField);
    form->addRow(QStringLiteral("Title field:"), m_titleField);
    form->addRow(QStringLiteral("Text fields:"), m_textFields);
    form->addRow(QStringLiteral("Attribute fields:"), m_attributeFields);
    form->addRow(QStringLiteral("Separator:"), m_attributeSeparator);
    connect(browse, &QPushButton::clicked, this, [this] { browseSide(m_itemTable, QStringLiteral("Item table")); });
    return page;
}

QWizardPage* ImportWizard::buildPreviewPage() {
    m_preview = new QTableWidget;
    m_preview->setObjectName(QStringLiteral("importPreview"));
    m_preview->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_preview->setAlternatingRowColors(true);
    m_preview->verticalHeader()->setDefaultSectionSize(20);
    m_raw = new QPlainTextEdit;
    m_raw->setObjectName(QStringLiteral("importRaw"));
    m_raw->setReadOnly(true);
    m_raw->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_raw->setMaximumHeight(110);

    m_delimiter = new QComboBox;
    m_delimiter->setObjectName(QStringLiteral("importDelimiter"));
    m_delimiter->addItem(QStringLiteral("detect"), QString());
    m_delimiter->addItem(QStringLiteral("comma ,"), QStringLiteral(","));
    m_delimiter->addItem(QStringLiteral("semicolon ;"), QStringLiteral(";"));
    m_delimiter->addItem(QStringLiteral("tab"), QStringLiteral("\t"));
    m_delimiter->addItem(QStringLiteral("pipe |"), QStringLiteral("|"));
    m_userColumn = new QComboBox;
    m_itemColumn = new QComboBox;
    m_timeColumn = new QComboBox;
    m_ratingColumn = new QComboBox;
    m_userColumn->setObjectName(QStringLiteral("importUserColumn"));
    m_itemColumn->setObjectName(QStringLiteral("importItemColumn"));
    m_timeColumn->setObjectName(QStringLiteral("importTimeColumn"));
    m_ratingColumn->setObjectName(QStringLiteral("importRatingColumn"));
    m_mapping = new QWidget;
    auto* mapping = new QFormLayout(m_mapping);
    mapping->setContentsMargins(0, 0, 0, 0);
    mapping->addRow(QStringLiteral("Delimiter:"), m_delimiter);
    mapping->addRow(QStringLiteral("User column:"), m_userColumn);
    mapping->addRow(QStringLiteral("Item column:"), m_itemColumn);
    mapping->addRow(QStringLiteral("Timestamp column:"), m_timeColumn);
    mapping->addRow(QStringLiteral("Rating column:"), m_ratingColumn);

    auto* page = new QWizardPage;
    page->setTitle(QStringLiteral("Preview"));
    page->setSubTitle(QStringLiteral("The first rows as the loader will split them. CSV files need a column mapping."));
    auto* layout = new QVBoxLayout(page);
    layout->addWidget(m_raw);
    layout->addWidget(m_preview, 1);
    layout->addWidget(m_mapping);
    connect(m_delimiter, qOverload<int>(&QComboBox::currentIndexChanged), this, &ImportWizard::updatePreview);
    return page;
}

QWizardPage* ImportWizard::buildOptionsPage() {
    m_useMinRating = new QCheckBox(QStringLiteral("Drop ratings below"));
    m_minRating = new QDoubleSpinBox;
    m_minRating->setRange(-1000, 1000);
    m_minRating->setValue(4.0);
    m_minRating->setEnabled(false);
    m_userCore = new QSpinBox;
    m_userCore->setObjectName(QStringLiteral("importUserCore"));
    m_userCore->setRange(0, 1000);
    m_userCore->setSpecialValueText(QStringLiteral("off"));
    m_itemCore = new QSpinBox;
    m_itemCore->setObjectName(QStringLiteral("importItemCore"));
    m_itemCore->setRange(0, 1000);
    m_itemCore->setSpecialValueText(QStringLiteral("off"));
    m_removeRepeats = new QCheckBox(QStringLiteral("Drop an interaction repeating the previous item"));
    m_maxHistory = new QSpinBox;
    m_maxHistory->setRange(0, 100000);
    m_maxHistory->setSpecialValueText(QStringLiteral("keep all"));
    m_split = new QComboBox;
    m_split->setObjectName(QStringLiteral("importSplit"));
    m_split->addItem(QStringLiteral("Leave one out (last item test, second last valid)"), QStringLiteral("leave-one-out"));
    m_split->addItem(QStringLiteral("Global temporal cut"), QStringLiteral("temporal"));
    m_validFraction = new QDoubleSpinBox;
    m_testFraction = new QDoubleSpinBox;
    for (QDoubleSpinBox* spin : {m_validFraction, m_testFraction}) {
        spin->setRange(0.01, 0.5);
        spin->setSingleStep(0.05);
        spin->setValue(0.1);
        spin->setEnabled(false);
    }
    m_coldThreshold = new QSpinBox;
    m_coldThreshold->setRange(0, 1000);
    m_coldThreshold->setValue(5);
    m_coldThreshold->setToolTip(QStringLiteral("A target item is cold with at most this many training interactions"));
    m_newItems = new QDoubleSpinBox;
    m_newItems->setObjectName(QStringLiteral("importNewItems"));
    m_newItems->setRange(0.0, 0.5);
    m_newItems->setSingleStep(0.05);
    m_newItems->setSpecialValueText(QStringLiteral("none"));
    m_newItems->setToolTip(QStringLiteral(
        "Share of the catalogue held out of training entirely: none of these items' interactions is trained on; "
        "they stay as validation and test targets, reported as \"New items\" (content-based IDs can reach them, "
        "ID models cannot)"));

    auto* ratingRow = new QHBoxLayout;
    ratingRow->addWidget(m_useMinRating);
    ratingRow->addWidget(m_minRating);
    ratingRow->addStretch(1);
    auto* page = new QWizardPage;
    page->setTitle(QStringLiteral("Preprocessing and split"));
    page->setSubTitle(QStringLiteral("Iterative k-core keeps users and items with at least k interactions until both hold."));
    auto* form = new QFormLayout(page);
    form->addRow(QStringLiteral("Ratings:"), ratingRow);
    form->addRow(QStringLiteral("User k-core:"), m_userCore);
    form->addRow(QStringLiteral("Item k-core:"), m_itemCore);
    form->addRow(QStringLiteral("Repeats:"), m_removeRepeats);
    form->addRow(QStringLiteral("History cap:"), m_maxHistory);
    form->addRow(QStringLiteral("Split:"), m_split);
    form->addRow(QStringLiteral("Validation share:"), m_validFraction);
    form->addRow(QStringLiteral("Test share:"), m_testFraction);
    form->addRow(QStringLiteral("Cold threshold:"), m_coldThreshold);
    form->addRow(QStringLiteral("Brand-new items:"), m_newItems);
    connect(m_useMinRating, &QCheckBox::toggled, m_minRating, &QWidget::setEnabled);
    connect(m_split, qOverload<int>(&QComboBox::currentIndexChanged), this, [this] {
        const bool temporal = m_split->currentData().toString() == QLatin1String("temporal");
        m_validFraction->setEnabled(temporal);
        m_testFraction->setEnabled(temporal);
    });
    return page;
}

void ImportWizard::setFiles(const QStringList& paths) {
    m_paths->setText(paths.join(QStringLiteral("; ")));
    detect();
}

void ImportWizard::browseInteractions() {
    auto* dialog = new QFileDialog(this, QStringLiteral("Interaction file"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setFileMode(QFileDialog::ExistingFiles);
    connect(dialog, &QFileDialog::filesSelected, this, [this](const QStringList& files) { setFiles(files); });
    dialog->open();
}

void ImportWizard::browseSide(QLineEdit* target, const QString& title) {
    auto* dialog = new QFileDialog(this, title, QFileInfo(splitPaths(m_paths->text()).value(0)).absolutePath());
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setFileMode(QFileDialog::ExistingFile);
    connect(dialog, &QFileDialog::fileSelected, target, &QLineEdit::setText);
    dialog->open();
}

void ImportWizard::detect() {
    const QStringList paths = splitPaths(m_paths->text());
    m_detected.clear();
    if (paths.isEmpty()) {
        m_detection->clear();
        updatePreview();
        return;
    }
    std::vector<std::string> files;
    for (const QString& path : paths) files.push_back(path.toStdString());
    try {
        std::string reason;
        m_detected = QString::fromStdString(core::detectFormat(files, &reason));
        m_detection->setText(QStringLiteral("Detected <b>%1</b>: %2").arg(m_detected, QString::fromStdString(reason).toHtmlEscaped()));
    } catch (const std::exception& error) {
        m_detection->setText(QStringLiteral("Could not detect the format: %1").arg(QString::fromStdString(error.what()).toHtmlEscaped()));
    }
    if (m_name->text().trimmed().isEmpty()) {
        QString base = QFileInfo(paths.front()).completeBaseName();
        base.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9_.-]+")), QStringLiteral("-"));
        m_name->setText(base.isEmpty() ? QStringLiteral("imported") : base);
    }
    updatePreview();
}

QString ImportWizard::detectionText() const {
    return m_detection->text();
}

QString ImportWizard::effectiveFormat() const {
    const QString chosen = m_format->currentText();
    return chosen == QLatin1String("auto") ? m_detected : chosen;
}

char ImportWizard::delimiter() const {
    const QString chosen = m_delimiter->currentData().toString();
    if (!chosen.isEmpty()) return chosen.front().toLatin1();
    // Detect like the loader: the candidate that splits the first line most.
    const QStringList lines = firstLines(splitPaths(m_paths->text()).value(0), 1);
    if (lines.isEmpty()) return ',';
    char best = ',';
    qsizetype most = 0;
    for (char candidate : {',', ';', '\t', '|'}) {
        const qsizetype count = lines.front().count(QLatin1Char(candidate));
        if (count > most) {
            most = count;
            best = candidate;
        }
    }
    return best;
}

QStringList ImportWizard::firstLines(const QString& path, int maxLines) {
    QStringList lines;
    const QFileInfo info(path);
    if (path.isEmpty() || !info.isFile() || path.endsWith(QStringLiteral(".gz"), Qt::CaseInsensitive)) return lines;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) return lines;
    const QByteArray head = file.read(kPreviewBytes);
    for (const QByteArray& line : head.split('\n')) {
        const QString text = QString::fromUtf8(line).trimmed();
        if (text.isEmpty()) continue;
        lines << text;
        if (lines.size() >= maxLines) break;
    }
    return lines;
}

void ImportWizard::updatePreview() {
    const QString path = splitPaths(m_paths->text()).value(0);
    const QStringList lines = firstLines(path, kPreviewLines);
    m_raw->setPlainText(lines.isEmpty() ? QStringLiteral("(no preview: folder, compressed or unreadable file)")
                                        : lines.join(QLatin1Char('\n')));
    const QString format = effectiveFormat();
    const bool csv = format == QLatin1String("csv");
    m_mapping->setVisible(csv);
    m_preview->clear();
    m_preview->setRowCount(0);
    m_preview->setColumnCount(0);
    if (lines.isEmpty()) return;

    // CSV and MovieLens/RecBole-like files split on their delimiter; seqtxt lines on whitespace.
    char split = ' ';
    if (csv) split = delimiter();
    else if (format == QLatin1String("recbole")) split = '\t';
    else if (format == QLatin1String("movielens") && lines.front().contains(QStringLiteral("::"))) split = ':';
    else if (format == QLatin1String("movielens") && lines.front().contains(QLatin1Char(','))) split = ',';

    QStringList header;
    int first = 0;
    if (csv || format == QLatin1String("recbole")) {
        header = splitLine(lines.front(), split);
        first = 1;
    }
    int columns = static_cast<int>(header.size());
    std::vector<QStringList> rows;
    for (int i = first; i < lines.size(); ++i) {
        QStringList fields = split == ':' ? lines[i].split(QStringLiteral("::")) : splitLine(lines[i], split);
        columns = std::max(columns, static_cast<int>(fields.size()));
        rows.push_back(fields);
    }
    columns = std::min(columns, 50);
    m_preview->setColumnCount(columns);
    m_preview->setRowCount(static_cast<int>(rows.size()));
    QStringList labels;
    for (int c = 0; c < columns; ++c) labels << (c < header.size() ? header[c] : QStringLiteral("%1").arg(c + 1));
    m_preview->setHorizontalHeaderLabels(labels);
    for (int r = 0; r < static_cast<int>(rows.size()); ++r) {
        for (int c = 0; c < std::min(columns, static_cast<int>(rows[r].size())); ++c) {
            m_preview->setItem(r, c, new QTableWidgetItem(rows[r][c]));
        }
    }
    m_preview->resizeColumnsToContents();

    if (csv) {
        // Pre-select columns whose names look right; the user can change them.
        const auto fill = [&header](QComboBox* combo, const QStringList& hints, bool optional) {
            const QString keep = combo->currentText();
            combo->clear();
            if (optional) combo->addItem(kNone);
            combo->addItems(header);
            int index = combo->findText(keep);
            for (const QString& hint : hints) {
                if (index >= 0) break;
                for (int i = 0; i < combo->count(); ++i) {
                    if (combo->itemText(i).compare(hint, Qt::CaseInsensitive) == 0) {
                        index = i;
                        break;
                    }
                }
            }
            combo->setCurrentIndex(std::max(0, index));
        };
        fill(m_userColumn, {QStringLiteral("user_id"), QStringLiteral("userId"), QStringLiteral("user")}, false);
        fill(m_itemColumn, {QStringLiteral("item_id"), QStringLiteral("itemId"), QStringLiteral("item"),
                            QStringLiteral("movieId"), QStringLiteral("asin")},
             false);
        fill(m_timeColumn, {QStringLiteral("timestamp"), QStringLiteral("time"), QStringLiteral("ts")}, true);
        fill(m_ratingColumn, {QStringLiteral("rating"), QStringLiteral("score")}, true);
    }
}

core::ImportRequest ImportWizard::request() const {
    core::ImportRequest request;
    request.name = m_name->text().trimmed().toStdString();
    request.load.format = m_format->currentText().toStdString();
    for (const QString& path : splitPaths(m_paths->text())) request.load.paths.push_back(path.toStdString());
    request.load.attributesPath = m_attributes->text().trimmed().toStdString();
    request.load.itemsPath = m_itemsFile->text().trimmed().toStdString();
    if (effectiveFormat() == QLatin1String("csv")) {
        request.load.csv.user = m_userColumn->currentText().toStdString();
        request.load.csv.item = m_itemColumn->currentText().toStdString();
        request.load.csv.timestamp = m_timeColumn->currentText() == kNone ? std::string() : m_timeColumn->currentText().toStdString();
        request.load.csv.rating = m_ratingColumn->currentText() == kNone ? std::string() : m_ratingColumn->currentText().toStdString();
        const QString chosen = m_delimiter->currentData().toString();
        request.load.csv.delimiter = chosen.isEmpty() ? '\0' : chosen.front().toLatin1();
    }
    request.itemTable.path = m_itemTable->text().trimmed().toStdString();
    if (!request.itemTable.path.empty()) {
        core::ItemTableMapping& mapping = request.itemTable.mapping;
        mapping.idField = m_itemIdField->text().trimmed().toStdString();
        mapping.titleField = m_titleField->text().trimmed().toStdString();
        mapping.textFields = core::splitFieldList(m_textFields->text().toStdString());
        mapping.attributeFields = core::splitFieldList(m_attributeFields->text().toStdString());
        const QString separator = m_attributeSeparator->text();
        mapping.listSeparator = separator.isEmpty() ? '\0' : separator.front().toLatin1();
    }
    if (m_useMinRating->isChecked()) request.preprocess.minRating = m_minRating->value();
    request.preprocess.userCore = m_userCore->value();
    request.preprocess.itemCore = m_itemCore->value();
    request.preprocess.removeConsecutiveRepeats = m_removeRepeats->isChecked();
    request.preprocess.maxHistoryLength = m_maxHistory->value();
    request.split.method = core::splitMethodFromString(m_split->currentData().toString().toStdString());
    request.split.validFraction = m_validFraction->value();
    request.split.testFraction = m_testFraction->value();
    request.split.coldThreshold = m_coldThreshold->value();
    request.split.newItemFraction = m_newItems->value();
    return request;
}

}  // namespace tokenbench::ui
