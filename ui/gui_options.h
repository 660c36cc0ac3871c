#pragma once
/// Command line of the `tokenbench` GUI executable, parsed into a plain value.

#include <QString>
#include <QStringList>

namespace tokenbench::ui {

/// What the user asked for on the command line.
struct GuiOptions final {
    QString projectDir;      ///< empty: the last project (the demo project on the first start)
    QString screenshotPath;  ///< non-empty: render the window to this PNG and quit
    QString page;            ///< page to show first (MainWindow::pageNames()); empty: the data set
    QString logLevel = QStringLiteral("info");
    int threads = 0;  ///< LibTorch intra-op threads; 0 = default (all CPUs but one)
};

/// Outcome of parsing: run with `options`, or print `message` (help, version, error) and exit.
struct GuiOptionsResult final {
    enum class Action { Run, ShowHelp, ShowVersion, Error };
    Action action = Action::Run;
    GuiOptions options;
    QString message;
};

/// Parses `arguments` (argv including the program name). Never exits the process, so tests can
/// call it; the caller decides what to print. UI thread (QCommandLineParser is not thread-safe).
[[nodiscard]] GuiOptionsResult parseGuiOptions(const QStringList& arguments);

}  // namespace tokenbench::ui
