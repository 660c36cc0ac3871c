#include "bench_presets.h"

namespace tokenbench::cli {

// Beauty presets. "sasrec-reference" is the like-for-like speed comparison with SASRec.pytorch
// (hidden 50, 2 blocks, 1 head, max length 50, batch 128, dropout 0.5, BCE with one sampled
// negative, 20 epochs, no early stop, random batches padded to max length as the reference code, the
// reference's block wiring); "sasrec" is the quality configuration (full softmax cross-entropy,
// 15-minute budget); "tiger" (the paper's sizes and user token, for a GPU) and "tiger-small" (a CPU-sized model,
// validated every other epoch: the beam search over 22k users is the slow part) use semantic IDs
// from attributes + co-occurrence features only (no text), as the TIGER target asks; so does
// "sid-gpt-small", the decoder-only model at TIGER-small's width. "generative-cpu" is the best
// generative configuration measured for two cores and a 60-minute budget (docs/benchmarks.md); TIGER's
// schema defaults are the same, written out here so the preset stays put if the defaults move.
// "sasrec-history-excluded" is SASRec's defaults ranked without each user's history items, the protocol
// behind the eSASRec benchmark's figures (RecTools' filter_viewed), so the two can be compared.
const std::vector<BenchPreset>& benchPresets() {
    static const std::vector<BenchPreset> presets = {
        {"synthetic", R"({
  "format": "tokenbench-experiment/1",
  "name": "bench-synthetic",
  "dataset": {"name": "bench-synthetic", "synthetic": {"users": 5000, "items": 2000, "seed": 42}},
  "features": [{"name": "attr-cooc", "kinds": "attributes+cooccurrence", "dim": 32}],
  "tokenizers": [{"name": "rqk", "method": "rq-kmeans", "features": "attr-cooc",
                  "config": {"levels": 3, "codebook_size": 32}}],
  "models": [
    {"name": "popularity", "model": "popularity", "epochs": 1},
    {"name": "sasrec", "model": "sasrec", "epochs": 30, "patience": 3,
     "config": {"hidden": 64, "dropout": 0.3, "loss": "ce"}},
    {"name": "bert4rec", "model": "bert4rec", "epochs": 30, "patience": 3},
    {"name": "rearec", "model": "rearec", "epochs": 30, "patience": 3},
    {"name": "cl4srec", "model": "cl4srec", "epochs": 30, "patience": 3},
    {"name": "iclrec", "model": "iclrec", "epochs": 30, "patience": 3, "config": {"intents": 64}},
    {"name": "sigma", "model": "sigma", "epochs": 30, "patience": 3},
    {"name": "tiger", "model": "tiger", "tokenizer": "rqk", "epochs": 30, "patience": 3},
    {"name": "sid-gpt", "model": "sid-gpt", "tokenizer": "rqk", "epochs": 30, "patience": 3}
  ]
})", ""},
        {"beauty", R"({
  "format": "tokenbench-experiment/1",
  "name": "bench-beauty",
  "dataset": {"name": "beauty", "import": {"format": "seqtxt", "paths": ["amazon-beauty/Beauty.txt"],
              "attributes": "amazon-beauty/Beauty_item2attributes.json"},
              "download": "Amazon Beauty 5-core in the S3-Rec format: github.com/RUCAIBox/CIKM2020-S3Rec, data/"},
  "features": [{"name": "attr-cooc", "kinds": "attributes+cooccurrence", "dim": 64}],
  "tokenizers": [{"name": "rqk-3x256", "method": "rq-kmeans", "features": "attr-cooc",
                  "config": {"levels": 3, "codebook_size": 256}}],
  "models": [
    {"name": "popularity", "model": "popularity", "epochs": 1},
    {"name": "sasrec-reference", "model": "sasrec", "epochs": 20, "patience": 0,
     "config": {"hidden": 50, "blocks": 2, "heads": 1, "max_length": 50, "batch_size": 128,
                "dropout": 0.5, "learning_rate": 0.001, "loss": "bce", "bucketing": false, "block": "sasrec"}},
    {"name": "sasrec", "model": "sasrec", "epochs": 200, "max_minutes": 15, "patience": 5,
     "config": {"hidden": 64, "blocks": 2, "heads": 1, "max_length": 50, "batch_size": 128,
                "dropout": 0.5, "learning_rate": 0.001, "loss": "ce"}},
    {"name": "bert4rec", "model": "bert4rec", "epochs": 200, "max_minutes": 15, "patience": 5,
     "config": {"mask_prob": 0.6}},
    {"name": "sasrec-bce", "model": "sasrec", "epochs": 400, "max_minutes": 15, "patience": 10,
     "config": {"loss": "bce"}},
    {"name": "sasrec-hard", "model": "sasrec", "epochs": 400, "max_minutes": 15, "patience": 10,
     "config": {"loss": "hard"}},
    {"name": "sasrec-sampled", "model": "sasrec", "epochs": 200, "max_minutes": 20, "patience": 5,
     "config": {"loss": "sampled-softmax", "sampled_negatives": 256}},
    {"name": "sasrec-history-excluded", "model": "sasrec", "epochs": 200, "max_minutes": 20, "patience": 10,
     "exclude_history": true},
    {"name": "rearec", "model": "rearec", "epochs": 200, "max_minutes": 20, "patience": 5},
    {"name": "rearec-prl", "model": "rearec", "epochs": 200, "max_minutes": 20, "patience": 5,
     "config": {"reasoning_loss": "prl"}},
    {"name": "cl4srec", "model": "cl4srec", "epochs": 200, "max_minutes": 20, "patience": 5},
    {"name": "iclrec", "model": "iclrec", "epochs": 200, "max_minutes": 20, "patience": 5},
    {"name": "sigma", "model": "sigma", "epochs": 200, "max_minutes": 20, "patience": 5},
    {"name": "tiger", "model": "tiger", "tokenizer": "rqk-3x256", "epochs": 200, "max_minutes": 30, "patience": 5,
     "config": {"hidden": 128, "encoder_layers": 4, "decoder_layers": 4, "heads": 4, "feed_forward": 1024,
                "dropout": 0.1, "user_buckets": 2000, "learning_rate": 0.001, "warmup_steps": 1000,
                "lr_schedule": "inverse-sqrt", "weight_decay": 0.01}},
    {"name": "tiger-small", "model": "tiger", "tokenizer": "rqk-3x256", "epochs": 200, "max_minutes": 20,
     "patience": 3, "eval_every": 2,
     "config": {"hidden": 64, "encoder_layers": 2, "decoder_layers": 2, "heads": 2, "feed_forward": 256,
                "dropout": 0.15, "user_buckets": 0, "batch_size": 256, "learning_rate": 0.001,
                "warmup_steps": 300, "lr_schedule": "constant", "weight_decay": 0.0001}},
    {"name": "generative-cpu", "model": "tiger", "tokenizer": "rqk-3x256", "epochs": 200, "max_minutes": 60,
     "patience": 3, "eval_every": 2,
     "config": {"hidden": 128, "encoder_layers": 2, "decoder_layers": 2, "heads": 4, "feed_forward": 512,
                "dropout": 0.15, "user_buckets": 0, "batch_size": 256, "learning_rate": 0.001,
                "warmup_steps": 300, "lr_schedule": "cosine", "decay_steps": 14000, "weight_decay": 0.0001,
                "batch_shards": 2}},
    {"name": "sid-gpt-small", "model": "sid-gpt", "tokenizer": "rqk-3x256", "epochs": 200, "max_minutes": 20,
     "patience": 5, "config": {"hidden": 64, "layers": 2, "heads": 2, "feed_forward": 256}}
  ]
})", "amazon-beauty/Beauty.txt"},
    };
    return presets;
}

}  // namespace tokenbench::cli
