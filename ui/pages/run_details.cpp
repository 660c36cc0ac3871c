#include "pages/run_details.h"

#include <algorithm>
#include <set>

#include <QStringList>

#include "group_figures.h"
#include "run_status.h"
#include "tokenbench/storage/run_summary.h"

namespace tokenbench::ui {
namespace {

/// A stored JSON document as indented "key  value" lines, keys aligned.
QString fieldLines(const std::string& json) {
    const auto entries = core::displayEntries(json);
    int width = 0;
    for (const auto& [key, value] : entries) width = std::max(width, static_cast<int>(key.size()));
    QStringList lines;
    for (const auto& [key, value] : entries) {
        lines << QStringLiteral("  %1  %2").arg(QString::fromStdString(key), -width).arg(QString::fromStdString(value));
    }
    return lines.isEmpty() ? QStringLiteral("  (none)") : lines.join(QLatin1Char('\n'));
}

/// Adds "Label:      value" to `lines` when `value` is not empty.
void addField(QStringList& lines, const QString& label, const QString& value) {
    if (!value.isEmpty()) lines << QStringLiteral("%1 %2").arg(label + QLatin1Char(':'), -12).arg(value);
}

}  // namespace

QString describeRun(const core::RunRecord& run) {
    QStringList lines;
    addField(lines, QStringLiteral("Run"), runDisplayName(run));
    addField(lines, QStringLiteral("Kind"), runKindLabel(run.kind));
    addField(lines, QStringLiteral("Component"),
             QStringLiteral("%1 v%2").arg(QString::fromStdString(run.componentId)).arg(run.componentVersion));
    addField(lines, QStringLiteral("Status"), runStatusLabel(run.status));
    addField(lines, QStringLiteral("Data set"),
             QStringLiteral("%1 (id %2)").arg(QString::fromStdString(run.datasetName)).arg(run.datasetId));
    if (run.featureSetId) addField(lines, QStringLiteral("Features"), QString::number(*run.featureSetId));
    if (run.tokenizerRunId) addField(lines, QStringLiteral("Tokenizer"), QStringLiteral("#%1").arg(*run.tokenizerRunId));
    if (run.groupId) addField(lines, QStringLiteral("Group"), QStringLiteral("#%1").arg(*run.groupId));
    addField(lines, QStringLiteral("Device"), QString::fromStdString(run.device));
    addField(lines, QStringLiteral("Seed"), QString::number(run.seed));
    addField(lines, QStringLiteral("Created"), QString::fromStdString(run.createdAt));
    if (run.startedAt) addField(lines, QStringLiteral("Started"), QString::fromStdString(*run.startedAt));
    if (run.finishedAt) addField(lines, QStringLiteral("Finished"), QString::fromStdString(*run.finishedAt));
    addField(lines, QStringLiteral("Code"), QString::fromStdString(run.codeVersion));
    addField(lines, QStringLiteral("Data hash"), QString::fromStdString(run.dataHash));
    addField(lines, QStringLiteral("Message"), QString::fromStdString(run.message));
    lines << QString() << QStringLiteral("Config") << fieldLines(run.configJson);
    lines << QString() << QStringLiteral("Summary") << fieldLines(run.summaryJson);
    return lines.join(QLatin1Char('\n'));
}

QString describeGroup(const core::RunGroupRecord& group, const std::vector<core::RunRecord>& runs,
                      const std::map<std::string, core::MeanInterval>& figures) {
    QStringList lines;
    addField(lines, QStringLiteral("Group"), QStringLiteral("#%1 %2").arg(group.id).arg(QString::fromStdString(group.label)));
    addField(lines, QStringLiteral("Kind"), group.kind == "sweep" ? QStringLiteral("sweep (runs differ in their settings)")
                                                                  : QStringLiteral("repeats (one run per seed)"));
    std::set<QString> components;
    std::set<QString> datasets;
    QStringList seeds;
    int completed = 0;
    for (const core::RunRecord& run : runs) {
        components.insert(QString::fromStdString(run.componentId));
        datasets.insert(QString::fromStdString(run.datasetName));
        seeds << QString::number(run.seed);
        completed += run.status == core::RunStatus::Completed;
    }
    addField(lines, QStringLiteral("Component"), QStringList(components.begin(), components.end()).join(QStringLiteral(", ")));
    addField(lines, QStringLiteral("Data set"), QStringList(datasets.begin(), datasets.end()).join(QStringLiteral(", ")));
    addField(lines, QStringLiteral("Runs"), QStringLiteral("%1 (%2 completed)").arg(runs.size()).arg(completed));
    addField(lines, QStringLiteral("Seeds"), seeds.join(QStringLiteral(", ")));
    addField(lines, QStringLiteral("Created"), QString::fromStdString(group.createdAt));
    lines << QString() << QStringLiteral("Runs");
    for (const core::RunRecord& run : runs) {
        lines << QStringLiteral("  %1  %2").arg(runDisplayName(run), runStatusLabel(run.status).toLower());
    }
    lines << QString()
          << QStringLiteral("Mean ± 95 % CI (Student t) over the completed runs, n = runs with the figure");
    lines << figureLines(figures);
    lines << QString() << QStringLiteral("Settings") << fieldLines(group.configJson);
    return lines.join(QLatin1Char('\n'));
}

}  // namespace tokenbench::ui
