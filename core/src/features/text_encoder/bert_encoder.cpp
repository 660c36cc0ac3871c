// BERT forward pass: embeddings (word + position + token type 0) -> LayerNorm, then per layer
// self-attention and a GELU feed-forward, each followed by residual + LayerNorm (post-LN, as BertModel).
#include "features/text_encoder/bert_encoder.h"

#include <cmath>
#include <limits>
#include <map>

#include <torch/torch.h>

#include "tokenbench/data/data_error.h"
#include "tokenbench/io/safetensors.h"

namespace tokenbench::core {

namespace {

class TensorSource {
public:
    explicit TensorSource(std::string path) : m_path(std::move(path)) {
        for (TensorData& t : readSafetensors(m_path)) m_tensors.emplace(t.name, std::move(t));
        if (m_tensors.count("embeddings.word_embeddings.weight") == 0 &&
            m_tensors.count("bert.embeddings.word_embeddings.weight") != 0)
            m_prefix = "bert.";
    }

    torch::Tensor get(const std::string& name, const std::vector<int64_t>& shape) const {
        const auto it = m_tensors.find(m_prefix + name);
        if (it == m_tensors.end())
            throw DataError(m_path, "missing tensor '" + m_prefix + name + "' (expected the weights of a BERT model as config.json describes)");
        const TensorData& t = it->second;
        if (t.shape != shape) {
            std::string want, got;
            for (int64_t d : shape) want += (want.empty() ? "" : " x ") + std::to_string(d);
            for (int64_t d : t.shape) got += (got.empty() ? "" : " x ") + std::to_string(d);
            throw DataError(m_path, "tensor '" + t.name + "' has shape " + got + ", config.json implies " + want);
        }
        std::vector<float> values;
        try {
            values = t.toFloats();
        } catch (const std::invalid_argument&) {
            throw DataError(m_path, "tensor '" + t.name + "' has dtype " + t.dtype + " (expected F32, F16, BF16 or F64)");
        }
        return torch::from_blob(values.data(), shape, torch::kFloat32).clone();
    }

private:
    std::string m_path;
    std::string m_prefix;
    std::map<std::string, TensorData> m_tensors;
};

}  // namespace

BertEncoder::BertEncoder(const BertConfig& config, const std::string& weightsPath) : m_config(config) {
    const TensorSource src(weightsPath);
    const int64_t h = config.hiddenSize;
    const int64_t ff = config.intermediateSize;
    m_word = src.get("embeddings.word_embeddings.weight", {config.vocabSize, h});
    m_position = src.get("embeddings.position_embeddings.weight", {config.maxPositions, h});
    m_tokenType = src.get("embeddings.token_type_embeddings.weight", {config.typeVocabSize, h});
    m_embNormWeight = src.get("embeddings.LayerNorm.weight", {h});
    m_embNormBias = src.get("embeddings.LayerNorm.bias", {h});
    for (int64_t i = 0; i < config.numLayers; ++i) {
        const std::string p = "encoder.layer." + std::to_string(i) + ".";
        Layer l;
        l.qkvWeight = torch::cat({src.get(p + "attention.self.query.weight", {h, h}),
                                  src.get(p + "attention.self.key.weight", {h, h}),
                                  src.get(p + "attention.self.value.weight", {h, h})});
        l.qkvBias = torch::cat({src.get(p + "attention.self.query.bias", {h}), src.get(p + "attention.self.key.bias", {h}),
                                src.get(p + "attention.self.value.bias", {h})});
        l.attnOutWeight = src.get(p + "attention.output.dense.weight", {h, h});
        l.attnOutBias = src.get(p + "attention.output.dense.bias", {h});
        l.attnNormWeight = src.get(p + "attention.output.LayerNorm.weight", {h});
        l.attnNormBias = src.get(p + "attention.output.LayerNorm.bias", {h});
        l.interWeight = src.get(p + "intermediate.dense.weight", {ff, h});
        l.interBias = src.get(p + "intermediate.dense.bias", {ff});
        l.outWeight = src.get(p + "output.dense.weight", {h, ff});
        l.outBias = src.get(p + "output.dense.bias", {h});
        l.outNormWeight = src.get(p + "output.LayerNorm.weight", {h});
        l.outNormBias = src.get(p + "output.LayerNorm.bias", {h});
        m_layers.push_back(std::move(l));
    }
}

torch::Tensor BertEncoder::forward(const torch::Tensor& ids, const torch::Tensor& mask) const {
    const int64_t batch = ids.size(0);
    const int64_t length = ids.size(1);
    const int64_t h = m_config.hiddenSize;
    const int64_t heads = m_config.numHeads;
    const int64_t headDim = h / heads;
    const double eps = m_config.layerNormEps;

    torch::Tensor x = m_word.index_select(0, ids.reshape({-1})).view({batch, length, h}) +
                      m_position.narrow(0, 0, length).unsqueeze(0) + m_tokenType[0];
    x = torch::layer_norm(x, {h}, m_embNormWeight, m_embNormBias, eps);
    // Padded keys get the lowest float added to their scores, as BertModel's extended attention mask does.
    const torch::Tensor bias =
        (1.0 - mask.to(torch::kFloat32)).mul(std::numeric_limits<float>::lowest()).view({batch, 1, 1, length});
    const double scale = 1.0 / std::sqrt(static_cast<double>(headDim));
    for (const Layer& l : m_layers) {
        const torch::Tensor qkv =
            torch::linear(x, l.qkvWeight, l.qkvBias).view({batch, length, 3, heads, headDim}).permute({2, 0, 3, 1, 4});
        const torch::Tensor scores = torch::matmul(qkv[0], qkv[1].transpose(-1, -2)).mul_(scale).add_(bias);
        const torch::Tensor context =
            torch::matmul(torch::softmax(scores, -1), qkv[2]).permute({0, 2, 1, 3}).reshape({batch, length, h});
        x = torch::layer_norm(torch::linear(context, l.attnOutWeight, l.attnOutBias) + x, {h}, l.attnNormWeight,
                              l.attnNormBias, eps);
        const torch::Tensor inner = torch::gelu(torch::linear(x, l.interWeight, l.interBias));
        x = torch::layer_norm(torch::linear(inner, l.outWeight, l.outBias) + x, {h}, l.outNormWeight, l.outNormBias, eps);
    }
    return x;
}

}  // namespace tokenbench::core
