#include "models/bert4rec_module.h"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include <ATen/ATen.h>
#include <torch/utils.h>

#include "models/sasrec_module.h"  // seededDropout
#include "models/weight_init.h"

namespace tokenbench::core {

namespace {

constexpr double kLayerNormEps = 1e-8;  // as SASRec's reference code

torch::nn::LayerNorm layerNorm(int64_t hidden) {
    return torch::nn::LayerNorm(torch::nn::LayerNormOptions({hidden}).eps(kLayerNormEps));
}

}  // namespace

Bert4RecLayerImpl::Bert4RecLayerImpl(int64_t hidden, int64_t heads, double dropout) : m_dropout(dropout) {
    attention = register_module("attention", MultiHeadAttention(hidden, heads, dropout, "bert4rec"));
    attentionNorm = register_module("attention_norm", layerNorm(hidden));
    feedForward1 = register_module("feed_forward1", torch::nn::Linear(hidden, 4 * hidden));
    feedForward2 = register_module("feed_forward2", torch::nn::Linear(4 * hidden, hidden));
    feedForwardNorm = register_module("feed_forward_norm", layerNorm(hidden));
}

at::Tensor Bert4RecLayerImpl::forward(const at::Tensor& x, const at::Tensor& blocked, at::Generator* generator,
                                      at::Tensor* weights) {
    const bool training = is_training();
    const at::Tensor a = x + seededDropout(attention->selfAttend(attentionNorm->forward(x), blocked, generator, weights),
                                           m_dropout, training, generator);
    const at::Tensor inner = at::gelu(feedForward1->forward(feedForwardNorm->forward(a)));
    return a + seededDropout(feedForward2->forward(inner), m_dropout, training, generator);
}

Bert4RecImpl::Bert4RecImpl(const Bert4RecOptions& options) : m_options(options) {
    if (options.items <= 0 || options.hidden <= 0 || options.blocks <= 0 || options.maxLength <= 0)
        throw std::invalid_argument("bert4rec: items, hidden, blocks and max length must be positive");
    itemEmbedding = register_module(
        "item_embedding",
        torch::nn::Embedding(torch::nn::EmbeddingOptions(options.items + 2, options.hidden).padding_idx(0)));
    positionEmbedding =
        register_module("position_embedding", torch::nn::Embedding(options.maxLength, options.hidden));
    for (int64_t i = 0; i < options.blocks; ++i)
        layers.push_back(register_module("layer" + std::to_string(i),
                                         Bert4RecLayer(options.hidden, options.heads, options.dropout)));
    finalNorm = register_module("final_norm", layerNorm(options.hidden));
    outputTransform = register_module("output_transform", torch::nn::Linear(options.hidden, options.hidden));
    outputBias = register_parameter("output_bias", at::zeros({options.items}));
}

Bert4RecOutput Bert4RecImpl::forward(const at::Tensor& tokens, at::Generator* generator, bool withAttention) {
    const int64_t b = tokens.size(0), t = tokens.size(1);
    if (t > m_options.maxLength)
        throw std::invalid_argument("bert4rec: sequence of " + std::to_string(t) + " positions exceeds max length " +
                                    std::to_string(m_options.maxLength));
    const at::TensorOptions longOptions = at::TensorOptions().dtype(at::kLong).device(tokens.device());
    const at::Tensor positions = at::arange(m_options.maxLength - t, m_options.maxLength, longOptions);
    // Item embeddings scaled by sqrt(d) (Vaswani et al.) so that the item, not its position, dominates.
    at::Tensor x = itemEmbedding->forward(tokens) * std::sqrt(static_cast<double>(m_options.hidden)) +
                   positionEmbedding->forward(positions).unsqueeze(0);
    x = seededDropout(x, m_options.dropout, is_training(), generator);

    // Bidirectional (sec. 3.3): every query sees every real key; padding keys are blocked. A padding
    // query sees only itself, so no softmax row is empty; its output reaches no real position.
    const at::Tensor eye = at::eye(t, at::TensorOptions().dtype(at::kBool).device(tokens.device()));
    const at::Tensor keyPadding = tokens.eq(0).view({b, 1, 1, t});
    const at::Tensor blocked = keyPadding.logical_and(eye.logical_not().view({1, 1, t, t}));

    return runLayerStack(layers, finalNorm, x, blocked, generator, withAttention);
}

at::Tensor Bert4RecImpl::scoreAll(const at::Tensor& hidden) {
    const at::Tensor projected = at::gelu(outputTransform->forward(hidden));
    return at::addmm(outputBias, projected, itemEmbedding->weight.narrow(0, 1, m_options.items).t());
}

void Bert4RecImpl::resetParameters(at::Generator& generator) {
    resetXavierNormal(*this, generator);  // biases incl. output_bias to zero
    torch::NoGradGuard noGrad;
    itemEmbedding->weight[0].zero_();
}

}  // namespace tokenbench::core
