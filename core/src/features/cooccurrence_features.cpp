// Collaborative featurizer: item-item co-occurrence in training sequences, PPMI with context-distribution
// smoothing, then a truncated SVD (Levy, Goldberg & Dagan 2015, "Improving distributional similarity with
// lessons learned from word embeddings", sections 3.1 and 3.3).
#include "tokenbench/features/featurizers.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

namespace tokenbench::core {

FeatureMatrix cooccurrenceFeatures(const Dataset& dataset, const DataSplit& split, const FeatureSpec& spec) {
    if (spec.dim <= 0) throw std::invalid_argument("co-occurrence features: dim must be > 0");
    if (spec.window < 1) throw std::invalid_argument("co-occurrence features: window must be >= 1");
    if (!(spec.cooccurrenceSmoothing > 0.0 && spec.cooccurrenceSmoothing <= 1.0))
        throw std::invalid_argument("co-occurrence features: smoothing alpha must be in (0, 1]");
    if (split.users.size() != dataset.users.size())
        throw std::invalid_argument("co-occurrence features: the split has " + std::to_string(split.users.size()) +
                                    " users, the data set " + std::to_string(dataset.users.size()));
    const auto n = static_cast<int64_t>(dataset.items.size());

    // Ordered pairs (a, b) as a << 32 | b; sorting them yields the count matrix in CSR order.
    std::vector<uint64_t> pairs;
    for (size_t u = 0; u < dataset.users.size(); ++u) {
        const std::vector<int32_t>& items = dataset.users[u].items;
        // Only the training prefix: validation and test targets must not leak into features.
        const int64_t end = std::min<int64_t>(split.users[u].trainEnd, static_cast<int64_t>(items.size()));
        for (int64_t p = 0; p < end; ++p) {
            const int32_t a = items[static_cast<size_t>(p)];
            if (a < 0 || a >= n)
                throw std::invalid_argument("co-occurrence features: user '" + dataset.users[u].rawId +
                                            "' has item index " + std::to_string(a) + " outside the catalogue");
            for (int64_t q = p + 1; q < end && q <= p + spec.window; ++q) {
                const int32_t b = items[static_cast<size_t>(q)];
                if (b == a || b < 0 || b >= n) continue;  // b is checked as an `a` on its own turn
                pairs.push_back(static_cast<uint64_t>(a) << 32 | static_cast<uint32_t>(b));
                pairs.push_back(static_cast<uint64_t>(b) << 32 | static_cast<uint32_t>(a));
            }
        }
    }
    std::sort(pairs.begin(), pairs.end());

    std::vector<int64_t> rowStart(static_cast<size_t>(n) + 1, 0);
    std::vector<int32_t> colIndex;
    std::vector<double> count;
    for (size_t p = 0; p < pairs.size();) {
        size_t q = p;
        while (q < pairs.size() && pairs[q] == pairs[p]) ++q;
        ++rowStart[static_cast<size_t>(pairs[p] >> 32) + 1];
        colIndex.push_back(static_cast<int32_t>(pairs[p] & 0xffffffffULL));
        count.push_back(static_cast<double>(q - p));
        p = q;
    }
    pairs.clear();
    pairs.shrink_to_fit();
    for (int64_t i = 0; i < n; ++i) rowStart[static_cast<size_t>(i + 1)] += rowStart[static_cast<size_t>(i)];

    // Counts are symmetric, so row sums are both #(w) and #(c).
    std::vector<double> marginal(static_cast<size_t>(n), 0.0);
    for (int64_t i = 0; i < n; ++i) {
        for (int64_t p = rowStart[static_cast<size_t>(i)]; p < rowStart[static_cast<size_t>(i + 1)]; ++p)
            marginal[static_cast<size_t>(i)] += count[static_cast<size_t>(p)];
    }
    // PMI_alpha(w, c) = ln( #(w,c) * sum_c' #(c')^alpha / (#(w) * #(c)^alpha) ): smoothing the context
    // distribution lifts rare contexts' probability and so damps PMI's bias towards them.
    const double alpha = spec.cooccurrenceSmoothing;
    std::vector<double> smoothed(static_cast<size_t>(n), 0.0);
    double smoothedTotal = 0.0;
    for (int64_t i = 0; i < n; ++i) {
        const double m = marginal[static_cast<size_t>(i)];
        smoothed[static_cast<size_t>(i)] = m > 0 ? std::pow(m, alpha) : 0.0;
        smoothedTotal += smoothed[static_cast<size_t>(i)];
    }

    SparseMatrix ppmi;
    ppmi.rows = n;
    ppmi.cols = n;
    ppmi.rowStart.reserve(static_cast<size_t>(n) + 1);
    ppmi.rowStart.push_back(0);
    for (int64_t i = 0; i < n; ++i) {
        for (int64_t p = rowStart[static_cast<size_t>(i)]; p < rowStart[static_cast<size_t>(i + 1)]; ++p) {
            const int32_t c = colIndex[static_cast<size_t>(p)];
            const double pmi = std::log(count[static_cast<size_t>(p)] * smoothedTotal /
                                        (marginal[static_cast<size_t>(i)] * smoothed[static_cast<size_t>(c)]));
            if (pmi > 0.0) {  // positive PMI: negative values are unreliable for sparse counts
                ppmi.colIndex.push_back(c);
                ppmi.values.push_back(static_cast<float>(pmi));
            }
        }
        ppmi.rowStart.push_back(static_cast<int64_t>(ppmi.colIndex.size()));
    }
    return truncatedSvd(ppmi, spec.dim, spec.seed, spec.svdOversample, spec.svdPowerIterations,
                        spec.cooccurrenceSvdPower);
}

}  // namespace tokenbench::core
