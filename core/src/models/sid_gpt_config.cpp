// SID-GPT's parameter schema (the registry entry) and its typed config.
#include "models/sid_gpt_config.h"

#include <nlohmann/json.hpp>

#include "models/builtin_models.h"
#include "models/transformer_settings.h"
#include "tokenbench/registry.h"

namespace tokenbench::core {

SidGptConfig parseSidGptConfig(const std::string& configJson) {
    const nlohmann::json j = nlohmann::json::parse(configJson);
    SidGptConfig config;
    config.json = configJson;
    config.hidden = j.at("hidden").get<int64_t>();
    config.layers = j.at("layers").get<int64_t>();
    config.heads = j.at("heads").get<int64_t>();
    config.feedForward = j.at("feed_forward").get<int64_t>();
    config.dropout = j.at("dropout").get<double>();
    config.maxItems = j.at("max_items").get<int64_t>();
    config.beamSize = j.at("beam_size").get<int64_t>();
    config.batchSize = j.at("batch_size").get<int64_t>();
    config.lr = parseLrSchedule(j);
    config.weightDecay = j.at("weight_decay").get<double>();
    config.constrained = j.at("constrained").get<bool>();
    config.constrainedTraining = j.at("constrained_training").get<bool>();
    config.batchShards = j.at("batch_shards").get<int64_t>();
    checkHeadsDivideHidden("sid-gpt", config.hidden, config.heads);
    return config;
}

ComponentInfo sidGptInfo() {
    ComponentInfo info = modelInfo("sid-gpt", 1, "SID-GPT",
        "Decoder-only generative retrieval: a causal transformer reads the history as one stream of "
        "semantic-ID tokens and learns every next token of it at once (as SASRec learns every next item); "
        "a beam search over cached keys and values, constrained to existing IDs, ranks items. Needs the "
        "semantic IDs of a tokenizer run.");
    info.needsSemanticIds = true;
    info.params = {
        numberParam("hidden", "Hidden size", ParamType::Int, "128", 8, 4096, "Model width"),
        numberParam("layers", "Layers", ParamType::Int, "4", 1, 48, "Causal transformer blocks"),
        numberParam("heads", "Heads", ParamType::Int, "4", 1, 64, "Attention heads; must divide the hidden size"),
        numberParam("feed_forward", "Feed-forward size", ParamType::Int, "512", 1, 65536,
                    "Inner width of each block's MLP"),
        numberParam("dropout", "Dropout", ParamType::Float, "0.1", 0, 0.9, "On embeddings, attention and blocks"),
        numberParam("max_items", "Max history items", ParamType::Int, "20", 1, 1024,
                    "Most recent items the model reads, each as one token per level; a training sequence is "
                    "the last max_items + 1 training items"),
        numberParam("beam_size", "Beam size", ParamType::Int, "20", 1, 1000,
                    "Beams when ranking; at least the largest K evaluated (a larger request widens it)"),
        numberParam("batch_size", "Batch size", ParamType::Int, "128", 1, 1 << 20,
                    "Sequences (one per user) per optimizer step"),
        numberParam("learning_rate", "Learning rate", ParamType::Float, "0.001", 1e-9, 10, "Peak AdamW step size"),
        numberParam("warmup_steps", "Warm-up steps", ParamType::Int, "100", 0, 100000000,
                    "Linear warm-up to the peak learning rate"),
        numberParam("weight_decay", "Weight decay", ParamType::Float, "0.01", 0, 1, "AdamW decoupled weight decay"),
        numberParam("batch_shards", "Batch shards", ParamType::Int, "1", 1, 64,
                    "Each batch is computed as this many parts, one single-threaded part per CPU thread, "
                    "gradients summed in order (as TIGER's option): helps small models use a second core"),
    };
    appendLrScheduleParams(info.params, "constant", "20000");
    info.params.push_back(boolParam("constrained", "Constrained beams", "true",
                                    "Restrict decoding to existing semantic IDs (a prefix trie); off: beams that are "
                                    "no item count as invalid"));
    info.params.push_back(boolParam("constrained_training", "Constrained training", "false",
                                    "Normalise each level's training softmax over the codes the prefix trie allows "
                                    "after the true prefix only (MSCGRec's constrained sequence learning)"));
    return info;
}

}  // namespace tokenbench::core
