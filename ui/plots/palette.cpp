#include "plots/palette.h"

#include <algorithm>

namespace tokenbench::ui {

const std::vector<QColor>& seriesColors() {
    static const std::vector<QColor> colors = {
        QColor(0x4E, 0x79, 0xA7),  // blue
        QColor(0xF2, 0x8E, 0x2B),  // orange
        QColor(0xE1, 0x57, 0x59),  // red
        QColor(0x76, 0xB7, 0xB2),  // teal
        QColor(0x59, 0xA1, 0x4F),  // green
        QColor(0xED, 0xC9, 0x48),  // yellow
        QColor(0xB0, 0x7A, 0xA1),  // purple
        QColor(0xFF, 0x9D, 0xA7),  // pink
        QColor(0x9C, 0x75, 0x5F),  // brown
        QColor(0xBA, 0xB0, 0xAC),  // grey
    };
    return colors;
}

QColor seriesColor(int index) {
    const auto& colors = seriesColors();
    const int n = static_cast<int>(colors.size());
    return colors[static_cast<size_t>(((index % n) + n) % n)];
}

QCPColorGradient sequentialGradient() {
    // Samples of matplotlib's viridis at 0, 0.1, ..., 1; RGB interpolation between this many stops
    // stays within a few units of the true map.
    static const QColor stops[] = {
        QColor(0x44, 0x01, 0x54), QColor(0x48, 0x24, 0x75), QColor(0x41, 0x44, 0x87), QColor(0x35, 0x5F, 0x8D),
        QColor(0x2A, 0x78, 0x8E), QColor(0x21, 0x91, 0x8C), QColor(0x22, 0xA8, 0x84), QColor(0x44, 0xBF, 0x70),
        QColor(0x7A, 0xD1, 0x51), QColor(0xBD, 0xDF, 0x26), QColor(0xFD, 0xE7, 0x25),
    };
    constexpr int kStops = static_cast<int>(sizeof(stops) / sizeof(stops[0]));
    QMap<double, QColor> colorStops;
    for (int i = 0; i < kStops; ++i) colorStops.insert(static_cast<double>(i) / (kStops - 1), stops[i]);

    QCPColorGradient gradient;
    gradient.setColorStops(colorStops);
    gradient.setColorInterpolation(QCPColorGradient::ciRGB);
    gradient.setLevelCount(256);
    return gradient;
}

QColor blend(const QColor& a, const QColor& b, double t) {
    t = std::clamp(t, 0.0, 1.0);
    const auto mix = [t](double x, double y) { return x + (y - x) * t; };
    QColor out;
    out.setRgbF(static_cast<float>(mix(a.redF(), b.redF())), static_cast<float>(mix(a.greenF(), b.greenF())),
                static_cast<float>(mix(a.blueF(), b.blueF())), static_cast<float>(mix(a.alphaF(), b.alphaF())));
    return out;
}

}  // namespace tokenbench::ui
