#pragma once
// Private: multi-head scaled dot-product attention with explicit Q, K, V and output projections
// ("query", "key", "value", "output": checkpoint and export keys), written out so its weights can be
// returned per head. BERT4Rec's layers use it as bidirectional self-attention, TIGER's as encoder
// and decoder self-attention and as cross-attention to the encoder. Used on one thread at a time.

#include <cstdint>

#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

namespace tokenbench::core {

/// See file comment. Dropout on the attention probabilities, seeded from the caller's generator.
class MultiHeadAttentionImpl final : public torch::nn::Module {
public:
    /// `owner` ("bert4rec", "tiger") names the model in the error thrown when `heads` does not divide
    /// `hidden` (std::invalid_argument).
    MultiHeadAttentionImpl(int64_t hidden, int64_t heads, double dropout, const char* owner);
    /// `source` B x S x H -> keys and values, each B x heads x S x d.
    void project(const at::Tensor& source, at::Tensor& keys, at::Tensor& values);
    /// `x` B x T x H queries against `keys`/`values` (B x heads x S x d); `blocked` broadcastable to
    /// B x heads x T x S, true where a query may not look (undefined = nothing blocked). `weights`, when
    /// given, receives the B x heads x T x S probabilities.
    at::Tensor forward(const at::Tensor& x, const at::Tensor& keys, const at::Tensor& values, const at::Tensor& blocked,
                       at::Generator* generator, at::Tensor* weights = nullptr);
    /// Self-attention: queries, keys and values projected from `x` itself.
    at::Tensor selfAttend(const at::Tensor& x, const at::Tensor& blocked, at::Generator* generator,
                          at::Tensor* weights = nullptr);

    torch::nn::Linear query{nullptr}, key{nullptr}, value{nullptr}, output{nullptr};

private:
    /// `x` B x T x H -> queries B x heads x T x d.
    at::Tensor queries(const at::Tensor& x);
    /// Attention of queries `q` over `keys`/`values`, through the output projection (B x T x H).
    at::Tensor attend(const at::Tensor& q, const at::Tensor& keys, const at::Tensor& values, const at::Tensor& blocked,
                      at::Generator* generator, at::Tensor* weights);

    int64_t m_heads;
    double m_dropout;
};
TORCH_MODULE(MultiHeadAttention);

}  // namespace tokenbench::core
