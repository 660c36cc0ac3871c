#pragma once
// Private: decoding of generative recommenders. A beam search over the semantic-ID levels for a batch
// of users at once (users x width beams share one decoder pass per level), optionally constrained by
// the prefix trie of all items' tuples so that every beam ends on a real item. Used on the job's
// worker thread.

#include <cstdint>
#include <vector>

#include "models/id_decoder.h"
#include "models/prefix_trie.h"

namespace tokenbench::core {

/// One finished hypothesis.
struct IdBeam final {
    std::vector<int32_t> codes;        ///< one code per level
    float logProb = 0.0f;              ///< sum over levels of the model's log-probability of each code
    int32_t leaf = PrefixTrie::kNone;  ///< the trie leaf of `codes`, kNone when no item has them
};

/// Beam search of width `width` over `decoder`'s users. Per user: the finished beams, best first, at
/// most `width` (fewer only when fewer valid tuples exist under constraints). Constrained: each level
/// may only continue a prefix some item has, and beams are distinct tuples, so they are distinct
/// items or leaf groups. Unconstrained: the plain top beams; those that are no item have leaf == kNone.
[[nodiscard]] std::vector<std::vector<IdBeam>> idBeamSearch(IdDecoder& decoder, const PrefixTrie& trie, int64_t width,
                                                            bool constrained);

}  // namespace tokenbench::core
