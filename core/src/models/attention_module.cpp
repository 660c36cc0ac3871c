#include "models/attention_module.h"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include <ATen/ATen.h>

#include "models/sasrec_module.h"  // seededDropout

namespace tokenbench::core {

MultiHeadAttentionImpl::MultiHeadAttentionImpl(int64_t hidden, int64_t heads, double dropout, const char* owner)
    : m_heads(heads), m_dropout(dropout) {
    if (heads <= 0 || hidden % heads != 0)
        throw std::invalid_argument(std::string(owner) + ": hidden size " + std::to_string(hidden) +
                                    " is not divisible by " + std::to_string(heads) + " heads");
    query = register_module("query", torch::nn::Linear(hidden, hidden));
    key = register_module("key", torch::nn::Linear(hidden, hidden));
    value = register_module("value", torch::nn::Linear(hidden, hidden));
    output = register_module("output", torch::nn::Linear(hidden, hidden));
}

void MultiHeadAttentionImpl::project(const at::Tensor& source, at::Tensor& keys, at::Tensor& values) {
    const int64_t b = source.size(0), s = source.size(1), h = source.size(2);
    const int64_t d = h / m_heads;
    keys = key->forward(source).view({b, s, m_heads, d}).transpose(1, 2);
    values = value->forward(source).view({b, s, m_heads, d}).transpose(1, 2);
}

at::Tensor MultiHeadAttentionImpl::queries(const at::Tensor& x) {
    return query->forward(x).view({x.size(0), x.size(1), m_heads, x.size(2) / m_heads}).transpose(1, 2);
}

at::Tensor MultiHeadAttentionImpl::forward(const at::Tensor& x, const at::Tensor& keys, const at::Tensor& values,
                                           const at::Tensor& blocked, at::Generator* generator, at::Tensor* weights) {
    return attend(queries(x), keys, values, blocked, generator, weights);
}

at::Tensor MultiHeadAttentionImpl::selfAttend(const at::Tensor& x, const at::Tensor& blocked, at::Generator* generator,
                                              at::Tensor* weights) {
    // Queries first, then keys and values: the order of the products is part of bit-identical results.
    const at::Tensor q = queries(x);
    at::Tensor keys, values;
    project(x, keys, values);
    return attend(q, keys, values, blocked, generator, weights);
}

at::Tensor MultiHeadAttentionImpl::attend(const at::Tensor& q, const at::Tensor& keys, const at::Tensor& values,
                                          const at::Tensor& blocked, at::Generator* generator, at::Tensor* weights) {
    const int64_t b = q.size(0), t = q.size(2), d = q.size(3);
    at::Tensor scores = at::matmul(q, keys.transpose(-2, -1)) / std::sqrt(static_cast<double>(d));
    if (blocked.defined()) scores = scores.masked_fill(blocked, -std::numeric_limits<float>::infinity());
    const at::Tensor probabilities = at::softmax(scores, -1);
    if (weights) *weights = probabilities.detach();
    const at::Tensor mixed = at::matmul(seededDropout(probabilities, m_dropout, is_training(), generator), values);
    return output->forward(mixed.transpose(1, 2).reshape({b, t, m_heads * d}));
}

}  // namespace tokenbench::core
