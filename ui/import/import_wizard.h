#pragma once
/// The data-set import wizard: files and format (detected), an optional item table (titles, text and
/// attribute names), a preview of the first rows with the column mapping for CSV, preprocessing and
/// split options. The import itself runs as a job.

#include <QStringList>
#include <QWizard>

#include "tokenbench/jobs/import_job.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QSpinBox;
class QTableWidget;

namespace tokenbench::ui {

/// Collects a core::ImportRequest. Opened with open(); the window starts the job on accept.
/// Reads at most the first few kilobytes of a file for detection and preview. UI thread.
class ImportWizard final : public QWizard {
    Q_OBJECT

public:
    explicit ImportWizard(QWidget* parent = nullptr);

    /// Pre-fills the interaction files (e.g. dropped on the window) and re-detects the format.
    void setFiles(const QStringList& paths);
    /// The request the pages describe.
    [[nodiscard]] core::ImportRequest request() const;

    /// The detected format ("seqtxt"...), empty when detection failed; reason in detectionText().
    [[nodiscard]] QString detectedFormat() const { return m_detected; }
    [[nodiscard]] QString detectionText() const;
    /// Rows × columns of the preview table.
    [[nodiscard]] QTableWidget* previewTable() const { return m_preview; }
    [[nodiscard]] QLineEdit* nameEdit() const { return m_name; }
    [[nodiscard]] QComboBox* formatSelector() const { return m_format; }
    /// The item table's file and mapping fields (tests fill them).
    [[nodiscard]] QLineEdit* itemTableEdit() const { return m_itemTable; }
    [[nodiscard]] QLineEdit* attributeFieldsEdit() const { return m_attributeFields; }

    /// The first `maxLines` non-blank lines of a text file (nothing for compressed files).
    [[nodiscard]] static QStringList firstLines(const QString& path, int maxLines);

private:
    QWizardPage* buildFilesPage();
    QWizardPage* buildItemTablePage();
    QWizardPage* buildPreviewPage();
    QWizardPage* buildOptionsPage();
    void browseInteractions();
    void browseSide(QLineEdit* target, const QString& title);
    void detect();
    void updatePreview();
    [[nodiscard]] QString effectiveFormat() const;
    [[nodiscard]] char delimiter() const;

    QLineEdit* m_paths = nullptr;
    QLineEdit* m_attributes = nullptr;
    QLineEdit* m_itemsFile = nullptr;
    QComboBox* m_format = nullptr;
    QLabel* m_detection = nullptr;
    QLineEdit* m_name = nullptr;

    QLineEdit* m_itemTable = nullptr;
    QLineEdit* m_itemIdField = nullptr;
    QLineEdit* m_titleField = nullptr;
    QLineEdit* m_textFields = nullptr;
    QLineEdit* m_attributeFields = nullptr;
    QLineEdit* m_attributeSeparator = nullptr;

    QTableWidget* m_preview = nullptr;
    QPlainTextEdit* m_raw = nullptr;
    QWidget* m_mapping = nullptr;
    QComboBox* m_delimiter = nullptr;
    QComboBox* m_userColumn = nullptr;
    QComboBox* m_itemColumn = nullptr;
    QComboBox* m_timeColumn = nullptr;
    QComboBox* m_ratingColumn = nullptr;

    QCheckBox* m_useMinRating = nullptr;
    QDoubleSpinBox* m_minRating = nullptr;
    QSpinBox* m_userCore = nullptr;
    QSpinBox* m_itemCore = nullptr;
    QCheckBox* m_removeRepeats = nullptr;
    QSpinBox* m_maxHistory = nullptr;
    QComboBox* m_split = nullptr;
    QDoubleSpinBox* m_validFraction = nullptr;
    QDoubleSpinBox* m_testFraction = nullptr;
    QSpinBox* m_coldThreshold = nullptr;
    QDoubleSpinBox* m_newItems = nullptr;  ///< share of the catalogue held out of training (brand-new items)

    QString m_detected;
};

}  // namespace tokenbench::ui
