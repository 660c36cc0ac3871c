#pragma once
/// Collects raw interactions and item side information as loaders stream them, interning raw ids,
/// then applies preprocessing and produces a Dataset with dense ids.
///
/// Memory: each interaction is kept as a compact record (user, item, time, rating, order: 24 bytes);
/// no line text or per-interaction string is retained, so memory grows only with the id maps and the
/// compact records. One builder is used by one thread.

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tokenbench/data/dataset.h"

namespace tokenbench::core {

/// Preprocessing applied by DatasetBuilder::build, recorded in the data set's config.
struct PreprocessConfig final {
    double minRating = -std::numeric_limits<double>::infinity();  ///< drop interactions rated below
    int32_t userCore = 0;       ///< iterative k-core: keep users with >= userCore interactions (0: off)
    int32_t itemCore = 0;       ///< ... and items with >= itemCore interactions, until both hold
    bool removeConsecutiveRepeats = false;  ///< drop an interaction with the same item as the previous one
    int32_t maxHistoryLength = 0;           ///< keep each user's most recent N interactions (0: all)
};

/// Serialises the config as a JSON object (keys min_rating, user_core, item_core,
/// remove_consecutive_repeats, max_history_length).
[[nodiscard]] std::string toJson(const PreprocessConfig& config);

/// Figures about what build() removed, for the import report.
struct PreprocessReport final {
    int64_t rawInteractions = 0;
    int64_t droppedByRating = 0;
    int64_t droppedRepeats = 0;
    int64_t droppedByCore = 0;
    int64_t droppedByMaxLength = 0;
    int32_t coreIterations = 0;
};

/// See file comment.
class DatasetBuilder final {
public:
    static constexpr int64_t kNoTimestamp = std::numeric_limits<int64_t>::min();

    /// Adds one interaction in source order. `rating` NaN means none.
    void addInteraction(std::string_view user, std::string_view item, int64_t timestamp = kNoTimestamp,
                        float rating = std::numeric_limits<float>::quiet_NaN());
    /// Sets an item's title (last call wins). Items only described, never interacted with, are dropped.
    void setItemTitle(std::string_view item, std::string_view title);
    /// Sets an item's free-text description (last call wins).
    void setItemDescription(std::string_view item, std::string_view description);
    /// Adds an attribute value to an item (duplicates are ignored).
    void addItemAttribute(std::string_view item, std::string_view field, std::string_view value);

    [[nodiscard]] int64_t interactionCount() const { return static_cast<int64_t>(m_records.size()); }
    [[nodiscard]] size_t userCount() const { return m_userIds.size(); }
    [[nodiscard]] size_t itemCount() const { return m_itemIds.size(); }

    /// Orders each user's interactions chronologically (stable: ties keep source order; without
    /// timestamps source order is the order), applies `config`, re-indexes users densely in order of
    /// first appearance and items in order of first use over those sequences, and returns the data set.
    /// The builder is left empty.
    [[nodiscard]] Dataset build(const PreprocessConfig& config, PreprocessReport* report = nullptr);

private:
    struct Record {
        int32_t user;
        int32_t item;
        int64_t timestamp;
        float rating;
        uint32_t padding = 0;
    };
    int32_t intern(std::unordered_map<std::string, int32_t>& map, std::vector<std::string>& names,
                   std::string_view id);

    std::unordered_map<std::string, int32_t> m_userIndex;
    std::vector<std::string> m_userIds;
    std::unordered_map<std::string, int32_t> m_itemIndex;
    std::vector<std::string> m_itemIds;
    std::vector<Record> m_records;
    std::unordered_map<std::string, std::string> m_titles;                 // raw item id -> title
    std::unordered_map<std::string, std::string> m_descriptions;           // raw item id -> description
    std::unordered_map<std::string, std::vector<int32_t>> m_itemAttributes;  // raw item id -> vocab idx
    std::unordered_map<std::string, int32_t> m_attributeIndex;              // "field\x1fname" -> vocab idx
    std::vector<AttributeValue> m_attributeVocab;
};

}  // namespace tokenbench::core
