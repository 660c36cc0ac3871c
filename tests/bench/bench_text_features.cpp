// Benchmark of the text featurizer on MovieLens-100K titles: do TF-IDF + SVD features of titles alone
// put movies of the same genre closer than random movies? Not a CTest test; run by hand:
//   bench_text_features [path/to/ml-100k.item] [--svd-timing]
// Without a path it reads $TOKENBENCH_DATA/ml-100k/ml-100k.item; prints why it skipped and exits 0
// when the file is absent.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "common/seeded_random.h"
#include "tokenbench/data/dataset.h"
#include "tokenbench/features/featurizers.h"

namespace {

using tokenbench::core::Dataset;
using tokenbench::core::FeatureMatrix;
using tokenbench::core::splitmix64;

constexpr int64_t kSampledPairs = 200000;
constexpr uint64_t kSeed = 20240601;

size_t below(uint64_t& state, size_t n) {
    return static_cast<size_t>(splitmix64(state) % n);
}

std::vector<std::string> split(const std::string& line, char delimiter) {
    std::vector<std::string> out;
    std::stringstream stream(line);
    std::string field;
    while (std::getline(stream, field, delimiter)) out.push_back(field);
    if (!line.empty() && line.back() == delimiter) out.emplace_back();
    return out;
}

/// Reads the RecBole-style atomic item file: item_id, movie_title, release_year, class (genres).
bool loadItems(const std::string& path, Dataset& dataset) {
    std::ifstream in(path);
    if (!in) return false;
    std::string line;
    if (!std::getline(in, line)) return false;
    const std::vector<std::string> header = split(line, '\t');
    int idColumn = -1, titleColumn = -1, genreColumn = -1;
    for (size_t c = 0; c < header.size(); ++c) {
        const std::string name = header[c].substr(0, header[c].find(':'));
        if (name == "item_id") idColumn = static_cast<int>(c);
        if (name == "movie_title") titleColumn = static_cast<int>(c);
        if (name == "class") genreColumn = static_cast<int>(c);
    }
    if (idColumn < 0 || titleColumn < 0 || genreColumn < 0) return false;
    std::map<std::string, int32_t> genreIndex;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty()) continue;
        const std::vector<std::string> fields = split(line, '\t');
        tokenbench::core::ItemInfo item;
        const auto at = [&](int c) {
            return c < static_cast<int>(fields.size()) ? fields[static_cast<size_t>(c)] : std::string();
        };
        item.rawId = at(idColumn);
        item.title = at(titleColumn);
        std::stringstream genres(at(genreColumn));
        std::string genre;
        while (genres >> genre) {
            const auto [it, inserted] = genreIndex.emplace(genre, static_cast<int32_t>(dataset.attributeVocab.size()));
            if (inserted) dataset.attributeVocab.push_back({"genre", genre});
            item.attributes.push_back(it->second);
        }
        std::sort(item.attributes.begin(), item.attributes.end());
        item.attributes.erase(std::unique(item.attributes.begin(), item.attributes.end()), item.attributes.end());
        dataset.items.push_back(std::move(item));
    }
    return !dataset.items.empty();
}

double norm(const FeatureMatrix& m, int64_t i) {
    double s = 0;
    for (int64_t d = 0; d < m.dim; ++d) s += static_cast<double>(m.row(i)[d]) * m.row(i)[d];
    return std::sqrt(s);
}

double seconds(std::chrono::steady_clock::time_point since) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

/// Randomized SVD timings on random sparse matrices of the sizes featurizers meet.
void svdTiming() {
    const std::vector<std::pair<int64_t, int64_t>> shapes = {{12000, 1000}, {12000, 50000}};
    for (const auto& [rows, cols] : shapes) {
        tokenbench::core::SparseMatrix m;
        m.rows = rows;
        m.cols = cols;
        m.rowStart.push_back(0);
        uint64_t state = kSeed;
        const int64_t perRow = 80;  // ~1M nonzeros
        for (int64_t r = 0; r < rows; ++r) {
            std::vector<int32_t> columns;
            for (int64_t k = 0; k < perRow; ++k)
                columns.push_back(static_cast<int32_t>(below(state, static_cast<size_t>(cols))));
            std::sort(columns.begin(), columns.end());
            columns.erase(std::unique(columns.begin(), columns.end()), columns.end());
            for (int32_t c : columns) {
                m.colIndex.push_back(c);
                m.values.push_back(static_cast<float>(splitmix64(state) >> 40) / 16777216.0f);
            }
            m.rowStart.push_back(static_cast<int64_t>(m.colIndex.size()));
        }
        const auto start = std::chrono::steady_clock::now();
        const FeatureMatrix u = tokenbench::core::truncatedSvd(m, 64, 0);
        std::printf("svd %lld x %lld, %zu nonzeros, k=64, oversample 10, 4 power iterations: %.3f s (dim %lld)\n",
                    static_cast<long long>(rows), static_cast<long long>(cols), m.values.size(), seconds(start),
                    static_cast<long long>(u.dim));
    }
}

}  // namespace

int main(int argc, char** argv) {
    const char* dataDir = std::getenv("TOKENBENCH_DATA");
    std::string path = dataDir ? std::string(dataDir) + "/ml-100k/ml-100k.item" : std::string();
    bool timing = false;
    for (int a = 1; a < argc; ++a) {
        const std::string arg = argv[a];
        if (arg == "--svd-timing")
            timing = true;
        else
            path = arg;
    }
    if (timing) svdTiming();

    Dataset dataset;
    if (!loadItems(path, dataset)) {
        std::printf("skipped: ml-100k.item not found at '%s' (pass its path or set TOKENBENCH_DATA to the folder "
                    "holding ml-100k/)\n", path.c_str());
        return 0;
    }
    tokenbench::core::FeatureSpec spec;
    spec.kinds = {"text"};
    spec.textFields = {"title"};
    spec.dim = 64;
    const auto start = std::chrono::steady_clock::now();
    const FeatureMatrix features = tokenbench::core::textFeatures(dataset, spec);
    const double elapsed = seconds(start);

    const auto n = static_cast<int64_t>(dataset.items.size());
    std::vector<double> norms(static_cast<size_t>(n));
    int64_t zeroRows = 0;
    for (int64_t i = 0; i < n; ++i) {
        norms[static_cast<size_t>(i)] = norm(features, i);
        zeroRows += norms[static_cast<size_t>(i)] == 0;
    }
    auto cosine = [&](int64_t a, int64_t b) {
        double dot = 0;
        for (int64_t d = 0; d < features.dim; ++d) dot += static_cast<double>(features.row(a)[d]) * features.row(b)[d];
        return dot / (norms[static_cast<size_t>(a)] * norms[static_cast<size_t>(b)]);
    };
    // Items with features, and the featured members of every genre.
    std::vector<int64_t> featured;
    std::vector<std::vector<int64_t>> members(dataset.attributeVocab.size());
    for (int64_t i = 0; i < n; ++i) {
        if (norms[static_cast<size_t>(i)] == 0) continue;
        featured.push_back(i);
        for (int32_t g : dataset.items[static_cast<size_t>(i)].attributes) members[static_cast<size_t>(g)].push_back(i);
    }

    if (featured.size() < 2) {
        std::printf("fewer than two items with title features, nothing to compare\n");
        return 0;
    }
    // Same-genre pairs: a random featured item, one of its genres, another featured item of that genre.
    uint64_t state = kSeed;
    double same = 0, random = 0;
    int64_t sameCount = 0, randomCount = 0;
    for (int64_t attempt = 0; sameCount < kSampledPairs && attempt < 100 * kSampledPairs; ++attempt) {
        const int64_t a = featured[below(state, featured.size())];
        const auto& genres = dataset.items[static_cast<size_t>(a)].attributes;
        if (genres.empty()) continue;
        const auto& pool = members[static_cast<size_t>(genres[below(state, genres.size())])];
        if (pool.size() < 2) continue;
        const int64_t b = pool[below(state, pool.size())];
        if (b == a) continue;
        same += cosine(a, b), ++sameCount;
    }
    while (randomCount < kSampledPairs) {
        const int64_t a = featured[below(state, featured.size())];
        const int64_t b = featured[below(state, featured.size())];
        if (a == b) continue;
        random += cosine(a, b), ++randomCount;
    }
    same /= static_cast<double>(std::max<int64_t>(1, sameCount));
    random /= static_cast<double>(randomCount);

    // Exact figures over all pairs, cheap at this size.
    double allShared = 0, allPairs = 0;
    int64_t sharedCount = 0, pairCount = 0;
    for (size_t x = 0; x < featured.size(); ++x) {
        const auto& ga = dataset.items[static_cast<size_t>(featured[x])].attributes;
        for (size_t y = x + 1; y < featured.size(); ++y) {
            const auto& gb = dataset.items[static_cast<size_t>(featured[y])].attributes;
            const double c = cosine(featured[x], featured[y]);
            allPairs += c, ++pairCount;
            bool shares = false;
            for (int32_t g : ga) shares = shares || std::binary_search(gb.begin(), gb.end(), g);
            if (shares) allShared += c, ++sharedCount;
        }
    }

    std::printf("ml-100k: %lld items, %zu genres; text features from titles only: %lld x %lld in %.3f s\n",
                static_cast<long long>(n), dataset.attributeVocab.size(), static_cast<long long>(features.rows),
                static_cast<long long>(features.dim), elapsed);
    std::printf("items with no in-vocabulary title term (zero rows, left out of pairs): %lld\n",
                static_cast<long long>(zeroRows));
    std::printf("sampled %lld pairs each (seed %llu): same-genre mean cosine %.4f, random %.4f, ratio %.2f\n",
                static_cast<long long>(kSampledPairs), static_cast<unsigned long long>(kSeed), same, random,
                random != 0 ? same / random : 0.0);
    std::printf("all %lld pairs: sharing a genre (%lld) %.4f, any %.4f, ratio %.2f\n",
                static_cast<long long>(pairCount), static_cast<long long>(sharedCount),
                allShared / static_cast<double>(std::max<int64_t>(1, sharedCount)),
                allPairs / static_cast<double>(std::max<int64_t>(1, pairCount)),
                allPairs != 0 ? (allShared / static_cast<double>(std::max<int64_t>(1, sharedCount))) /
                                    (allPairs / static_cast<double>(pairCount))
                              : 0.0);
    return 0;
}
