// The popularity baseline: every user gets the same scores, the items' training interaction counts.
// No parameters and nothing to learn; trainEpoch counts once and reports loss 0.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/builtin_models.h"
#include "tokenbench/cancellation.h"
#include "tokenbench/data/data_error.h"
#include "common/json_file.h"
#include "tokenbench/io/safetensors.h"

namespace tokenbench::core {

namespace {

using nlohmann::json;

constexpr const char* kPopularityId = "popularity";

class PopularityModel final : public Recommender {
public:
    [[nodiscard]] std::string id() const override { return kPopularityId; }

    void prepare(const TrainingData& data, uint64_t /*seed*/, const std::string& /*device*/) override {
        if (!data.dataset || !data.split) throw std::invalid_argument("popularity: no data set or split");
        if (data.split->users.size() != data.dataset->users.size())
            throw std::invalid_argument("popularity: the split does not belong to the data set");
        m_data = data;
        m_counts.clear();
    }

    EpochReport trainEpoch(const std::function<void(int64_t, double)>& onStep,
                           const std::atomic<bool>* cancel) override {
        throwIfCancelled(cancel);
        ensureCounts();
        if (onStep) onStep(1, 0.0);
        EpochReport report;
        report.steps = 1;
        report.samples = static_cast<int64_t>(m_data.dataset->users.size());
        return report;
    }

    void scoreUsers(const std::vector<int32_t>& users, EvalPhase /*phase*/, std::vector<float>& out) override {
        ensureCounts();
        const size_t items = m_counts.size();
        out.resize(users.size() * items);
        for (size_t u = 0; u < users.size(); ++u) {
            if (users[u] < 0 || static_cast<size_t>(users[u]) >= m_data.dataset->users.size())
                throw std::out_of_range("popularity: user " + std::to_string(users[u]) + " out of range");
            for (size_t i = 0; i < items; ++i) out[u * items + i] = static_cast<float>(m_counts[i]);
        }
    }

    void save(const std::string& path) const override {
        json state;
        state["id"] = kPopularityId;
        state["counts"] = m_counts;
        writeTextFileAtomically(path, state.dump() + "\n");
    }

    void load(const std::string& path) override {
        std::ifstream in(path, std::ios::binary);
        if (!in) throw DataError(path, "cannot read the checkpoint");
        std::stringstream text;
        text << in.rdbuf();
        try {
            const json state = json::parse(text.str());
            if (state.value("id", std::string()) != kPopularityId)
                throw DataError(path, "not a popularity checkpoint");
            m_counts = state.at("counts").get<std::vector<int64_t>>();
        } catch (const json::exception& e) {
            throw DataError(path, std::string("malformed popularity checkpoint: ") + e.what());
        }
        if (m_data.dataset && m_counts.size() != m_data.dataset->items.size())
            throw DataError(path, "checkpoint has " + std::to_string(m_counts.size()) + " items, the data set " +
                                      std::to_string(m_data.dataset->items.size()));
    }

    void exportModel(const std::string& dir) const override {
        if (!m_data.dataset) throw std::logic_error("popularity: used before prepare()");
        const std::vector<int64_t> counts =
            m_counts.empty() ? trainingItemCounts(*m_data.dataset, *m_data.split) : m_counts;
        std::vector<float> scores(counts.begin(), counts.end());
        std::filesystem::create_directories(dir);
        const std::filesystem::path root(dir);
        writeSafetensors((root / "weights.safetensors").string(),
                         {TensorData::fromFloats("scores", {static_cast<int64_t>(scores.size())}, scores)});
        const json config = {{"model", kPopularityId},
                             {"format", "tokenbench-model-export/1"},
                             {"weights", "weights.safetensors"},
                             {"items", scores.size()},
                             {"tensors", {{"scores", {scores.size()}}}},
                             {"usage", "score of dense item i = scores[i] (training interactions)"}};
        writeJsonFile((root / "config.json").string(), config);
    }

    [[nodiscard]] std::vector<AttentionMap> attention(const std::vector<int32_t>& /*history*/) override { return {}; }

private:
    void ensureCounts() {
        if (!m_data.dataset) throw std::logic_error("popularity: used before prepare()");
        if (m_counts.empty()) m_counts = trainingItemCounts(*m_data.dataset, *m_data.split);
    }

    TrainingData m_data;
    std::vector<int64_t> m_counts;
};

}  // namespace

ComponentInfo popularityInfo() {
    return modelInfo(kPopularityId, 1, "Popularity",
                     "Recommends the items with the most training interactions to everyone: the baseline.");
}

std::unique_ptr<Recommender> makePopularity(const std::string& /*configJson*/) {
    return std::make_unique<PopularityModel>();
}

}  // namespace tokenbench::core
