#include "tokenizers/collaborative_alignment.h"

#include <cmath>
#include <cstring>
#include <stdexcept>

#include <ATen/ATen.h>
#include <torch/utils.h>

namespace tokenbench::core {

namespace {

at::Tensor unitRows(const at::Tensor& x) {
    return x / x.pow(2).sum(1, /*keepdim=*/true).sqrt().clamp_min(1e-12);
}

}  // namespace

CollaborativeAlignment::CollaborativeAlignment(const std::string& tokenizerId, int64_t runId, const FitContext& context,
                                               int64_t items, int64_t latentDim, double temperature, at::Device device,
                                               at::Generator& generator)
    : m_temperature(temperature) {
    const std::string what = tokenizerId + ": align_model_run " + std::to_string(runId);
    if (!context.modelItemEmbeddings)
        throw std::invalid_argument(what + ": model runs cannot be read here (tokenize within a project)");
    FeatureMatrix table;
    try {
        table = context.modelItemEmbeddings(runId);
    } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(what + ": " + e.what());
    }
    if (table.rows != items || table.dim <= 0 || static_cast<int64_t>(table.values.size()) != table.rows * table.dim)
        throw std::invalid_argument(what + ": its item table has " + std::to_string(table.rows) + " rows, the features " +
                                    std::to_string(items));
    for (const float v : table.values)
        if (!std::isfinite(v)) throw std::invalid_argument(what + ": its item table has NaN or infinite values");
    at::Tensor targets = at::empty({table.rows, table.dim}, at::kFloat);
    std::memcpy(targets.data_ptr<float>(), table.values.data(), table.values.size() * sizeof(float));
    m_targets = unitRows(targets).to(device);
    if (table.dim != latentDim) {
        m_projection = torch::nn::Linear(latentDim, table.dim);
        torch::NoGradGuard noGrad;
        const double bound = 1.0 / std::sqrt(static_cast<double>(latentDim));
        m_projection->weight.copy_(at::empty(m_projection->weight.sizes(), at::kFloat).uniform_(-bound, bound, generator));
        m_projection->bias.copy_(at::empty(m_projection->bias.sizes(), at::kFloat).uniform_(-bound, bound, generator));
        m_projection->to(device);
    }
}

std::vector<at::Tensor> CollaborativeAlignment::parameters() const {
    return !m_projection.is_empty() ? m_projection->parameters() : std::vector<at::Tensor>{};
}

at::Tensor CollaborativeAlignment::loss(const at::Tensor& quantized, const at::Tensor& items) const {
    const at::Tensor projected = !m_projection.is_empty() ? m_projection->forward(quantized) : quantized;
    const at::Tensor logits = at::matmul(unitRows(projected), m_targets.index_select(0, items).t()) / m_temperature;
    const at::Tensor positives = at::arange(quantized.size(0), items.options().dtype(at::kLong));
    return at::cross_entropy_loss(logits, positives);
}

}  // namespace tokenbench::core
