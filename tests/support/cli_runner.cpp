#include "cli_runner.h"

#include <QProcess>

namespace tokenbench::test {

CliResult runCli(const QStringList& args, int timeoutMs) {
    QProcess process;
    process.start(QStringLiteral(TOKENBENCH_CLI_PATH), args);
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished();
        return {-1, process.readAllStandardOutput(), process.readAllStandardError()};
    }
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -2, process.readAllStandardOutput(),
            process.readAllStandardError()};
}

}  // namespace tokenbench::test
