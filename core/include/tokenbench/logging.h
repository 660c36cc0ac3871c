#pragma once
/// Process-wide logging set-up (spdlog): console on stderr, optional rotating file in a project.

#include <memory>
#include <string>

namespace spdlog::sinks { class sink; }

namespace tokenbench::core {

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
