#include "tokenizers/graph_propagation.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace tokenbench::core {

namespace {

/// Scales each row of a rows x dim block to unit length (zero rows stay zero).
void normalizeRows(std::vector<double>& values, int64_t rows, int64_t dim) {
    for (int64_t r = 0; r < rows; ++r) {
        double* row = values.data() + r * dim;
        double norm = 0.0;
        for (int64_t d = 0; d < dim; ++d) norm += row[d] * row[d];
        norm = std::sqrt(norm);
        if (norm > 0.0)
            for (int64_t d = 0; d < dim; ++d) row[d] /= norm;
    }
}

}  // namespace

InteractionGraph interactionGraph(const TrainingInteractions& interactions, int64_t items) {
    InteractionGraph graph;
    graph.usersOfItem.resize(static_cast<size_t>(items));
    graph.popularity.assign(static_cast<size_t>(items), 0);
    graph.users = static_cast<int64_t>(interactions.sequences.size());
    for (size_t u = 0; u < interactions.sequences.size(); ++u) {
        for (const int32_t item : interactions.sequences[u]) {
            if (item < 0 || item >= items)
                throw std::invalid_argument("interaction graph: item index " + std::to_string(item) + " outside [0, " +
                                            std::to_string(items) + ")");
            ++graph.popularity[static_cast<size_t>(item)];
            auto& users = graph.usersOfItem[static_cast<size_t>(item)];
            // Users are visited in ascending order, so a repeat is always the last entry.
            if (users.empty() || users.back() != static_cast<int32_t>(u)) users.push_back(static_cast<int32_t>(u));
        }
    }
    return graph;
}

FeatureMatrix propagateFeatures(const FeatureMatrix& features, const InteractionGraph& graph,
                                const PropagationOptions& options) {
    const int64_t rows = features.rows;
    const int64_t dim = features.dim;
    std::vector<double> content(features.values.begin(), features.values.end());
    normalizeRows(content, rows, dim);
    // Rows beyond the graph (or a matrix of other items altogether) have no neighbours.
    const int64_t items = rows == static_cast<int64_t>(graph.usersOfItem.size()) ? rows : 0;

    std::vector<double> neighbourhood = content;
    if (items > 0 && options.hops > 0 && options.mix > 0.0) {
        std::vector<int32_t> userDegree(static_cast<size_t>(graph.users), 0);
        for (const auto& users : graph.usersOfItem)
            for (const int32_t u : users) ++userDegree[static_cast<size_t>(u)];
        std::vector<double> itemLayer = content;
        std::vector<double> layerSum(content.size(), 0.0);
        std::vector<double> userLayer(static_cast<size_t>(graph.users * dim));
        for (int hop = 0; hop < options.hops; ++hop) {
            std::fill(userLayer.begin(), userLayer.end(), 0.0);
            for (int64_t i = 0; i < items; ++i) {
                const auto& users = graph.usersOfItem[static_cast<size_t>(i)];
                const double itemDegree = static_cast<double>(users.size());
                for (const int32_t u : users) {
                    const double w = 1.0 / std::sqrt(itemDegree * userDegree[static_cast<size_t>(u)]);
                    double* target = userLayer.data() + static_cast<int64_t>(u) * dim;
                    const double* source = itemLayer.data() + i * dim;
                    for (int64_t d = 0; d < dim; ++d) target[d] += w * source[d];
                }
            }
            for (int64_t i = 0; i < items; ++i) {
                const auto& users = graph.usersOfItem[static_cast<size_t>(i)];
                double* target = itemLayer.data() + i * dim;
                std::fill(target, target + dim, 0.0);
                const double itemDegree = static_cast<double>(users.size());
                for (const int32_t u : users) {
                    const double w = 1.0 / std::sqrt(itemDegree * userDegree[static_cast<size_t>(u)]);
                    const double* source = userLayer.data() + static_cast<int64_t>(u) * dim;
                    for (int64_t d = 0; d < dim; ++d) target[d] += w * source[d];
                }
            }
            for (size_t k = 0; k < layerSum.size(); ++k) layerSum[k] += itemLayer[k];
        }
        // LightGCN's layer combination: the mean of the propagated layers (hop 0 enters through mix).
        for (int64_t i = 0; i < items; ++i) {
            if (graph.usersOfItem[static_cast<size_t>(i)].empty()) continue;  // keeps its content
            for (int64_t d = 0; d < dim; ++d) neighbourhood[i * dim + d] = layerSum[i * dim + d] / options.hops;
        }
        normalizeRows(neighbourhood, rows, dim);
    }

    FeatureMatrix out;
    out.rows = rows;
    out.dim = dim;
    out.values.resize(content.size());
    for (size_t k = 0; k < content.size(); ++k)
        out.values[k] = static_cast<float>((1.0 - options.mix) * content[k] + options.mix * neighbourhood[k]);
    return out;
}

}  // namespace tokenbench::core
