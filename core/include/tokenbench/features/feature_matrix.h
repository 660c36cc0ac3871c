#pragma once
/// Item feature matrices (items x d, float32, row-major): what tokenizers quantize.

#include <cstdint>
#include <string>
#include <vector>

namespace tokenbench::core {

/// Dense row-major matrix; row i belongs to the data set's dense item i.
struct FeatureMatrix final {
    int64_t rows = 0;
    int64_t dim = 0;
    std::vector<float> values;  ///< rows * dim

    [[nodiscard]] const float* row(int64_t i) const { return values.data() + i * dim; }
    [[nodiscard]] float* row(int64_t i) { return values.data() + i * dim; }
};

}  // namespace tokenbench::core
