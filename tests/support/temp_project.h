#pragma once
/// A project folder in a fresh temporary directory, removed when the object goes away.

#include <string>

#include <QTemporaryDir>

namespace tokenbench::test {

/// Fresh empty directory for one test; `path()` does not exist yet, so code under test creates it.
class TempProject final {
public:
    TempProject();
    /// Folder for the project (inside the temporary directory, not yet created).
    [[nodiscard]] std::string path() const;
    /// Path of a file next to the project, for inputs the test writes.
    [[nodiscard]] std::string file(const std::string& name) const;
    [[nodiscard]] bool isValid() const { return m_dir.isValid(); }

private:
    QTemporaryDir m_dir;
};

/// Start of a GUI test: QSettings and data locations go to a scratch place, the log shows warnings and worse only.
void useScratchSettingsAndQuietLog();

}  // namespace tokenbench::test
