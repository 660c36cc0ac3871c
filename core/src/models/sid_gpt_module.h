#pragma once
// Private: the torch modules of SID-GPT, a decoder-only (GPT-like, pre-LN) transformer over the
// flattened semantic-ID tokens of a history. Registered names are checkpoint and export keys
// ("token_embedding.weight", "layer0.self_attention.query.weight").
//
// Tokens: 0 = padding, 1 = BOS, 2 + offset[level] + code = a code of a level, offset[level] = the
// sum of the vocabularies of the levels before it (TIGER's joint vocabulary). A sequence is BOS, then
// each item's codes level by level; the output at each position predicts the next token, scored
// over its level's slice of the joint output layer.
// Positions: each position gets the embeddings of what it predicts, level_embedding[level] +
// slot_embedding[slot], slots right-aligned so that the item being generated sits in slot
// max_items (the most recent history item in max_items - 1). Left padding is masked out of
// attention, so how much of it a row gets changes none of its outputs.
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
#include "sid_gpt_config.h"

namespace tokenbench::core {

/// Sizes of a SID-GPT network: the configured sizes and the codes per level.
struct SidGptOptions final : SidGptSizes {
    std::vector<int64_t> vocab;  ///< codes per level (max code + 1); levels = vocab.size()
};

/// One layer's self-attention keys and values (incremental decoding): rows x heads x steps x d.
struct SidGptCache final {
    at::Tensor keys;
    at::Tensor values;
};

/// One pre-LN block: x + SelfAttn(LN(x)), then x + FFN(LN(x)) with FFN = Linear-GELU-Linear.
class SidGptLayerImpl final : public torch::nn::Module {
public:
    SidGptLayerImpl(int64_t hidden, int64_t heads, int64_t feedForward, double dropout);
    /// Whole sequences: `x` B x T x H, `blocked` broadcastable to B x heads x T x T (true = may not
    /// look). `cache`, when given, receives this layer's keys and values.
    at::Tensor forward(const at::Tensor& x, const at::Tensor& blocked, at::Generator* generator,
                       SidGptCache* cache = nullptr, at::Tensor* weights = nullptr);
    /// One new token per row: `x` (users*groups) x 1 x H, rows grouped by user (row = user * groups +
    /// g). Each row attends to its user's prefix keys/values `prefix` (users x heads x T x d, padding
    /// keys `prefixBlocked` users x 1 x 1 x T), shared by the user's rows without copies, and to its own
    /// earlier steps `steps`, which it extends. Eval mode (no dropout).
    at::Tensor step(const at::Tensor& x, const SidGptCache& prefix, const at::Tensor& prefixBlocked,
                    SidGptCache& steps, int64_t groups);

    torch::nn::LayerNorm selfNorm{nullptr}, feedForwardNorm{nullptr};
    MultiHeadAttention selfAttention{nullptr};
    torch::nn::Linear feedForward1{nullptr}, feedForward2{nullptr};

private:
    /// The feed-forward half: y + FFN(LN(y)).
    at::Tensor feedForwardResidual(const at::Tensor& y, at::Generator* generator);

    int64_t m_heads;
    double m_dropout;
};
TORCH_MODULE(SidGptLayer);

/// A forward pass over whole sequences.
struct SidGptOutput final {
    at::Tensor hidden;                   ///< B x T x H after the final LayerNorm
    std::vector<at::Tensor> attentions;  ///< per layer B x heads x T x T, only when asked for
};

/// Incremental decoding state of a batch of users: the prefix's keys/values per layer (one row per
/// user), the generated tokens' keys/values per layer (one row per beam), the level-0 logits.
struct SidGptDecoderState final {
    std::vector<SidGptCache> prefix, steps;
    at::Tensor prefixBlocked;  ///< users x 1 x 1 x T, true for padding
    at::Tensor firstLogits;    ///< users x vocab[0]: the prefix's prediction of level 0
    int64_t step = 0;          ///< level the next decodeStep returns
};

/// The whole network.
class SidGptImpl final : public torch::nn::Module {
public:
    static constexpr int64_t kBos = 1;

    explicit SidGptImpl(SidGptOptions options);

    /// Token id of `code` at `level` (see file comment).
    [[nodiscard]] int64_t codeToken(int64_t level, int64_t code) const { return 2 + m_offsets[level] + code; }
    [[nodiscard]] int64_t levels() const { return static_cast<int64_t>(m_options.vocab.size()); }
    [[nodiscard]] int64_t jointVocab() const { return m_jointVocab; }
    [[nodiscard]] const std::vector<int64_t>& offsets() const { return m_offsets; }
    [[nodiscard]] const SidGptOptions& options() const { return m_options; }

    /// `tokens` B x T token ids, left-padded with 0, sequences ending in the last column, whose
    /// output predicts level `lastLevel` of the item in slot max_items (training: the last level of
    /// the last item, lastLevel = levels - 1). At most (max_items + 1) x levels tokens. `caches`, when
    /// given, receives each layer's keys and values.
    SidGptOutput forward(const at::Tensor& tokens, int64_t lastLevel, at::Generator* generator = nullptr,
                         bool withAttention = false, std::vector<SidGptCache>* caches = nullptr);
    /// Logits (R x vocab[level]) of level `level` from hidden states `hidden` R x H: that level's
    /// slice of the output layer.
    at::Tensor levelLogits(const at::Tensor& hidden, int64_t level);
    /// Log-probabilities per level from `hidden` levels x R x H (block l predicts level l):
    /// log-softmax over the level's own codes, or, with `trieMask` (R x levels x jointVocab additive,
    /// trieTrainingMask's), over the codes it allows only. One R x vocab[l] tensor per level.
    std::vector<at::Tensor> levelLogProbs(const at::Tensor& hidden, const at::Tensor& trieMask);

    /// Runs the prefixes `tokens` (B x T: BOS and the history's codes, left-padded) once, keeping
    /// their keys and values; the state's firstLogits predict the next item's level 0. Eval mode.
    SidGptDecoderState startDecoding(const at::Tensor& tokens);
    /// Appends one token per row (`tokens` (B*groups) int64: the code token of level state.step - 1)
    /// and returns (B*groups) x vocab[state.step] logits. Eval mode; state.step >= 1.
    at::Tensor decodeStep(SidGptDecoderState& state, const at::Tensor& tokens, int64_t groups);
    /// Keeps the generated-token rows `rows` (int64 indices into the current rows).
    void selectRows(SidGptDecoderState& state, const at::Tensor& rows) const;

    /// Deterministic initialisation from `generator`: Xavier-normal matrices, zero biases, unit
    /// LayerNorms, zero padding row.
    void resetParameters(at::Generator& generator);

    torch::nn::Embedding tokenEmbedding{nullptr}, slotEmbedding{nullptr}, levelEmbedding{nullptr};
    std::vector<SidGptLayer> layers;
    torch::nn::LayerNorm finalNorm{nullptr};
    torch::nn::Linear output{nullptr};

private:
    /// Position embeddings (T x H) of T right-aligned columns whose last predicts `lastLevel` of
    /// slot max_items.
    at::Tensor positionEmbeddings(int64_t t, int64_t lastLevel, const at::Device& device);

    SidGptOptions m_options;
    std::vector<int64_t> m_offsets;
    int64_t m_jointVocab = 0;
};
TORCH_MODULE(SidGpt);

}  // namespace tokenbench::core
