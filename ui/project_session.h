#pragma once
/// The open project as the views see it: its folders and what its listing queries returned. One
/// object tells every view when that changes, so no view is forgotten on open, reload or close.

#include <cstdint>
#include <vector>

#include <QObject>

#include "tokenbench/project.h"
#include "tokenbench/storage/records.h"

namespace tokenbench::ui {

/// What the open project holds (empty paths: no project open). Plain value.
struct ProjectContents final {
    core::ProjectPaths paths;
    std::vector<core::DatasetRecord> datasets;
    std::vector<core::FeatureSetRecord> featureSets;
    std::vector<core::RunRecord> runs;
    std::vector<core::RunGroupRecord> groups;  ///< repeats and sweeps

    [[nodiscard]] bool isOpen() const { return !paths.root.empty(); }
    /// Run `runId`, or nullptr.
    [[nodiscard]] const core::RunRecord* findRun(int64_t runId) const;
};

/// Holds the open project's contents and announces every change (opened, reloaded, closed) with
/// changed(). Views connect once and refresh from the contents they are given. UI thread only.
class ProjectSession final : public QObject {
    Q_OBJECT

public:
    explicit ProjectSession(QObject* parent = nullptr) : QObject(parent) {}

    /// A project was opened or re-read: replaces the contents and emits changed().
    void setContents(ProjectContents contents);
    /// No project open any more: empties the contents and emits changed().
    void close();

    [[nodiscard]] const ProjectContents& contents() const { return m_contents; }

Q_SIGNALS:
    /// The contents changed; `contents` is this session's (valid until the next change).
    void changed(const tokenbench::ui::ProjectContents& contents);

private:
    ProjectContents m_contents;
};

}  // namespace tokenbench::ui
