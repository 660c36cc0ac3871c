#pragma once
// Private: the torch modules of TIGER (Rajput et al., "Recommender Systems with Generative Retrieval",
// NeurIPS 2023): a T5-like pre-LN encoder-decoder transformer over semantic-ID tokens. Attention is
// written out so its weights can be returned per layer and head. Registered names are checkpoint
// and export keys ("token_embedding.weight", "encoder0.self_attention.query.weight").
//
// Token ids (one table shared by encoder and decoder, as T5 shares its embeddings):
//   0 = padding, 1 = BOS (decoder start), 2 + offset[level] + code = a code of a level, where
//   offset[level] = sum of the vocabularies of the levels before it.
// The output layer scores the joint code vocabulary (index offset[level] + code); each decoding step
// only looks at its own level's slice.
// Used on one thread at a time (a job's worker thread).

#include <cstdint>
#include <vector>

#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/embedding.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/pimpl.h>

#include "attention_module.h"  // relative: tests include this header by path
#include "tiger_config.h"

namespace tokenbench::core {

/// Sizes of a TIGER network: the configured sizes and the codes per level.
struct TigerOptions final : TigerSizes {
    std::vector<int64_t> vocab;  ///< codes per level (max code + 1); levels = vocab.size()
};


/// One pre-LN encoder layer: x + SelfAttn(LN(x)), then x + FFN(LN(x)) with FFN = Linear-ReLU-Linear.
class TigerEncoderLayerImpl final : public torch::nn::Module {
public:
    TigerEncoderLayerImpl(int64_t hidden, int64_t heads, int64_t feedForward, double dropout);
    at::Tensor forward(const at::Tensor& x, const at::Tensor& blocked, at::Generator* generator,
                       at::Tensor* weights = nullptr);

    torch::nn::LayerNorm selfNorm{nullptr}, feedForwardNorm{nullptr};
    MultiHeadAttention selfAttention{nullptr};
    torch::nn::Linear feedForward1{nullptr}, feedForward2{nullptr};

private:
    double m_dropout;
};
TORCH_MODULE(TigerEncoderLayer);

/// Keys and values a decoder layer's self-attention has seen so far (incremental decoding).
struct TigerSelfCache final {
    at::Tensor keys;  ///< rows x heads x steps x d
    at::Tensor values;
};

/// One decoder layer's tensors for incremental decoding (TigerDecoderLayerImpl::step), laid out for
/// one row per beam: a step's query meets at most `levels` cached keys, so its self-attention is a
/// product and a sum rather than thousands of tiny matrix products, and the encoder's keys and values
/// are stored once per user in the layout the batched products read.
struct TigerStepLayer final {
    at::Tensor selfWeight, selfBias;  ///< query, key and value projections stacked: 3H x H, 3H
    at::Tensor selfKeys, selfValues;  ///< rows x steps x H (head-major within H), grown each step
    at::Tensor crossKeys;             ///< (B*heads) x d x S, already divided by sqrt(d)
    at::Tensor crossValues;           ///< (B*heads) x S x d
    at::Tensor crossBias;             ///< (B*heads) x 1 x S: 0, or -inf for padding keys
};

/// One pre-LN decoder layer: causal self-attention, cross-attention to the encoder, FFN.
class TigerDecoderLayerImpl final : public torch::nn::Module {
public:
    TigerDecoderLayerImpl(int64_t hidden, int64_t heads, int64_t feedForward, double dropout);
    /// `x` (B*groups) x T x H, rows grouped by user (row = user * groups + g) so each user's beams
    /// share that user's encoder keys/values `crossKeys`/`crossValues` (B x heads x S x d) without
    /// copies. `selfBlocked` T x T causal mask (undefined when `cache` is given: then T = 1 and the
    /// step sees every cached step, which it extends). `crossBlocked` B x 1 x 1 x S.
    at::Tensor forward(const at::Tensor& x, const at::Tensor& selfBlocked, const at::Tensor& crossKeys,
                       const at::Tensor& crossValues, const at::Tensor& crossBlocked, int64_t groups,
                       at::Generator* generator, TigerSelfCache* cache = nullptr, at::Tensor* crossWeights = nullptr);
    /// One incremental step in eval mode: `x` (B*groups) x H, one new token per row, rows grouped by
    /// user; extends `state`'s self-attention keys/values. Equal to forward over the whole prefix.
    at::Tensor step(const at::Tensor& x, TigerStepLayer& state, int64_t groups);
    /// `state` for B users' encoder output `memory` B x S x H and padding `blocked` B x 1 x 1 x S.
    [[nodiscard]] TigerStepLayer startStep(const at::Tensor& memory, const at::Tensor& blocked);

    torch::nn::LayerNorm selfNorm{nullptr}, crossNorm{nullptr}, feedForwardNorm{nullptr};
    MultiHeadAttention selfAttention{nullptr}, crossAttention{nullptr};
    torch::nn::Linear feedForward1{nullptr}, feedForward2{nullptr};

private:
    double m_dropout;
    int64_t m_heads;
};
TORCH_MODULE(TigerDecoderLayer);

/// The encoder's output for a batch of histories.
struct TigerMemory final {
    at::Tensor hidden;                   ///< B x S x H after the final LayerNorm
    at::Tensor blocked;                  ///< B x 1 x 1 x S, true for padding keys
    std::vector<at::Tensor> attentions;  ///< per encoder layer B x heads x S x S, only when asked for
};

/// Incremental decoding state for a beam search: per-layer self-attention caches over the rows
/// decoded so far and the encoder's cross-attention keys/values (per user, computed once).
struct TigerDecoderState final {
    std::vector<TigerStepLayer> layers;                ///< decodeStep's, per decoder layer
    std::vector<at::Tensor> crossKeys, crossValues;  ///< B x heads x S x d per layer (decodePrefix)
    at::Tensor crossBlocked;
    int64_t step = 0;  ///< level the next decodeStep predicts
};

/// The whole network.
class TigerImpl final : public torch::nn::Module {
public:
    explicit TigerImpl(TigerOptions options);

    /// Token id of `code` at `level` (see file comment).
    [[nodiscard]] int64_t codeToken(int64_t level, int64_t code) const { return 2 + m_offsets[level] + code; }
    [[nodiscard]] int64_t levels() const { return static_cast<int64_t>(m_options.vocab.size()); }
    [[nodiscard]] int64_t jointVocab() const { return m_jointVocab; }
    [[nodiscard]] const std::vector<int64_t>& offsets() const { return m_offsets; }
    [[nodiscard]] const TigerOptions& options() const { return m_options; }

    /// `tokens` B x T code-token ids of the flattened histories (T a multiple of levels, at most
    /// maxItems x levels), left-padded with 0, most recent item last; `users` B hashed user buckets
    /// (undefined when the model has no user token, or to leave it out). Positions are right-aligned,
    /// so trimming common left padding changes no output.
    TigerMemory encode(const at::Tensor& tokens, const at::Tensor& users, at::Generator* generator = nullptr,
                       bool withAttention = false);
    /// Teacher forcing: `targets` B x levels codes (per-level values). Returns B x levels x jointVocab
    /// logits; row l predicts level l from BOS and the codes of levels < l.
    at::Tensor decodeAll(const TigerMemory& memory, const at::Tensor& targets, at::Generator* generator = nullptr);
    /// levels x jointVocab additive mask: 0 inside a level's slice, -inf elsewhere.
    [[nodiscard]] at::Tensor levelMask(const at::TensorOptions& options) const;

    /// Starts incremental decoding over `memory` (B users, one row each).
    TigerDecoderState startDecoding(const TigerMemory& memory);
    /// Feeds one token per row (`tokens` (B*groups) int64: BOS at step 0, then the previous level's
    /// code token) and returns (B*groups) x vocab[step] logits of the next level. Eval mode only.
    at::Tensor decodeStep(TigerDecoderState& state, const at::Tensor& tokens, int64_t groups);
    /// Keeps decoder rows `rows` (int64 indices into the current rows, e.g. the parents of new beams).
    void selectRows(TigerDecoderState& state, const at::Tensor& rows) const;
    /// Without any cache: runs the whole decoder over `tokens` (B*groups) x T (BOS, then the code
    /// tokens of levels < T-1) with `state`'s encoder keys/values and returns (B*groups) x vocab[T-1]
    /// logits of level T-1. The reference the incremental decodeStep is tested against. Eval mode.
    at::Tensor decodePrefix(const TigerDecoderState& state, const at::Tensor& tokens, int64_t groups);

    /// Deterministic initialisation from `generator`: Xavier-normal matrices, zero biases, unit
    /// LayerNorms, zero padding row.
    void resetParameters(at::Generator& generator);

    torch::nn::Embedding tokenEmbedding{nullptr}, slotEmbedding{nullptr}, levelEmbedding{nullptr};
    torch::nn::Embedding userEmbedding{nullptr}, decoderLevelEmbedding{nullptr};
    std::vector<TigerEncoderLayer> encoderLayers;
    std::vector<TigerDecoderLayer> decoderLayers;
    torch::nn::LayerNorm encoderNorm{nullptr}, decoderNorm{nullptr};
    torch::nn::Linear output{nullptr};

private:
    /// Runs the decoder stack on embedded inputs.
    at::Tensor runDecoder(at::Tensor x, const at::Tensor& selfBlocked, const std::vector<at::Tensor>& crossKeys,
                          const std::vector<at::Tensor>& crossValues, const at::Tensor& crossBlocked, int64_t groups,
                          at::Generator* generator, std::vector<TigerSelfCache>* caches);

    TigerOptions m_options;
    std::vector<int64_t> m_offsets;
    int64_t m_jointVocab = 0;
};
TORCH_MODULE(Tiger);

}  // namespace tokenbench::core
