#include "tokenbench/data/dataset_builder.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <nlohmann/json.hpp>

namespace tokenbench::core {

std::string toJson(const PreprocessConfig& c) {
    nlohmann::json j = {{"user_core", c.userCore},
                        {"item_core", c.itemCore},
                        {"remove_consecutive_repeats", c.removeConsecutiveRepeats},
                        {"max_history_length", c.maxHistoryLength}};
    j["min_rating"] = std::isfinite(c.minRating) ? nlohmann::json(c.minRating) : nlohmann::json();
    return j.dump();
}

int32_t DatasetBuilder::intern(std::unordered_map<std::string, int32_t>& map, std::vector<std::string>& names,
                               std::string_view id) {
    // Heterogeneous lookup needs C++20; a temporary string per call is the price in C++17.
    auto [it, inserted] = map.try_emplace(std::string(id), static_cast<int32_t>(names.size()));
    if (inserted) names.emplace_back(id);
    return it->second;
}

void DatasetBuilder::addInteraction(std::string_view user, std::string_view item, int64_t timestamp, float rating) {
    const int32_t u = intern(m_userIndex, m_userIds, user);
    const int32_t i = intern(m_itemIndex, m_itemIds, item);
    m_records.push_back({u, i, timestamp, rating});
}

void DatasetBuilder::setItemTitle(std::string_view item, std::string_view title) {
    m_titles[std::string(item)] = std::string(title);
}

void DatasetBuilder::setItemDescription(std::string_view item, std::string_view description) {
    m_descriptions[std::string(item)] = std::string(description);
}

void DatasetBuilder::addItemAttribute(std::string_view item, std::string_view field, std::string_view value) {
    std::string key;
    key.reserve(field.size() + value.size() + 1);
    key.append(field).push_back('\x1f');
    key.append(value);
    auto [it, inserted] = m_attributeIndex.try_emplace(key, static_cast<int32_t>(m_attributeVocab.size()));
    if (inserted) m_attributeVocab.push_back({std::string(field), std::string(value)});
    auto& attrs = m_itemAttributes[std::string(item)];
    if (std::find(attrs.begin(), attrs.end(), it->second) == attrs.end()) attrs.push_back(it->second);
}

Dataset DatasetBuilder::build(const PreprocessConfig& config, PreprocessReport* reportOut) {
    PreprocessReport report;
    report.rawInteractions = static_cast<int64_t>(m_records.size());

    // Chronological per user; stable so timestamp ties (and files without timestamps) keep source order.
    std::vector<Record> records = std::move(m_records);
    m_records = {};
    std::stable_sort(records.begin(), records.end(), [](const Record& a, const Record& b) {
        if (a.user != b.user) return a.user < b.user;
        return a.timestamp < b.timestamp;
    });

    if (std::isfinite(config.minRating)) {
        const auto before = records.size();
        records.erase(std::remove_if(records.begin(), records.end(),
                                     [&](const Record& r) { return !std::isnan(r.rating) && r.rating < config.minRating; }),
                      records.end());
        report.droppedByRating = static_cast<int64_t>(before - records.size());
    }
    if (config.removeConsecutiveRepeats) {
        std::vector<Record> kept;
        kept.reserve(records.size());
        for (const Record& r : records) {
            if (!kept.empty() && kept.back().user == r.user && kept.back().item == r.item) continue;
            kept.push_back(r);
        }
        report.droppedRepeats = static_cast<int64_t>(records.size() - kept.size());
        records = std::move(kept);
    }

    // Iterative k-core: removing sparse items can push users under the threshold and vice versa.
    if (config.userCore > 0 || config.itemCore > 0) {
        const auto before = records.size();
        for (;;) {
            std::vector<int64_t> userCount(m_userIds.size(), 0), itemCount(m_itemIds.size(), 0);
            for (const Record& r : records) {
                ++userCount[r.user];
                ++itemCount[r.item];
            }
            const auto size = records.size();
            records.erase(std::remove_if(records.begin(), records.end(),
                                         [&](const Record& r) {
                                             return userCount[r.user] < config.userCore ||
                                                    itemCount[r.item] < config.itemCore;
                                         }),
                          records.end());
            ++report.coreIterations;
            if (records.size() == size) break;
        }
        report.droppedByCore = static_cast<int64_t>(before - records.size());
    }

    Dataset dataset;
    dataset.attributeVocab = std::move(m_attributeVocab);
    std::vector<int32_t> itemMap(m_itemIds.size(), -1);
    size_t begin = 0;
    while (begin < records.size()) {
        size_t end = begin;
        while (end < records.size() && records[end].user == records[begin].user) ++end;
        if (config.maxHistoryLength > 0 && end - begin > static_cast<size_t>(config.maxHistoryLength)) {
            const size_t drop = end - begin - static_cast<size_t>(config.maxHistoryLength);
            report.droppedByMaxLength += static_cast<int64_t>(drop);
            begin += drop;  // keep the most recent interactions
        }
        UserSequence user;
        user.rawId = m_userIds[records[begin].user];
        bool hasTime = false, hasRating = false;
        for (size_t k = begin; k < end; ++k) {
            hasTime = hasTime || records[k].timestamp != kNoTimestamp;
            hasRating = hasRating || !std::isnan(records[k].rating);
        }
        for (size_t k = begin; k < end; ++k) {
            const Record& r = records[k];
            int32_t& dense = itemMap[r.item];
            if (dense < 0) dense = static_cast<int32_t>(dataset.items.size()), dataset.items.push_back({m_itemIds[r.item], {}, {}, {}});
            user.items.push_back(dense);
            if (hasTime) user.timestamps.push_back(r.timestamp == kNoTimestamp ? 0 : r.timestamp);
            if (hasRating) user.ratings.push_back(r.rating);
        }
        dataset.users.push_back(std::move(user));
        begin = end;
    }

    for (ItemInfo& item : dataset.items) {
        if (auto t = m_titles.find(item.rawId); t != m_titles.end()) item.title = t->second;
        if (auto d = m_descriptions.find(item.rawId); d != m_descriptions.end()) item.description = d->second;
        if (auto a = m_itemAttributes.find(item.rawId); a != m_itemAttributes.end()) {
            item.attributes = a->second;
            std::sort(item.attributes.begin(), item.attributes.end());
        }
    }
    *this = DatasetBuilder();
    if (reportOut) *reportOut = report;
    return dataset;
}

}  // namespace tokenbench::core
