#include "models/generative_ranking.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "models/parallel_batches.h"

namespace tokenbench::core {

void BeamStats::add(const std::vector<IdBeam>& beams, int64_t width) {
    for (const IdBeam& beam : beams) {
        ++m_beams;
        if (beam.leaf == PrefixTrie::kNone) ++m_invalid;
        else if (m_trie && m_trie->leafCount(beam.leaf) > 1) ++m_shared;
    }
    m_width = width;
}

std::map<std::string, double> BeamStats::take() {
    std::map<std::string, double> stats;
    if (m_beams == 0) return stats;
    const auto beams = static_cast<double>(m_beams);
    stats["invalid_rate"] = static_cast<double>(m_invalid) / beams;
    stats["invalid_id_rate"] = stats["invalid_rate"];
    if (m_trie) stats["duplicate_rate"] = static_cast<double>(m_shared) / beams;
    stats["beam_size"] = static_cast<double>(m_width);
    m_beams = m_invalid = m_shared = m_width = 0;
    return stats;
}

void searchByHistoryLength(const std::vector<int64_t>& historyLengths, int64_t width, int64_t batchRows, int threads,
                           const BatchBeamSearch& search, BeamStats& stats, const BeamConsumer& consume) {
    const std::vector<std::vector<size_t>> batches =
        lengthSortedBatches(historyLengths, static_cast<size_t>(std::max<int64_t>(1, batchRows / std::max<int64_t>(1, width))));
    std::vector<std::vector<std::vector<IdBeam>>> beams(batches.size());
    forEachBatchInParallel(batches.size(), threads, [&](size_t b) { beams[b] = search(batches[b]); });
    for (size_t b = 0; b < batches.size(); ++b) {
        for (size_t r = 0; r < batches[b].size(); ++r) {
            stats.add(beams[b][r], width);
            consume(batches[b][r], beams[b][r]);
        }
    }
}

void appendBeamItems(const PrefixTrie& trie, const std::vector<IdBeam>& beams, int32_t count,
                     std::vector<int32_t>& list) {
    for (const IdBeam& beam : beams) {
        if (beam.leaf == PrefixTrie::kNone) continue;
        const int32_t* items = trie.leafItems(beam.leaf);
        for (int32_t i = 0, n = trie.leafCount(beam.leaf); i < n; ++i) {
            if (static_cast<int32_t>(list.size()) >= count) return;
            list.push_back(items[i]);
        }
    }
}

void writeBeamScores(const PrefixTrie& trie, const std::vector<IdBeam>& beams, float* scores) {
    for (const IdBeam& beam : beams) {
        if (beam.leaf == PrefixTrie::kNone) continue;
        const int32_t* items = trie.leafItems(beam.leaf);
        float score = beam.logProb;
        for (int32_t i = 0, n = trie.leafCount(beam.leaf); i < n; ++i) {
            scores[static_cast<size_t>(items[i])] = score;
            score = std::nextafter(score, std::numeric_limits<float>::lowest());
        }
    }
}

}  // namespace tokenbench::core
