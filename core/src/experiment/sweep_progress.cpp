#include "experiment/sweep_progress.h"

#include <algorithm>
#include <string>

namespace tokenbench::core {

void SweepProgressSink::progress(const ProgressUpdate& update) {
    ProgressUpdate out = update;
    const double trials = static_cast<double>(std::max<int64_t>(m_trials, 1));
    const double within = std::clamp(update.fraction, 0.0, 1.0);
    out.fraction = std::clamp((static_cast<double>(m_trial - 1) + within) / trials, 0.0, 1.0);
    out.phase = "trial " + std::to_string(m_trial) + "/" + std::to_string(m_trials) +
                (update.phase.empty() ? std::string() : " · " + update.phase);
    out.elapsedSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
    // Later trials may be larger or smaller; the mean trial so far is the best guess there is.
    out.etaSeconds = out.fraction > 0.01 ? out.elapsedSeconds * (1.0 - out.fraction) / out.fraction : -1.0;
    m_sink.progress(out);
}

}  // namespace tokenbench::core
