#include "pages/stat_card.h"

#include <QEvent>
#include <QLabel>
#include <QVBoxLayout>

#include "plots/palette.h"

namespace tokenbench::ui {

StatCard::StatCard(const QString& key, const QString& caption, QWidget* parent)
    : QFrame(parent),
      m_caption(new QLabel(caption, this)),
      m_value(new QLabel(QStringLiteral("–"), this)),
      m_detail(new QLabel(this)) {
    setObjectName(key + QStringLiteral("Card"));
    m_value->setObjectName(key + QStringLiteral("Value"));
    m_detail->setObjectName(key + QStringLiteral("Detail"));
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    // Same height for every card in a row, whatever its text.
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Preferred);

    QFont captionFont = font();
    captionFont.setPointSizeF(captionFont.pointSizeF() * 0.9);
    m_caption->setFont(captionFont);
    QFont valueFont = font();
    valueFont.setPointSizeF(valueFont.pointSizeF() * 1.6);
    valueFont.setBold(true);
    m_value->setFont(valueFont);
    m_value->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_detail->setFont(captionFont);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(12, 8, 12, 8);
    layout->setSpacing(2);
    layout->addWidget(m_caption);
    layout->addWidget(m_value);
    layout->addWidget(m_detail);
    layout->addStretch(1);
    applyPalette();
}

void StatCard::setValue(const QString& value, const QString& detail) {
    m_value->setText(value);
    m_detail->setText(detail);
}

void StatCard::clear() {
    setValue(QStringLiteral("–"));
    setToolTip(QString());
}

QString StatCard::value() const {
    return m_value->text();
}

void StatCard::changeEvent(QEvent* event) {
    QFrame::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) applyPalette();
}

void StatCard::applyPalette() {
    // Muted caption and detail: a blend of text into the card background, legible in both themes.
    const QPalette base = parentWidget() ? parentWidget()->palette() : palette();
    const QColor text = base.color(QPalette::WindowText);
    const QColor background = base.color(QPalette::Base);
    QPalette card = palette();
    card.setColor(QPalette::Window, background);
    // Setting the palette re-enters changeEvent; only do it when something changed.
    if (card != palette()) setPalette(card);

    for (QLabel* label : {m_caption, m_detail}) {
        QPalette muted = label->palette();
        muted.setColor(QPalette::WindowText, blend(background, text, 0.65));
        label->setPalette(muted);
    }
}

}  // namespace tokenbench::ui
