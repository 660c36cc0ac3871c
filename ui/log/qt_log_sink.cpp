#include "log/qt_log_sink.h"

#include <algorithm>
#include <chrono>
#include <memory>
#include <mutex>

#include <spdlog/sinks/base_sink.h>

#include "tokenbench/logging.h"

namespace tokenbench::ui {

/// spdlog sink owning the bridge object: the bridge lives exactly as long as the sink, which the
/// logger may keep until static destruction, so no dangling pointer is ever emitted through.
class QtLogSink final : public spdlog::sinks::base_sink<std::mutex> {
public:
    QtLogSink() : m_bridge(new LogBridge) {}
    [[nodiscard]] LogBridge& bridge() { return *m_bridge; }

protected:
    void sink_it_(const spdlog::details::log_msg& msg) override {
        // Our own layout (time and level are shown in columns by the dock), so the logger's
        // pattern is ignored on purpose.
        const auto msecs = std::chrono::duration_cast<std::chrono::milliseconds>(msg.time.time_since_epoch()).count();
        const QString text = QString::fromUtf8(msg.payload.data(), static_cast<qsizetype>(msg.payload.size()));
        const int level = std::clamp(static_cast<int>(msg.level), 0, static_cast<int>(LogLevel::Critical));
        Q_EMIT m_bridge->lineLogged(static_cast<LogLevel>(level), static_cast<qint64>(msecs), text);
    }
    void flush_() override {}

private:
    std::unique_ptr<LogBridge> m_bridge;
};

LogBridge& LogBridge::instance() {
    static const std::shared_ptr<QtLogSink> sink = [] {
        qRegisterMetaType<LogLevel>();
        auto created = std::make_shared<QtLogSink>();
        core::addLogSink(created);
        return created;
    }();
    return sink->bridge();
}

}  // namespace tokenbench::ui
