#include "models/sasrec_module.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <mutex>
#include <stdexcept>
#include <string>

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <torch/utils.h>

#include "models/sasrec_batched_gemm.h"
#include "models/weight_init.h"

namespace tokenbench::core {

namespace {

// lowbias32 (C. Wellons' hash-prospector): a cheap, well-mixed 32-bit integer hash.
inline uint32_t mix32(uint32_t x) {
    x ^= x >> 16;
    x *= 0x7feb352dU;
    x ^= x >> 15;
    x *= 0x846ca68bU;
    x ^= x >> 16;
    return x;
}

/// data[i] = scale when hash(key, i) < threshold, else 0, for i in [begin, end).
void fillDropoutMask(float* data, int64_t begin, int64_t end, uint64_t key, uint32_t threshold, float scale) {
    const auto k0 = static_cast<uint32_t>(key), k1 = static_cast<uint32_t>(key >> 32);
    const auto keep = [&](int64_t i) { return mix32(mix32(static_cast<uint32_t>(i) ^ k0) + k1) < threshold; };
    // Fixed-size inner blocks let GCC vectorise the loop at -O2 (no epilogue needed).
    constexpr int64_t kBlock = 16;
    int64_t i = begin;
    for (; i + kBlock <= end; i += kBlock)
        for (int64_t l = 0; l < kBlock; ++l) data[i + l] = keep(i + l) ? scale : 0.0f;
    for (; i < end; ++i) data[i] = keep(i) ? scale : 0.0f;
}

}  // namespace

at::Tensor seededDropout(const at::Tensor& x, double p, bool training, at::Generator* generator) {
    if (!training || p <= 0.0) return x;
    if (!generator || !x.device().is_cpu()) return at::dropout(x, p, /*train=*/true);
    const double keep = 1.0 - p;
    at::Tensor mask = at::empty(x.sizes(), x.options().requires_grad(false).memory_format(at::MemoryFormat::Contiguous));
    const int64_t count = mask.numel();
    if (x.scalar_type() != at::kFloat || count > (int64_t(1) << 32)) {
        mask.bernoulli_(keep, *generator);  // other dtypes, or past the 32-bit element counter: torch's sampler
        return x * mask.div_(keep);
    }
    uint64_t key = 0;
    {
        // The generator advances by one draw per mask, whatever the tensor's size.
        std::lock_guard<std::mutex> lock(generator->mutex());
        key = at::check_generator<at::CPUGeneratorImpl>(*generator)->random64();
    }
    // Keep an element when its hash is below keep * 2^32. The hash of (key, element index) does not
    // depend on how the range is split across threads.
    const auto threshold = static_cast<uint32_t>(std::min(std::ldexp(keep, 32), 4294967295.0));
    const auto scale = static_cast<float>(1.0 / keep);
    float* data = mask.data_ptr<float>();
    // A large grain: typical masks (tens of thousands of elements) are filled without waking a thread.
    at::parallel_for(0, count, 262144, [&](int64_t begin, int64_t end) {
        fillDropoutMask(data, begin, end, key, threshold, scale);
    });
    return x * mask;
}

CausalSelfAttentionImpl::CausalSelfAttentionImpl(int64_t hidden, int64_t heads, double dropout)
    : m_heads(heads), m_dropout(dropout) {
    if (heads <= 0 || hidden % heads != 0)
        throw std::invalid_argument("sasrec: hidden size " + std::to_string(hidden) + " is not divisible by " +
                                    std::to_string(heads) + " heads");
    inProjection = register_module("in_projection", torch::nn::Linear(hidden, 3 * hidden));
    output = register_module("output", torch::nn::Linear(hidden, hidden));
}

at::Tensor CausalSelfAttentionImpl::forward(const at::Tensor& query, const at::Tensor& keyValue, const at::Tensor& mask,
                                            at::Generator* generator, at::Tensor* weights) {
    const int64_t b = query.size(0), t = query.size(1), h = query.size(2);
    const int64_t d = h / m_heads;
    // B x T x (n H) -> n x (B heads) x T x d: views (a copy only when heads > 1). Linear layers get
    // 2-D inputs: torch then fuses the bias into the product (addmm).
    const auto splitHeads = [&](const at::Tensor& projected, int64_t n) {
        at::Tensor parts = projected.view({b, t, n, m_heads, d}).permute({2, 0, 3, 1, 4});
        return m_heads > 1 ? parts.reshape({n, b * m_heads, t, d}) : parts.view({n, b, t, d});
    };
    at::Tensor q, k, v;
    if (query.is_same(keyValue)) {
        // unbind, not three selects: its backward stacks the three gradients in one op.
        const std::vector<at::Tensor> parts = splitHeads(inProjection->forward(query.reshape({b * t, h})), 3).unbind(0);
        q = parts[0], k = parts[1], v = parts[2];
    } else {
        const at::Tensor& weight = inProjection->weight;
        const at::Tensor& bias = inProjection->bias;
        q = splitHeads(at::linear(query.reshape({b * t, h}), weight.narrow(0, 0, h), bias.narrow(0, 0, h)), 1)[0];
        const std::vector<at::Tensor> parts =
            splitHeads(at::linear(keyValue.reshape({b * t, h}), weight.narrow(0, h, 2 * h), bias.narrow(0, h, 2 * h)), 2)
                .unbind(0);
        k = parts[0], v = parts[1];
    }
    // Scaled dot-product attention (Vaswani et al. 2017), causal: query i sees keys j <= i only
    // (Kang & McAuley sec. III-B, "Causality"), and never left padding other than itself. The mask
    // (-inf where blocked) and the 1/sqrt(d) scale are applied inside the batched product.
    const at::Tensor bias =
        m_heads > 1 ? mask.unsqueeze(1).expand({b, m_heads, t, t}).reshape({b * m_heads, t, t}) : mask;
    const at::Tensor scores =
        batchedMatmul(q, k, /*transposeB=*/true, /*alpha=*/1.0 / std::sqrt(static_cast<double>(d)), bias);
    const at::Tensor probabilities = at::softmax(scores, -1);
    if (weights) *weights = probabilities.detach().view({b, m_heads, t, t});
    const at::Tensor mixed =
        batchedMatmul(seededDropout(probabilities, m_dropout, is_training(), generator), v, /*transposeB=*/false);
    const at::Tensor merged = m_heads > 1 ? mixed.view({b, m_heads, t, d}).transpose(1, 2).reshape({b * t, h})
                                          : mixed.view({b * t, h});
    return output->forward(merged).view({b, t, h});
}

SasRecBlockImpl::SasRecBlockImpl(int64_t hidden, int64_t heads, double dropout, bool preNorm)
    : m_dropout(dropout), m_preNorm(preNorm) {
    // eps 1e-8 as in the paper's reference code.
    attentionNorm = register_module("attention_norm",
                                    torch::nn::LayerNorm(torch::nn::LayerNormOptions({hidden}).eps(1e-8)));
    attention = register_module("attention", CausalSelfAttention(hidden, heads, dropout));
    feedForwardNorm = register_module("feed_forward_norm",
                                      torch::nn::LayerNorm(torch::nn::LayerNormOptions({hidden}).eps(1e-8)));
    feedForward1 = register_module("feed_forward1", torch::nn::Linear(hidden, hidden));
    feedForward2 = register_module("feed_forward2", torch::nn::Linear(hidden, hidden));
}

at::Tensor SasRecBlockImpl::forward(const at::Tensor& x, const at::Tensor& mask, at::Generator* generator,
                                    at::Tensor* weights) {
    const bool training = is_training();
    // The point-wise network on B*T rows (2-D, so each Linear is one addmm).
    const auto feedForward = [&](const at::Tensor& rows) {
        const at::Tensor inner = seededDropout(at::relu(feedForward1->forward(rows)), m_dropout, training, generator);
        return seededDropout(feedForward2->forward(inner), m_dropout, training, generator);
    };
    if (m_preNorm) {
        const at::Tensor normed = attentionNorm->forward(x);
        const at::Tensor y =
            x + seededDropout(attention->forward(normed, normed, mask, generator, weights), m_dropout, training, generator);
        return y + feedForward(feedForwardNorm->forward(y.reshape({-1, y.size(2)}))).view(y.sizes());
    }
    // The paper's code: attention weights are the only dropout inside the attention sub-layer.
    const at::Tensor query = attentionNorm->forward(x);
    const at::Tensor y = query + attention->forward(query, x, mask, generator, weights);
    const at::Tensor z = feedForwardNorm->forward(y.reshape({-1, y.size(2)}));
    return (z + feedForward(z)).view(y.sizes());
}

SasRecImpl::SasRecImpl(const SasRecOptions& options) : m_options(options) {
    if (options.items <= 0 || options.hidden <= 0 || options.blocks <= 0 || options.maxLength <= 0)
        throw std::invalid_argument("sasrec: items, hidden, blocks and max length must be positive");
    itemEmbedding = register_module(
        "item_embedding",
        // Sparse gradient: a step touches a few thousand of the table's rows (see sasrec_adam.h).
        torch::nn::Embedding(torch::nn::EmbeddingOptions(options.items + (options.maskToken ? 2 : 1), options.hidden)
                                 .padding_idx(0)
                                 .sparse(true)));
    positionEmbedding =
        register_module("position_embedding", torch::nn::Embedding(options.maxLength, options.hidden));
    if (options.reasoningSteps > 0)
        reasoningPosition = register_module("reasoning_position",
                                            torch::nn::Embedding(options.reasoningSteps, options.hidden));
    for (int64_t i = 0; i < options.blocks; ++i)
        blocks.push_back(register_module("block" + std::to_string(i),
                                         SasRecBlock(options.hidden, options.heads, options.dropout, options.preNorm)));
    finalNorm = register_module("final_norm",
                                torch::nn::LayerNorm(torch::nn::LayerNormOptions({options.hidden}).eps(1e-8)));
}

at::Tensor SasRecImpl::attentionMask(const at::Tensor& items) const {
    // Additive attention mask, B x T x T: -inf above the diagonal (the future) and on padding keys,
    // except that a padding query may attend to itself, so no softmax row is empty.
    const int64_t b = items.size(0), t = items.size(1);
    const float blockedValue = -std::numeric_limits<float>::infinity();
    if (items.device().is_cpu()) {
        // One pass in C++ instead of ten small tensor ops per forward.
        const at::Tensor ids = items.to(at::kLong).contiguous();
        const int64_t* id = ids.data_ptr<int64_t>();
        at::Tensor mask = at::empty({b, t, t}, at::TensorOptions().dtype(at::kFloat));
        float* out = mask.data_ptr<float>();
        for (int64_t r = 0; r < b; ++r)
            for (int64_t i = 0; i < t; ++i)
                for (int64_t j = 0; j < t; ++j)
                    *out++ = j > i || (j != i && id[r * t + j] == 0) ? blockedValue : 0.0f;
        return mask;
    }
    const at::TensorOptions boolOptions = at::TensorOptions().dtype(at::kBool).device(items.device());
    const at::Tensor causal = at::ones({t, t}, boolOptions).triu(1);
    const at::Tensor keyPadding = items.eq(0).view({b, 1, t});
    const at::Tensor blocked =
        causal.unsqueeze(0).logical_or(keyPadding.logical_and(at::eye(t, boolOptions).logical_not()));
    return at::zeros({b, t, t}, at::TensorOptions().dtype(itemEmbedding->weight.scalar_type()).device(items.device()))
        .masked_fill_(blocked, blockedValue);
}

at::Tensor SasRecImpl::embed(const at::Tensor& items, at::Generator* generator) {
    return embedVectors(itemEmbedding->forward(items), generator);
}

at::Tensor SasRecImpl::embedVectors(const at::Tensor& vectors, at::Generator* generator) {
    const int64_t t = vectors.size(1);
    if (t > m_options.maxLength)
        throw std::invalid_argument("sasrec: sequence of " + std::to_string(t) + " positions exceeds max length " +
                                    std::to_string(m_options.maxLength));
    // Item embeddings scaled by sqrt(d) as in the reference code, plus learned positions (sec. III-A);
    // positions are right-aligned, so they are the last t rows of the position table.
    const at::Tensor x = vectors * std::sqrt(static_cast<double>(m_options.hidden)) +
                         positionEmbedding->weight.narrow(0, m_options.maxLength - t, t).unsqueeze(0);
    return seededDropout(x, m_options.dropout, is_training(), generator);
}

SasRecOutput SasRecImpl::forward(const at::Tensor& items, at::Generator* generator, bool withAttention) {
    const at::Tensor x = embed(items, generator);
    return runLayerStack(blocks, finalNorm, x, attentionMask(items), generator, withAttention);
}

SasRecOutput SasRecImpl::forwardWithTable(const at::Tensor& items, const at::Tensor& table, at::Generator* generator,
                                          bool withAttention) {
    const at::Tensor x = embedVectors(at::embedding(table, items), generator);
    return runLayerStack(blocks, finalNorm, x, attentionMask(items), generator, withAttention);
}

at::Tensor SasRecImpl::scoreAll(const at::Tensor& hidden) const {
    return at::matmul(hidden, itemEmbedding->weight.narrow(0, 1, m_options.items).t());
}

void SasRecImpl::scoreAllInto(const at::Tensor& hidden, at::Tensor& out) const {
    at::mm_out(out, hidden, itemEmbedding->weight.narrow(0, 1, m_options.items).t());
}

void SasRecImpl::resetParameters(at::Generator& generator) {
    resetXavierNormal(*this, generator);
    torch::NoGradGuard noGrad;
    itemEmbedding->weight[0].zero_();
}

}  // namespace tokenbench::core
