// AtomicFile: a replaced file is whole, and a write that fails (here past RLIMIT_FSIZE, as on a full
// disk) leaves the previous file byte for byte and no temporary file behind.
#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <sys/resource.h>

#include <QtTest>

#include "common/atomic_file.h"
#include "expect_error.h"
#include "temp_project.h"
#include "tokenbench/data/data_error.h"

using namespace tokenbench::core;
using tokenbench::test::contains;
using tokenbench::test::thrownError;

namespace {

std::string readAll(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

size_t filesIn(const std::string& dir) {
    size_t n = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir)) ++n;
    return n;
}

/// Lowers the soft file size limit for its lifetime, with SIGXFSZ ignored so a write past it fails.
class FileSizeLimit final {
public:
    explicit FileSizeLimit(rlim_t bytes) {
        getrlimit(RLIMIT_FSIZE, &m_saved);
        m_handler = std::signal(SIGXFSZ, SIG_IGN);
        rlimit lowered = m_saved;
        lowered.rlim_cur = bytes;
        setrlimit(RLIMIT_FSIZE, &lowered);
    }
    ~FileSizeLimit() {
        setrlimit(RLIMIT_FSIZE, &m_saved);
        std::signal(SIGXFSZ, m_handler);
    }
    FileSizeLimit(const FileSizeLimit&) = delete;
    FileSizeLimit& operator=(const FileSizeLimit&) = delete;

private:
    rlimit m_saved{};
    void (*m_handler)(int) = nullptr;
};

}  // namespace

class TestAtomicFile final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void replacesTheTargetWhole() {
        tokenbench::test::TempProject dir;
        const std::string path = dir.file("sub/state.json");
        writeFileAtomically(path, "first");
        QCOMPARE(readAll(path), std::string("first"));
        writeFileAtomically(path, "second, longer");
        QCOMPARE(readAll(path), std::string("second, longer"));
        QCOMPARE(filesIn(dir.file("sub")), size_t{1});
    }

    void uncommittedWriteLeavesThePreviousFile() {
        tokenbench::test::TempProject dir;
        const std::string path = dir.file("a.bin");
        writeFileAtomically(path, "old");
        {
            AtomicFile file(path);
            file.write("new and never committed");
        }
        QCOMPARE(readAll(path), std::string("old"));
        QCOMPARE(filesIn(dir.file("")), size_t{1});
    }

    void failedWriteKeepsThePreviousFileAndNamesIt() {
        tokenbench::test::TempProject dir;
        const std::string path = dir.file("weights.ckpt");
        const std::string old(1000, 'a');
        writeFileAtomically(path, old);
        std::optional<DataError> error;
        {
            FileSizeLimit limit(4096);
            error = thrownError<DataError>([&] { writeFileAtomically(path, std::string(100000, 'b')); });
        }
        QVERIFY(error);
        QVERIFY2(contains(error->what(), path), error->what());
        QVERIFY2(contains(error->what(), "File too large"), error->what());
        QVERIFY(readAll(path) == old);
        QCOMPARE(filesIn(dir.file("")), size_t{1});  // the temporary file is gone
    }
};

QTEST_GUILESS_MAIN(TestAtomicFile)
#include "test_atomic_file.moc"
