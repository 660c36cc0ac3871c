#!/usr/bin/env bash
# Brand-new items on Amazon Beauty: 5 % of the catalogue held out of training entirely
# (`dataset import --new-items 0.05`), then popularity, SASRec and TIGER (tiger-small's settings, on
# RQ-KMeans 3x256 IDs of attribute + co-occurrence features) trained with the same budget. Prints
# each model's test NDCG@10 / Recall@10 over all targets and over the new-item targets, beside the
# expectation of ranking the new items in random order (the best a ranking without any signal about
# them can do: popularity has none, every new item has zero training interactions).
# Usage: tests/bench/new_items_beauty.sh [BUILD_DIR]   (MINUTES=15 per trained model, DATA=../shared/data)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="${1:-$root/build/default}"
cli="$build/app/tokenbench-cli"
data="${DATA:-${TOKENBENCH_DATA:-$root/../shared/data}}/amazon-beauty"
minutes="${MINUTES:-15}"
share="${NEW_ITEMS:-0.05}"
[ -x "$cli" ] || { echo "build first: $cli missing" >&2; exit 1; }
[ -f "$data/Beauty.txt" ] || { echo "needs $data/Beauty.txt" >&2; exit 1; }
out="${OUT_DIR:-$(mktemp -d)}"
mkdir -p "$out"
project="$out/project"
run() { "$cli" --log-level warn "$@" --json; }

run dataset import --project "$project" --name beauty-new --format seqtxt \
    --attributes "$data/Beauty_item2attributes.json" "$data/Beauty.txt" --new-items "$share" >"$out/import.json"
jq -c '{items, users, interactions, split}' "$out/import.json"
run features build --project "$project" --dataset beauty-new --kind attributes+cooccurrence --dim 64 \
    --name attr-cooc >/dev/null
tokenizer="$(run tokenize --project "$project" --dataset beauty-new --features attr-cooc --method rq-kmeans \
    --levels 3 --codebook-size 256 --seed 1 | jq -r .run_id)"

run train --project "$project" --dataset beauty-new --model popularity --epochs 1 >"$out/popularity.json"
run train --project "$project" --dataset beauty-new --model sasrec --epochs 200 --patience 5 \
    --max-minutes "$minutes" --dropout 0.5 --heads 1 >"$out/sasrec.json"
run train --project "$project" --dataset beauty-new --model tiger --tokenizer "$tokenizer" --epochs 200 \
    --patience 3 --eval-every 2 --max-minutes "$minutes" --hidden 64 --encoder-layers 2 --decoder-layers 2 \
    --heads 2 --feed-forward 256 --dropout 0.15 --user-buckets 0 --batch-size 256 --warmup-steps 300 \
    --lr-schedule constant --weight-decay 0.0001 >"$out/tiger.json"

new_items="$(jq -r .split.new_items "$out/import.json")"
printf 'model\tNDCG@10 all\tRecall@10 all\tnew-item targets\tNDCG@10 new\tRecall@10 new\tepochs\n'
for model in popularity sasrec tiger; do
    jq -r --arg m "$model" '[$m, .test["ndcg@10"], .test["recall@10"], .test.new_items.targets,
        .test.new_items["ndcg@10"], .test.new_items["recall@10"], .epochs] | @tsv' "$out/$model.json"
done
# A target among M new items ranked in random order among them: E[NDCG@10] = (1/M) sum_{r<10} 1/log2(r+2).
awk -v m="$new_items" 'BEGIN { s = 0; for (r = 0; r < 10 && r < m; ++r) s += 1 / (log(r + 2) / log(2));
    printf "random order of the %d new items\t-\t-\t-\t%.4f\t%.4f\t-\n", m, s / m, (m < 10 ? m : 10) / m }'
echo "results: $out"
