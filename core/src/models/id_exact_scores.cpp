#include "models/id_exact_scores.h"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include <ATen/ATen.h>

namespace tokenbench::core {

at::Tensor exactLeafScores(IdDecoder& decoder, const PrefixTrie& trie) {
    const int64_t levels = decoder.levels();
    if (trie.levels() != levels)
        throw std::invalid_argument("exact scores: the prefix trie has " + std::to_string(trie.levels()) +
                                    " levels, the model " + std::to_string(levels));
    const int64_t users = decoder.users();
    const at::TensorOptions longCpu = at::TensorOptions().dtype(at::kLong);

    // The trie by depth: the nodes of each depth in order, each with its parent's index in the depth
    // above and the code that leads to it.
    std::vector<std::vector<int64_t>> nodes(static_cast<size_t>(levels + 1));
    std::vector<std::vector<int64_t>> parentIndex(static_cast<size_t>(levels + 1));
    std::vector<std::vector<int64_t>> codes(static_cast<size_t>(levels + 1));
    nodes[0].push_back(PrefixTrie::root());
    for (int64_t d = 0; d < levels; ++d) {
        const auto level = static_cast<size_t>(d);
        const int64_t vocab = decoder.vocab(d);
        for (size_t i = 0; i < nodes[level].size(); ++i) {
            const auto node = static_cast<int32_t>(nodes[level][i]);
            const int32_t* next = trie.nextCodes(node);
            for (int32_t k = 0, n = trie.nextCount(node); k < n; ++k) {
                if (next[k] >= vocab)
                    throw std::invalid_argument("exact scores: code " + std::to_string(next[k]) + " at level " +
                                                std::to_string(d) + " is beyond the model's " + std::to_string(vocab) +
                                                " codes");
                nodes[level + 1].push_back(trie.child(node, next[k]));
                parentIndex[level + 1].push_back(static_cast<int64_t>(i));
                codes[level + 1].push_back(next[k]);
            }
        }
    }

    at::Tensor scores = at::zeros({users, trie.nodeCount()}, at::TensorOptions().dtype(at::kFloat));
    at::Tensor prefixScores;  // users x nodes of the current depth, on the decoder's device
    std::vector<int64_t> previous, parents, flat;
    for (int64_t d = 0; d < levels; ++d) {
        const auto level = static_cast<size_t>(d);
        const auto groups = static_cast<int64_t>(nodes[level].size());
        const auto children = static_cast<int64_t>(nodes[level + 1].size());
        const int64_t vocab = decoder.vocab(d);
        at::Tensor previousCodes;
        if (d > 0) {
            previous.clear();
            for (int64_t u = 0; u < users; ++u) previous.insert(previous.end(), codes[level].begin(), codes[level].end());
            previousCodes = at::from_blob(previous.data(), {users * groups}, longCpu);
        }
        const at::Tensor logProbs = at::log_softmax(decoder.step(previousCodes, groups).to(at::kFloat), -1);
        const at::Device device = logProbs.device();
        // Each child's score: its parent's prefix score plus the log-probability of its code.
        flat.resize(static_cast<size_t>(children));
        for (int64_t i = 0; i < children; ++i)
            flat[static_cast<size_t>(i)] = parentIndex[level + 1][static_cast<size_t>(i)] * vocab + codes[level + 1][static_cast<size_t>(i)];
        const at::Tensor pick = at::from_blob(flat.data(), {children}, longCpu).to(device);
        at::Tensor childScores = logProbs.view({users, groups * vocab}).index_select(1, pick);
        if (d > 0) {
            const at::Tensor parentPick =
                at::from_blob(parentIndex[level + 1].data(), {children}, longCpu).to(device);
            childScores += prefixScores.index_select(1, parentPick);
        }
        const at::Tensor nodeIds = at::from_blob(nodes[level + 1].data(), {children}, longCpu);
        scores.index_copy_(1, nodeIds, childScores.to(at::kCPU));
        prefixScores = childScores;
        if (d + 1 < levels) {
            // The next level's rows: per user, one row per node of depth d + 1, from its parent's row.
            parents.clear();
            for (int64_t u = 0; u < users; ++u)
                for (const int64_t p : parentIndex[level + 1]) parents.push_back(u * groups + p);
            decoder.keepRows(at::from_blob(parents.data(), {users * children}, longCpu).to(device, false, true));
        }
    }
    return scores;
}

std::vector<float> exactItemScores(const at::Tensor& leafScores, const PrefixTrie& trie) {
    const at::Tensor cpu = leafScores.to(at::kCPU, at::kFloat).contiguous();
    const int64_t users = cpu.size(0), nodeCount = cpu.size(1);
    if (nodeCount != trie.nodeCount())
        throw std::invalid_argument("exact scores: " + std::to_string(nodeCount) + " node scores for a trie of " +
                                    std::to_string(trie.nodeCount()) + " nodes");
    const auto items = static_cast<size_t>(trie.items());
    std::vector<float> out(static_cast<size_t>(users) * items, std::numeric_limits<float>::lowest());
    const float* data = cpu.data_ptr<float>();
    for (int32_t node = 0; node < trie.nodeCount(); ++node) {
        const int32_t count = trie.leafCount(node);
        if (count == 0) continue;
        const int32_t* leafItems = trie.leafItems(node);
        for (int64_t u = 0; u < users; ++u) {
            float score = data[u * nodeCount + node];
            float* row = out.data() + static_cast<size_t>(u) * items;
            for (int32_t i = 0; i < count; ++i) {
                row[static_cast<size_t>(leafItems[i])] = score;
                score = std::nextafter(score, std::numeric_limits<float>::lowest());
            }
        }
    }
    return out;
}

}  // namespace tokenbench::core
