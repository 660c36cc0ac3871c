#include "text_format.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QStringList>

namespace tokenbench::ui {

QString summarizeJson(const std::string& json, int maxLength, const QStringList& skip) {
    const QJsonDocument document = QJsonDocument::fromJson(QByteArray::fromStdString(json));
    if (!document.isObject()) return QString::fromStdString(json).left(maxLength);
    const QJsonObject object = document.object();
    QStringList parts;
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (skip.contains(it.key())) continue;
        const QJsonValue value = it.value();
        QString text;
        if (value.isDouble()) {
            text = QLocale::c().toString(value.toDouble(), 'g', 4);
        } else if (value.isString()) {
            text = value.toString();
        } else if (value.isBool()) {
            text = value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
        } else {
            text = QStringLiteral("…");
        }
        parts << QStringLiteral("%1=%2").arg(it.key(), text);
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
