#include "tokenbench/logging.h"

#include <cstdio>
#include <mutex>
#include <stdexcept>

#include <spdlog/sinks/dist_sink.h>
#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

namespace tokenbench::core {

namespace {

// The default logger writes through one dist_sink so sinks can be added and swapped after start-up
// (project file, GUI dock) without re-creating loggers other threads may hold.
std::shared_ptr<spdlog::sinks::dist_sink_mt>& distSink() {
    static auto sink = std::make_shared<spdlog::sinks::dist_sink_mt>();
    return sink;
}

std::shared_ptr<spdlog::sinks::sink>& projectFileSink() {
    static std::shared_ptr<spdlog::sinks::sink> sink;
    return sink;
}

}  // namespace

void setLogLevel(const std::string& level) {
    const auto parsed = spdlog::level::from_str(level);
    // from_str maps unknown text to "off"; only accept "off" when asked for literally.
    if (parsed == spdlog::level::off && level != "off")
        throw std::invalid_argument("unknown log level '" + level +
                                    "' (expected trace, debug, info, warn, error, critical or off)");
    spdlog::set_level(parsed);
}

void initLogging(const std::string& level) {
    auto console = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
    console->set_pattern("%^[%l]%$ %v");
    distSink()->add_sink(console);
    auto logger = std::make_shared<spdlog::logger>("tokenbench", distSink());
    spdlog::set_default_logger(logger);
    console->set_pattern("%^[%l]%$ %v");
    setLogLevel(level);
    spdlog::flush_on(spdlog::level::warn);
}

void attachProjectLog(const std::string& logsDir) {
    auto& current = projectFileSink();
    if (current) distSink()->remove_sink(current);
    current = std::make_shared<spdlog::sinks::rotating_file_sink_mt>(logsDir + "/tokenbench.log", 5 * 1024 * 1024, 3);
    current->set_pattern("%Y-%m-%d %H:%M:%S.%e [%l] [thread %t] %v");
    distSink()->add_sink(current);
}

void logLine(LogLevel level, const std::string& message) {
    spdlog::log(static_cast<spdlog::level::level_enum>(level), "{}", message);
}

std::string fixedDecimals(double value, int decimals) {
    char text[64];
    std::snprintf(text, sizeof text, "%.*f", decimals, value);
    return text;
}

void addLogSink(std::shared_ptr<spdlog::sinks::sink> sink) { distSink()->add_sink(std::move(sink)); }

}  // namespace tokenbench::core
