#pragma once
/// The fields every "new run" form has (seed, repeats, device, run name, an error line), made alike for
/// the tokenizer and model pages. `prefix` names the objects ("model" -> "modelSeed", ...), which
/// the tests look up.

#include <QString>

namespace tokenbench::core {
class Registry;
enum class ComponentKind;
}

class QComboBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace tokenbench::ui {

/// The registered components of `kind` by display name (item data: the component id; tool tip:
/// its description), named `objectName`, with the recommended component selected.
[[nodiscard]] QComboBox* makeComponentSelector(const core::Registry& registry, core::ComponentKind kind,
                                               const QString& objectName);
/// Seed spin box, 0 .. INT_MAX, 42 to start with.
[[nodiscard]] QSpinBox* makeSeedField(const QString& prefix);
/// How many runs to start, one per seed counting up from the seed field; 1 .. 100, 1 to start
/// with (a single run). Several make a repeat, summed up as mean ± 95 % CI.
[[nodiscard]] QSpinBox* makeRepeatsField(const QString& prefix);
/// Device choice ("auto" first when `withAutomatic`, "cpu", and "cuda" when LibTorch has CUDA);
/// the item data is the device string core expects.
[[nodiscard]] QComboBox* makeDeviceField(const QString& prefix, bool withAutomatic);
/// Optional run label.
[[nodiscard]] QLineEdit* makeRunNameField(const QString& prefix);
/// Hidden, word-wrapped label for what is wrong with the form.
[[nodiscard]] QLabel* makeFormErrorLabel(const QString& prefix);

}  // namespace tokenbench::ui
