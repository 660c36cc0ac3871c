// The shared plot export: PNG (size × DPI), PDF and SVG files with real content, CSV with every
// point, clear errors for bad input; and the throttled, incremental curve plot behind the pages.

#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QImageReader>
#include <QTemporaryDir>
#include <QTest>
#include <QMenu>
#include <QSet>
#include <QToolButton>

#include "plots/bar_chart.h"
#include "plots/codebook_heatmap.h"
#include "plots/curve_plot.h"
#include "plots/plot_export.h"
#include "plots/plot_probe.h"

using namespace tokenbench;

class TestPlotExport final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void imagesInEveryFormat() {
        ui::CurvePlot plot(QStringLiteral("Loss"), QStringLiteral("Step"), QStringLiteral("Loss"), QStringLiteral("loss"));
        plot.resize(500, 320);
        for (int i = 0; i < 200; ++i) plot.append(QStringLiteral("train"), i, 1.0 / (1 + i));
        plot.replotNow();
        QTemporaryDir dir;
        QVERIFY(dir.isValid());

        ui::ImageExportOptions options;
        options.size = QSize(400, 300);
        options.dpi = 192;
        QString error;
        const QString png = dir.filePath(QStringLiteral("sub/loss.png"));  // folders are created
        QVERIFY2(ui::exportPlotImage(plot.plotWidget(), png, options, &error), qPrintable(error));
        const QImage image(png);
        QCOMPARE(image.size(), QSize(800, 600));  // 400×300 at 192 dpi
        QVERIFY(QFileInfo(png).size() > 5000);
        QCOMPARE(qRound(image.dotsPerMeterX() * 0.0254), 192);

        const QString pdf = dir.filePath(QStringLiteral("loss.pdf"));
        QVERIFY2(ui::exportPlotImage(plot.plotWidget(), pdf, options, &error), qPrintable(error));
        QFile pdfFile(pdf);
        QVERIFY(pdfFile.open(QIODevice::ReadOnly));
        QVERIFY(pdfFile.read(5) == "%PDF-");
        QVERIFY(QFileInfo(pdf).size() > 2000);

        const QString svg = dir.filePath(QStringLiteral("loss.svg"));
        QVERIFY2(ui::exportPlotImage(plot.plotWidget(), svg, options, &error), qPrintable(error));
        QFile svgFile(svg);
        QVERIFY(svgFile.open(QIODevice::ReadOnly));
        const QByteArray svgText = svgFile.readAll();
        QVERIFY(svgText.contains("<svg"));
        QVERIFY(svgText.contains("Loss"));  // the title and axis label are drawn as text
        QVERIFY(svgText.size() > 5000);

        QVERIFY(!ui::exportPlotImage(plot.plotWidget(), dir.filePath(QStringLiteral("loss.bmp")), options, &error));
        QVERIFY(error.contains(QStringLiteral(".png")));
        QWidget notAPlot;
        QVERIFY(!ui::exportPlotImage(&notAPlot, png, options, &error));
    }

    void csvHoldsEveryPoint() {
        ui::CurvePlot plot(QStringLiteral("Curves"), QStringLiteral("x"), QStringLiteral("y"), QStringLiteral("curves"));
        plot.setSeries(QStringLiteral("a, quoted"), {1, 2, 3}, {10, 20, 30});
        plot.setSeries(QStringLiteral("b"), {1, 2}, {5, 6});
        const QStringList lines = ui::plotDataCsv(plot.plotWidget()).trimmed().split(QLatin1Char('\n'));
        QCOMPARE(lines.size(), 1 + 3 + 2);
        QCOMPARE(lines.front(), QStringLiteral("series,x,y,value,x_label,y_label"));
        QCOMPARE(lines[1], QStringLiteral("\"a, quoted\",1,10,,,"));
        QCOMPARE(lines[5], QStringLiteral("b,2,6,,,"));

        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("curves.csv"));
        QString error;
        QVERIFY2(ui::exportPlotCsv(plot.plotWidget(), path, &error), qPrintable(error));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(QString::fromUtf8(file.readAll()).trimmed().split(QLatin1Char('\n')).size(), 6);
    }

    void heatmapAndBarsExport() {
        ui::CodebookHeatmap heatmap;
        heatmap.resize(500, 250);
        heatmap.setUsage({{3, 0, 5, 1}, {2, 2, 2, 3}}, 40);
        QCOMPARE(heatmap.levels(), 2);
        QCOMPARE(heatmap.codes(), 4);
        QCOMPARE(heatmap.cell(0, 2), int64_t{5});
        QCOMPARE(heatmap.cell(2, 0), int64_t{-1});
        const ui::PlotProbe probe = ui::probePlot(heatmap.plotWidget());
        QCOMPARE(probe.colorMapCells, 8);
        QCOMPARE(probe.colorMapMax, 5.0);
        QCOMPARE(probe.xLabel, QStringLiteral("Code"));
        QCOMPARE(probe.yLabel, QStringLiteral("Level"));
        // One CSV row per cell, with its count.
        const QStringList rows = ui::plotDataCsv(heatmap.plotWidget()).trimmed().split(QLatin1Char('\n'));
        QCOMPARE(rows.size(), 1 + 8);
        QVERIFY(rows.contains(QStringLiteral("Items per code,2,1,5,,")));

        ui::BarChart bars(QStringLiteral("By group"), QStringLiteral("Metric"), QStringLiteral("Value"), QStringLiteral("bars"));
        bars.setGroups({QStringLiteral("NDCG@10"), QStringLiteral("Recall@10")},
                       {{QStringLiteral("All"), {0.1, 0.2}}, {QStringLiteral("Cold"), {0.05, 0.1}}});
        QCOMPARE(bars.barCount(), 4);
        const QString csv = ui::plotDataCsv(bars.plotWidget());
        QVERIFY(csv.contains(QStringLiteral("Cold,2,0.1,,Recall@10,")));
        QTemporaryDir dir;
        QString error;
        QVERIFY2(ui::exportPlotImage(bars.plotWidget(), dir.filePath(QStringLiteral("bars.svg")), {}, &error), qPrintable(error));
    }

    void everyPlotHasTheExportButton() {
        ui::CurvePlot plot(QStringLiteral("t"), QStringLiteral("x"), QStringLiteral("y"), QStringLiteral("p"));
        plot.resize(300, 200);
        plot.show();
        auto* button = plot.plotWidget()->findChild<QToolButton*>(QStringLiteral("plotExportButton"));
        QVERIFY(button);
        QVERIFY(button->menu());
        QCOMPARE(button->menu()->actions().size(), 3);
        QCOMPARE(plot.plotWidget()->contextMenuPolicy(), Qt::CustomContextMenu);
        QTRY_VERIFY(button->geometry().right() >= plot.plotWidget()->width() - 4);
    }

    void flatSeriesGetsDistinctTickLabels() {
        // A codebook's perplexity that barely moves (float noise) must not give ticks that all read the same.
        ui::CurvePlot plot(QStringLiteral("Perplexity"), QStringLiteral("Step"), QStringLiteral("Perplexity"),
                           QStringLiteral("flat"));
        plot.resize(500, 300);
        plot.setSeries(QStringLiteral("Level 1"), {1, 2, 3, 4}, {255.6721, 255.6723, 255.6722, 255.6721});
        plot.replotNow();
        const QStringList labels = ui::probePlot(plot.plotWidget()).yTickLabels;
        QVERIFY2(labels.size() >= 2, qPrintable(labels.join(QLatin1Char(' '))));
        QCOMPARE(QSet<QString>(labels.begin(), labels.end()).size(), labels.size());
    }

    void curvesAppendIncrementallyAndReplotThrottled() {
        ui::CurvePlot plot(QStringLiteral("t"), QStringLiteral("x"), QStringLiteral("y"), QStringLiteral("p"));
        const int before = plot.replotCount();
        for (int i = 0; i < 1000; ++i) plot.append(QStringLiteral("s"), i, i * 0.5);
        QCOMPARE(plot.pointCount(QStringLiteral("s")), 1000);
        QCOMPARE(plot.replotCount(), before);  // nothing drawn synchronously
        QTRY_COMPARE(plot.replotCount(), before + 1);  // one redraw for the whole burst
        QTest::qWait(3 * ui::CurvePlot::kReplotIntervalMs);
        QCOMPARE(plot.replotCount(), before + 1);
        plot.append(QStringLiteral("s"), 1000, 1.0);
        plot.append(QStringLiteral("t"), 0, 1.0);
        QCOMPARE(plot.seriesNames(), (QStringList{"s", "t"}));
        QTRY_COMPARE(plot.replotCount(), before + 2);
        QCOMPARE(ui::probePlot(plot.plotWidget()).dataPoints, 1002);
    }
};

QTEST_MAIN(TestPlotExport)
#include "test_plot_export.moc"
