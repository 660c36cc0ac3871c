#pragma once
/// Bridge from spdlog (any thread) to the Qt UI thread: a sink that re-emits each line as a signal.

#include <QObject>
#include <QString>

namespace tokenbench::ui {

/// Severity of a log line, in spdlog's order (trace = 0 ... critical = 5).
enum class LogLevel { Trace = 0, Debug, Info, Warning, Error, Critical };

/// Process-wide emitter of log lines. The spdlog sink behind it is registered with
/// core::addLogSink on first use, once per process, however many windows come and go.
class LogBridge final : public QObject {
    Q_OBJECT

public:
    /// The bridge; the first call (UI thread, after core::initLogging) installs the sink.
    static LogBridge& instance();

Q_SIGNALS:
    /// Emitted on the thread that logged: connect with Qt::QueuedConnection so receivers run on
    /// their own thread and a log call never re-enters a widget.
    void lineLogged(tokenbench::ui::LogLevel level, qint64 msecsSinceEpoch, const QString& text);

private:
    friend class QtLogSink;
    LogBridge() = default;
};

}  // namespace tokenbench::ui

Q_DECLARE_METATYPE(tokenbench::ui::LogLevel)
