// A sentence-transformers folder: modules.json picks the transformer folder, the pooling module and
// Normalize; tokenizer and BERT weights are read from the transformer folder.
#include "tokenbench/features/text_encoder.h"

#include <algorithm>
#include <filesystem>
#include <numeric>
#include <stdexcept>

#include <torch/torch.h>

#include "common/json_file.h"
#include "features/text_encoder/bert_encoder.h"
#include "features/text_encoder/wordpiece_tokenizer.h"
#include "tokenbench/cancellation.h"
#include "tokenbench/data/data_error.h"

namespace tokenbench::core {

namespace fs = std::filesystem;

namespace {

bool endsWith(const std::string& s, const std::string& tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

bool readBool(const nlohmann::json& j, const std::string& path, const char* key, bool fallback) {
    if (!j.contains(key) || j.at(key).is_null()) return fallback;
    if (!j.at(key).is_boolean()) throw DataError(path, std::string("field '") + key + "' must be true or false");
    return j.at(key).get<bool>();
}

/// Pooling module config: exactly one of CLS, mean or max.
std::string readPooling(const std::string& path) {
    const nlohmann::json j = readJsonFile(path);
    if (!j.is_object()) throw DataError(path, "expected a JSON object");
    std::vector<std::string> modes;
    if (readBool(j, path, "pooling_mode_cls_token", false)) modes.push_back("cls");
    if (readBool(j, path, "pooling_mode_mean_tokens", false)) modes.push_back("mean");
    if (readBool(j, path, "pooling_mode_max_tokens", false)) modes.push_back("max");
    for (const char* other : {"pooling_mode_mean_sqrt_len_tokens", "pooling_mode_weightedmean_tokens",
                              "pooling_mode_lasttoken"}) {
        if (readBool(j, path, other, false))
            throw DataError(path, std::string("'") + other + "' is not supported (expected CLS, mean or max pooling)");
    }
    if (modes.size() != 1)
        throw DataError(path, "expected exactly one pooling mode of pooling_mode_cls_token, pooling_mode_mean_tokens, "
                              "pooling_mode_max_tokens set to true");
    return modes.front();
}

}  // namespace

struct SentenceEncoder::Impl {
    TextEncoderInfo info;
    std::unique_ptr<WordPieceTokenizer> tokenizer;
    std::unique_ptr<BertEncoder> bert;
};

SentenceEncoder::SentenceEncoder(const std::string& folder) : m_impl(std::make_unique<Impl>()) {
    if (!fs::is_directory(folder))
        throw std::invalid_argument("text encoder: '" + folder + "' is not a folder (expected a sentence-transformers model folder)");
    TextEncoderInfo& info = m_impl->info;
    info.folder = folder;
    info.name = fs::path(folder).lexically_normal().filename().string();
    if (info.name.empty()) info.name = fs::path(folder).lexically_normal().parent_path().filename().string();

    // Without modules.json a folder is a plain BERT model: mean pooling, no normalisation.
    fs::path transformerDir = folder;
    fs::path poolingConfig;
    info.pooling = "mean";
    const fs::path modulesPath = fs::path(folder) / "modules.json";
    if (fs::exists(modulesPath)) {
        const nlohmann::json modules = readJsonFile(modulesPath.string());
        if (!modules.is_array()) throw DataError(modulesPath.string(), "expected a JSON array of modules");
        for (const nlohmann::json& m : modules) {
            const std::string type = m.value("type", std::string());
            const std::string path = m.value("path", std::string());
            if (endsWith(type, "models.Transformer"))
                transformerDir = fs::path(folder) / path;
            else if (endsWith(type, "models.Pooling"))
                poolingConfig = fs::path(folder) / path / "config.json";
            else if (endsWith(type, "models.Normalize"))
                info.normalize = true;
            else
                throw DataError(modulesPath.string(), "module type '" + type +
                                                          "' is not supported (expected Transformer, Pooling, Normalize)");
        }
        if (!poolingConfig.empty()) info.pooling = readPooling(poolingConfig.string());
    }

    const BertConfig config = readBertConfig((transformerDir / "config.json").string());
    WordPieceOptions options;
    const fs::path tokenizerConfig = transformerDir / "tokenizer_config.json";
    if (fs::exists(tokenizerConfig)) {
        const nlohmann::json j = readJsonFile(tokenizerConfig.string());
        const std::string cls = j.value("tokenizer_class", std::string("BertTokenizer"));
        if (cls.find("Bert") == std::string::npos)
            throw DataError(tokenizerConfig.string(),
                            "tokenizer_class '" + cls + "' is not supported (expected a BERT WordPiece tokenizer)");
        options.lowerCase = readBool(j, tokenizerConfig.string(), "do_lower_case", true);
        options.stripAccents = readBool(j, tokenizerConfig.string(), "strip_accents", options.lowerCase);
        options.splitCjk = readBool(j, tokenizerConfig.string(), "tokenize_chinese_chars", true);
    } else {
        options.stripAccents = options.lowerCase;
    }
    int64_t maxLength = 256;
    const fs::path stConfig = transformerDir / "sentence_bert_config.json";
    if (fs::exists(stConfig)) {
        const nlohmann::json j = readJsonFile(stConfig.string());
        if (j.contains("max_seq_length")) {
            if (!j.at("max_seq_length").is_number_integer() || j.at("max_seq_length").get<int64_t>() < 2)
                throw DataError(stConfig.string(), "field 'max_seq_length' must be an integer >= 2");
            maxLength = j.at("max_seq_length").get<int64_t>();
        }
        // The sentence-transformers option lower-cases the input before the tokenizer sees it.
        if (readBool(j, stConfig.string(), "do_lower_case", false)) options.lowerCase = true;
    }
    options.maxLength = static_cast<int32_t>(std::min(maxLength, config.maxPositions));
    const std::string vocabPath = (transformerDir / "vocab.txt").string();
    const std::vector<std::string> vocab = WordPieceTokenizer::readVocab(vocabPath);
    if (static_cast<int64_t>(vocab.size()) > config.vocabSize)
        throw DataError(vocabPath, std::to_string(vocab.size()) + " tokens but config.json says vocab_size " +
                                       std::to_string(config.vocabSize));
    m_impl->tokenizer = std::make_unique<WordPieceTokenizer>(vocab, options, vocabPath);

    const fs::path weights = transformerDir / "model.safetensors";
    if (!fs::exists(weights))
        throw DataError(weights.string(), "missing (the encoder reads safetensors weights; a folder with only "
                                          "pytorch_model.bin needs converting to model.safetensors)");
    m_impl->bert = std::make_unique<BertEncoder>(config, weights.string());
    info.dim = config.hiddenSize;
    info.maxSeqLength = options.maxLength;
    info.lowerCase = options.lowerCase;
}

SentenceEncoder::~SentenceEncoder() = default;

const TextEncoderInfo& SentenceEncoder::info() const {
    return m_impl->info;
}

std::vector<int32_t> SentenceEncoder::tokenize(const std::string& text) const {
    return m_impl->tokenizer->encode(text);
}

FeatureMatrix SentenceEncoder::encode(const std::vector<std::string>& texts, const FeatureProgress& progress,
                                      int32_t batchSize) const {
    if (batchSize < 1) throw std::invalid_argument("text encoder: batch size must be >= 1");
    const auto n = static_cast<int64_t>(texts.size());
    FeatureMatrix out;
    out.rows = n;
    out.dim = m_impl->info.dim;
    out.values.assign(static_cast<size_t>(n * out.dim), 0.0f);
    std::vector<std::vector<int32_t>> tokens(texts.size());
    for (size_t i = 0; i < texts.size(); ++i) tokens[i] = m_impl->tokenizer->encode(texts[i]);
    // Longest first, so each batch pads to nearly its own length.
    std::vector<int64_t> order(texts.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](int64_t a, int64_t b) { return tokens[static_cast<size_t>(a)].size() > tokens[static_cast<size_t>(b)].size(); });

    c10::InferenceMode inference;
    const std::string& pooling = m_impl->info.pooling;
    for (int64_t start = 0; start < n; start += batchSize) {
        throwIfCancelled(progress.cancel);
        const int64_t count = std::min<int64_t>(batchSize, n - start);
        const auto length = static_cast<int64_t>(tokens[static_cast<size_t>(order[static_cast<size_t>(start)])].size());
        std::vector<int64_t> ids(static_cast<size_t>(count * length), m_impl->tokenizer->padId());
        std::vector<int64_t> mask(static_cast<size_t>(count * length), 0);
        for (int64_t b = 0; b < count; ++b) {
            const auto& row = tokens[static_cast<size_t>(order[static_cast<size_t>(start + b)])];
            for (size_t t = 0; t < row.size(); ++t) {
                ids[static_cast<size_t>(b * length) + t] = row[t];
                mask[static_cast<size_t>(b * length) + t] = 1;
            }
        }
        const torch::Tensor idT = torch::from_blob(ids.data(), {count, length}, torch::kInt64);
        const torch::Tensor maskT = torch::from_blob(mask.data(), {count, length}, torch::kInt64);
        const torch::Tensor hidden = m_impl->bert->forward(idT, maskT);
        const torch::Tensor m = maskT.unsqueeze(-1).to(torch::kFloat32);
        torch::Tensor pooled;
        if (pooling == "cls") {
            pooled = hidden.select(1, 0);
        } else if (pooling == "max") {
            pooled = std::get<0>(hidden.masked_fill(m == 0, -1e9).max(1));
        } else {
            pooled = (hidden * m).sum(1) / m.sum(1).clamp_min(1e-9);
        }
        if (m_impl->info.normalize) pooled = pooled / pooled.pow(2).sum(1, true).sqrt().clamp_min(1e-12);
        pooled = pooled.contiguous();
        const float* data = pooled.data_ptr<float>();
        for (int64_t b = 0; b < count; ++b)
            std::copy_n(data + b * out.dim, out.dim, out.row(order[static_cast<size_t>(start + b)]));
        if (progress.report)
            progress.report(static_cast<double>(start + count) / static_cast<double>(std::max<int64_t>(n, 1)),
                            "text encoder: " + std::to_string(start + count) + " of " + std::to_string(n) + " texts");
    }
    return out;
}

}  // namespace tokenbench::core
