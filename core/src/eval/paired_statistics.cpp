// Student-t figures come from Boost.Math; the bootstrap draws from the project's seeded stream so a
// comparison prints the same p-value on every machine.

#include "tokenbench/eval/paired_statistics.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include <boost/math/distributions/students_t.hpp>

#include "common/seeded_random.h"

namespace tokenbench::core {

namespace {

double mean(const std::vector<double>& values) {
    double sum = 0.0;
    for (const double v : values) sum += v;
    return values.empty() ? 0.0 : sum / static_cast<double>(values.size());
}

double sampleSd(const std::vector<double>& values, double centre) {
    if (values.size() < 2) return 0.0;
    double squares = 0.0;
    for (const double v : values) squares += (v - centre) * (v - centre);
    return std::sqrt(squares / static_cast<double>(values.size() - 1));
}

/// Differences below this are rounding noise of sums of per-user metrics, not a difference.
constexpr double kTiny = 1e-12;

}  // namespace

MeanInterval meanWithInterval(const std::vector<double>& values) {
    MeanInterval out;
    out.n = static_cast<int64_t>(values.size());
    out.mean = mean(values);
    out.sd = sampleSd(values, out.mean);
    if (out.n >= 2) {
        const boost::math::students_t t(static_cast<double>(out.n - 1));
        out.ci95 = boost::math::quantile(t, 0.975) * out.sd / std::sqrt(static_cast<double>(out.n));
    }
    return out;
}

PairedComparison comparePaired(const std::vector<double>& a, const std::vector<double>& b, int64_t bootstrapSamples,
                               uint64_t seed) {
    if (a.size() != b.size())
        throw std::invalid_argument("paired comparison: " + std::to_string(a.size()) + " and " +
                                    std::to_string(b.size()) + " values are not pairs");
    if (a.size() < 2) throw std::invalid_argument("paired comparison: at least two pairs are needed");
    if (bootstrapSamples < 0) throw std::invalid_argument("paired comparison: negative bootstrap sample count");
    const size_t n = a.size();
    std::vector<double> diff(n);
    for (size_t i = 0; i < n; ++i) diff[i] = b[i] - a[i];

    PairedComparison out;
    out.n = static_cast<int64_t>(n);
    out.meanA = mean(a);
    out.meanB = mean(b);
    out.meanDifference = mean(diff);
    const double sd = sampleSd(diff, out.meanDifference);
    const double se = sd / std::sqrt(static_cast<double>(n));
    if (sd <= kTiny) {
        // Every pair differs by the same amount: no spread to test against.
        const bool same = std::abs(out.meanDifference) <= kTiny;
        out.pValue = same ? 1.0 : 0.0;
        out.tStatistic = same ? 0.0 : std::copysign(INFINITY, out.meanDifference);
        out.effectSize = same ? 0.0 : std::copysign(INFINITY, out.meanDifference);
    } else {
        out.tStatistic = out.meanDifference / se;
        out.effectSize = out.meanDifference / sd;
        const boost::math::students_t t(static_cast<double>(n - 1));
        out.pValue = std::min(1.0, 2.0 * boost::math::cdf(boost::math::complement(t, std::abs(out.tStatistic))));
    }

    // Paired bootstrap: resample users with replacement. The interval comes from the resampled means;
    // the p-value from the same means shifted to a zero mean difference (the null hypothesis).
    out.bootstrapSamples = bootstrapSamples;
    if (bootstrapSamples == 0) {
        out.bootstrapPValue = out.pValue;
        out.differenceLow = out.differenceHigh = out.meanDifference;
        return out;
    }
    uint64_t state = seed;
    std::vector<double> means(static_cast<size_t>(bootstrapSamples));
    int64_t extreme = 0;
    const double observed = std::abs(out.meanDifference);
    for (auto& resampled : means) {
        double sum = 0.0;
        for (size_t i = 0; i < n; ++i) sum += diff[static_cast<size_t>(splitmix64(state) % n)];
        resampled = sum / static_cast<double>(n);
        if (std::abs(resampled - out.meanDifference) >= observed - kTiny) ++extreme;
    }
    out.bootstrapPValue = std::min(1.0, static_cast<double>(extreme + 1) / static_cast<double>(bootstrapSamples + 1));
    std::sort(means.begin(), means.end());
    const auto at = [&](double q) {
        return means[static_cast<size_t>(std::clamp(q * static_cast<double>(bootstrapSamples - 1), 0.0,
                                                    static_cast<double>(bootstrapSamples - 1)))];
    };
    out.differenceLow = at(0.025);
    out.differenceHigh = at(0.975);
    return out;
}

}  // namespace tokenbench::core
