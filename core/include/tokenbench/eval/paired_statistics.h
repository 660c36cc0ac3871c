#pragma once
/// The statistics reviewers ask for: a mean with its 95 % confidence interval over repeated runs,
/// and a paired comparison of two systems over the same users (paired t-test, paired bootstrap,
/// effect size).

#include <cstdint>
#include <vector>

namespace tokenbench::core {

/// Mean of a sample with its Student-t 95 % confidence interval (mean ± ci95).
struct MeanInterval final {
    int64_t n = 0;
    double mean = 0.0;
    double sd = 0.0;    ///< sample standard deviation (n - 1); 0 for n < 2
    double ci95 = 0.0;  ///< half-width; 0 for n < 2 (one value has no interval)
};
[[nodiscard]] MeanInterval meanWithInterval(const std::vector<double>& values);

/// Two systems measured on the same units (users), pair by pair: b - a.
struct PairedComparison final {
    int64_t n = 0;
    double meanA = 0.0;
    double meanB = 0.0;
    double meanDifference = 0.0;    ///< mean of b - a
    double tStatistic = 0.0;
    double pValue = 1.0;            ///< two-sided paired t-test
    double effectSize = 0.0;        ///< Cohen's d_z: mean difference / sd of the differences
    double bootstrapPValue = 1.0;   ///< two-sided paired bootstrap under the null (differences centred)
    double differenceLow = 0.0;     ///< 95 % percentile-bootstrap interval of the mean difference
    double differenceHigh = 0.0;
    int64_t bootstrapSamples = 0;
};

/// Compares paired samples (same length, at least two pairs; throws std::invalid_argument
/// otherwise). The bootstrap resamples pairs `bootstrapSamples` times from `seed`, so the result is
/// reproducible. Identical samples give p = 1 and effect size 0.
[[nodiscard]] PairedComparison comparePaired(const std::vector<double>& a, const std::vector<double>& b,
                                             int64_t bootstrapSamples = 10000, uint64_t seed = 1);

}  // namespace tokenbench::core
