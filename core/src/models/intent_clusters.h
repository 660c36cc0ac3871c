#pragma once
// Private: ICLRec's intents (Chen et al., "Intent Contrastive Learning for Sequential
// Recommendation", WWW 2022). Each epoch starts with an E-step: k-means over the representations of
// all training sequences gives K intent prototypes and every sequence's intent. The M-step adds a
// contrastive term that pulls an augmented view of a sequence towards its intent's prototype and
// away from the others. ICLRec's code contrasts against the intents of the batch's other sequences
// and masks those sharing the intent (false negatives); here the view is scored against all K
// prototypes (ProtoNCE's form), where each intent appears once, so no false negative can occur.
// Prototypes are constants of the M-step: no gradient flows into them.

#include <cstdint>
#include <vector>

#include <ATen/core/Tensor.h>

namespace tokenbench::core {

/// The E-step's result: prototypes [K, H] and each sequence's intent (index into the prototypes).
struct IntentClusters final {
    at::Tensor prototypes;
    std::vector<int64_t> intentOf;

    [[nodiscard]] bool empty() const { return intentOf.empty(); }
};

/// k-means (k-means++ seeding from `seed`, a few Lloyd iterations) of the rows of `representations`
/// ([n, H], no gradient needed) into min(`intents`, n) clusters. Deterministic for a seed on the CPU.
[[nodiscard]] IntentClusters fitIntents(const at::Tensor& representations, int64_t intents, uint64_t seed);

/// Mean over the rows of `views` ([B, H]) of -log softmax(views . prototypes^T / temperature) at
/// each row's intent (`intents`, [B] int64 on views' device).
[[nodiscard]] at::Tensor intentContrastLoss(const at::Tensor& views, const at::Tensor& prototypes,
                                            const at::Tensor& intents, double temperature);

}  // namespace tokenbench::core
