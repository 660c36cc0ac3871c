#pragma once
/// Small helpers shared by the forms and dialogs: selecting a combo box entry by its item data
/// (component ids, run and data set ids, metric keys) and a field with a button beside it.

class QComboBox;
class QHBoxLayout;
class QVariant;
class QWidget;

namespace tokenbench::ui {

/// Makes the item of `combo` whose data is `data` current (emitting the usual change signals);
/// false, with the selection unchanged, when no item has that data. UI thread.
bool selectItemData(QComboBox& combo, const QVariant& data);

/// A form row's field: `field` taking the width, `button` ("Browse…", "New…") at its right.
[[nodiscard]] QHBoxLayout* fieldWithButton(QWidget* field, QWidget* button);

}  // namespace tokenbench::ui
