#include "test_data.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <filesystem>
#include <map>
#include <string>
#include <utility>

namespace tokenbench::test {

using namespace tokenbench::core;

double TestRng::normal() {
    const double r = std::sqrt(-2.0 * std::log(uniform()));
    return r * std::cos(6.283185307179586 * uniform());
}

FeatureMatrix randomNormal(int64_t rows, int64_t dim, uint64_t seed) {
    TestRng rng(seed);
    FeatureMatrix m{rows, dim, std::vector<float>(static_cast<size_t>(rows * dim))};
    for (float& v : m.values) v = static_cast<float>(rng.normal());
    return m;
}

FeatureMatrix clusteredFeatures(int clusters, int perCluster, int dim, std::vector<int>* labels, uint64_t seed) {
    TestRng rng(seed);
    std::vector<std::vector<double>> centres(static_cast<size_t>(clusters),
                                             std::vector<double>(static_cast<size_t>(dim)));
    for (auto& centre : centres)
        for (double& v : centre) v = rng.next();
    FeatureMatrix features;
    features.rows = static_cast<int64_t>(clusters) * perCluster;
    features.dim = dim;
    for (int i = 0; i < perCluster; ++i)
        for (int c = 0; c < clusters; ++c) {
            for (int d = 0; d < dim; ++d)
                features.values.push_back(
                    static_cast<float>(centres[static_cast<size_t>(c)][static_cast<size_t>(d)] + 0.05 * rng.next()));
            if (labels) labels->push_back(c);
        }
    return features;
}

FeatureMatrix multiHot(const Dataset& dataset) {
    const auto dim = static_cast<int64_t>(dataset.attributeVocab.size());
    FeatureMatrix m{static_cast<int64_t>(dataset.items.size()), dim,
                    std::vector<float>(dataset.items.size() * static_cast<size_t>(dim))};
    for (size_t i = 0; i < dataset.items.size(); ++i)
        for (const int32_t a : dataset.items[i].attributes)
            m.values[i * static_cast<size_t>(dim) + static_cast<size_t>(a)] = 1.0F;
    return m;
}

namespace {

/// Entropies of both labelings and their mutual information, in nats.
struct Information final {
    double ha = 0.0;
    double hb = 0.0;
    double mi = 0.0;
};

Information information(const std::vector<int32_t>& a, const std::vector<int32_t>& b) {
    const auto n = static_cast<double>(a.size());
    std::map<int32_t, double> pa, pb;
    std::map<std::pair<int32_t, int32_t>, double> pab;
    for (size_t i = 0; i < a.size(); ++i) {
        pa[a[i]] += 1.0 / n;
        pb[b[i]] += 1.0 / n;
        pab[{a[i], b[i]}] += 1.0 / n;
    }
    Information out;
    for (const auto& [_, p] : pa) out.ha -= p * std::log(p);
    for (const auto& [_, p] : pb) out.hb -= p * std::log(p);
    for (const auto& [key, p] : pab) out.mi += p * std::log(p / (pa[key.first] * pb[key.second]));
    return out;
}

}  // namespace

double nmiArithmetic(const std::vector<int32_t>& a, const std::vector<int32_t>& b) {
    const Information i = information(a, b);
    return i.ha + i.hb > 0 ? 2.0 * i.mi / (i.ha + i.hb) : 1.0;
}

double nmiGeometric(const std::vector<int32_t>& a, const std::vector<int32_t>& b) {
    const Information i = information(a, b);
    return i.ha > 0 && i.hb > 0 ? i.mi / std::sqrt(i.ha * i.hb) : 0.0;
}

std::vector<int32_t> levelCodes(const SemanticIds& ids, int32_t level) {
    std::vector<int32_t> out;
    for (int64_t i = 0; i < ids.items; ++i) out.push_back(ids.at(i, level));
    return out;
}

Dataset cyclingDataset(int users, int items, int length) {
    Dataset dataset;
    for (int i = 0; i < items; ++i) dataset.items.push_back(ItemInfo{"i" + std::to_string(i), "", "", {}});
    for (int u = 0; u < users; ++u) {
        UserSequence seq;
        seq.rawId = "u" + std::to_string(u);
        for (int p = 0; p < length; ++p) seq.items.push_back((u * 3 + p * (1 + u % 2)) % items);
        dataset.users.push_back(seq);
    }
    return dataset;
}

SyntheticConfig smallSyntheticConfig(int32_t users, int32_t items, std::vector<int32_t> branching, uint64_t seed) {
    SyntheticConfig config;
    config.seed = seed;
    config.users = users;
    config.items = items;
    config.branching = std::move(branching);
    return config;
}

SyntheticSplit smallSynthetic(int32_t users, int32_t items, std::vector<int32_t> branching, uint64_t seed) {
    SyntheticSplit out;
    out.data = generateSynthetic(smallSyntheticConfig(users, items, std::move(branching), seed));
    out.split = makeSplit(out.data.dataset, SplitConfig{});
    return out;
}

EvalTargets evalTargets(const Dataset& dataset, const DataSplit& split, EvalPhase phase) {
    EvalTargets out;
    for (size_t u = 0; u < dataset.users.size(); ++u) {
        const UserSplit& cut = split.users[u];
        const auto& items = dataset.users[u].items;
        const int32_t position = phase == EvalPhase::Valid ? cut.trainEnd : cut.validEnd;
        const int32_t end = phase == EvalPhase::Valid ? cut.validEnd : static_cast<int32_t>(items.size());
        if (position >= end) continue;
        out.users.push_back(static_cast<int32_t>(u));
        out.items.push_back(items[static_cast<size_t>(position)]);
    }
    return out;
}

RankingMetrics fullRankingMetrics(Recommender& model, const Dataset& dataset, const DataSplit& split, EvalPhase phase,
                                  int k) {
    const EvalTargets targets = evalTargets(dataset, split, phase);
    std::vector<float> scores;
    model.scoreUsers(targets.users, phase, scores);
    const size_t items = dataset.items.size();
    RankingMetrics m;
    for (size_t r = 0; r < targets.users.size(); ++r) {
        const float* row = scores.data() + r * items;
        const int32_t item = targets.items[r];
        const float target = row[static_cast<size_t>(item)];
        int64_t rank = 0;
        for (size_t i = 0; i < items; ++i)
            if (static_cast<int32_t>(i) != item && row[i] >= target) ++rank;
        if (rank < k) {
            m.ndcg += 1.0 / std::log2(static_cast<double>(rank) + 2.0);
            m.recall += 1.0;
        }
    }
    m.users = static_cast<int64_t>(targets.users.size());
    if (m.users > 0) {
        m.ndcg /= static_cast<double>(m.users);
        m.recall /= static_cast<double>(m.users);
    }
    return m;
}

std::unique_ptr<Recommender> preparedModel(const std::string& id, const std::string& config, const TrainingData& data,
                                           uint64_t seed) {
    auto model = createModel(id, config);
    model->prepare(data, seed, "cpu");
    return model;
}

std::unique_ptr<Recommender> popularityBaseline(const TrainingData& data) {
    auto model = preparedModel("popularity", "{}", data, 1);
    model->trainEpoch({}, nullptr);
    return model;
}

bool savedAtomically(const std::string& path) {
    return std::filesystem::exists(path) && !std::filesystem::exists(path + ".tmp");
}

std::vector<std::vector<int32_t>> trainingPrefixes(const Dataset& dataset, const DataSplit& split) {
    std::vector<std::vector<int32_t>> prefixes(dataset.users.size());
    for (size_t u = 0; u < dataset.users.size(); ++u) {
        const auto& items = dataset.users[u].items;
        prefixes[u].assign(items.begin(), items.begin() + std::min<ptrdiff_t>(split.users[u].trainEnd, items.size()));
    }
    return prefixes;
}

}  // namespace tokenbench::test
