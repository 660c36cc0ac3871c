#include "models/sequence_tensors.h"

#include <algorithm>

#include <ATen/ATen.h>

namespace tokenbench::core {

at::Tensor leftPaddedBatch(const std::vector<std::vector<int64_t>>& sequences, const c10::Device& device) {
    int64_t t = 1;
    for (const auto& s : sequences) t = std::max<int64_t>(t, static_cast<int64_t>(s.size()));
    const auto b = static_cast<int64_t>(sequences.size());
    at::Tensor batch = at::zeros({b, t}, at::TensorOptions().dtype(at::kLong));
    int64_t* data = batch.data_ptr<int64_t>();
    for (int64_t r = 0; r < b; ++r) {
        const auto& s = sequences[static_cast<size_t>(r)];
        std::copy(s.begin(), s.end(), data + r * t + (t - static_cast<int64_t>(s.size())));
    }
    return batch.to(device);
}

std::vector<AttentionMap> toAttentionMaps(const std::vector<at::Tensor>& attentions,
                                          const std::vector<AttentionPosition>& positions) {
    const auto n = static_cast<int32_t>(positions.size());
    std::vector<AttentionMap> maps;
    for (size_t layer = 0; layer < attentions.size(); ++layer) {
        const at::Tensor weights = attentions[layer][0].to(at::kCPU, at::kFloat).contiguous();  // heads x N x N
        for (int64_t head = 0; head < weights.size(0); ++head) {
            AttentionMap map;
            map.layer = static_cast<int32_t>(layer);
            map.head = static_cast<int32_t>(head);
            map.rows = n;
            map.cols = n;
            const float* data = weights[head].data_ptr<float>();
            map.weights.assign(data, data + static_cast<size_t>(n) * static_cast<size_t>(n));
            map.positions = positions;
            maps.push_back(std::move(map));
        }
    }
    return maps;
}

std::string itemLabel(const Dataset& dataset, int32_t item) {
    const std::string& raw = dataset.items[static_cast<size_t>(item)].rawId;
    return raw.empty() ? std::to_string(item) : raw;
}

}  // namespace tokenbench::core
