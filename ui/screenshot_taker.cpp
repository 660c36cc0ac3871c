#include "screenshot_taker.h"

#include <QDir>
#include <QFileInfo>
#include <QPixmap>

#include "main_window.h"

namespace tokenbench::ui {
namespace {

// After the last replot, let posted layout and paint requests (new label texts, the log dock's
// queued lines) run before grabbing, so the picture shows a settled window.
constexpr std::chrono::milliseconds kSettle(250);

}  // namespace

ScreenshotTaker::ScreenshotTaker(MainWindow& window, QString path, QString page, std::chrono::milliseconds timeout,
                                 QObject* parent)
    : QObject(parent), m_window(window), m_path(std::move(path)), m_page(std::move(page)) {
    m_settle.setSingleShot(true);
    m_settle.setInterval(kSettle);
    connect(&m_settle, &QTimer::timeout, this, &ScreenshotTaker::capture);

    m_timeout.setSingleShot(true);
    m_timeout.setInterval(timeout);
    connect(&m_timeout, &QTimer::timeout, this, [this, timeout] {
        finish(1, QStringLiteral("Timed out after %1 s waiting for the data to load")
                      .arg(std::chrono::duration_cast<std::chrono::seconds>(timeout).count()));
    });
    m_timeout.start();

    connect(&m_window, &MainWindow::dataViewsReady, this, &ScreenshotTaker::onViewsReady);
    connect(&m_window, &MainWindow::projectOpenFailed, this, [this](const QString& message) { finish(1, message); });
    connect(&m_window, &MainWindow::pageReady, this, &ScreenshotTaker::onPageReady);
}

void ScreenshotTaker::onViewsReady() {
    // A later project or data set replaces an earlier one: restart the settle delay each time.
    if (m_done || m_window.isOpening() || !m_window.hasProject()) return;
    if (m_page.isEmpty() || m_page == QLatin1String("dataset")) {
        m_settle.start();
        return;
    }
    if (!m_pageRequested) {
        m_pageRequested = true;
        if (!m_window.showPage(m_page)) finish(1, QStringLiteral("Unknown page \"%1\"").arg(m_page));
    }
}

void ScreenshotTaker::onPageReady(const QString& page) {
    if (m_done || page != m_page) return;
    m_settle.start();
}

void ScreenshotTaker::capture() {
    if (m_done) return;
    const QPixmap pixmap = m_window.grab();
    if (pixmap.isNull()) {
        finish(1, QStringLiteral("Could not render the main window"));
        return;
    }
    const QFileInfo target(m_path);
    if (!QDir().mkpath(target.absolutePath())) {
        finish(1, QStringLiteral("Could not create folder %1").arg(QDir::toNativeSeparators(target.absolutePath())));
        return;
    }
    if (!pixmap.save(target.absoluteFilePath(), "PNG")) {
        finish(1, QStringLiteral("Could not write %1").arg(QDir::toNativeSeparators(target.absoluteFilePath())));
        return;
    }
    finish(0, QStringLiteral("Screenshot saved to %1 (%2×%3)")
                  .arg(QDir::toNativeSeparators(target.absoluteFilePath()))
                  .arg(pixmap.width())
                  .arg(pixmap.height()));
}

void ScreenshotTaker::finish(int exitCode, const QString& message) {
    if (m_done) return;
    m_done = true;
    m_timeout.stop();
    m_settle.stop();
    Q_EMIT finished(exitCode, message);
}

}  // namespace tokenbench::ui
