#pragma once
/// Codebook figures per level, for a tokenizer that has no training steps (ComponentInfo::trainsInSteps
/// false: fitted level by level, or assigned at once). Its health reports cover the levels done so far,
/// so what they say is one value per level, not a course over steps.

#include <cstdint>
#include <map>

#include "tokenbench/eval/metric_keys.h"
#include "tokenbench/storage/records.h"

namespace tokenbench::core {

/// Collects a tokenizer run's metric points, stored or live and in any order, and gives each figure
/// by level. Plain value; used by one thread at a time (the UI thread in the tokenizer page).
class LevelFigures final {
public:
    /// Takes one recorded point. Of several values for one figure and level, the latest step's counts.
    void add(const MetricPoint& point);
    /// Level (counted from 1) -> value of `kind`. A per-level figure (utilization, perplexity, entropy,
    /// dead codes, inertia) belongs to the level in its name; a whole-ID figure (collision rate,
    /// reconstruction error) to the depth of the health report recorded at its step, i.e. the IDs cut
    /// after that many levels. Points of a step without a health report are left out.
    [[nodiscard]] std::map<int32_t, double> byLevel(MetricKind kind) const;
    void clear();

private:
    struct Latest final {
        int64_t step = 0;
        double value = 0.0;
    };
    std::map<MetricKind, std::map<int32_t, Latest>> m_perLevel;  ///< kind -> level -> latest value
    std::map<MetricKind, std::map<int64_t, double>> m_wholeId;   ///< kind -> step -> value
    std::map<int64_t, int32_t> m_depth;                          ///< step -> levels its health report covers
};

}  // namespace tokenbench::core
