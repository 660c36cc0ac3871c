#pragma once
/// Names under which Tokenbench keeps its settings and data (QSettings, QStandardPaths).

#include <QLatin1String>

namespace tokenbench::ui {

/// QCoreApplication organisation and application names; QSettings is always opened with these
/// explicitly, so code that runs before (or without) them being set still finds the same file.
inline constexpr QLatin1String kOrganizationName("Tokenbench");
inline constexpr QLatin1String kApplicationName("Tokenbench");

}  // namespace tokenbench::ui
