#pragma once
/// Process-wide logging set-up (spdlog): console on stderr, optional rotating file in a project, and
/// the one way core code writes a log line.
///
/// Core logs through logLine() and never includes spdlog itself: official LibTorch 2.x builds ship
/// their own, newer {fmt} headers, which shadow the {fmt} that Debian's spdlog is built against in
/// every translation unit that sees torch's include path. Only logging.cpp (built without torch)
/// includes spdlog.

#include <memory>
#include <string>

namespace spdlog::sinks { class sink; }

namespace tokenbench::core {

/// Severity of a log line, in spdlog's order.
enum class LogLevel { Trace, Debug, Info, Warn, Error, Critical };

/// Writes one line through the process logger. Any thread.
void logLine(LogLevel level, const std::string& message);
inline void logInfo(const std::string& message) { logLine(LogLevel::Info, message); }
inline void logWarn(const std::string& message) { logLine(LogLevel::Warn, message); }
inline void logError(const std::string& message) { logLine(LogLevel::Error, message); }

/// `value` with exactly `decimals` digits after the point ("0.1235" for 0.12345, 4), for log lines.
[[nodiscard]] std::string fixedDecimals(double value, int decimals);

/// Parses "trace|debug|info|warn|error|critical|off"; throws std::invalid_argument otherwise.
void setLogLevel(const std::string& level);

/// Installs the default logger: a colour console sink on stderr (stdout stays clean for --json).
/// Call once from main before other threads start.
void initLogging(const std::string& level = "info");

/// Adds a rotating file sink at `<logsDir>/tokenbench.log` (5 MB x 3 files). Main thread, once per
/// project opened; replaces a previous project's file sink.
void attachProjectLog(const std::string& logsDir);

/// Adds an extra sink (the GUI's log dock). Main thread.
void addLogSink(std::shared_ptr<spdlog::sinks::sink> sink);

}  // namespace tokenbench::core
