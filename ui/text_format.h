#pragma once
/// Formatting of stored values (timestamps, JSON summaries) for display. Pure functions; any thread.

#include <string>

#include <QString>
#include <QStringList>

namespace tokenbench::ui {

/// Short one-line form of a summary JSON object ("ndcg@10=0.041, loss=2.31"); empty for "{}".
/// Keys in `skip` are left out (values shown elsewhere, e.g. in their own table column).
[[nodiscard]] QString summarizeJson(const std::string& json, int maxLength = 120, const QStringList& skip = {});

/// "2026-11-22T10:00:00.123Z" shown as "2026-11-22 11:00" in local time (ISO order, so it sorts).
[[nodiscard]] QString formatTimestamp(const std::string& iso);

}  // namespace tokenbench::ui
