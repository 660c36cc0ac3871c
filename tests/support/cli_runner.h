#pragma once
/// Runs the built tokenbench-cli as a user would and captures exit code, stdout and stderr.

#include <QByteArray>
#include <QStringList>

#include <nlohmann/json.hpp>

namespace tokenbench::test {

struct CliResult final {
    int exitCode = -1;  ///< -1: did not finish in time, -2: crashed
    QByteArray out;
    QByteArray err;
    /// stdout parsed as JSON (throws when it is not exactly one JSON document).
    [[nodiscard]] nlohmann::json json() const { return nlohmann::json::parse(out.toStdString()); }
};

/// Runs tokenbench-cli with `args`, waiting at most `timeoutMs`.
CliResult runCli(const QStringList& args, int timeoutMs = 300000);

}  // namespace tokenbench::test
