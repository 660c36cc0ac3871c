#include "widgets/banner.h"

#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QStyle>

#include "plots/palette.h"

namespace tokenbench::ui {

QFrame* makeBanner(BannerKind kind, QLabel** text, QWidget* parent) {
    auto* banner = new QFrame(parent);
    banner->setFrameShape(QFrame::StyledPanel);
    banner->setAutoFillBackground(true);
    QPalette palette = banner->palette();
    const QColor accent = kind == BannerKind::Warning ? seriesColor(1) : seriesColor(2);
    palette.setColor(QPalette::Window, blend(palette.color(QPalette::Base), accent, 0.2));
    banner->setPalette(palette);
    auto* icon = new QLabel(banner);
    const int size = banner->style()->pixelMetric(QStyle::PM_SmallIconSize);
    icon->setPixmap(banner->style()
                        ->standardIcon(kind == BannerKind::Warning ? QStyle::SP_MessageBoxWarning
                                                                   : QStyle::SP_MessageBoxCritical)
                        .pixmap(size, size));
    auto* label = new QLabel(banner);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* layout = new QHBoxLayout(banner);
    layout->setContentsMargins(8, 5, 8, 5);
    layout->addWidget(icon, 0, Qt::AlignTop);
    layout->addWidget(label, 1);
    if (text) *text = label;
    return banner;
}

}  // namespace tokenbench::ui
