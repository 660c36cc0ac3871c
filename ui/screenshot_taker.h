#pragma once
/// --screenshot: waits for the main window's first real data (on the chosen page), renders it to a
/// PNG, reports back.

#include <chrono>

#include <QObject>
#include <QString>
#include <QTimer>

namespace tokenbench::ui {

class MainWindow;

/// Grabs `window` once it has opened its project and the data-set page has replotted with real
/// data (not merely painted once), then saves the PNG. Event-driven: nothing here blocks the UI
/// thread; a safety timeout turns a hang into a failure. UI thread.
class ScreenshotTaker final : public QObject {
    Q_OBJECT

public:
    /// `page` (MainWindow::pageNames(), empty for the data set page) is brought to the front once
    /// the project has loaded; the capture waits for that page's data.
    ScreenshotTaker(MainWindow& window, QString path, QString page = {},
                    std::chrono::milliseconds timeout = std::chrono::seconds(60), QObject* parent = nullptr);

Q_SIGNALS:
    /// Exactly once: exit code 0 with the saved path, or 1 with what went wrong.
    void finished(int exitCode, const QString& message);

private:
    void onViewsReady();
    void onPageReady(const QString& page);
    void capture();
    void finish(int exitCode, const QString& message);

    MainWindow& m_window;
    QString m_path;
    QString m_page;
    bool m_pageRequested = false;
    QTimer m_timeout;
    QTimer m_settle;
    bool m_done = false;
};

}  // namespace tokenbench::ui
