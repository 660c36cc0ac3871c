#pragma once
/// A BERT encoder (embeddings + post-LN transformer layers) computed with LibTorch from the weights of
/// a HF BertModel safetensors file. Private to core.
///
/// Threads: immutable after load; forward() from one worker thread at a time (under InferenceMode).

#include <string>
#include <vector>

#include <torch/types.h>

#include "features/text_encoder/bert_config.h"

namespace tokenbench::core {

class BertEncoder final {
public:
    /// Loads `weightsPath` (model.safetensors); tensor names with or without a "bert." prefix. Throws
    /// DataError naming the file and the missing or misshapen tensor.
    BertEncoder(const BertConfig& config, const std::string& weightsPath);

    /// Last hidden states [B, L, H] of token ids [B, L] (int64) with attention mask [B, L] (1 = token).
    [[nodiscard]] torch::Tensor forward(const torch::Tensor& ids, const torch::Tensor& mask) const;

    [[nodiscard]] const BertConfig& config() const { return m_config; }

private:
    struct Layer {
        torch::Tensor qkvWeight, qkvBias;  ///< query, key and value stacked: one GEMM
        torch::Tensor attnOutWeight, attnOutBias, attnNormWeight, attnNormBias;
        torch::Tensor interWeight, interBias, outWeight, outBias, outNormWeight, outNormBias;
    };

    BertConfig m_config;
    torch::Tensor m_word, m_position, m_tokenType, m_embNormWeight, m_embNormBias;
    std::vector<Layer> m_layers;
};

}  // namespace tokenbench::core
