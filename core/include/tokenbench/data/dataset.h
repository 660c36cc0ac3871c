#pragma once
/// In-memory form of an interaction data set: dense ids, chronological sequences, item side information.
/// Plain data, no torch and no Qt: it crosses from core to the UI and the CLI as it is.

#include <cstdint>
#include <string>
#include <vector>

namespace tokenbench::core {

/// One attribute value an item can carry ("category", "Skincare > Face"; "brand", "Lumia").
/// `field` groups values so featurizers can weight or select them.
struct AttributeValue final {
    std::string field;
    std::string name;
};

/// Side information of one item, indexed by the item's dense id.
struct ItemInfo final {
    std::string rawId;                 ///< id as it appeared in the source file
    std::string title;                 ///< may be empty
    std::string description;           ///< free text (Amazon meta, ...); may be empty
    std::vector<int32_t> attributes;   ///< indexes into Dataset::attributeVocab, sorted, unique
};

/// A user's interactions in chronological order (ties kept in source order).
struct UserSequence final {
    std::string rawId;
    std::vector<int32_t> items;        ///< dense item ids
    std::vector<int64_t> timestamps;   ///< empty, or one per item (seconds)
    std::vector<float> ratings;        ///< empty, or one per item
};

/// A whole data set. Users are indexed by position in `users`, items by position in `items`.
/// Built by loaders and generators on any thread; immutable once handed on.
struct Dataset final {
    std::vector<ItemInfo> items;
    std::vector<UserSequence> users;
    std::vector<AttributeValue> attributeVocab;

    /// Number of interactions over all users.
    [[nodiscard]] int64_t interactionCount() const;
};

/// Summary figures of a data set, as stored with it and printed by `dataset stats`.
struct DatasetStats final {
    int64_t users = 0;
    int64_t items = 0;
    int64_t interactions = 0;
    double density = 0.0;              ///< interactions / (users * items)
    int64_t minSequenceLength = 0;
    int64_t maxSequenceLength = 0;
    double meanSequenceLength = 0.0;
    double medianSequenceLength = 0.0;
    int64_t attributes = 0;            ///< size of the attribute vocabulary
    std::vector<int64_t> sequenceLengthHistogram;  ///< [len] = number of users with that length
    std::vector<int64_t> itemPopularity;           ///< interactions per item, sorted descending
};

/// Computes the summary of `dataset`. Pure function; any thread.
[[nodiscard]] DatasetStats computeStats(const Dataset& dataset);

}  // namespace tokenbench::core
