#pragma once
/// When a model's first epoch will not fit the time budget (its time estimated from the first
/// steps), a smaller configuration to propose: fewer layers, then narrower feed-forward and hidden
/// widths, then shorter sequences, until the estimated compute per epoch fits. The estimate is a
/// rule of thumb (compute ∝ layers × hidden × (hidden + feed-forward) × length), stated as such.

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "tokenbench/registry.h"

namespace tokenbench::core {

struct BudgetProposal final {
    double epochSeconds = 0.0;   ///< the estimated time of one epoch with the current config
    double budgetSeconds = 0.0;  ///< the run's whole budget (training and validation)
    int64_t timedSteps = 0;      ///< steps the estimate was timed over
    int64_t epochSteps = 0;
    std::map<std::string, std::string> changes;  ///< parameter -> proposed value (JSON text), may be empty
    double speedup = 1.0;        ///< estimated compute ratio, current / proposed
    bool fits = false;           ///< the proposal's estimated epoch fits the budget
    double minutesNeeded = 0.0;  ///< a budget that would fit about three epochs of the current config
};

/// The proposal for `info`'s validated `configJson` whose epoch takes `epochSeconds` against a
/// budget of `budgetSeconds`; std::nullopt when the epoch fits. The target leaves room for about
/// three epochs and their validations.
[[nodiscard]] std::optional<BudgetProposal> proposeBudgetConfig(const ComponentInfo& info, const std::string& configJson,
                                                                double epochSeconds, double budgetSeconds);

/// "an epoch takes about 12.5 min (timed over 40 of 700 steps) against a budget of 15 min: ..."
/// with the proposed options as CLI flags (--hidden 64) and the budget that would fit.
[[nodiscard]] std::string describe(const BudgetProposal& proposal);

/// JSON object of a proposal (the CLI's `budget_proposal`): estimated_epoch_seconds, budget_seconds,
/// timed_steps, epoch_steps, config (the changed parameters), estimated_speedup, fits, minutes_needed.
[[nodiscard]] std::string toJson(const BudgetProposal& proposal);

}  // namespace tokenbench::core
