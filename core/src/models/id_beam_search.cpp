#include "models/id_beam_search.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include <ATen/ATen.h>

namespace tokenbench::core {

std::vector<std::vector<IdBeam>> idBeamSearch(IdDecoder& decoder, const PrefixTrie& trie, int64_t width,
                                              bool constrained) {
    if (width < 1) throw std::invalid_argument("beam search: beam width must be at least 1");
    if (trie.levels() != decoder.levels())
        throw std::invalid_argument("beam search: the prefix trie has " + std::to_string(trie.levels()) +
                                    " levels, the model " + std::to_string(decoder.levels()));
    constexpr float kNegInf = -std::numeric_limits<float>::infinity();
    const int64_t users = decoder.users();
    const int64_t levels = decoder.levels();
    const at::TensorOptions longCpu = at::TensorOptions().dtype(at::kLong);

    int64_t groups = 1;  // live rows per user; row = user * groups + g
    std::vector<int32_t> nodes(static_cast<size_t>(users), PrefixTrie::root());
    std::vector<float> cumulative(static_cast<size_t>(users), 0.0f);
    std::vector<int32_t> prefixes;                               // rows x step codes
    std::vector<int64_t> previous;                               // rows: each row's last code
    std::vector<int32_t> nextNodes, nextPrefixes;
    std::vector<float> nextCumulative;
    std::vector<int64_t> parents;

    for (int64_t step = 0; step < levels; ++step) {
        const int64_t vocab = decoder.vocab(step);
        const int64_t rows = users * groups;
        const at::Tensor previousCodes = step == 0 ? at::Tensor() : at::from_blob(previous.data(), {rows}, longCpu);
        const at::Tensor logProbs = at::log_softmax(decoder.step(previousCodes, groups).to(at::kFloat), -1);
        const at::Device device = logProbs.device();

        // What each candidate adds to its row's score so far: the row's cumulative log-probability,
        // or -inf where the trie allows no such continuation (and for dead rows).
        at::Tensor base = at::empty({rows, vocab}, at::TensorOptions().dtype(at::kFloat));
        float* baseData = base.data_ptr<float>();
        for (int64_t r = 0; r < rows; ++r) {
            float* row = baseData + r * vocab;
            const float score = cumulative[static_cast<size_t>(r)];
            if (!constrained || !std::isfinite(score)) {
                std::fill(row, row + vocab, score);
                continue;
            }
            std::fill(row, row + vocab, kNegInf);
            const int32_t node = nodes[static_cast<size_t>(r)];
            if (node == PrefixTrie::kNone) continue;
            const int32_t* codes = trie.nextCodes(node);
            for (int32_t i = 0, n = trie.nextCount(node); i < n; ++i)
                if (codes[i] < vocab) row[codes[i]] = score;
        }
        const at::Tensor total = (logProbs + base.to(device)).view({users, groups * vocab});
        const int64_t keep = std::min<int64_t>(width, groups * vocab);
        const std::tuple<at::Tensor, at::Tensor> best = at::topk(total, keep, 1, /*largest=*/true, /*sorted=*/true);
        const at::Tensor values = std::get<0>(best).to(at::kCPU).contiguous();
        const at::Tensor indices = std::get<1>(best).to(at::kCPU, at::kLong).contiguous();
        const float* valueData = values.data_ptr<float>();
        const int64_t* indexData = indices.data_ptr<int64_t>();

        const int64_t nextRows = users * keep;
        nextNodes.assign(static_cast<size_t>(nextRows), PrefixTrie::kNone);
        nextCumulative.assign(static_cast<size_t>(nextRows), kNegInf);
        nextPrefixes.assign(static_cast<size_t>(nextRows * (step + 1)), 0);
        parents.assign(static_cast<size_t>(nextRows), 0);
        previous.assign(static_cast<size_t>(nextRows), 0);
        for (int64_t u = 0; u < users; ++u) {
            for (int64_t j = 0; j < keep; ++j) {
                const int64_t at = u * keep + j;
                const int64_t flat = indexData[at];
                const int64_t parent = u * groups + flat / vocab;
                const auto code = static_cast<int32_t>(flat % vocab);
                const float score = valueData[at];
                parents[static_cast<size_t>(at)] = parent;
                previous[static_cast<size_t>(at)] = code;
                std::copy_n(prefixes.begin() + parent * step, step, nextPrefixes.begin() + at * (step + 1));
                nextPrefixes[static_cast<size_t>(at * (step + 1) + step)] = code;
                if (!std::isfinite(score)) continue;  // fewer valid continuations than beams: a dead row
                nextCumulative[static_cast<size_t>(at)] = score;
                nextNodes[static_cast<size_t>(at)] = trie.child(nodes[static_cast<size_t>(parent)], code);
            }
        }
        if (step + 1 < levels)
            decoder.keepRows(at::from_blob(parents.data(), {nextRows}, longCpu).to(device, false, true));
        nodes.swap(nextNodes);
        cumulative.swap(nextCumulative);
        prefixes.swap(nextPrefixes);
        groups = keep;
    }

    std::vector<std::vector<IdBeam>> out(static_cast<size_t>(users));
    for (int64_t u = 0; u < users; ++u) {
        for (int64_t j = 0; j < groups; ++j) {
            const int64_t r = u * groups + j;
            if (!std::isfinite(cumulative[static_cast<size_t>(r)])) continue;
            IdBeam beam;
            beam.codes.assign(prefixes.begin() + r * levels, prefixes.begin() + (r + 1) * levels);
            beam.logProb = cumulative[static_cast<size_t>(r)];
            const int32_t node = nodes[static_cast<size_t>(r)];
            beam.leaf = node != PrefixTrie::kNone && trie.depth(node) == levels && trie.leafCount(node) > 0
                            ? node
                            : PrefixTrie::kNone;
            out[static_cast<size_t>(u)].push_back(std::move(beam));
        }
    }
    return out;
}

}  // namespace tokenbench::core
