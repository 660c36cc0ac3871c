#!/usr/bin/env bash
# Benchmarks on the public data in ../shared/data (skipped when absent): import speed and counts,
# features, RQ-KMeans and RQ-VAE semantic IDs on Amazon Beauty, then every model's quality and
# seconds per epoch (`tokenbench-cli bench`: the synthetic set, and Beauty with the presets in
# app/cli/bench_presets.cpp, incl. "sasrec-reference", the like-for-like SASRec.pytorch config).
# Also the bench_* programs built from tests/bench: RQ-VAE training throughput (no data needed),
# SASRec seconds per epoch on Beauty and the text featurizer on MovieLens-100K titles.
# Usage: tests/bench/run_benchmarks.sh [BUILD_DIR]   (default build/default)
#        MODELS=sasrec-reference,tiger tests/bench/run_benchmarks.sh   (only some models)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="${1:-$root/build/default}"
cli="$build/app/tokenbench-cli"
data="${TOKENBENCH_DATA:-$root/../shared/data}"
[ -x "$cli" ] || { echo "build first: $cli missing" >&2; exit 1; }
project="$(mktemp -d)/bench-project"
run() { echo "+ tokenbench-cli $*" >&2; "$cli" --log-level warn "$@"; }
# libgomp spin-waits by default; on a shared or loaded machine that costs more than it saves.
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
models=()
[ -n "${MODELS:-}" ] && models=(--models "$MODELS")

bench="$build/tests/bench"
export TOKENBENCH_DATA="$data"
if [ -x "$bench/bench_rq_vae_fit" ]; then
  echo "== RQ-VAE training throughput (12k clustered items)"
  "$bench/bench_rq_vae_fit"
fi

if [ ! -f "$data/amazon-beauty/Beauty.txt" ]; then
  echo "Beauty not found under $data: only the synthetic set"
  run bench --project "$project/models" --datasets synthetic "${models[@]}"
  exit 0
fi

echo "== Import (one thread)"
run --threads 1 dataset import --project "$project" --name beauty --format seqtxt \
  --attributes "$data/amazon-beauty/Beauty_item2attributes.json" "$data/amazon-beauty/Beauty.txt" --json
run --threads 1 dataset import --project "$project" --name ml100k --format recbole "$data/ml-100k/ml-100k.inter" --json

echo "== Features"
run features build --project "$project" --dataset beauty --kind attributes+cooccurrence --dim 32 --json

echo "== RQ-KMeans 3x256, one thread"
run --threads 1 tokenize --project "$project" --dataset beauty --features attributes+cooccurrence \
  --method rq-kmeans --levels 3 --codebook-size 256 --seed 1 --json

echo "== RQ-VAE 3x256"
run tokenize --project "$project" --dataset beauty --features attributes+cooccurrence \
  --method rq-vae --levels 3 --codebook-size 256 --seed 1 --json

echo "== Models: quality (full ranking, test split) and seconds per epoch"
run bench --project "$project/models" --data-dir "$data" "${models[@]}"

if [ -x "$bench/bench_model_epoch" ]; then
  echo "== SASRec seconds per epoch, reference preset (bce and ce)"
  "$bench/bench_model_epoch" --loss bce
  "$bench/bench_model_epoch" --loss ce
fi
if [ -x "$bench/bench_text_features" ]; then
  echo "== Text features of MovieLens-100K titles"
  "$bench/bench_text_features"
fi
