#include "project_session.h"

#include <algorithm>

namespace tokenbench::ui {

const core::RunRecord* ProjectContents::findRun(int64_t runId) const {
    const auto it = std::find_if(runs.begin(), runs.end(), [runId](const core::RunRecord& r) { return r.id == runId; });
    return it == runs.end() ? nullptr : &*it;
}

void ProjectSession::setContents(ProjectContents contents) {
    m_contents = std::move(contents);
    Q_EMIT changed(m_contents);
}

void ProjectSession::close() {
    m_contents = ProjectContents{};
    Q_EMIT changed(m_contents);
}

}  // namespace tokenbench::ui
