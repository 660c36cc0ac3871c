#pragma once
// Private: what a model offers when it learns a semantic ID per item while it trains (cove). The
// training engine asks every model it trained for this interface and, when present, stores the
// codes of the tested checkpoint as a tokenizer run (jobs/learned_codes_run.h). Torch-free.
//
// Threads: called on the job's worker thread, like the Recommender it belongs to.

#include <cstdint>

#include "tokenbench/tokenizers/semantic_ids.h"

namespace tokenbench::core {

/// Codes as the model holds them now, before any collision resolution.
struct LearnedItemCodes final {
    SemanticIds ids;           ///< one row per dense item
    int32_t codebookSize = 0;  ///< codes per level
};

/// See file comment.
class ItemCodeSource {
public:
    virtual ~ItemCodeSource() = default;
    /// The current code of every catalogue item. Throws std::logic_error before prepare().
    [[nodiscard]] virtual LearnedItemCodes learnedItemCodes() const = 0;
};

}  // namespace tokenbench::core
