#include "jobs/buffering_sink.h"

namespace tokenbench::ui {

template <typename Append>
void BufferingSink::add(Append&& append) {
    bool notify = false;
    {
        const std::lock_guard<std::mutex> lock(m_mutex);
        append(m_buffer);
        notify = !m_pending;
        m_pending = true;
    }
    // Outside the lock: the callback posts an event, which may allocate.
    if (notify && m_notify) m_notify();
}

void BufferingSink::runStarted(int64_t runId) {
    add([runId](JobReports& buffer) { buffer.runId = runId; });
}

void BufferingSink::progress(const core::ProgressUpdate& update) {
    add([&update](JobReports& buffer) { buffer.progress = update; });
}

void BufferingSink::metrics(const std::vector<core::MetricPoint>& points) {
    if (points.empty()) return;
    add([&points](JobReports& buffer) { buffer.metrics.insert(buffer.metrics.end(), points.begin(), points.end()); });
}

void BufferingSink::codebookSnapshots(const std::vector<core::CodebookSnapshot>& snapshots) {
    if (snapshots.empty()) return;
    add([&snapshots](JobReports& buffer) {
        buffer.snapshots.insert(buffer.snapshots.end(), snapshots.begin(), snapshots.end());
    });
}

void BufferingSink::event(const core::RunEvent& event) {
    add([&event](JobReports& buffer) { buffer.events.push_back(event); });
}

void BufferingSink::artifact(const core::ArtifactRecord& artifact) {
    add([&artifact](JobReports& buffer) { buffer.artifacts.push_back(artifact); });
}

void BufferingSink::log(const std::string& level, const std::string& message) {
    add([&](JobReports& buffer) { buffer.logs.push_back({level, message}); });
}

void BufferingSink::finished(int64_t runId, core::RunStatus status, const std::string& summaryJson,
                             const std::string& message) {
    add([&](JobReports& buffer) { buffer.runEnds.push_back({runId, status, summaryJson, message}); });
}

JobReports BufferingSink::take() {
    const std::lock_guard<std::mutex> lock(m_mutex);
    JobReports out = std::move(m_buffer);
    m_buffer = JobReports{};
    m_buffer.runId = out.runId;
    m_pending = false;
    return out;
}

int64_t BufferingSink::runId() const {
    const std::lock_guard<std::mutex> lock(m_mutex);
    return m_buffer.runId;
}

}  // namespace tokenbench::ui
