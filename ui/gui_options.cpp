#include "gui_options.h"

#include <QCommandLineParser>
#include <QFileInfo>

#include "main_window.h"
#include "tokenbench/version.h"

namespace tokenbench::ui {

GuiOptionsResult parseGuiOptions(const QStringList& arguments) {
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Tokenbench: semantic tokenization and generative recommendation workbench."));
    const QCommandLineOption helpOption = parser.addHelpOption();
    const QCommandLineOption versionOption = parser.addVersionOption();
    const QCommandLineOption projectOption(
        QStringLiteral("project"),
        QStringLiteral("Open (creating on first use) the project folder DIR instead of the last project "
                       "(the demo project on the first start)."),
        QStringLiteral("DIR"));
    const QCommandLineOption screenshotOption(
        QStringLiteral("screenshot"),
        QStringLiteral("Render the main window to FILE.png once the data has loaded, then quit."),
        QStringLiteral("FILE.png"));
    const QCommandLineOption logLevelOption(
        QStringLiteral("log-level"),
        QStringLiteral("trace, debug, info, warn, error, critical or off (default: info)."), QStringLiteral("LEVEL"),
        QStringLiteral("info"));
    const QCommandLineOption threadsOption(
        QStringLiteral("threads"),
        QStringLiteral("LibTorch compute threads (default: all CPUs but one, or TOKENBENCH_THREADS)."),
        QStringLiteral("N"));
    const QCommandLineOption pageOption(
        QStringLiteral("page"),
        QStringLiteral("Show page NAME first (%1); with --screenshot, capture it.")
            .arg(MainWindow::pageNames().join(QStringLiteral(", "))),
        QStringLiteral("NAME"));
    parser.addOptions({projectOption, screenshotOption, pageOption, logLevelOption, threadsOption});

    using Action = GuiOptionsResult::Action;
    GuiOptionsResult result;
    // Ends parsing with `action` (help, version or an error) and its text.
    const auto stop = [&result](Action action, const QString& message) {
        result.action = action;
        result.message = message;
        return result;
    };
    if (!parser.parse(arguments)) return stop(Action::Error, parser.errorText());
    if (parser.isSet(helpOption)) return stop(Action::ShowHelp, parser.helpText());
    if (parser.isSet(versionOption)) {
        return stop(Action::ShowVersion, QStringLiteral("tokenbench %1 (%2)")
                                             .arg(QString::fromUtf8(versionString()), QString::fromUtf8(gitCommit())));
    }
    if (!parser.positionalArguments().isEmpty()) {
        return stop(Action::Error, QStringLiteral("Unexpected argument: %1").arg(parser.positionalArguments().first()));
    }

    GuiOptions& options = result.options;
    if (parser.isSet(projectOption)) {
        options.projectDir = QFileInfo(parser.value(projectOption)).absoluteFilePath();
    }
    if (parser.isSet(screenshotOption)) {
        options.screenshotPath = QFileInfo(parser.value(screenshotOption)).absoluteFilePath();
        if (!options.screenshotPath.endsWith(QStringLiteral(".png"), Qt::CaseInsensitive)) {
            return stop(Action::Error, QStringLiteral("--screenshot expects a .png file name"));
        }
    }
    if (parser.isSet(pageOption)) {
        options.page = parser.value(pageOption).trimmed().toLower();
        if (!MainWindow::pageNames().contains(options.page)) {
            return stop(Action::Error,
                        QStringLiteral("--page expects one of %1, got \"%2\"")
                            .arg(MainWindow::pageNames().join(QStringLiteral(", ")), parser.value(pageOption)));
        }
    }
    options.logLevel = parser.value(logLevelOption);
    if (parser.isSet(threadsOption)) {
        bool ok = false;
        options.threads = parser.value(threadsOption).toInt(&ok);
        if (!ok || options.threads < 1) {
            return stop(
                Action::Error,
                QStringLiteral("--threads expects a positive integer, got \"%1\"").arg(parser.value(threadsOption)));
        }
    }
    return result;
}

}  // namespace tokenbench::ui
