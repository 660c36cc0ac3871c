// TIGER's parameter schema (the registry entry) and its typed config.
#include "models/tiger_config.h"

#include <nlohmann/json.hpp>

#include "models/builtin_models.h"
#include "models/transformer_settings.h"
#include "tokenbench/registry.h"

namespace tokenbench::core {

TigerConfig parseTigerConfig(const std::string& configJson) {
    const nlohmann::json j = nlohmann::json::parse(configJson);
    TigerConfig config;
    config.json = configJson;
    config.hidden = j.at("hidden").get<int64_t>();
    config.encoderLayers = j.at("encoder_layers").get<int64_t>();
    config.decoderLayers = j.at("decoder_layers").get<int64_t>();
    config.heads = j.at("heads").get<int64_t>();
    config.feedForward = j.at("feed_forward").get<int64_t>();
    config.dropout = j.at("dropout").get<double>();
    config.maxItems = j.at("max_items").get<int64_t>();
    config.beamSize = j.at("beam_size").get<int64_t>();
    config.userBuckets = j.at("user_buckets").get<int64_t>();
    config.batchSize = j.at("batch_size").get<int64_t>();
    config.lr = parseLrSchedule(j);
    config.labelSmoothing = j.at("label_smoothing").get<double>();
    config.weightDecay = j.at("weight_decay").get<double>();
    config.constrained = j.at("constrained").get<bool>();
    config.constrainedTraining = j.at("constrained_training").get<bool>();
    config.batchShards = j.at("batch_shards").get<int64_t>();
    checkHeadsDivideHidden("tiger", config.hidden, config.heads);
    return config;
}

ComponentInfo tigerInfo() {
    ComponentInfo info = modelInfo("tiger", 1, "TIGER",
        "Generative retrieval (Rajput et al., NeurIPS 2023): an encoder-decoder transformer reads the history "
        "as semantic-ID tokens and generates the next item's tokens level by level; a beam search constrained "
        "to existing IDs ranks items. Needs the semantic IDs of a tokenizer run.");
    info.needsSemanticIds = true;
    // The defaults are the best configuration measured for two CPU cores and an hour on Amazon Beauty
    // (the `generative-cpu` bench preset, docs/benchmarks.md); the paper's values are in the descriptions
    // and in the `tiger` preset.
    info.params = {
        numberParam("hidden", "Hidden size", ParamType::Int, "128", 8, 4096, "Model width (paper: 128)"),
        numberParam("encoder_layers", "Encoder layers", ParamType::Int, "2", 1, 48, "Encoder blocks (paper: 4)"),
        numberParam("decoder_layers", "Decoder layers", ParamType::Int, "2", 1, 48, "Decoder blocks (paper: 4)"),
        numberParam("heads", "Heads", ParamType::Int, "4", 1, 64,
                    "Attention heads; must divide the hidden size (paper: 6 heads of width 64)"),
        numberParam("feed_forward", "Feed-forward size", ParamType::Int, "512", 1, 65536,
                    "Inner width of each block's MLP (paper: 1024)"),
        numberParam("dropout", "Dropout", ParamType::Float, "0.15", 0, 0.9,
                    "On embeddings, attention and blocks (paper: 0.1)"),
        numberParam("max_items", "Max history items", ParamType::Int, "20", 1, 1024,
                    "Most recent items the encoder reads, each as one token per level (paper: 20)"),
        numberParam("beam_size", "Beam size", ParamType::Int, "20", 1, 1000,
                    "Beams when ranking; at least the largest K evaluated (a larger request widens it)"),
        numberParam("user_buckets", "User tokens", ParamType::Int, "0", 0, 10000000,
                    "Hashed user-id tokens prepended to the history (paper: 2000); 0 = none"),
        numberParam("batch_size", "Batch size", ParamType::Int, "256", 1, 1 << 20, "Samples per optimizer step"),
        numberParam("learning_rate", "Learning rate", ParamType::Float, "0.001", 1e-9, 10,
                    "Peak AdamW step size (paper: 0.01, constant for 10k steps, then inverse-sqrt decay)"),
        numberParam("warmup_steps", "Warm-up steps", ParamType::Int, "300", 0, 100000000,
                    "Linear warm-up to the peak learning rate"),
        numberParam("weight_decay", "Weight decay", ParamType::Float, "0.0001", 0, 1,
                    "AdamW decoupled weight decay"),
        numberParam("batch_shards", "Batch shards", ParamType::Int, "2", 1, 64,
                    "Each batch is computed as this many parts with their own random streams, one "
                    "single-threaded part per CPU thread, gradients summed in order: a second core then "
                    "helps (small matrices gain little from intra-op threads) and results do not depend on "
                    "the thread count"),
    };
    appendLrScheduleParams(info.params, "cosine", "14000");
    info.params.push_back(numberParam("label_smoothing", "Label smoothing", ParamType::Float, "0", 0, 0.9,
                                      "Share of each level's target probability spread evenly over that level's "
                                      "codes (the allowed ones under constrained training)"));
    info.params.push_back(boolParam("constrained", "Constrained beams", "true",
                                    "Restrict decoding to existing semantic IDs (a prefix trie); off: beams that are "
                                    "no item count as invalid"));
    info.params.push_back(boolParam("constrained_training", "Constrained training", "false",
                                    "Normalise each level's training softmax over the codes the prefix trie allows "
                                    "after the true prefix only (MSCGRec's constrained sequence learning)"));
    return info;
}

}  // namespace tokenbench::core
