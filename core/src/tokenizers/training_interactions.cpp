// What a tokenizer's fit context offers of a data set: the catalogue and the training interactions.
#include <algorithm>

#include "tokenbench/tokenizers/tokenizer.h"

namespace tokenbench::core {

TrainingInteractions trainingInteractions(const Dataset& dataset, const DataSplit& split) {
    TrainingInteractions out;
    out.items = &dataset.items;
    out.sequences.reserve(dataset.users.size());
    for (size_t u = 0; u < dataset.users.size(); ++u) {
        const auto& items = dataset.users[u].items;
        const size_t end = u < split.users.size()
                               ? std::min(items.size(), static_cast<size_t>(std::max(0, split.users[u].trainEnd)))
                               : 0;  // a user the split does not cover contributes nothing
        out.sequences.emplace_back(items.begin(), items.begin() + static_cast<std::ptrdiff_t>(end));
    }
    return out;
}

}  // namespace tokenbench::core
