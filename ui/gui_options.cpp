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

    GuiOptionsResult result;
    if (!parser.parse(arguments)) {
        result.action = GuiOptionsResult::Action::Error;
        result.message = parser.errorText();
        return result;
    }
    if (parser.isSet(helpOption)) {
        result.action = GuiOptionsResult::Action::ShowHelp;
        result.message = parser.helpText();
        return result;
    }
    if (parser.isSet(versionOption)) {
        result.action = GuiOptionsResult::Action::ShowVersion;
        result.message = QStringLiteral("tokenbench %1 (%2)")
                             .arg(QString::fromUtf8(versionString()), QString::fromUtf8(gitCommit()));
        return result;
    }
    if (!parser.positionalArguments().isEmpty()) {
        result.action = GuiOptionsResult::Action::Error;
        result.message = QStringLiteral("Unexpected argument: %1").arg(parser.positionalArguments().first());
        return result;
    }

    GuiOptions& options = result.options;
    if (parser.isSet(projectOption)) {
        options.projectDir = QFileInfo(parser.value(projectOption)).absoluteFilePath();
    }
    if (parser.isSet(screenshotOption)) {
        options.screenshotPath = QFileInfo(parser.value(screenshotOption)).absoluteFilePath();
        if (!options.screenshotPath.endsWith(QStringLiteral(".png"), Qt::CaseInsensitive)) {
            result.action = GuiOptionsResult::Action::Error;
            result.message = QStringLiteral("--screenshot expects a .png file name");
            return result;
        }
    }
    if (parser.isSet(pageOption)) {
        options.page = parser.value(pageOption).trimmed().toLower();
        if (!MainWindow::pageNames().contains(options.page)) {
            result.action = GuiOptionsResult::Action::Error;
            result.message = QStringLiteral("--page expects one of %1, got \"%2\"")
                                 .arg(MainWindow::pageNames().join(QStringLiteral(", ")), parser.value(pageOption));
            return result;
        }
    }
    options.logLevel = parser.value(logLevelOption);
    if (parser.isSet(threadsOption)) {
        bool ok = false;
        options.threads = parser.value(threadsOption).toInt(&ok);
        if (!ok || options.threads < 1) {
            result.action = GuiOptionsResult::Action::Error;
            result.message =
                QStringLiteral("--threads expects a positive integer, got \"%1\"").arg(parser.value(threadsOption));
            return result;
        }
    }
    return result;
}

}  // namespace tokenbench::ui
