#pragma once
/// Train / validation / test splits of user sequences: leave-one-out (the protocol of the SASRec,
/// BERT4Rec and TIGER papers) and a global temporal split.

#include <cstdint>
#include <string>
#include <vector>

#include "tokenbench/data/dataset.h"

namespace tokenbench::core {

enum class SplitMethod { LeaveOneOut, Temporal };

/// How to split. Fractions apply to the temporal split only.
struct SplitConfig final {
    SplitMethod method = SplitMethod::LeaveOneOut;
    double validFraction = 0.1;  ///< temporal: share of the latest interactions (by time) in validation
    double testFraction = 0.1;   ///< temporal: share of the latest interactions in test
    int32_t coldThreshold = 5;   ///< an evaluation target is "cold" with <= this many training interactions
};

[[nodiscard]] std::string toString(SplitMethod method);
/// Parses "leave-one-out" / "temporal"; throws std::invalid_argument otherwise.
[[nodiscard]] SplitMethod splitMethodFromString(const std::string& text);
[[nodiscard]] std::string toJson(const SplitConfig& config);
/// Parses what toJson(SplitConfig) wrote; throws std::invalid_argument on malformed text.
[[nodiscard]] SplitConfig splitConfigFromJson(const std::string& json);

/// Where one user's sequence is cut: items [0, trainEnd) are training history, [trainEnd, validEnd)
/// validation targets, [validEnd, size) test targets. The history of a target is everything before it.
struct UserSplit final {
    int32_t trainEnd = 0;
    int32_t validEnd = 0;
};

/// Counts that describe a split, stored with it.
struct SplitStats final {
    int64_t trainInteractions = 0;
    int64_t validTargets = 0;
    int64_t testTargets = 0;
    int64_t coldValidTargets = 0;  ///< targets whose item has <= coldThreshold training interactions
    int64_t coldTestTargets = 0;
    int64_t itemsWithoutTraining = 0;
};

/// A split of a whole data set, one entry per user.
struct DataSplit final {
    SplitConfig config;
    std::vector<UserSplit> users;
    int64_t validCutTime = 0;  ///< temporal only: first timestamp of validation
    int64_t testCutTime = 0;   ///< temporal only: first timestamp of test
};

/// Splits `dataset`. Leave-one-out: last item = test, second last = validation (users with 3+
/// interactions; a 2-item user gets a test target only, a 1-item user is training only). Temporal:
/// global cut times at the (1 - valid - test) and (1 - test) quantiles of all timestamps; throws
/// std::invalid_argument when the data set has no timestamps. Pure; any thread.
[[nodiscard]] DataSplit makeSplit(const Dataset& dataset, const SplitConfig& config);

/// Interactions per item counted over training positions only.
[[nodiscard]] std::vector<int64_t> trainingItemCounts(const Dataset& dataset, const DataSplit& split);

[[nodiscard]] SplitStats computeSplitStats(const Dataset& dataset, const DataSplit& split);
[[nodiscard]] std::string toJson(const SplitStats& stats);

}  // namespace tokenbench::core
