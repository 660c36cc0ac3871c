#include "recent_projects.h"

#include <QDir>
#include <QFileInfo>
#include <QSettings>

#include "app_identity.h"
#include "tokenbench/project.h"

namespace tokenbench::ui {
namespace {

const QString kKey = QStringLiteral("recentProjects");
// Kept apart from the list, so clearing the menu does not bring the demo back at the next start.
const QString kLastKey = QStringLiteral("lastProject");

}  // namespace

QStringList RecentProjects::list() {
    QStringList folders;
    for (const QString& folder : QSettings(kOrganizationName, kApplicationName).value(kKey).toStringList()) {
        if (QFileInfo(folder).isDir()) folders << folder;
    }
    return folders;
}

void RecentProjects::add(const QString& folder) {
    const QString clean = QDir::cleanPath(QFileInfo(folder).absoluteFilePath());
    QSettings settings(kOrganizationName, kApplicationName);
    QStringList folders = settings.value(kKey).toStringList();
    folders.removeAll(clean);
    folders.prepend(clean);
    while (folders.size() > kMaxEntries) folders.removeLast();
    settings.setValue(kKey, folders);
    settings.setValue(kLastKey, clean);
}

QString RecentProjects::last() {
    const QString folder = QSettings(kOrganizationName, kApplicationName).value(kLastKey).toString();
    if (folder.isEmpty()) return {};
    const bool exists = QFileInfo::exists(QString::fromStdString(core::projectPaths(folder.toStdString()).database));
    return exists ? folder : QString();
}

void RecentProjects::clear() {
    QSettings(kOrganizationName, kApplicationName).remove(kKey);
}

}  // namespace tokenbench::ui
