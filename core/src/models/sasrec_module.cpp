#include "models/sasrec_module.h"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include <ATen/ATen.h>
#include <torch/utils.h>

namespace tokenbench::core {

at::Tensor seededDropout(const at::Tensor& x, double p, bool training, at::Generator* generator) {
    if (!training || p <= 0.0) return x;
    if (!generator || !x.device().is_cpu()) return at::dropout(x, p, /*train=*/true);
    const double keep = 1.0 - p;
    at::Tensor mask = at::empty(x.sizes(), x.options().requires_grad(false));
    mask.bernoulli_(keep, *generator);
    return x * mask.div_(keep);
}

CausalSelfAttentionImpl::CausalSelfAttentionImpl(int64_t hidden, int64_t heads, double dropout)
    : m_heads(heads), m_dropout(dropout) {
    if (heads <= 0 || hidden % heads != 0)
        throw std::invalid_argument("sasrec: hidden size " + std::to_string(hidden) + " is not divisible by " +
                                    std::to_string(heads) + " heads");
    query = register_module("query", torch::nn::Linear(hidden, hidden));
    key = register_module("key", torch::nn::Linear(hidden, hidden));
    value = register_module("value", torch::nn::Linear(hidden, hidden));
    output = register_module("output", torch::nn::Linear(hidden, hidden));
}

at::Tensor CausalSelfAttentionImpl::forward(const at::Tensor& x, const at::Tensor& blocked, at::Generator* generator,
                                            at::Tensor* weights) {
    const int64_t b = x.size(0), t = x.size(1), h = x.size(2);
    const int64_t d = h / m_heads;
    auto split = [&](const at::Tensor& y) { return y.view({b, t, m_heads, d}).transpose(1, 2); };  // B x h x T x d
    const at::Tensor q = split(query->forward(x));
    const at::Tensor k = split(key->forward(x));
    const at::Tensor v = split(value->forward(x));
    // Scaled dot-product attention (Vaswani et al. 2017), causal: query i sees keys j <= i only
    // (Kang & McAuley sec. III-B, "Causality"), and never left padding other than itself.
    at::Tensor scores = at::matmul(q, k.transpose(-2, -1)) / std::sqrt(static_cast<double>(d));
    scores = scores.masked_fill(blocked, -std::numeric_limits<float>::infinity());
    const at::Tensor probabilities = at::softmax(scores, -1);
    if (weights) *weights = probabilities.detach();
    const at::Tensor mixed = at::matmul(seededDropout(probabilities, m_dropout, is_training(), generator), v);
    return output->forward(mixed.transpose(1, 2).reshape({b, t, h}));
}

SasRecBlockImpl::SasRecBlockImpl(int64_t hidden, int64_t heads, double dropout) : m_dropout(dropout) {
    // eps 1e-8 as in the paper's reference code.
    attentionNorm = register_module("attention_norm",
                                    torch::nn::LayerNorm(torch::nn::LayerNormOptions({hidden}).eps(1e-8)));
    attention = register_module("attention", CausalSelfAttention(hidden, heads, dropout));
    feedForwardNorm = register_module("feed_forward_norm",
                                      torch::nn::LayerNorm(torch::nn::LayerNormOptions({hidden}).eps(1e-8)));
    feedForward1 = register_module("feed_forward1", torch::nn::Linear(hidden, hidden));
    feedForward2 = register_module("feed_forward2", torch::nn::Linear(hidden, hidden));
}

at::Tensor SasRecBlockImpl::forward(const at::Tensor& x, const at::Tensor& blocked, at::Generator* generator,
                                    at::Tensor* weights) {
    const bool training = is_training();
    at::Tensor y = x + seededDropout(attention->forward(attentionNorm->forward(x), blocked, generator, weights),
                                     m_dropout, training, generator);
    at::Tensor inner = seededDropout(at::relu(feedForward1->forward(feedForwardNorm->forward(y))), m_dropout,
                                     training, generator);
    return y + seededDropout(feedForward2->forward(inner), m_dropout, training, generator);
}

SasRecImpl::SasRecImpl(const SasRecOptions& options) : m_options(options) {
    if (options.items <= 0 || options.hidden <= 0 || options.blocks <= 0 || options.maxLength <= 0)
        throw std::invalid_argument("sasrec: items, hidden, blocks and max length must be positive");
    itemEmbedding = register_module(
        "item_embedding",
        torch::nn::Embedding(torch::nn::EmbeddingOptions(options.items + 1, options.hidden).padding_idx(0)));
    positionEmbedding =
        register_module("position_embedding", torch::nn::Embedding(options.maxLength, options.hidden));
    for (int64_t i = 0; i < options.blocks; ++i)
        blocks.push_back(register_module("block" + std::to_string(i),
                                         SasRecBlock(options.hidden, options.heads, options.dropout)));
    finalNorm = register_module("final_norm",
                                torch::nn::LayerNorm(torch::nn::LayerNormOptions({options.hidden}).eps(1e-8)));
}

SasRecOutput SasRecImpl::forward(const at::Tensor& items, at::Generator* generator, bool withAttention) {
    const int64_t t = items.size(1);
    if (t > m_options.maxLength)
        throw std::invalid_argument("sasrec: sequence of " + std::to_string(t) + " positions exceeds max length " +
                                    std::to_string(m_options.maxLength));
    const at::TensorOptions longOptions = at::TensorOptions().dtype(at::kLong).device(items.device());
    const at::Tensor positions = at::arange(m_options.maxLength - t, m_options.maxLength, longOptions);
    const at::Tensor real = items.ne(0).unsqueeze(-1).to(itemEmbedding->weight.scalar_type());  // B x T x 1
    // Item embeddings scaled by sqrt(d) as in the reference code, plus learned positions (sec. III-A).
    at::Tensor x = itemEmbedding->forward(items) * std::sqrt(static_cast<double>(m_options.hidden)) +
                   positionEmbedding->forward(positions).unsqueeze(0);
    x = seededDropout(x, m_options.dropout, is_training(), generator) * real;

    const at::Tensor causal =
        at::ones({t, t}, at::TensorOptions().dtype(at::kBool).device(items.device())).triu(1);
    const at::Tensor eye = at::eye(t, at::TensorOptions().dtype(at::kBool).device(items.device()));
    const at::Tensor keyPadding = items.eq(0).view({items.size(0), 1, 1, t});
    // A padding query may still attend to itself, so no softmax row is empty.
    const at::Tensor blocked = causal.view({1, 1, t, t}).logical_or(keyPadding.logical_and(eye.logical_not()));

    SasRecOutput out;
    for (SasRecBlock& block : blocks) {
        at::Tensor weights;
        x = block->forward(x, blocked, generator, withAttention ? &weights : nullptr) * real;
        if (withAttention) out.attentions.push_back(weights);
    }
    out.hidden = finalNorm->forward(x);
    return out;
}

at::Tensor SasRecImpl::scoreAll(const at::Tensor& hidden) const {
    return at::matmul(hidden, itemEmbedding->weight.narrow(0, 1, m_options.items).t());
}

void SasRecImpl::resetParameters(at::Generator& generator) {
    torch::NoGradGuard noGrad;
    const at::TensorOptions cpu = at::TensorOptions().dtype(at::kFloat);
    for (auto& item : named_parameters()) {
        at::Tensor& p = item.value();
        const std::string& name = item.key();
        const bool isBias = name.size() >= 4 && name.compare(name.size() - 4, 4, "bias") == 0;
        if (isBias) {
            p.zero_();
        } else if (p.dim() < 2) {
            p.fill_(1.0);  // LayerNorm gains
        } else {
            const double std = std::sqrt(2.0 / static_cast<double>(p.size(0) + p.size(1)));
            p.copy_(at::empty(p.sizes(), cpu).normal_(0.0, std, generator));
        }
    }
    itemEmbedding->weight[0].zero_();
}

}  // namespace tokenbench::core
