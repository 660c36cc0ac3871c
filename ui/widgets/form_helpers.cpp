#include "widgets/form_helpers.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QVariant>

namespace tokenbench::ui {

bool selectItemData(QComboBox& combo, const QVariant& data) {
    const int index = combo.findData(data);
    if (index < 0) return false;
    combo.setCurrentIndex(index);
    return true;
}

QHBoxLayout* fieldWithButton(QWidget* field, QWidget* button) {
    auto* layout = new QHBoxLayout;
    layout->addWidget(field, 1);
    layout->addWidget(button);
    return layout;
}

}  // namespace tokenbench::ui
