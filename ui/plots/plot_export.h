#pragma once
/// The one export path of every plot: image (PNG, PDF, SVG at a chosen size and DPI) and data (CSV),
/// reached from a small button in the plot's corner and from its context menu.
/// Takes QWidget* so callers and tests need not include qcustomplot.h.

#include <QSize>
#include <QString>

class QWidget;

namespace tokenbench::ui {

/// Size of an exported image. `size` is in logical pixels (points for PDF, as the plot lays out);
/// `dpi` scales raster output (PNG pixels = size × dpi / 96) and is written into the file.
struct ImageExportOptions final {
    QSize size;       ///< empty: the widget's current size
    double dpi = 96.0;
};

/// Writes `plot` (a QCustomPlot) to `path`; the format follows the suffix (.png, .pdf, .svg).
/// False with `error` set on an unknown suffix, a non-plot widget or a write failure. UI thread.
bool exportPlotImage(QWidget* plot, const QString& path, const ImageExportOptions& options, QString* error = nullptr);

/// The plot's data as CSV text: header `series,x,y,value,label` and one row per data point
/// (bars and graphs fill x,y; colour maps fill x,y,value; label is the key axis's text tick, if any).
[[nodiscard]] QString plotDataCsv(QWidget* plot);
/// Writes plotDataCsv() to `path`. UI thread.
bool exportPlotCsv(QWidget* plot, const QString& path, QString* error = nullptr);

/// Adds the export button (top-right corner) and context menu to `plot`. Call once per plot;
/// `baseName` proposes file names ("codebook-usage"). UI thread.
void installPlotExport(QWidget* plot, const QString& baseName);

/// Makes `plot` the whole content of `owner` (a plot widget wrapping it): exportable as
/// `baseName`, filling `owner`'s layout, and with its mouse moves (hover) sent to `owner`'s event
/// filter. UI thread.
void embedHoverPlot(QWidget* owner, QWidget* plot, const QString& baseName);

}  // namespace tokenbench::ui
