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

}  // namespace tokenbench::test
