#pragma once
/// Deterministic synthetic catalogue and user histories: the embedded demo project and the
/// fixture of every test (no test may depend on downloaded data).

#include <cstdint>
#include <string>
#include <vector>

#include "tokenbench/data/dataset.h"

namespace tokenbench::core {

/// Sizes and behaviour of the generated data set. Every field is a parameter so tests can make
/// small sets quickly; the defaults give the demo project (~5k users, ~2k items).
struct SyntheticConfig final {
    uint64_t seed = 42;
    int32_t users = 5000;
    int32_t items = 2000;
    std::vector<int32_t> branching = {6, 4, 4};  ///< children per node at each level of the category tree
    int32_t brandsPerTopCategory = 5;
    double popularitySkew = 1.0;          ///< Zipf exponent of item popularity within a leaf
    int32_t minSequenceLength = 5;        ///< like a 5-core data set
    double meanSequenceLength = 9.0;
    int32_t preferredTopCategories = 2;   ///< subtrees a user mostly buys from
    double transitionProbability = 0.45;  ///< chance the next item follows the previous one's successors
    double explorationProbability = 0.05; ///< chance of an item from anywhere in the catalogue
};

/// Ground truth the generator knows and real data does not: for checking that tokenizers recover it.
struct SyntheticTruth final {
    std::vector<std::vector<int32_t>> categoryPath;  ///< [item] = node index per tree level
    std::vector<int32_t> topCategory;                ///< [item] = level-1 node index
};

/// Generated data plus its truth.
struct SyntheticData final {
    Dataset dataset;
    SyntheticTruth truth;
};

/// Generates the data set. Same config (seed included) gives identical output on every platform
/// (own integer-based sampling, no std distributions). Any thread. Throws std::invalid_argument
/// on a config out of range (negative sizes, empty or zero branching, probabilities over 1).
[[nodiscard]] SyntheticData generateSynthetic(const SyntheticConfig& config);

}  // namespace tokenbench::core
