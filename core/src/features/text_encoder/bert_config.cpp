// config.json of a BERT-family model: sizes, LayerNorm epsilon, and a check that the architecture is
// one this encoder computes (absolute positions, GELU).
#include "features/text_encoder/bert_config.h"

#include <set>

#include "common/json_file.h"
#include "tokenbench/data/data_error.h"

namespace tokenbench::core {

namespace {

int64_t requirePositive(const nlohmann::json& j, const std::string& path, const char* key) {
    if (!j.contains(key)) throw DataError(path, std::string("missing field '") + key + "'");
    if (!j.at(key).is_number_integer() || j.at(key).get<int64_t>() <= 0)
        throw DataError(path, std::string("field '") + key + "' must be a positive integer");
    return j.at(key).get<int64_t>();
}

}  // namespace

BertConfig readBertConfig(const std::string& path) {
    const nlohmann::json j = readJsonFile(path);
    if (!j.is_object()) throw DataError(path, "expected a JSON object");
    // Models that reuse BERT's layout and tensor names; others (RoBERTa's offset positions, etc.) differ.
    static const std::set<std::string> kTypes = {"bert"};
    const std::string type = j.value("model_type", std::string("bert"));
    if (kTypes.count(type) == 0)
        throw DataError(path, "model_type '" + type + "' is not supported (expected a BERT model: \"bert\")");
    const std::string act = j.value("hidden_act", std::string("gelu"));
    if (act != "gelu")
        throw DataError(path, "hidden_act '" + act + "' is not supported (expected \"gelu\", the erf GELU)");
    const std::string positions = j.value("position_embedding_type", std::string("absolute"));
    if (positions != "absolute")
        throw DataError(path, "position_embedding_type '" + positions + "' is not supported (expected \"absolute\")");
    BertConfig c;
    c.vocabSize = requirePositive(j, path, "vocab_size");
    c.hiddenSize = requirePositive(j, path, "hidden_size");
    c.numLayers = requirePositive(j, path, "num_hidden_layers");
    c.numHeads = requirePositive(j, path, "num_attention_heads");
    c.intermediateSize = requirePositive(j, path, "intermediate_size");
    if (j.contains("max_position_embeddings")) c.maxPositions = requirePositive(j, path, "max_position_embeddings");
    if (j.contains("type_vocab_size")) c.typeVocabSize = requirePositive(j, path, "type_vocab_size");
    if (j.contains("layer_norm_eps")) {
        if (!j.at("layer_norm_eps").is_number() || !(j.at("layer_norm_eps").get<double>() > 0))
            throw DataError(path, "field 'layer_norm_eps' must be a positive number");
        c.layerNormEps = j.at("layer_norm_eps").get<double>();
    }
    if (c.hiddenSize % c.numHeads != 0)
        throw DataError(path, "hidden_size " + std::to_string(c.hiddenSize) + " is not divisible by num_attention_heads " +
                                  std::to_string(c.numHeads));
    return c;
}

}  // namespace tokenbench::core
