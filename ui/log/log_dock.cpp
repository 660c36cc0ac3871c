#include "log/log_dock.h"

#include <iterator>

#include <QComboBox>
#include <QDateTime>
#include <QEvent>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QTextCharFormat>
#include <QTextCursor>
#include <QToolButton>
#include <QVBoxLayout>

#include "plots/palette.h"

namespace tokenbench::ui {
namespace {

/// Fixed-width tag of each LogLevel, in enum order.
constexpr const char* kLevelTags[] = {"trace", "debug", "info ", "warn ", "error", "crit "};
static_assert(std::size(kLevelTags) == static_cast<size_t>(LogLevel::Critical) + 1);

const char* levelTag(LogLevel level) {
    const auto index = static_cast<size_t>(level);
    return index < std::size(kLevelTags) ? kLevelTags[index] : "?";
}

}  // namespace

LogDock::LogDock(QWidget* parent)
    : QDockWidget(QStringLiteral("Log"), parent), m_text(new QPlainTextEdit), m_levelFilter(new QComboBox) {
    setObjectName(QStringLiteral("logDock"));
    m_text->setObjectName(QStringLiteral("logText"));
    m_text->setReadOnly(true);
    m_text->setMaximumBlockCount(kMaxLines);
    m_text->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_text->setPlaceholderText(QStringLiteral("Log messages appear here."));

    m_levelFilter->setObjectName(QStringLiteral("logLevelFilter"));
    m_levelFilter->addItem(QStringLiteral("Debug and above"), static_cast<int>(LogLevel::Debug));
    m_levelFilter->addItem(QStringLiteral("Info and above"), static_cast<int>(LogLevel::Info));
    m_levelFilter->addItem(QStringLiteral("Warnings and errors"), static_cast<int>(LogLevel::Warning));
    m_levelFilter->addItem(QStringLiteral("Errors only"), static_cast<int>(LogLevel::Error));
    m_levelFilter->setCurrentIndex(1);

    auto* clear = new QToolButton;
    clear->setText(QStringLiteral("Clear"));
    clear->setAutoRaise(true);

    auto* bar = new QHBoxLayout;
    bar->setContentsMargins(0, 0, 0, 0);
    bar->addWidget(new QLabel(QStringLiteral("Show:")));
    bar->addWidget(m_levelFilter);
    bar->addStretch(1);
    bar->addWidget(clear);

    auto* body = new QWidget;
    auto* layout = new QVBoxLayout(body);
    layout->setContentsMargins(4, 2, 4, 4);
    layout->setSpacing(2);
    layout->addLayout(bar);
    layout->addWidget(m_text, 1);
    setWidget(body);

    connect(clear, &QToolButton::clicked, this, &LogDock::clearLines);
    connect(m_levelFilter, qOverload<int>(&QComboBox::currentIndexChanged), this, [this] { rerender(); });
    connect(&LogBridge::instance(), &LogBridge::lineLogged, this, &LogDock::appendLine, Qt::QueuedConnection);
}

QString LogDock::plainText() const {
    return m_text->toPlainText();
}

void LogDock::appendLine(LogLevel level, qint64 msecsSinceEpoch, const QString& text) {
    m_lines.push_back(Line{level, msecsSinceEpoch, text});
    while (m_lines.size() > static_cast<size_t>(kMaxLines)) m_lines.pop_front();
    if (level >= minimumLevel()) render(m_lines.back());
}

void LogDock::clearLines() {
    m_lines.clear();
    m_text->clear();
}

void LogDock::changeEvent(QEvent* event) {
    QDockWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) rerender();
}

LogLevel LogDock::minimumLevel() const {
    return static_cast<LogLevel>(m_levelFilter->currentData().toInt());
}

void LogDock::render(const Line& line) {
    const QPalette& palette = m_text->palette();
    const QColor text = palette.color(QPalette::Text);
    const QColor base = palette.color(QPalette::Base);
    const bool dark = base.lightness() < 128;
    QColor levelColor = text;
    switch (line.level) {
        case LogLevel::Trace:
        case LogLevel::Debug:
            levelColor = blend(base, text, 0.55);
            break;
        case LogLevel::Info:
            levelColor = seriesColor(0);
            break;
        case LogLevel::Warning:
            levelColor = dark ? seriesColor(5) : seriesColor(1).darker(120);
            break;
        case LogLevel::Error:
        case LogLevel::Critical:
            levelColor = seriesColor(2);
            break;
    }

    // Keep the view pinned to the end only when the user has not scrolled up to read.
    QScrollBar* scroll = m_text->verticalScrollBar();
    const bool atEnd = scroll->value() >= scroll->maximum() - 2;

    QTextCursor cursor(m_text->document());
    cursor.movePosition(QTextCursor::End);
    if (!m_text->document()->isEmpty()) cursor.insertBlock();
    QTextCharFormat muted;
    muted.setForeground(blend(base, text, 0.55));
    QTextCharFormat tag;
    tag.setForeground(levelColor);
    tag.setFontWeight(line.level >= LogLevel::Warning ? QFont::Bold : QFont::Normal);
    QTextCharFormat body;
    body.setForeground(line.level >= LogLevel::Error ? levelColor : text);
    cursor.insertText(QDateTime::fromMSecsSinceEpoch(line.msecs).toString(QStringLiteral("HH:mm:ss.zzz  ")), muted);
    cursor.insertText(QString::fromLatin1(levelTag(line.level)), tag);
    cursor.insertText(QStringLiteral("  ") + line.text, body);
    if (atEnd) scroll->setValue(scroll->maximum());
}

void LogDock::rerender() {
    m_text->clear();
    const LogLevel minimum = minimumLevel();
    for (const Line& line : m_lines) {
        if (line.level >= minimum) render(line);
    }
}

}  // namespace tokenbench::ui
