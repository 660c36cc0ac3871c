#pragma once
// Private: losses of ID-based sequential models that score sampled items instead of the whole
// catalogue, and the proposal distribution the shared negatives come from.
//  - binary (BCE, gBCE): each position against its own negatives, sum of softplus terms; gBCE
//    (Petrov & Macdonald, gSASRec, RecSys 2023) raises the positive's sigmoid to a power beta < 1
//    so the model does not become over-confident from seeing few negatives;
//  - sampled softmax: one set of negatives shared by the whole batch, logits corrected by -log Q
//    (the proposal's log-probability, as TensorFlow's sampled softmax and Yi et al. 2019), negatives
//    equal to a row's positive removed (accidental hits). With every item as a negative and a
//    uniform proposal it is the full softmax cross-entropy.

#include <cstdint>
#include <vector>

#include <ATen/ATen.h>

namespace tokenbench::core {

/// Proposal distribution over dense items 0..items-1: uniform, or proportional to weights (e.g.
/// training frequencies + 1). Draws come from a splitmix64 state, so (seed, epoch) fixes them.
class ItemProposal final {
public:
    /// Uniform over `items` items.
    explicit ItemProposal(int64_t items);
    /// Proportional to `weights` (every weight > 0).
    explicit ItemProposal(std::vector<double> weights);

    [[nodiscard]] int64_t items() const { return m_items; }
    /// One item drawn with replacement.
    [[nodiscard]] int64_t draw(uint64_t& state) const;
    /// log Q(item).
    [[nodiscard]] double logProbability(int64_t item) const;

private:
    int64_t m_items = 0;
    std::vector<double> m_cumulative;  ///< empty: uniform
    std::vector<double> m_logQ;        ///< per item; empty: uniform
};

/// gSASRec's exponent of the positive's sigmoid: beta = alpha (t (1 - 1/alpha) + 1/alpha) with
/// alpha = negatives / (items - 1), the sampling rate. t = 0 gives plain BCE (beta 1), t = 1 full
/// calibration (beta = alpha).
[[nodiscard]] double gbceBeta(int64_t negatives, int64_t items, double t);

/// Mean over rows of beta * softplus(-s_pos) + sum_j softplus(s_neg_j). `logits` is rows x (1 + k),
/// column 0 the positive. beta 1: the binary cross-entropy of SASRec's paper.
[[nodiscard]] at::Tensor binaryLoss(const at::Tensor& logits, double positiveBeta);

/// Sampled softmax with negatives shared by the batch. `hidden` rows x d; `positive` rows x d (each
/// row's target embedding), `negative` n x d; `positiveLogQ` (rows) and `negativeLogQ` (n) the
/// proposal's log-probabilities, subtracted from the logits; `hits` rows x n booleans, true where a
/// negative is the row's positive (masked out). Mean over rows of -log softmax(positive).
[[nodiscard]] at::Tensor sharedSampledSoftmaxLoss(const at::Tensor& hidden, const at::Tensor& positive,
                                                  const at::Tensor& negative, const at::Tensor& positiveLogQ,
                                                  const at::Tensor& negativeLogQ, const at::Tensor& hits);

}  // namespace tokenbench::core
