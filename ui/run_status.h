#pragma once
/// How a run's kind and status are shown: labels and coloured status dots, shared by the explorer
/// and the runs table so both speak the same visual language.

#include <QColor>
#include <QIcon>
#include <QString>

#include "tokenbench/storage/records.h"

namespace tokenbench::ui {

/// "Completed", "Running"... for display.
[[nodiscard]] QString runStatusLabel(core::RunStatus status);
/// "Tokenizer" or "Model".
[[nodiscard]] QString runKindLabel(core::RunKind kind);
/// Signal colour of a status (taken from the plot palette, so legends and tables agree).
[[nodiscard]] QColor runStatusColor(core::RunStatus status);
/// A small filled circle in the status colour. GUI thread (creates a pixmap).
[[nodiscard]] QIcon runStatusIcon(core::RunStatus status);
/// "#12 name" or "#12 component" when the run has no name.
[[nodiscard]] QString runDisplayName(const core::RunRecord& run);

}  // namespace tokenbench::ui
