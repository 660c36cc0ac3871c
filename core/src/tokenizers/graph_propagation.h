#pragma once
// Private: item features propagated over the user-item graph of the training interactions (LightGCN's
// normalised propagation, He et al. SIGIR 2020, as the content-collaborative fusion of graph RQ-VAE
// tokenizers such as MMGRec). Plain C++; any thread.

#include <cstdint>
#include <vector>

#include "tokenbench/features/feature_matrix.h"
#include "tokenbench/tokenizers/tokenizer.h"

namespace tokenbench::core {

/// The bipartite graph: which distinct users interacted with each item, and how often each item was
/// interacted with (its training popularity, repeats counted).
struct InteractionGraph final {
    std::vector<std::vector<int32_t>> usersOfItem;  ///< per item: distinct users, ascending
    std::vector<int32_t> popularity;                ///< per item: training interactions
    int64_t users = 0;
};

/// The graph of `interactions` over `items` items. Throws std::invalid_argument for an item index
/// outside [0, items).
[[nodiscard]] InteractionGraph interactionGraph(const TrainingInteractions& interactions, int64_t items);

/// How far and how strongly the content is mixed with its neighbourhood.
struct PropagationOptions final {
    int hops = 2;       ///< item -> user -> item rounds
    double mix = 0.5;   ///< share of the propagated direction in the result
};

/// Row i: (1 - mix) * unit(x_i) + mix * unit(g_i), where g_i is the mean over hops 1..K of the item
/// representation after k item -> user -> item rounds of e_u = sum_i e_i / sqrt(|N(u)| |N(i)|),
/// e_i = sum_u e_u / sqrt(|N(i)| |N(u)|), from e^0 = unit(x). An item without training interactions
/// (or a row beyond the graph's items) keeps its content: g_i = unit(x_i). `features` has one row per
/// graph item, or any other number of rows for items outside the graph (all kept as content).
[[nodiscard]] FeatureMatrix propagateFeatures(const FeatureMatrix& features, const InteractionGraph& graph,
                                              const PropagationOptions& options);

}  // namespace tokenbench::core
