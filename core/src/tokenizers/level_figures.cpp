#include "tokenbench/tokenizers/level_figures.h"

#include <algorithm>

namespace tokenbench::core {

namespace {

/// Figures the health reporter records for each level of the IDs it was given.
bool isHealthFigure(MetricKind kind) {
    return kind == MetricKind::CodebookUtilization || kind == MetricKind::CodebookPerplexity ||
           kind == MetricKind::CodebookEntropy || kind == MetricKind::CodebookDeadCodes;
}

}  // namespace

void LevelFigures::add(const MetricPoint& point) {
    const MetricKey key = parseMetricKey(point.split, point.name);
    if (key.phase != MetricPhase::Train) return;
    if (isHealthFigure(key.kind) || key.kind == MetricKind::ClusterInertia) {
        // Inertia names count levels from 1, the health figures from 0.
        const int32_t level = key.kind == MetricKind::ClusterInertia ? key.level : key.level + 1;
        if (level < 1) return;
        Latest& latest = m_perLevel[key.kind][level];
        if (point.step >= latest.step) latest = {point.step, point.value};
        if (isHealthFigure(key.kind)) m_depth[point.step] = std::max(m_depth[point.step], level);
    } else if (key.kind == MetricKind::CollisionRate || key.kind == MetricKind::ReconstructionError) {
        m_wholeId[key.kind][point.step] = point.value;
    }
}

std::map<int32_t, double> LevelFigures::byLevel(MetricKind kind) const {
    std::map<int32_t, double> out;
    if (const auto perLevel = m_perLevel.find(kind); perLevel != m_perLevel.end()) {
        for (const auto& [level, latest] : perLevel->second) out[level] = latest.value;
        return out;
    }
    const auto wholeId = m_wholeId.find(kind);
    if (wholeId == m_wholeId.end()) return out;
    // Steps ascend, so a later report at the same depth (the final one) replaces an earlier one.
    for (const auto& [step, value] : wholeId->second) {
        const auto depth = m_depth.find(step);
        if (depth != m_depth.end()) out[depth->second] = value;
    }
    return out;
}

void LevelFigures::clear() {
    m_perLevel.clear();
    m_wholeId.clear();
    m_depth.clear();
}

}  // namespace tokenbench::core
