#include "tokenbench/tokenizers/codebook_sizing.h"

#include <algorithm>
#include <cmath>

namespace tokenbench::core {

namespace {
constexpr int64_t kSmallest = 8, kLargest = 1024;
}  // namespace

int64_t proposedCodebookSize(int64_t items, int64_t levels) {
    const double n = static_cast<double>(std::max<int64_t>(1, items));
    const double needed = std::max(std::sqrt(n), std::pow(n, 1.0 / static_cast<double>(std::max<int64_t>(1, levels))));
    int64_t size = kSmallest;
    while (size < kLargest && static_cast<double>(size) < needed - 1e-9) size *= 2;
    return size;
}

}  // namespace tokenbench::core
