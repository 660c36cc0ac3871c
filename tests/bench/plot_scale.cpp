// Draws the scale probe's curves (tests/bench/scale_probe.sh's scale.tsv) with the program's own
// plot widget: wall seconds and peak memory of every pipeline step against the catalogue size, one
// series per step; x is log10 of the item count, seconds on a log axis. Writes two PNGs.
// Usage: plot_scale SCALE_TSV OUT_PREFIX   (writes OUT_PREFIX-seconds.png and OUT_PREFIX-memory.png)
#include <cmath>
#include <cstdio>
#include <map>

#include <QApplication>
#include <QFile>
#include <QTextStream>

#include "plots/curve_plot.h"
#include "plots/plot_export.h"

namespace {

struct Series final {
    QVector<double> x;
    QVector<double> seconds;
    QVector<double> memory;
};

/// step -> points, from the TSV's rows (items, users, step, seconds, peak_mb, detail); failed steps skipped.
std::map<QString, Series> readProbe(const QString& path, QString* error) {
    std::map<QString, Series> out;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text)) {
        *error = QStringLiteral("cannot read %1").arg(path);
        return out;
    }
    QTextStream in(&file);
    int line = 0;
    while (!in.atEnd()) {
        const QStringList cells = in.readLine().split(QLatin1Char('\t'));
        if (++line == 1) continue;  // header
        if (cells.size() < 5) {
            *error = QStringLiteral("%1:%2: expected items, users, step, seconds, peak_mb").arg(path).arg(line);
            return {};
        }
        bool okItems = false, okSeconds = false, okMemory = false;
        const double items = cells[0].toDouble(&okItems);
        const double seconds = cells[3].toDouble(&okSeconds);
        const double memory = cells[4].toDouble(&okMemory);
        if (!okItems || items <= 0) {
            *error = QStringLiteral("%1:%2: expected a positive item count, got '%3'").arg(path).arg(line).arg(cells[0]);
            return {};
        }
        if (!okSeconds || !okMemory) continue;  // a failed step ("failed", "-")
        Series& s = out[cells[2]];
        s.x << std::log10(items);
        s.seconds << seconds;
        s.memory << memory;
    }
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    if (argc != 3) {
        std::fprintf(stderr, "usage: plot_scale SCALE_TSV OUT_PREFIX\n");
        return 2;
    }
    QString error;
    const auto probe = readProbe(QString::fromLocal8Bit(argv[1]), &error);
    if (!error.isEmpty() || probe.empty()) {
        std::fprintf(stderr, "%s\n", qPrintable(error.isEmpty() ? QStringLiteral("no measured step") : error));
        return 1;
    }
    const QString prefix = QString::fromLocal8Bit(argv[2]);
    const QString xLabel = QStringLiteral("Catalogue size (log10 items)");
    const struct {
        const char* name;
        const char* title;
        const char* yLabel;
        QVector<double> Series::*values;
        bool logY;  // seconds span three decades; memory one, which a linear axis labels better
    } figures[] = {{"seconds", "Wall time per step", "Seconds (log scale)", &Series::seconds, true},
                   {"memory", "Peak memory per step", "Peak MB", &Series::memory, false}};
    for (const auto& figure : figures) {
        tokenbench::ui::CurvePlot plot(QString::fromLatin1(figure.title), xLabel, QString::fromLatin1(figure.yLabel),
                                       QStringLiteral("scale"));
        plot.resize(900, 560);
        plot.setLogY(figure.logY);
        plot.setMarkers(true);
        plot.setIntegerX(true);
        for (const auto& [step, series] : probe) plot.setSeries(step, series.x, series.*figure.values);
        plot.replotNow();
        const QString path = prefix + QLatin1Char('-') + QString::fromLatin1(figure.name) + QStringLiteral(".png");
        if (!tokenbench::ui::exportPlotImage(plot.plotWidget(), path, {QSize(900, 560), 96.0}, &error)) {
            std::fprintf(stderr, "%s\n", qPrintable(error));
            return 1;
        }
        std::printf("%s\n", qPrintable(path));
    }
    return 0;
}
