// Sampled losses of ID models and their proposal distribution; see the header.
#include "models/sampled_losses.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <utility>

#include "common/seeded_random.h"

namespace tokenbench::core {

ItemProposal::ItemProposal(int64_t items) : m_items(items) {
    if (items < 1) throw std::invalid_argument("ItemProposal: no items");
}

ItemProposal::ItemProposal(std::vector<double> weights) : m_items(static_cast<int64_t>(weights.size())) {
    if (weights.empty()) throw std::invalid_argument("ItemProposal: no items");
    double total = 0.0;
    m_cumulative.reserve(weights.size());
    for (const double w : weights) {
        if (!(w > 0.0) || !std::isfinite(w)) throw std::invalid_argument("ItemProposal: weights must be positive");
        total += w;
        m_cumulative.push_back(total);
    }
    m_logQ.reserve(weights.size());
    for (const double w : weights) m_logQ.push_back(std::log(w / total));
}

int64_t ItemProposal::draw(uint64_t& state) const {
    if (m_cumulative.empty()) return static_cast<int64_t>(splitmix64(state) % static_cast<uint64_t>(m_items));
    const double u = uniform01(state) * m_cumulative.back();
    const auto it = std::upper_bound(m_cumulative.begin(), m_cumulative.end(), u);
    return std::min<int64_t>(m_items - 1, static_cast<int64_t>(it - m_cumulative.begin()));
}

double ItemProposal::logProbability(int64_t item) const {
    if (m_logQ.empty()) return -std::log(static_cast<double>(m_items));
    return m_logQ.at(static_cast<size_t>(item));
}

double gbceBeta(int64_t negatives, int64_t items, double t) {
    const double alpha = static_cast<double>(negatives) / static_cast<double>(std::max<int64_t>(items - 1, 1));
    return alpha * (t * (1.0 - 1.0 / alpha) + 1.0 / alpha);
}

at::Tensor binaryLoss(const at::Tensor& logits, double positiveBeta) {
    // Signs [-1, +1 ... +1] and weights [beta, 1 ... 1]: beta * softplus(-s_pos) + sum_j softplus(s_neg_j);
    // softplus keeps both finite.
    const int64_t columns = logits.size(1);
    at::Tensor signs = at::ones({1, columns}, logits.options());
    signs[0][0] = -1.0;
    at::Tensor terms = at::softplus(logits * signs);
    if (positiveBeta != 1.0) {
        at::Tensor weights = at::ones({1, columns}, logits.options());
        weights[0][0] = positiveBeta;
        terms = terms * weights;
    }
    return terms.sum() / static_cast<double>(logits.size(0));
}

at::Tensor sharedSampledSoftmaxLoss(const at::Tensor& hidden, const at::Tensor& positive, const at::Tensor& negative,
                                    const at::Tensor& positiveLogQ, const at::Tensor& negativeLogQ,
                                    const at::Tensor& hits) {
    const at::Tensor positiveLogits = (hidden * positive).sum(-1, /*keepdim=*/true) - positiveLogQ.unsqueeze(1);
    const at::Tensor negativeLogits = (at::matmul(hidden, negative.t()) - negativeLogQ.unsqueeze(0))
                                          .masked_fill(hits, -std::numeric_limits<float>::infinity());
    const at::Tensor logits = at::cat({positiveLogits, negativeLogits}, 1);
    return (at::logsumexp(logits, 1) - logits.select(1, 0)).mean();
}

}  // namespace tokenbench::core
