#include "models/trie_training_mask.h"

#include <limits>
#include <stdexcept>
#include <string>

#include <ATen/ATen.h>

namespace tokenbench::core {

at::Tensor trieTrainingMask(const PrefixTrie& trie, const int32_t* targets, int64_t rows,
                            const std::vector<int64_t>& offsets, int64_t width) {
    const int32_t levels = trie.levels();
    if (static_cast<int64_t>(offsets.size()) != levels)
        throw std::invalid_argument("constrained training: " + std::to_string(offsets.size()) + " level offsets for " +
                                    std::to_string(levels) + " levels");
    at::Tensor mask = at::full({rows, levels, width}, -std::numeric_limits<float>::infinity(),
                               at::TensorOptions().dtype(at::kFloat));
    float* data = mask.data_ptr<float>();
    for (int64_t r = 0; r < rows; ++r) {
        const int32_t* tuple = targets + r * levels;
        int32_t node = PrefixTrie::root();
        for (int32_t level = 0; level < levels; ++level) {
            if (node == PrefixTrie::kNone)
                throw std::invalid_argument("constrained training: target " + std::to_string(r) +
                                            " is no item's semantic ID");
            float* row = data + (r * levels + level) * width + offsets[static_cast<size_t>(level)];
            const int32_t* codes = trie.nextCodes(node);
            for (int32_t i = 0, n = trie.nextCount(node); i < n; ++i) row[codes[i]] = 0.0f;
            node = trie.child(node, tuple[level]);
        }
        if (node == PrefixTrie::kNone)
            throw std::invalid_argument("constrained training: target " + std::to_string(r) +
                                        " is no item's semantic ID");
    }
    return mask;
}

}  // namespace tokenbench::core
