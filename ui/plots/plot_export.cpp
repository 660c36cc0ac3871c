#include "plots/plot_export.h"

#include <spdlog/spdlog.h>

#include <qcustomplot.h>

#include <QApplication>
#include <QClipboard>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenu>
#include <QMessageBox>
#include <QPointer>
#include <QSaveFile>
#include <QStandardPaths>
#include <QStyle>
#include <QSvgGenerator>
#include <QTextStream>
#include <QToolButton>
#include <QVBoxLayout>

#include "plots/plot_export_dialog.h"

namespace tokenbench::ui {
namespace {

QCustomPlot* asPlot(QWidget* widget) {
    return qobject_cast<QCustomPlot*>(widget);
}

QString plotTitle(QCustomPlot& plot) {
    for (QCPLayoutElement* element : plot.plotLayout()->elements(false)) {
        if (auto* title = qobject_cast<QCPTextElement*>(element)) return title->text();
    }
    return {};
}

QString csvField(const QString& text) {
    if (!text.contains(QLatin1Char(',')) && !text.contains(QLatin1Char('"')) && !text.contains(QLatin1Char('\n')))
        return text;
    QString escaped = text;
    escaped.replace(QLatin1Char('"'), QStringLiteral("\"\""));
    return QLatin1Char('"') + escaped + QLatin1Char('"');
}

QString number(double value) {
    return QLocale::c().toString(value, 'g', 10);
}

/// Text tick of `axis` at `position`, when the axis uses text ticks.
QString tickLabel(QCPAxis* axis, double position) {
    if (!axis) return {};
    auto ticker = axis->ticker().dynamicCast<QCPAxisTickerText>();
    if (!ticker) return {};
    const auto it = ticker->ticks().constFind(position);
    return it == ticker->ticks().constEnd() ? QString() : it.value();
}

QString seriesName(QCPAbstractPlottable* plottable, int index) {
    const QString name = plottable->name();
    return name.isEmpty() ? QStringLiteral("series %1").arg(index + 1) : name;
}

/// Process-wide "last export folder", so a series of exports lands in one place.
QString& exportFolder() {
    static QString folder;
    return folder;
}

QString lastFolder() {
    QString& folder = exportFolder();
    if (folder.isEmpty()) folder = QStandardPaths::writableLocation(QStandardPaths::PicturesLocation);
    if (folder.isEmpty()) folder = QDir::homePath();
    return folder;
}

void rememberFolder(const QString& path) {
    exportFolder() = QFileInfo(path).absolutePath();
}

/// Button and context menu of one plot; a child of the plot, so it dies with it.
class PlotExportHelper final : public QObject {
public:
    PlotExportHelper(QCustomPlot* plot, QString baseName) : QObject(plot), m_plot(plot), m_baseName(std::move(baseName)) {
        setObjectName(QStringLiteral("plotExportHelper"));
        m_menu = new QMenu(plot);
        m_menu->addAction(QStringLiteral("Export image (PNG, PDF, SVG)…"), this, [this] { exportImage(); });
        m_menu->addAction(QStringLiteral("Export data as CSV…"), this, [this] { exportCsv(); });
        m_menu->addAction(QStringLiteral("Copy image"), this, [this] {
            QApplication::clipboard()->setPixmap(m_plot->toPixmap());
        });
        m_button = new QToolButton(plot);
        m_button->setObjectName(QStringLiteral("plotExportButton"));
        m_button->setIcon(QIcon::fromTheme(QStringLiteral("document-save"),
                                           plot->style()->standardIcon(QStyle::SP_DialogSaveButton)));
        m_button->setIconSize(QSize(14, 14));
        m_button->setAutoRaise(true);
        m_button->setToolTip(QStringLiteral("Export this plot (image or data)"));
        m_button->setPopupMode(QToolButton::InstantPopup);
        m_button->setMenu(m_menu);
        m_button->setCursor(Qt::ArrowCursor);
        place();
        plot->installEventFilter(this);
        plot->setContextMenuPolicy(Qt::CustomContextMenu);
        connect(plot, &QWidget::customContextMenuRequested, this,
                [this](const QPoint& pos) { m_menu->popup(m_plot->mapToGlobal(pos)); });
    }

protected:
    bool eventFilter(QObject* watched, QEvent* event) override {
        if (watched == m_plot && (event->type() == QEvent::Resize || event->type() == QEvent::Show)) place();
        return QObject::eventFilter(watched, event);
    }

private:
    void place() {
        m_button->adjustSize();
        m_button->move(m_plot->width() - m_button->width() - 2, 2);
        m_button->raise();
    }

    void exportImage() {
        const QString proposed = QDir(lastFolder()).filePath(m_baseName + QStringLiteral(".png"));
        auto* dialog = new PlotExportDialog(proposed, m_plot->size(), m_plot->window());
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        QPointer<QCustomPlot> plot(m_plot);
        connect(dialog, &QDialog::accepted, this, [plot, dialog] {
            if (!plot) return;
            QString error;
            const QString path = dialog->path();
            if (exportPlotImage(plot, path, dialog->options(), &error)) {
                rememberFolder(path);
                spdlog::info("Plot exported to {}", path.toStdString());
            } else {
                auto* box = new QMessageBox(QMessageBox::Warning, QStringLiteral("Export failed"), error,
                                            QMessageBox::Ok, plot->window());
                box->setAttribute(Qt::WA_DeleteOnClose);
                box->open();
            }
        });
        dialog->open();
    }

    void exportCsv() {
        auto* dialog = new QFileDialog(m_plot->window(), QStringLiteral("Export plot data"),
                                       QDir(lastFolder()).filePath(m_baseName + QStringLiteral(".csv")));
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->setAcceptMode(QFileDialog::AcceptSave);
        dialog->setNameFilter(QStringLiteral("CSV file (*.csv)"));
        dialog->setDefaultSuffix(QStringLiteral("csv"));
        QPointer<QCustomPlot> plot(m_plot);
        connect(dialog, &QFileDialog::fileSelected, this, [plot](const QString& path) {
            if (!plot) return;
            QString error;
            if (exportPlotCsv(plot, path, &error)) {
                rememberFolder(path);
                spdlog::info("Plot data exported to {}", path.toStdString());
            } else {
                spdlog::error("{}", error.toStdString());
                auto* box = new QMessageBox(QMessageBox::Warning, QStringLiteral("Export failed"), error,
                                            QMessageBox::Ok, plot->window());
                box->setAttribute(Qt::WA_DeleteOnClose);
                box->open();
            }
        });
        dialog->open();
    }

    QCustomPlot* m_plot;
    QString m_baseName;
    QMenu* m_menu = nullptr;
    QToolButton* m_button = nullptr;
};

}  // namespace

bool exportPlotImage(QWidget* widget, const QString& path, const ImageExportOptions& options, QString* error) {
    const auto fail = [error](const QString& message) {
        if (error) *error = message;
        return false;
    };
    QCustomPlot* plot = asPlot(widget);
    if (!plot) return fail(QStringLiteral("Not a plot"));
    const QSize size = options.size.isEmpty() ? plot->size() : options.size;
    if (size.width() < 1 || size.height() < 1) return fail(QStringLiteral("Empty image size"));
    const double dpi = options.dpi > 0 ? options.dpi : 96.0;
    const QString suffix = QFileInfo(path).suffix().toLower();
    const QString title = plotTitle(*plot);
    const QFileInfo target(path);
    if (!QDir().mkpath(target.absolutePath()))
        return fail(QStringLiteral("Cannot create folder %1").arg(QDir::toNativeSeparators(target.absolutePath())));

    bool ok = false;
    if (suffix == QLatin1String("png")) {
        ok = plot->savePng(path, size.width(), size.height(), dpi / 96.0, -1, static_cast<int>(dpi),
                           QCP::ruDotsPerInch);
    } else if (suffix == QLatin1String("pdf")) {
        ok = plot->savePdf(path, size.width(), size.height(), QCP::epNoCosmetic, QStringLiteral("Tokenbench"), title);
    } else if (suffix == QLatin1String("svg")) {
        QSvgGenerator generator;
        generator.setFileName(path);
        generator.setSize(size);
        generator.setViewBox(QRect(QPoint(0, 0), size));
        generator.setResolution(static_cast<int>(dpi));
        generator.setTitle(title);
        generator.setDescription(QStringLiteral("Exported by Tokenbench"));
        QCPPainter painter;
        if (painter.begin(&generator)) {
            plot->toPainter(&painter, size.width(), size.height());
            ok = painter.end();
        }
    } else {
        return fail(QStringLiteral("Unknown image format \"%1\": use .png, .pdf or .svg").arg(suffix));
    }
    if (!ok || !QFileInfo::exists(path) || QFileInfo(path).size() == 0)
        return fail(QStringLiteral("Could not write %1").arg(QDir::toNativeSeparators(path)));
    return true;
}

QString plotDataCsv(QWidget* widget) {
    QCustomPlot* plot = asPlot(widget);
    if (!plot) return {};
    QString out;
    QTextStream stream(&out);
    stream << "series,x,y,value,x_label,y_label\n";
    for (int i = 0; i < plot->plottableCount(); ++i) {
        QCPAbstractPlottable* plottable = plot->plottable(i);
        const QString name = csvField(seriesName(plottable, i));
        QCPAxis* keyAxis = plottable->keyAxis();
        QCPAxis* valueAxis = plottable->valueAxis();
        const auto row = [&](double x, double y, const QString& value, const QString& yLabel) {
            stream << name << ',' << number(x) << ',' << number(y) << ',' << value << ','
                   << csvField(tickLabel(keyAxis, x)) << ',' << csvField(yLabel) << '\n';
        };
        if (auto* graph = qobject_cast<QCPGraph*>(plottable)) {
            for (auto it = graph->data()->constBegin(); it != graph->data()->constEnd(); ++it) row(it->key, it->value, {}, {});
        } else if (auto* bars = qobject_cast<QCPBars*>(plottable)) {
            for (auto it = bars->data()->constBegin(); it != bars->data()->constEnd(); ++it) row(it->key, it->value, {}, {});
        } else if (auto* curve = qobject_cast<QCPCurve*>(plottable)) {
            for (auto it = curve->data()->constBegin(); it != curve->data()->constEnd(); ++it) row(it->key, it->value, {}, {});
        } else if (auto* map = qobject_cast<QCPColorMap*>(plottable)) {
            QCPColorMapData* data = map->data();
            for (int y = 0; y < data->valueSize(); ++y) {
                for (int x = 0; x < data->keySize(); ++x) {
                    double key = 0, value = 0;
                    data->cellToCoord(x, y, &key, &value);
                    row(key, value, number(data->cell(x, y)), tickLabel(valueAxis, value));
                }
            }
        }
    }
    return out;
}

bool exportPlotCsv(QWidget* widget, const QString& path, QString* error) {
    if (!asPlot(widget)) {
        if (error) *error = QStringLiteral("Not a plot");
        return false;
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Text)) {
        if (error) *error = QStringLiteral("Cannot write %1: %2").arg(QDir::toNativeSeparators(path), file.errorString());
        return false;
    }
    file.write(plotDataCsv(widget).toUtf8());
    if (!file.commit()) {
        if (error) *error = QStringLiteral("Cannot write %1: %2").arg(QDir::toNativeSeparators(path), file.errorString());
        return false;
    }
    return true;
}

void installPlotExport(QWidget* widget, const QString& baseName) {
    QCustomPlot* plot = asPlot(widget);
    if (!plot || plot->findChild<QObject*>(QStringLiteral("plotExportHelper"), Qt::FindDirectChildrenOnly)) return;
    new PlotExportHelper(plot, baseName);
}

void embedHoverPlot(QWidget* owner, QWidget* plot, const QString& baseName) {
    installPlotExport(plot, baseName);
    plot->setMouseTracking(true);
    plot->installEventFilter(owner);
    auto* layout = new QVBoxLayout(owner);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(plot);
}

}  // namespace tokenbench::ui
