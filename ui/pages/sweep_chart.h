#pragma once
/// What the parallel-coordinates view draws for a sweep: an axis per searched parameter and one for
/// the validation metric, and a line per trial that has ended. Pure; UI thread or any other.

#include <QString>
#include <QVector>

#include "plots/parallel_coordinates.h"
#include "tokenbench/experiment/sweep_view.h"

namespace tokenbench::ui {

/// The plot's data for one sweep.
struct SweepChart final {
    QVector<ParallelAxis> axes;  ///< the searched parameters in file order, then the metric
    QVector<ParallelLine> lines; ///< trials that ended, in trial order; the best highlighted
    int colorAxis = -1;          ///< the metric's axis
    QString title;
    QString placeholder;         ///< what the plot says while no trial has ended
};

[[nodiscard]] SweepChart sweepChart(const core::SweepView& view);

/// A trial's searched value on axis `axis` as the table and tool tips show it ("0.0031", "bce").
[[nodiscard]] QString sweepValueText(const core::SweepView& view, const core::SweepTrialView& trial, int axis);

}  // namespace tokenbench::ui
