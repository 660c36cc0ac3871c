#include "temp_project.h"

#include <QStandardPaths>

#include "tokenbench/logging.h"

namespace tokenbench::test {

TempProject::TempProject() : m_dir(QDir::tempPath() + "/tokenbench-test-XXXXXX") {}

std::string TempProject::path() const { return (m_dir.path() + "/project").toStdString(); }

std::string TempProject::file(const std::string& name) const {
    return (m_dir.path() + "/" + QString::fromStdString(name)).toStdString();
}

void useScratchSettingsAndQuietLog() {
    QStandardPaths::setTestModeEnabled(true);
    core::initLogging("warn");
}

}  // namespace tokenbench::test
