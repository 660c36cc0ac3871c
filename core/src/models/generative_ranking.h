#pragma once
// Private: what the generative models (TIGER, SID-GPT) share around the semantic-ID beam search:
// users searched in batches of similar history length, beams turned into ranked lists or scores,
// and the beam counts behind their eval stats. A model supplies only how to decode a batch of users.
// Used on the job's worker thread.

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "models/id_beam_search.h"
#include "models/prefix_trie.h"

namespace tokenbench::core {

/// Receives one user's beams (best first) with the user's row in the caller's list.
using BeamConsumer = std::function<void(size_t row, const std::vector<IdBeam>& beams)>;
/// Beam search for the users at `rows` (indexes into the caller's list): one result per row, in order.
using BatchBeamSearch = std::function<std::vector<std::vector<IdBeam>>(const std::vector<size_t>& rows)>;

/// Beams counted for Recommender::takeEvalStats.
class BeamStats final {
public:
    /// `trie`: the items' tuples, to count beams on tuples shared by several items (none: not counted).
    explicit BeamStats(const PrefixTrie* trie = nullptr) : m_trie(trie) {}
    /// Counts `beams`, found with beam width `width`.
    void add(const std::vector<IdBeam>& beams, int64_t width);
    /// Since the last call: "invalid_rate" (beams that are no item / beams; "invalid_id_rate" is its
    /// earlier name, kept for readers), "duplicate_rate" (beams on a tuple shared by several items /
    /// beams: beams are distinct tuples, so a ranked list repeats a tuple only through such items) and
    /// "beam_size" (the last width); empty when nothing was searched. Resets the counts.
    [[nodiscard]] std::map<std::string, double> take();

private:
    const PrefixTrie* m_trie = nullptr;
    int64_t m_beams = 0;
    int64_t m_invalid = 0;
    int64_t m_shared = 0;
    int64_t m_width = 0;
};

/// Runs `search` over the users whose histories have `historyLengths` (one per row), in batches of
/// similar length (less padding) of about `batchRows` decoder rows (users x `width`) spread over
/// `threads` single-threaded workers (see parallel_batches.h: `search` runs on them, concurrently,
/// in inference mode), then hands each user's beams to `consume` with its row, in batch order on the
/// calling thread, and counts them in `stats`.
void searchByHistoryLength(const std::vector<int64_t>& historyLengths, int64_t width, int64_t batchRows, int threads,
                           const BatchBeamSearch& search, BeamStats& stats, const BeamConsumer& consume);

/// Appends the items of `beams`' real leaves to `list`, best beam first, items sharing a tuple in id
/// order, until `list` holds `count` items.
void appendBeamItems(const PrefixTrie& trie, const std::vector<IdBeam>& beams, int32_t count,
                     std::vector<int32_t>& list);

/// Writes each real beam's log-probability into `scores` (one per catalogue item) at its items;
/// items sharing a tuple step down by one ulp in list order, so scores order as appendBeamItems
/// lists. Other entries are left as they are.
void writeBeamScores(const PrefixTrie& trie, const std::vector<IdBeam>& beams, float* scores);

}  // namespace tokenbench::core
