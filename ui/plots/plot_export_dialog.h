#pragma once
/// Dialog asking where and how large to export a plot image (format, size, DPI).

#include <QDialog>

#include "plots/plot_export.h"

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace tokenbench::ui {

/// File, format, size and DPI for exportPlotImage. Opened with open() (window-modal, no nested
/// event loop); on accept the caller reads path() and options(). UI thread.
class PlotExportDialog final : public QDialog {
    Q_OBJECT

public:
    PlotExportDialog(const QString& proposedPath, QSize size, QWidget* parent = nullptr);

    [[nodiscard]] QString path() const;
    [[nodiscard]] ImageExportOptions options() const;
    void setPath(const QString& path);
    void setOptions(const ImageExportOptions& options);

private:
    void onFormatChanged();
    void browse();
    void updateSummary();

    QComboBox* m_format;
    QLineEdit* m_path;
    QSpinBox* m_width;
    QSpinBox* m_height;
    QDoubleSpinBox* m_dpi;
    QLabel* m_summary;
};

}  // namespace tokenbench::ui
