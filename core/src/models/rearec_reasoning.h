#pragma once
// Private: ReaRec's implicit multi-step reasoning (Tang et al., "Think before Recommend: Unleashing
// the Latent Reasoning Power for Sequential Recommendation", 2025) on a SASRec network.
//  - After the items are encoded (step 0), the network's output at a position is fed back as a new
//    input token K times, each time plus the step's own reasoning position embedding (RPE); step k's
//    token attends to the items up to its position and to that position's earlier reasoning tokens,
//    never to later items. The same blocks run every step, so K adds a table of K x hidden only.
//  - Training runs every position's reasoning at once (one pass per step over the items and all
//    reasoning tokens so far, with the mask above); ranking only the last position's.
//  - ERL (ensemble): the user is the mean of the K + 1 step states; loss = cross-entropy of that mean
//    minus diversity_weight times the mean divergence between consecutive steps' item distributions, which
//    keeps the steps from collapsing onto one another. The divergence is Jensen-Shannon where the
//    paper has KL: maximising the unbounded KL (weight 0.05) made Beauty's validation NDCG@10 fall
//    from 0.022 to 0.014 within an epoch as the steps drifted apart; JS is bounded by log 2.
//  - PRL (progressive): the user is the last step's state; loss = the mean over steps of the
//    cross-entropy at temperature tau * decay^k (later steps sharper), plus contrast_weight times an
//    NT-Xent term (contrastive_loss.h, cosine, temperature 0.1) between the last step of each
//    sequence's final position and the same state with Gaussian noise added to the reasoning tokens
//    (the paper's noise-perturbed contrast).
// Used on one thread at a time (a job's worker thread).

#include <cstdint>
#include <vector>

#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>

#include "models/sasrec_module.h"

namespace tokenbench::core {

/// How a ReaRec model reasons and learns.
struct ReasoningSettings final {
    int64_t steps = 2;            ///< K
    bool progressive = false;     ///< PRL; false: ERL
    double diversityWeight = 0.05;       ///< ERL
    double temperature = 1.0;     ///< PRL: tau at step 0
    double temperatureDecay = 0.8;  ///< PRL: tau_k = tau * decay^k
    double contrastWeight = 0.1;  ///< PRL
    double noise = 0.1;           ///< PRL: standard deviation of the contrast's perturbation
};

/// The step states of `items` (B x T shifted ids, left-padded): element k is B x P x H, the
/// final-normed output of step k (k = 0: the items' own outputs), P = T, or P = 1 (the last position
/// only) with `lastOnly`. `noise` > 0 adds N(0, noise^2) to each reasoning token (drawn from
/// `generator` on the CPU). `attentions`, when given, receives the last pass's per-layer weights
/// (B x heads x L x L over the items then the reasoning tokens).
[[nodiscard]] std::vector<at::Tensor> reasoningStates(SasRecImpl& net, const at::Tensor& items, int64_t steps,
                                                      bool lastOnly, at::Generator* generator, double noise = 0.0,
                                                      std::vector<at::Tensor>* attentions = nullptr);

/// B x L x L additive mask (0 may attend, -inf not) of a pass over `items` (B x T) followed by
/// `steps` groups of reasoning tokens, P per group (T: one per position; 1: the last position's).
[[nodiscard]] at::Tensor reasoningMask(const at::Tensor& items, int64_t steps, bool lastOnly);

/// The representation ranked for each row of `states` (each N x H): ERL the mean, PRL the last.
[[nodiscard]] at::Tensor reasonedUser(const std::vector<at::Tensor>& states, const ReasoningSettings& settings);

/// The training loss. `states` N x H per step at the real positions, `targets` their N shifted
/// target ids; `lastStates`/`noisyLastStates` (PRL only) the last step at each sequence's final
/// position, clean and perturbed (B x H).
[[nodiscard]] at::Tensor reasoningLoss(const SasRecImpl& net, const std::vector<at::Tensor>& states,
                                       const at::Tensor& targets, const at::Tensor& lastStates,
                                       const at::Tensor& noisyLastStates, const ReasoningSettings& settings);

}  // namespace tokenbench::core
