#include "recent_projects.h"

#include <QDir>
#include <QFileInfo>
#include <QSettings>

#include "app_identity.h"

namespace tokenbench::ui {
namespace {

const QString kKey = QStringLiteral("recentProjects");

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
}

void RecentProjects::clear() {
    QSettings(kOrganizationName, kApplicationName).remove(kKey);
}

}  // namespace tokenbench::ui
