#pragma once
/// The "Recent projects" list, kept in QSettings (most recent first, at most eight entries), and
/// the project to reopen at start-up.

#include <QStringList>

namespace tokenbench::ui {

/// Reads and updates the recent-projects list in the application's QSettings. UI thread.
class RecentProjects final {
public:
    static constexpr int kMaxEntries = 8;

    /// Folders, most recent first; entries whose folder vanished are skipped.
    [[nodiscard]] static QStringList list();
    /// Moves (or adds) `folder` to the front, trimming the list to kMaxEntries, and remembers it as
    /// the last project.
    static void add(const QString& folder);
    /// Empties the list; the last project stays remembered.
    static void clear();
    /// The project opened last, if its folder still holds a project database; empty on the first
    /// start or when it is gone.
    [[nodiscard]] static QString last();
};

}  // namespace tokenbench::ui
