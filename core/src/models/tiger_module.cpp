#include "models/tiger_module.h"

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

TigerEncoderLayerImpl::TigerEncoderLayerImpl(int64_t hidden, int64_t heads, int64_t feedForward, double dropout)
    : m_dropout(dropout) {
    selfNorm = register_module("self_norm", layerNorm(hidden));
    selfAttention = register_module("self_attention", MultiHeadAttention(hidden, heads, dropout, "tiger"));
    feedForwardNorm = register_module("feed_forward_norm", layerNorm(hidden));
    feedForward1 = register_module("feed_forward1", torch::nn::Linear(hidden, feedForward));
    feedForward2 = register_module("feed_forward2", torch::nn::Linear(feedForward, hidden));
}

at::Tensor TigerEncoderLayerImpl::forward(const at::Tensor& x, const at::Tensor& blocked, at::Generator* generator,
                                          at::Tensor* weights) {
    const bool training = is_training();
    const at::Tensor normed = selfNorm->forward(x);
    at::Tensor keys, values;
    selfAttention->project(normed, keys, values);
    at::Tensor y = x + seededDropout(selfAttention->forward(normed, keys, values, blocked, generator, weights),
                                     m_dropout, training, generator);
    const at::Tensor inner =
        seededDropout(at::relu(feedForward1->forward(feedForwardNorm->forward(y))), m_dropout, training, generator);
    return y + seededDropout(feedForward2->forward(inner), m_dropout, training, generator);
}

TigerDecoderLayerImpl::TigerDecoderLayerImpl(int64_t hidden, int64_t heads, int64_t feedForward, double dropout)
    : m_dropout(dropout), m_heads(heads) {
    selfNorm = register_module("self_norm", layerNorm(hidden));
    selfAttention = register_module("self_attention", MultiHeadAttention(hidden, heads, dropout, "tiger"));
    crossNorm = register_module("cross_norm", layerNorm(hidden));
    crossAttention = register_module("cross_attention", MultiHeadAttention(hidden, heads, dropout, "tiger"));
    feedForwardNorm = register_module("feed_forward_norm", layerNorm(hidden));
    feedForward1 = register_module("feed_forward1", torch::nn::Linear(hidden, feedForward));
    feedForward2 = register_module("feed_forward2", torch::nn::Linear(feedForward, hidden));
}

at::Tensor TigerDecoderLayerImpl::forward(const at::Tensor& x, const at::Tensor& selfBlocked,
                                          const at::Tensor& crossKeys, const at::Tensor& crossValues,
                                          const at::Tensor& crossBlocked, int64_t groups, at::Generator* generator,
                                          TigerSelfCache* cache, at::Tensor* crossWeights) {
    const bool training = is_training();
    const int64_t rows = x.size(0), t = x.size(1), h = x.size(2);
    const at::Tensor normed = selfNorm->forward(x);
    at::Tensor keys, values;
    selfAttention->project(normed, keys, values);
    if (cache) {
        // The new step attends to every earlier step and itself: causality holds by construction.
        if (cache->keys.defined()) {
            keys = at::cat({cache->keys, keys}, 2);
            values = at::cat({cache->values, values}, 2);
        }
        cache->keys = keys;
        cache->values = values;
    }
    at::Tensor y = x + seededDropout(selfAttention->forward(normed, keys, values, selfBlocked, generator), m_dropout,
                                     training, generator);
    // All beams of a user query that user's encoder output at once: B x (groups * T) queries.
    const int64_t users = crossKeys.size(0);
    const at::Tensor crossQuery = crossNorm->forward(y).reshape({users, groups * t, h});
    const at::Tensor crossed =
        crossAttention->forward(crossQuery, crossKeys, crossValues, crossBlocked, generator, crossWeights);
    y = y + seededDropout(crossed.reshape({rows, t, h}), m_dropout, training, generator);
    const at::Tensor inner =
        seededDropout(at::relu(feedForward1->forward(feedForwardNorm->forward(y))), m_dropout, training, generator);
    return y + seededDropout(feedForward2->forward(inner), m_dropout, training, generator);
}

TigerStepLayer TigerDecoderLayerImpl::startStep(const at::Tensor& memory, const at::Tensor& blocked) {
    const int64_t b = memory.size(0), s = memory.size(1), h = memory.size(2), d = h / m_heads;
    TigerStepLayer state;
    state.selfWeight = at::cat({selfAttention->query->weight, selfAttention->key->weight, selfAttention->value->weight});
    state.selfBias = at::cat({selfAttention->query->bias, selfAttention->key->bias, selfAttention->value->bias});
    // Scaling the keys once instead of every step's scores.
    const at::Tensor keys = crossAttention->key->forward(memory) / std::sqrt(static_cast<double>(d));
    state.crossKeys = keys.view({b, s, m_heads, d}).permute({0, 2, 3, 1}).reshape({b * m_heads, d, s});
    state.crossValues = crossAttention->value->forward(memory).view({b, s, m_heads, d}).transpose(1, 2).reshape({b * m_heads, s, d});
    state.crossBias = at::zeros({b, m_heads, 1, s}, memory.options())
                          .masked_fill(blocked.view({b, 1, 1, s}), -std::numeric_limits<float>::infinity())
                          .view({b * m_heads, 1, s});
    return state;
}

at::Tensor TigerDecoderLayerImpl::step(const at::Tensor& x, TigerStepLayer& state, int64_t groups) {
    const int64_t rows = x.size(0), h = x.size(1), d = h / m_heads, users = rows / groups;
    // Self-attention of the new token over every step so far (itself included): causal by construction.
    const at::Tensor qkv = at::addmm(state.selfBias, selfNorm->forward(x), state.selfWeight.t());
    const at::Tensor key = qkv.narrow(1, h, h).unsqueeze(1), value = qkv.narrow(1, 2 * h, h).unsqueeze(1);
    state.selfKeys = state.selfKeys.defined() ? at::cat({state.selfKeys, key}, 1) : key.contiguous();
    state.selfValues = state.selfValues.defined() ? at::cat({state.selfValues, value}, 1) : value.contiguous();
    const int64_t steps = state.selfKeys.size(1);
    const at::Tensor query = qkv.narrow(1, 0, h).reshape({rows, 1, m_heads, d}) / std::sqrt(static_cast<double>(d));
    const at::Tensor weights = at::softmax((state.selfKeys.view({rows, steps, m_heads, d}) * query).sum(-1), 1);
    const at::Tensor mixed = (state.selfValues.view({rows, steps, m_heads, d}) * weights.unsqueeze(-1)).sum(1);
    at::Tensor y = x + selfAttention->output->forward(mixed.view({rows, h}));

    // Cross-attention: each user's rows query that user's encoder output in one batched product.
    const at::Tensor crossQuery = crossAttention->query->forward(crossNorm->forward(y))
                                      .view({users, groups, m_heads, d})
                                      .transpose(1, 2)
                                      .reshape({users * m_heads, groups, d});
    const at::Tensor crossWeights = at::softmax(at::bmm(crossQuery, state.crossKeys).add_(state.crossBias), -1);
    const at::Tensor crossed = at::bmm(crossWeights, state.crossValues)
                                   .view({users, m_heads, groups, d})
                                   .transpose(1, 2)
                                   .reshape({rows, h});
    y = y + crossAttention->output->forward(crossed);
    const at::Tensor inner = feedForward1->forward(feedForwardNorm->forward(y)).relu_();
    return y + feedForward2->forward(inner);
}

TigerImpl::TigerImpl(TigerOptions options) : m_options(std::move(options)) {
    const TigerOptions& o = m_options;
    if (o.vocab.empty()) throw std::invalid_argument("tiger: semantic IDs need at least one level");
    for (const int64_t size : o.vocab)
        if (size <= 0) throw std::invalid_argument("tiger: every level needs at least one code");
    if (o.hidden <= 0 || o.encoderLayers <= 0 || o.decoderLayers <= 0 || o.feedForward <= 0 || o.maxItems <= 0 ||
        o.userBuckets < 0)
        throw std::invalid_argument("tiger: hidden, layers, feed-forward and max items must be positive");
    for (const int64_t size : o.vocab) {
        m_offsets.push_back(m_jointVocab);
        m_jointVocab += size;
    }
    const auto levelCount = static_cast<int64_t>(o.vocab.size());
    tokenEmbedding =
        register_module("token_embedding",
                        torch::nn::Embedding(torch::nn::EmbeddingOptions(m_jointVocab + 2, o.hidden).padding_idx(0)));
    slotEmbedding = register_module("slot_embedding", torch::nn::Embedding(o.maxItems, o.hidden));
    levelEmbedding = register_module("level_embedding", torch::nn::Embedding(levelCount, o.hidden));
    if (o.userBuckets > 0)
        userEmbedding = register_module("user_embedding", torch::nn::Embedding(o.userBuckets, o.hidden));
    decoderLevelEmbedding = register_module("decoder_level_embedding", torch::nn::Embedding(levelCount, o.hidden));
    for (int64_t i = 0; i < o.encoderLayers; ++i)
        encoderLayers.push_back(register_module("encoder" + std::to_string(i),
                                                TigerEncoderLayer(o.hidden, o.heads, o.feedForward, o.dropout)));
    encoderNorm = register_module("encoder_norm", layerNorm(o.hidden));
    for (int64_t i = 0; i < o.decoderLayers; ++i)
        decoderLayers.push_back(register_module("decoder" + std::to_string(i),
                                                TigerDecoderLayer(o.hidden, o.heads, o.feedForward, o.dropout)));
    decoderNorm = register_module("decoder_norm", layerNorm(o.hidden));
    output = register_module("output", torch::nn::Linear(o.hidden, m_jointVocab));
}

TigerMemory TigerImpl::encode(const at::Tensor& tokens, const at::Tensor& users, at::Generator* generator,
                              bool withAttention) {
    const int64_t b = tokens.size(0), t = tokens.size(1);
    const int64_t levelCount = levels();
    if (t % levelCount != 0 || t > m_options.maxItems * levelCount)
        throw std::invalid_argument("tiger: " + std::to_string(t) + " history tokens are not whole items of " +
                                    std::to_string(levelCount) + " levels within max_items " +
                                    std::to_string(m_options.maxItems));
    const bool withUser = users.defined();
    if (withUser && !userEmbedding) throw std::invalid_argument("tiger: this model has no user tokens");
    if (t == 0 && !withUser) throw std::invalid_argument("tiger: nothing to encode (empty history, no user token)");

    // Column c holds level (L-1 - j % L) of the item in slot (maxItems-1 - j / L), j = T-1-c: the same
    // for every row because histories are right-aligned.
    std::vector<int64_t> slots(static_cast<size_t>(t)), levelIds(static_cast<size_t>(t));
    for (int64_t c = 0; c < t; ++c) {
        const int64_t j = t - 1 - c;
        levelIds[static_cast<size_t>(c)] = levelCount - 1 - j % levelCount;
        slots[static_cast<size_t>(c)] = m_options.maxItems - 1 - j / levelCount;
    }
    const at::TensorOptions longOptions = at::TensorOptions().dtype(at::kLong);
    const at::Tensor slotIds = at::tensor(slots, longOptions).to(tokens.device());
    const at::Tensor levelTensor = at::tensor(levelIds, longOptions).to(tokens.device());
    at::Tensor x = tokenEmbedding->forward(tokens) +
                   (slotEmbedding->forward(slotIds) + levelEmbedding->forward(levelTensor)).unsqueeze(0);
    at::Tensor blocked = tokens.eq(0);
    if (withUser) {
        // The user token sits after the history (the paper puts it first; with absolute positions and
        // bidirectional attention only its embedding matters) and is never padding.
        x = at::cat({x, userEmbedding->forward(users).unsqueeze(1)}, 1);
        blocked = at::cat({blocked, at::zeros({b, 1}, blocked.options())}, 1);
    } else {
        // The most recent column is always a key, so an all-padding row still has one to attend to.
        blocked = blocked.clone();
        blocked.select(1, t - 1).fill_(false);
    }
    const int64_t s = x.size(1);
    x = seededDropout(x, m_options.dropout, is_training(), generator);

    TigerMemory memory;
    memory.blocked = blocked.view({b, 1, 1, s});
    for (TigerEncoderLayer& layer : encoderLayers) {
        at::Tensor weights;
        x = layer->forward(x, memory.blocked, generator, withAttention ? &weights : nullptr);
        if (withAttention) memory.attentions.push_back(weights);
    }
    memory.hidden = encoderNorm->forward(x);
    return memory;
}

at::Tensor TigerImpl::runDecoder(at::Tensor x, const at::Tensor& selfBlocked, const std::vector<at::Tensor>& crossKeys,
                                 const std::vector<at::Tensor>& crossValues, const at::Tensor& crossBlocked,
                                 int64_t groups, at::Generator* generator, std::vector<TigerSelfCache>* caches) {
    for (size_t i = 0; i < decoderLayers.size(); ++i)
        x = decoderLayers[i]->forward(x, selfBlocked, crossKeys[i], crossValues[i], crossBlocked, groups, generator,
                                      caches ? &(*caches)[i] : nullptr);
    return decoderNorm->forward(x);
}

at::Tensor TigerImpl::decodeAll(const TigerMemory& memory, const at::Tensor& targets, at::Generator* generator) {
    const int64_t b = targets.size(0), levelCount = levels();
    if (targets.dim() != 2 || targets.size(1) != levelCount)
        throw std::invalid_argument("tiger: targets must be B x " + std::to_string(levelCount) + " codes");
    const at::TensorOptions longOptions = at::TensorOptions().dtype(at::kLong).device(targets.device());
    std::vector<int64_t> shift;
    for (const int64_t offset : m_offsets) shift.push_back(2 + offset);
    const at::Tensor codeTokens = targets + at::tensor(shift, at::kLong).to(targets.device()).unsqueeze(0);
    const at::Tensor inputs =
        at::cat({at::ones({b, 1}, longOptions), codeTokens.narrow(1, 0, levelCount - 1)}, 1);  // BOS, then shifted
    at::Tensor x = tokenEmbedding->forward(inputs) +
                   decoderLevelEmbedding->forward(at::arange(levelCount, longOptions)).unsqueeze(0);
    x = seededDropout(x, m_options.dropout, is_training(), generator);
    const at::Tensor causal =
        at::ones({levelCount, levelCount}, at::TensorOptions().dtype(at::kBool).device(targets.device())).triu(1);
    std::vector<at::Tensor> keys(decoderLayers.size()), values(decoderLayers.size());
    for (size_t i = 0; i < decoderLayers.size(); ++i)
        decoderLayers[i]->crossAttention->project(memory.hidden, keys[i], values[i]);
    const at::Tensor hidden = runDecoder(x, causal, keys, values, memory.blocked, 1, generator, nullptr);
    return output->forward(hidden);
}

at::Tensor TigerImpl::levelMask(const at::TensorOptions& options) const {
    at::Tensor mask = at::full({levels(), m_jointVocab}, -std::numeric_limits<float>::infinity(), options);
    for (int64_t l = 0; l < levels(); ++l)
        mask[l].narrow(0, m_offsets[static_cast<size_t>(l)], m_options.vocab[l]).zero_();
    return mask;
}

TigerDecoderState TigerImpl::startDecoding(const TigerMemory& memory) {
    TigerDecoderState state;
    state.crossKeys.resize(decoderLayers.size());
    state.crossValues.resize(decoderLayers.size());
    for (size_t i = 0; i < decoderLayers.size(); ++i) {
        decoderLayers[i]->crossAttention->project(memory.hidden, state.crossKeys[i], state.crossValues[i]);
        state.layers.push_back(decoderLayers[i]->startStep(memory.hidden, memory.blocked));
    }
    state.crossBlocked = memory.blocked;
    return state;
}

at::Tensor TigerImpl::decodeStep(TigerDecoderState& state, const at::Tensor& tokens, int64_t groups) {
    const int64_t step = state.step;
    if (step >= levels()) throw std::logic_error("tiger: decoded past the last level");
    at::Tensor x = tokenEmbedding->forward(tokens) + decoderLevelEmbedding->weight[step].unsqueeze(0);
    for (size_t i = 0; i < decoderLayers.size(); ++i) x = decoderLayers[i]->step(x, state.layers[i], groups);
    const at::Tensor hidden = decoderNorm->forward(x);
    ++state.step;
    // Only this level's slice of the output layer: the other levels' logits are never used here.
    const int64_t offset = m_offsets[static_cast<size_t>(step)];
    const int64_t size = m_options.vocab[static_cast<size_t>(step)];
    return at::linear(hidden, output->weight.narrow(0, offset, size), output->bias.narrow(0, offset, size));
}

at::Tensor TigerImpl::decodePrefix(const TigerDecoderState& state, const at::Tensor& tokens, int64_t groups) {
    const int64_t t = tokens.size(1), level = t - 1;
    if (level < 0 || level >= levels()) throw std::logic_error("tiger: a prefix of " + std::to_string(t) + " tokens");
    const at::TensorOptions longOptions = at::TensorOptions().dtype(at::kLong).device(tokens.device());
    const at::Tensor x =
        tokenEmbedding->forward(tokens) + decoderLevelEmbedding->forward(at::arange(t, longOptions)).unsqueeze(0);
    const at::Tensor causal = at::ones({t, t}, longOptions.dtype(at::kBool)).triu(1);
    const at::Tensor hidden =
        runDecoder(x, causal, state.crossKeys, state.crossValues, state.crossBlocked, groups, nullptr, nullptr)
            .select(1, level);
    const int64_t offset = m_offsets[static_cast<size_t>(level)];
    const int64_t size = m_options.vocab[static_cast<size_t>(level)];
    return at::linear(hidden, output->weight.narrow(0, offset, size), output->bias.narrow(0, offset, size));
}

void TigerImpl::selectRows(TigerDecoderState& state, const at::Tensor& rows) const {
    for (TigerStepLayer& layer : state.layers) {
        layer.selfKeys = layer.selfKeys.index_select(0, rows);
        layer.selfValues = layer.selfValues.index_select(0, rows);
    }
}

void TigerImpl::resetParameters(at::Generator& generator) {
    resetXavierNormal(*this, generator);
    torch::NoGradGuard noGrad;
    tokenEmbedding->weight[0].zero_();
}

}  // namespace tokenbench::core
