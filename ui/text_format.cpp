#include "text_format.h"

#include <QDateTime>
#include <QLocale>
#include <QStringList>

#include "tokenbench/storage/run_summary.h"

namespace tokenbench::ui {

QString summarizeJson(const std::string& json, int maxLength, const QStringList& skip) {
    if (json.empty() || json.front() != '{') return QString::fromStdString(json).left(maxLength);
    QStringList parts;
    for (const core::SummaryField& field : core::summaryFields(json)) {
        const QString key = QString::fromStdString(field.key);
        if (skip.contains(key)) continue;
        QString text;
        switch (field.type) {
            case core::SummaryField::Type::Number: text = QLocale::c().toString(field.number, 'g', 4); break;
            case core::SummaryField::Type::Text:
            case core::SummaryField::Type::Bool: text = QString::fromStdString(field.text); break;
            case core::SummaryField::Type::Other: text = QStringLiteral("…"); break;
        }
        parts << QStringLiteral("%1=%2").arg(key, text);
    }
    QString line = parts.join(QStringLiteral(", "));
    if (line.size() > maxLength) line = line.left(maxLength - 1) + QChar(0x2026);
    return line;
}

QString formatTimestamp(const std::string& iso) {
    const QDateTime time = QDateTime::fromString(QString::fromStdString(iso), Qt::ISODateWithMs);
    if (!time.isValid()) return QString::fromStdString(iso);
    return time.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm"));
}

}  // namespace tokenbench::ui
