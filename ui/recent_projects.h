#pragma once
/// The "Recent projects" list, kept in QSettings (most recent first, at most eight entries).

#include <QStringList>

namespace tokenbench::ui {

/// Reads and updates the recent-projects list in the application's QSettings. UI thread.
class RecentProjects final {
public:
    static constexpr int kMaxEntries = 8;

    /// Folders, most recent first; entries whose folder vanished are skipped.
    [[nodiscard]] static QStringList list();
    /// Moves (or adds) `folder` to the front, trimming the list to kMaxEntries.
    static void add(const QString& folder);
    static void clear();
};

}  // namespace tokenbench::ui
