#include "jobs/repeat_progress_sink.h"

#include <algorithm>
#include <string>

namespace tokenbench::ui {

RepeatProgressSink::RepeatProgressSink(core::ProgressSink& next, size_t runs)
    : m_next(next), m_runs(std::max<size_t>(runs, 1)), m_start(std::chrono::steady_clock::now()) {}

void RepeatProgressSink::runStarted(int64_t runId) {
    if (std::find(m_runIds.begin(), m_runIds.end(), runId) == m_runIds.end()) m_runIds.push_back(runId);
    m_next.runStarted(runId);
}

void RepeatProgressSink::progress(const core::ProgressUpdate& update) {
    core::ProgressUpdate whole = update;
    const size_t done = m_runIds.empty() ? 0 : m_runIds.size() - 1;
    const double runs = static_cast<double>(m_runs);
    whole.fraction = (static_cast<double>(done) + std::clamp(update.fraction, 0.0, 1.0)) / runs;
    whole.phase = "seed " + std::to_string(done + 1) + "/" + std::to_string(m_runs) +
                  (update.phase.empty() ? std::string() : " · " + update.phase);
    whole.elapsedSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
    // The seeds' runs take alike: what is left of the whole scales with what the elapsed time did.
    whole.etaSeconds = whole.fraction > 0.0 ? whole.elapsedSeconds * (1.0 - whole.fraction) / whole.fraction : -1.0;
    m_next.progress(whole);
}

}  // namespace tokenbench::ui
