#include "models/sid_gpt_module.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>

#include <ATen/ATen.h>
#include <torch/utils.h>

#include "models/sasrec_module.h"  // seededDropout
#include "models/weight_init.h"

namespace tokenbench::core {

namespace {

torch::nn::LayerNorm layerNorm(int64_t hidden) {
    return torch::nn::LayerNorm(torch::nn::LayerNormOptions({hidden}).eps(1e-6));
}

}  // namespace

SidGptLayerImpl::SidGptLayerImpl(int64_t hidden, int64_t heads, int64_t feedForward, double dropout)
    : m_heads(heads), m_dropout(dropout) {
    selfNorm = register_module("self_norm", layerNorm(hidden));
    selfAttention = register_module("self_attention", MultiHeadAttention(hidden, heads, dropout, "sid-gpt"));
    feedForwardNorm = register_module("feed_forward_norm", layerNorm(hidden));
    feedForward1 = register_module("feed_forward1", torch::nn::Linear(hidden, feedForward));
    feedForward2 = register_module("feed_forward2", torch::nn::Linear(feedForward, hidden));
}

at::Tensor SidGptLayerImpl::feedForwardResidual(const at::Tensor& y, at::Generator* generator) {
    const bool training = is_training();
    const at::Tensor inner =
        seededDropout(at::gelu(feedForward1->forward(feedForwardNorm->forward(y))), m_dropout, training, generator);
    return y + seededDropout(feedForward2->forward(inner), m_dropout, training, generator);
}

at::Tensor SidGptLayerImpl::forward(const at::Tensor& x, const at::Tensor& blocked, at::Generator* generator,
                                    SidGptCache* cache, at::Tensor* weights) {
    const at::Tensor normed = selfNorm->forward(x);
    at::Tensor keys, values;
    selfAttention->project(normed, keys, values);
    if (cache) *cache = {keys, values};
    const at::Tensor y = x + seededDropout(selfAttention->forward(normed, keys, values, blocked, generator, weights),
                                           m_dropout, is_training(), generator);
    return feedForwardResidual(y, generator);
}

at::Tensor SidGptLayerImpl::step(const at::Tensor& x, const SidGptCache& prefix, const at::Tensor& prefixBlocked,
                                 SidGptCache& steps, int64_t groups) {
    const int64_t rows = x.size(0), h = x.size(2), d = h / m_heads;
    const int64_t users = rows / groups, t = prefix.keys.size(2);
    const at::Tensor normed = selfNorm->forward(x);
    const at::Tensor q = selfAttention->query->forward(normed).view({rows, 1, m_heads, d}).transpose(1, 2);
    at::Tensor keys, values;
    selfAttention->project(normed, keys, values);
    steps.keys = steps.keys.defined() ? at::cat({steps.keys, keys}, 2) : keys;
    steps.values = steps.values.defined() ? at::cat({steps.values, values}, 2) : values;
    const int64_t s = steps.keys.size(2);
    const double scale = std::sqrt(static_cast<double>(d));
    // One softmax over the user's prefix and the row's own steps, as the full causal pass computes
    // it; the prefix part is one product per user for all of the user's rows.
    const at::Tensor grouped = q.reshape({users, groups, m_heads, d}).transpose(1, 2);  // users x heads x groups x d
    const at::Tensor prefixScores = (at::matmul(grouped, prefix.keys.transpose(-2, -1)) / scale)
                                        .masked_fill(prefixBlocked, -std::numeric_limits<float>::infinity());
    const at::Tensor stepScores = (at::matmul(q, steps.keys.transpose(-2, -1)) / scale)  // rows x heads x 1 x s
                                      .reshape({users, groups, m_heads, s})
                                      .transpose(1, 2);
    const at::Tensor probabilities = at::softmax(at::cat({prefixScores, stepScores}, -1), -1);
    const at::Tensor fromPrefix = at::matmul(probabilities.narrow(-1, 0, t), prefix.values)  // users x heads x groups x d
                                      .transpose(1, 2)
                                      .reshape({rows, m_heads, 1, d});
    const at::Tensor stepProbabilities =
        probabilities.narrow(-1, t, s).transpose(1, 2).reshape({rows, m_heads, 1, s});
    const at::Tensor mixed = fromPrefix + at::matmul(stepProbabilities, steps.values);  // rows x heads x 1 x d
    const at::Tensor y = x + selfAttention->output->forward(mixed.transpose(1, 2).reshape({rows, 1, h}));
    return feedForwardResidual(y, nullptr);
}

SidGptImpl::SidGptImpl(SidGptOptions options) : m_options(std::move(options)) {
    const SidGptOptions& o = m_options;
    if (o.vocab.empty()) throw std::invalid_argument("sid-gpt: semantic IDs need at least one level");
    for (const int64_t size : o.vocab)
        if (size <= 0) throw std::invalid_argument("sid-gpt: every level needs at least one code");
    if (o.hidden <= 0 || o.layers <= 0 || o.feedForward <= 0 || o.maxItems <= 0)
        throw std::invalid_argument("sid-gpt: hidden, layers, feed-forward and max items must be positive");
    for (const int64_t size : o.vocab) {
        m_offsets.push_back(m_jointVocab);
        m_jointVocab += size;
    }
    tokenEmbedding =
        register_module("token_embedding",
                        torch::nn::Embedding(torch::nn::EmbeddingOptions(m_jointVocab + 2, o.hidden).padding_idx(0)));
    slotEmbedding = register_module("slot_embedding", torch::nn::Embedding(o.maxItems + 1, o.hidden));
    levelEmbedding = register_module("level_embedding", torch::nn::Embedding(levels(), o.hidden));
    for (int64_t i = 0; i < o.layers; ++i)
        layers.push_back(
            register_module("layer" + std::to_string(i), SidGptLayer(o.hidden, o.heads, o.feedForward, o.dropout)));
    finalNorm = register_module("final_norm", layerNorm(o.hidden));
    output = register_module("output", torch::nn::Linear(o.hidden, m_jointVocab));
}

at::Tensor SidGptImpl::positionEmbeddings(int64_t t, int64_t lastLevel, const at::Device& device) {
    const int64_t levelCount = levels();
    // Column c predicts token g = maxItems * L + lastLevel - (T-1-c) counted from level 0 of slot 0;
    // columns before g = 0 can only be padding.
    std::vector<int64_t> slots(static_cast<size_t>(t)), levelIds(static_cast<size_t>(t));
    for (int64_t c = 0; c < t; ++c) {
        const int64_t g = std::max<int64_t>(0, m_options.maxItems * levelCount + lastLevel - (t - 1 - c));
        slots[static_cast<size_t>(c)] = g / levelCount;
        levelIds[static_cast<size_t>(c)] = g % levelCount;
    }
    const at::TensorOptions longOptions = at::TensorOptions().dtype(at::kLong);
    return slotEmbedding->forward(at::tensor(slots, longOptions).to(device)) +
           levelEmbedding->forward(at::tensor(levelIds, longOptions).to(device));
}

SidGptOutput SidGptImpl::forward(const at::Tensor& tokens, int64_t lastLevel, at::Generator* generator,
                                 bool withAttention, std::vector<SidGptCache>* caches) {
    const int64_t b = tokens.size(0), t = tokens.size(1), levelCount = levels();
    if (t < 1 || t > (m_options.maxItems + 1) * levelCount)
        throw std::invalid_argument("sid-gpt: " + std::to_string(t) + " tokens; at most (max_items + 1) x levels = " +
                                    std::to_string((m_options.maxItems + 1) * levelCount));
    if (lastLevel < 0 || lastLevel >= levelCount)
        throw std::invalid_argument("sid-gpt: level " + std::to_string(lastLevel) + " out of range");
    const at::Device device = tokens.device();
    at::Tensor x = tokenEmbedding->forward(tokens) + positionEmbeddings(t, lastLevel, device).unsqueeze(0);
    x = seededDropout(x, m_options.dropout, is_training(), generator);
    // Causal, and padding keys blocked; a padding query sees itself so that its softmax stays finite
    // (its output is never used, and no real query looks at it).
    const at::TensorOptions boolOptions = at::TensorOptions().dtype(at::kBool).device(device);
    const at::Tensor causal = at::ones({t, t}, boolOptions).triu(1);
    const at::Tensor padding = tokens.eq(0).view({b, 1, 1, t});
    const at::Tensor blocked = causal.view({1, 1, t, t}).logical_or(padding.logical_and(at::eye(t, boolOptions).logical_not()));

    SidGptOutput out;
    if (caches) caches->assign(layers.size(), SidGptCache{});
    for (size_t i = 0; i < layers.size(); ++i) {
        at::Tensor weights;
        x = layers[i]->forward(x, blocked, generator, caches ? &(*caches)[i] : nullptr,
                               withAttention ? &weights : nullptr);
        if (withAttention) out.attentions.push_back(weights);
    }
    out.hidden = finalNorm->forward(x);
    return out;
}

at::Tensor SidGptImpl::levelLogits(const at::Tensor& hidden, int64_t level) {
    const int64_t offset = m_offsets[static_cast<size_t>(level)];
    const int64_t size = m_options.vocab[static_cast<size_t>(level)];
    return at::linear(hidden, output->weight.narrow(0, offset, size), output->bias.narrow(0, offset, size));
}

std::vector<at::Tensor> SidGptImpl::levelLogProbs(const at::Tensor& hidden, const at::Tensor& trieMask) {
    std::vector<at::Tensor> out;
    for (int64_t l = 0; l < levels(); ++l) {
        at::Tensor logits = levelLogits(hidden[l], l);
        if (trieMask.defined())
            logits = logits + trieMask.select(1, l).narrow(1, m_offsets[static_cast<size_t>(l)],
                                                           m_options.vocab[static_cast<size_t>(l)]);
        out.push_back(at::log_softmax(logits, -1));
    }
    return out;
}

SidGptDecoderState SidGptImpl::startDecoding(const at::Tensor& tokens) {
    SidGptDecoderState state;
    const SidGptOutput out = forward(tokens, 0, nullptr, false, &state.prefix);
    state.steps.resize(layers.size());
    state.prefixBlocked = tokens.eq(0).view({tokens.size(0), 1, 1, tokens.size(1)});
    state.firstLogits = levelLogits(out.hidden.select(1, tokens.size(1) - 1), 0);
    return state;
}

at::Tensor SidGptImpl::decodeStep(SidGptDecoderState& state, const at::Tensor& tokens, int64_t groups) {
    const int64_t level = state.step;
    if (level < 1 || level >= levels()) throw std::logic_error("sid-gpt: decodeStep at level " + std::to_string(level));
    const int64_t g = m_options.maxItems * levels() + level;
    const at::Tensor position = slotEmbedding->weight[g / levels()] + levelEmbedding->weight[g % levels()];
    at::Tensor x = (tokenEmbedding->forward(tokens) + position.unsqueeze(0)).unsqueeze(1);
    for (size_t i = 0; i < layers.size(); ++i)
        x = layers[i]->step(x, state.prefix[i], state.prefixBlocked, state.steps[i], groups);
    ++state.step;
    return levelLogits(finalNorm->forward(x).squeeze(1), level);
}

void SidGptImpl::selectRows(SidGptDecoderState& state, const at::Tensor& rows) const {
    for (SidGptCache& cache : state.steps) {
        if (!cache.keys.defined()) continue;
        cache.keys = cache.keys.index_select(0, rows);
        cache.values = cache.values.index_select(0, rows);
    }
}

void SidGptImpl::resetParameters(at::Generator& generator) {
    resetXavierNormal(*this, generator);
    torch::NoGradGuard noGrad;
    tokenEmbedding->weight[0].zero_();
}

}  // namespace tokenbench::core
