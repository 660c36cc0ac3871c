// Composition root of the `tokenbench` GUI: command line, logging, compute runtime, main window.

#include <cstdio>
#include <exception>
#include <memory>

#include <spdlog/spdlog.h>

#include <QApplication>
#include <QIcon>

#include "app_identity.h"
#include "gui_options.h"
#include "main_window.h"
#include "screenshot_taker.h"
#include "tokenbench/logging.h"
#include "tokenbench/models/recommender.h"
#include "tokenbench/registry.h"
#include "tokenbench/runtime.h"
#include "tokenbench/tokenizers/tokenizer.h"
#include "tokenbench/version.h"

namespace {

void printLine(std::FILE* stream, const QString& text) {
    std::fprintf(stream, "%s\n", text.toLocal8Bit().constData());
    std::fflush(stream);
}

}  // namespace

int main(int argc, char** argv) {
    using namespace tokenbench;

    QApplication app(argc, argv);
    QApplication::setOrganizationName(ui::kOrganizationName);
    QApplication::setApplicationName(ui::kApplicationName);
    QApplication::setApplicationVersion(QString::fromUtf8(versionString()));
    // Matches the installed desktop entry, so Wayland compositors and docks find its icon and name.
    QGuiApplication::setDesktopFileName(QStringLiteral("io.github.tokenbench.Tokenbench"));
    QIcon icon;
    for (const char* size : {"32", "64", "256"})
        icon.addFile(QStringLiteral(":/icons/tokenbench-%1.png").arg(QLatin1String(size)));
    QApplication::setWindowIcon(QIcon::fromTheme(QStringLiteral("io.github.tokenbench.Tokenbench"), icon));

    const ui::GuiOptionsResult parsed = ui::parseGuiOptions(QApplication::arguments());
    switch (parsed.action) {
        case ui::GuiOptionsResult::Action::ShowHelp:
        case ui::GuiOptionsResult::Action::ShowVersion:
            printLine(stdout, parsed.message);
            return 0;
        case ui::GuiOptionsResult::Action::Error:
            printLine(stderr, QStringLiteral("tokenbench: %1\nTry 'tokenbench --help'.").arg(parsed.message));
            return 2;
        case ui::GuiOptionsResult::Action::Run:
            break;
    }
    const ui::GuiOptions& options = parsed.options;

    try {
        core::initLogging(options.logLevel.toStdString());
    } catch (const std::exception& error) {
        printLine(stderr, QStringLiteral("tokenbench: --log-level: %1").arg(QString::fromUtf8(error.what())));
        return 2;
    }
    // Keep one core for the UI thread unless the user chose a count.
    const core::RuntimeInfo runtime =
        core::configureRuntime(options.threads > 0 ? options.threads : core::defaultThreadCount(1));

    // The one registry of the process: what the pages offer comes from here.
    core::Registry registry;
    core::registerTokenizers(registry);
    core::registerModels(registry);

    ui::MainWindowOptions windowOptions;
    windowOptions.persistSettings = options.screenshotPath.isEmpty();
    ui::MainWindow window(registry, windowOptions);
    // Logged once the window (and so the log dock's sink) exists, so the dock shows it too.
    spdlog::info("Tokenbench {} ({}): {}", versionString(), gitCommit(), core::describe(runtime));

    std::unique_ptr<ui::ScreenshotTaker> screenshot;
    if (!options.screenshotPath.isEmpty()) {
        window.resize(1366, 768);  // the smallest common laptop screen the layout targets
        screenshot = std::make_unique<ui::ScreenshotTaker>(window, options.screenshotPath, options.page);
        QObject::connect(screenshot.get(), &ui::ScreenshotTaker::finished, &app,
                         [](int exitCode, const QString& message) {
                             if (exitCode == 0) {
                                 spdlog::info("{}", message.toStdString());
                             } else {
                                 spdlog::error("Screenshot failed: {}", message.toStdString());
                                 printLine(stderr, QStringLiteral("tokenbench: %1").arg(message));
                             }
                             QCoreApplication::exit(exitCode);
                         });
    }

    window.show();
    if (!options.page.isEmpty() && options.screenshotPath.isEmpty()) {
        // Show the page once the project's data is there (the first dataViewsReady).
        auto* connection = new QMetaObject::Connection;
        *connection = QObject::connect(&window, &ui::MainWindow::dataViewsReady, &window, [&window, connection, page = options.page] {
            QObject::disconnect(*connection);
            delete connection;
            window.showPage(page);
        });
    }
    if (options.projectDir.isEmpty()) {
        window.openStartupProject();
    } else {
        window.openProject(options.projectDir);
    }
    return QApplication::exec();
}
