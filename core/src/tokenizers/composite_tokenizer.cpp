// Several tokenizer runs as one ID (e.g. text + collaborative): each item's codes are the levels of
// the first run, then those of the second, and so on. The runs' collision levels are dropped, so the
// job resolves collisions on the whole tuple as for any other method. Nothing is fitted; the runs'
// IDs come through the fit context, so this file never touches the store.
#include <cstring>
#include <algorithm>
#include <filesystem>
#include <limits>
#include <set>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "common/json_file.h"
#include "tokenbench/cancellation.h"
#include "tokenbench/data/data_error.h"
#include "tokenbench/io/safetensors.h"
#include "tokenizers/builtin_tokenizers.h"
#include "tokenizers/stored_codes.h"

namespace tokenbench::core {

namespace {

using nlohmann::json;

constexpr const char* kCompositeId = "composite";

/// "3,5" or "3, 5" -> {3, 5}; throws std::invalid_argument naming the bad part.
std::vector<int64_t> parseRunIds(const std::string& text) {
    std::vector<int64_t> ids;
    std::set<int64_t> seen;
    size_t begin = 0;
    while (begin <= text.size()) {
        const size_t end = std::min(text.find(',', begin), text.size());
        std::string part = text.substr(begin, end - begin);
        part.erase(0, part.find_first_not_of(' '));
        part.erase(part.find_last_not_of(' ') + 1);
        size_t used = 0;
        long long id = 0;
        try {
            id = std::stoll(part, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        if (part.empty() || used != part.size() || id <= 0)
            throw std::invalid_argument("composite: '" + part + "' in runs '" + text +
                                        "' is not a tokenizer run id (give ids joined by commas, e.g. 3,5)");
        if (!seen.insert(id).second) throw std::invalid_argument("composite: run " + part + " is named twice in runs '" + text + "'");
        ids.push_back(id);
        begin = end + 1;
    }
    return ids;
}

class CompositeTokenizer final : public Tokenizer {
public:
    explicit CompositeTokenizer(const std::string& configJson) {
        m_config = json::parse(validateConfig(compositeInfo(), configJson));
    }

    [[nodiscard]] std::string id() const override { return kCompositeId; }
    [[nodiscard]] int32_t levels() const override { return m_ids.levels; }
    [[nodiscard]] int32_t codebookSize() const override { return m_codebookSize; }

    void fit(const FeatureMatrix& features, const FitContext& context) override {
        throwIfCancelled(context.cancel);
        const std::string text = m_config.at("runs").get<std::string>();
        if (text.empty()) throw std::invalid_argument("composite: give the tokenizer runs to join (parameter 'runs', e.g. 3,5)");
        const std::vector<int64_t> runs = parseRunIds(text);
        if (runs.size() < 2) throw std::invalid_argument("composite: give at least two tokenizer runs to join (runs '" + text + "')");
        if (!context.tokenizerRunIds)
            throw std::invalid_argument("composite: the fit context offers no stored tokenizer runs to read");
        std::vector<StoredTokenizerIds> parts;
        for (size_t k = 0; k < runs.size(); ++k) {
            throwIfCancelled(context.cancel);
            parts.push_back(context.tokenizerRunIds(runs[k]));
            const SemanticIds& ids = parts.back().ids;
            const int64_t expected = context.interactions && context.interactions->items
                                         ? static_cast<int64_t>(context.interactions->items->size())
                                         : parts.front().ids.items;
            if (ids.items != expected || ids.levels < 1)
                throw std::invalid_argument("composite: run " + std::to_string(runs[k]) + " has " + std::to_string(ids.items) +
                                            " IDs, the catalogue " + std::to_string(expected) + " items");
            if (context.progress)
                context.progress(static_cast<double>(k + 1) / static_cast<double>(runs.size()),
                                 "read run " + std::to_string(runs[k]) + " (" + parts.back().method + ")");
        }
        throwIfCancelled(context.cancel);
        SemanticIds joined;
        joined.items = parts.front().ids.items;
        for (const StoredTokenizerIds& part : parts) {
            joined.levels += part.ids.levels;
            m_codebookSize = std::max(m_codebookSize, part.codebookSize);
        }
        joined.codes.reserve(static_cast<size_t>(joined.items * joined.levels));
        for (int64_t i = 0; i < joined.items; ++i)
            for (const StoredTokenizerIds& part : parts)
                joined.codes.insert(joined.codes.end(), part.ids.row(i), part.ids.row(i) + part.ids.levels);
        m_ids = std::move(joined);
        m_inputDim = features.dim;
        if (context.health) context.health(0, m_ids, std::numeric_limits<double>::quiet_NaN());
    }

    [[nodiscard]] SemanticIds encode(const FeatureMatrix& features) const override {
        if (m_ids.items == 0) throw std::logic_error("composite: not fitted (call fit() or loadState() first)");
        // The IDs belong to the catalogue the runs tokenized; there is nothing to encode new items with.
        if (features.rows > 0 && features.rows != m_ids.items)
            throw std::invalid_argument("composite: holds the IDs of " + std::to_string(m_ids.items) +
                                        " catalogue items and cannot encode " + std::to_string(features.rows) + " others");
        return m_ids;
    }

    [[nodiscard]] FeatureMatrix lastLevelDistances(const FeatureMatrix& features) const override {
        (void)features;
        return {};
    }

    void save(const std::string& directory) const override {
        saveStoredCodes(directory, kCompositeId, compositeInfo().version, m_config, {m_ids, m_codebookSize, m_inputDim});
    }

    void loadState(const std::string& directory) override {
        StoredCodes stored = loadStoredCodes(directory);
        m_ids = std::move(stored.ids);
        m_codebookSize = stored.codebookSize;
        m_inputDim = stored.inputDim;
    }

private:
    json m_config;
    SemanticIds m_ids;
    int32_t m_codebookSize = 0;
    int64_t m_inputDim = 0;
};

}  // namespace

ComponentInfo compositeInfo() {
    ComponentInfo info = tokenizerInfo(kCompositeId, 1, "Composite of runs",
        "Joins the semantic IDs of several finished tokenizer runs of the same data set into one ID (e.g. a "
        "text run and a collaborative run): an item's codes are the levels of the first run, then those of the "
        "next. The runs' own collision levels are dropped and collisions are resolved on the whole tuple. "
        "Nothing is fitted and no feature is used.");
    info.needsFeatures = false;
    info.trainsInSteps = false;  // every level read at once
    info.params = {
        {"runs", "Tokenizer runs", ParamType::String, "", {}, {}, {},
         "Ids of the tokenizer runs to join, in level order, separated by commas (e.g. 3,5)."},
    };
    return info;
}

std::unique_ptr<Tokenizer> makeCompositeTokenizer(const std::string& configJson) {
    return std::make_unique<CompositeTokenizer>(configJson);
}

}  // namespace tokenbench::core
