#include "run_status.h"

#include <QPainter>
#include <QPixmap>
#include <QPixmapCache>

#include "plots/palette.h"

namespace tokenbench::ui {

QString runStatusLabel(core::RunStatus status) {
    switch (status) {
        case core::RunStatus::Created:
            return QStringLiteral("Created");
        case core::RunStatus::Running:
            return QStringLiteral("Running");
        case core::RunStatus::Completed:
            return QStringLiteral("Completed");
        case core::RunStatus::Failed:
            return QStringLiteral("Failed");
        case core::RunStatus::Cancelled:
            return QStringLiteral("Cancelled");
        case core::RunStatus::Interrupted:
            return QStringLiteral("Interrupted");
    }
    return QStringLiteral("Unknown");
}

QString runKindLabel(core::RunKind kind) {
    return kind == core::RunKind::Tokenizer ? QStringLiteral("Tokenizer") : QStringLiteral("Model");
}

QColor runStatusColor(core::RunStatus status) {
    switch (status) {
        case core::RunStatus::Created:
            return seriesColor(9);  // grey
        case core::RunStatus::Running:
            return seriesColor(0);  // blue
        case core::RunStatus::Completed:
            return seriesColor(4);  // green
        case core::RunStatus::Failed:
            return seriesColor(2);  // red
        case core::RunStatus::Cancelled:
            return seriesColor(1);  // orange
        case core::RunStatus::Interrupted:
            return seriesColor(3);  // resumable: neither failed red nor cancelled orange
    }
    return seriesColor(9);
}

QIcon runStatusIcon(core::RunStatus status) {
    // QPixmapCache (not a static QIcon) because models ask on every repaint and a static pixmap
    // would outlive the QGuiApplication.
    const QString key = QStringLiteral("tokenbench-run-status-%1").arg(static_cast<int>(status));
    QPixmap pixmap;
    if (!QPixmapCache::find(key, &pixmap)) {
        pixmap = QPixmap(32, 32);
        pixmap.fill(Qt::transparent);
        QPainter painter(&pixmap);
        painter.setRenderHint(QPainter::Antialiasing);
        const QColor color = runStatusColor(status);
        painter.setPen(QPen(color.darker(130), 2));
        painter.setBrush(color);
        painter.drawEllipse(QRectF(7, 7, 18, 18));
        painter.end();
        QPixmapCache::insert(key, pixmap);
    }
    return QIcon(pixmap);
}

QString runDisplayName(const core::RunRecord& run) {
    const std::string& label = run.name.empty() ? run.componentId : run.name;
    return QStringLiteral("#%1 %2").arg(run.id).arg(QString::fromStdString(label));
}

}  // namespace tokenbench::ui
