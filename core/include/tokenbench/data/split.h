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
    /// Brand-new items: this share of the catalogue is held out of training entirely (none of its
    /// interactions is a training interaction; they remain as validation and test targets). 0: off.
    double newItemFraction = 0.0;
    uint64_t newItemSeed = 1;    ///< which items are new: a shuffle of the catalogue by this seed
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
    int64_t newItems = 0;          ///< items held out of training (SplitConfig::newItemFraction)
    int64_t newValidTargets = 0;   ///< targets that are such items
    int64_t newTestTargets = 0;
    int64_t newItemInteractionsRemoved = 0;  ///< training interactions of held-out items dropped (by the import)
};

/// A split of a whole data set, one entry per user.
struct DataSplit final {
    SplitConfig config;
    std::vector<UserSplit> users;
    int64_t validCutTime = 0;  ///< temporal only: first timestamp of validation
    int64_t testCutTime = 0;   ///< temporal only: first timestamp of test
    std::vector<bool> newItems;  ///< [item]: held out of training (empty when the split has none)
};

/// Splits `dataset`. Leave-one-out: last item = test, second last = validation (users with 3+
/// interactions; a 2-item user gets a test target only, a 1-item user is training only). Temporal:
/// global cut times at the (1 - valid - test) and (1 - test) quantiles of all timestamps; throws
/// std::invalid_argument when the data set has no timestamps. With newItemFraction set, fills
/// `newItems`; the data set must have been passed through removeNewItemTraining (done at import), so
/// that no held-out item is left at a training position. Pure; any thread.
[[nodiscard]] DataSplit makeSplit(const Dataset& dataset, const SplitConfig& config);

/// The held-out items of `config` over a catalogue of `itemCount`: exactly round(fraction x count)
/// items, picked by a shuffle seeded with newItemSeed (so the same config always picks the same items).
[[nodiscard]] std::vector<bool> selectNewItems(int64_t itemCount, const SplitConfig& config);

/// Removes from `dataset` every interaction with a held-out item that `config`'s split would make a
/// training interaction (and users left with no interaction), so that no model, feature or tokenizer
/// can learn from them; validation and test targets that are held-out items stay. Returns the number
/// of interactions removed. No-op when newItemFraction is 0.
int64_t removeNewItemTraining(Dataset& dataset, const SplitConfig& config);

/// Interactions per item counted over training positions only.
[[nodiscard]] std::vector<int64_t> trainingItemCounts(const Dataset& dataset, const DataSplit& split);

[[nodiscard]] SplitStats computeSplitStats(const Dataset& dataset, const DataSplit& split);
[[nodiscard]] std::string toJson(const SplitStats& stats);

}  // namespace tokenbench::core
