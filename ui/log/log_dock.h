#pragma once
/// The "Log" dock: the application's log lines, coloured by severity, with a level filter.

#include <deque>

#include <QDockWidget>

#include "log/qt_log_sink.h"

class QComboBox;
class QPlainTextEdit;

namespace tokenbench::ui {

/// Shows what spdlog logs (through LogBridge, queued onto the UI thread). Keeps the last
/// kMaxLines lines so changing the level filter can re-render them. UI thread only.
class LogDock final : public QDockWidget {
    Q_OBJECT

public:
    static constexpr int kMaxLines = 5000;

    explicit LogDock(QWidget* parent = nullptr);

    /// The text currently shown (filtered), for tests.
    [[nodiscard]] QString plainText() const;

    /// Appends one line. Slot of LogBridge::lineLogged.
    void appendLine(tokenbench::ui::LogLevel level, qint64 msecsSinceEpoch, const QString& text);
    void clearLines();

protected:
    void changeEvent(QEvent* event) override;

private:
    struct Line {
        LogLevel level;
        qint64 msecs;
        QString text;
    };
    void render(const Line& line);
    void rerender();
    [[nodiscard]] LogLevel minimumLevel() const;

    QPlainTextEdit* m_text;
    QComboBox* m_levelFilter;
    std::deque<Line> m_lines;
};

}  // namespace tokenbench::ui
