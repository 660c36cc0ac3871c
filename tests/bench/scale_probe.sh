#!/usr/bin/env bash
# How cost grows with the catalogue: synthetic data sets of growing size, and for each the wall time and
# peak memory (max RSS, /usr/bin/time) of every pipeline step: generate, features, RQ-KMeans 3x256, one
# SASRec epoch (sampled softmax with dense and with lazy Adam; full softmax while the item table
# fits), one SID-GPT epoch (beam search in its validation and test), and a full-ranking evaluation of
# the test users. Writes one TSV row per step (stdout and OUT_DIR/scale.tsv).
# Usage: tests/bench/scale_probe.sh [BUILD_DIR]
#        SIZES="10000:20000 100000:100000" THREADS=2 tests/bench/scale_probe.sh   (items:users pairs)
#        GEN_ARGS: extra SID-GPT options (default: 2 layers, so that 100k users fit a session on two cores)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="${1:-$root/build/default}"
cli="$build/app/tokenbench-cli"
[ -x "$cli" ] || { echo "build first: $cli missing" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (Debian package 'time')" >&2; exit 1; }
sizes="${SIZES:-10000:20000 100000:100000 1000000:100000}"
threads="${THREADS:-2}"
out="${OUT_DIR:-$(mktemp -d)}"
mkdir -p "$out"
# Full softmax keeps a batch x length x items logit tensor: beyond this many items it does not fit.
ce_max_items="${CE_MAX_ITEMS:-100000}"
read -r -a gen_args <<<"${GEN_ARGS:---layers 2}"
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
tsv="$out/scale.tsv"
printf 'items\tusers\tstep\tseconds\tpeak_mb\tdetail\n' | tee "$tsv"

# step NAME ITEMS USERS DETAIL_JQ -- CLI ARGS: runs the CLI under /usr/bin/time, appends a TSV row.
step() {
    local name="$1" items="$2" users="$3" detail="$4"
    shift 5
    local json="$out/$name-$items.json" timing="$out/$name-$items.time"
    if ! /usr/bin/time -f '%e %M' -o "$timing" "$cli" --log-level warn --threads "$threads" "$@" --json >"$json" \
        2>"$out/$name-$items.err"; then
        printf '%s\t%s\t%s\tfailed\t-\t%s\n' "$items" "$users" "$name" "$(tail -1 "$out/$name-$items.err")" | tee -a "$tsv"
        return 1
    fi
    local seconds peak_kb
    read -r seconds peak_kb < <(tail -1 "$timing")
    printf '%s\t%s\t%s\t%s\t%d\t%s\n' "$items" "$users" "$name" "$seconds" $((peak_kb / 1024)) \
        "$(jq -c "$detail" "$json" 2>/dev/null || echo -)" | tee -a "$tsv"
}

train_detail='{epoch_s: .seconds_per_epoch, eval_s: .eval_seconds, ndcg10: .test["ndcg@10"]}'
for size in $sizes; do
    items="${size%%:*}"
    users="${size##*:}"
    project="$out/p$items"
    step generate "$items" "$users" '{interactions: .interactions}' -- \
        dataset generate --project "$project" --name s --users "$users" --items "$items" || continue
    step features "$items" "$users" '{dim: .dim, rows: .rows}' -- \
        features build --project "$project" --dataset s --kind attributes+cooccurrence --dim 32 --name f || continue
    step rq-kmeans "$items" "$users" '{collision_rate: .collision_rate}' -- \
        tokenize --project "$project" --dataset s --features f --method rq-kmeans --levels 3 --codebook-size 256 \
        --seed 1 || continue
    tokenizer="$(jq -r '.run_id' "$out/rq-kmeans-$items.json")"
    step sasrec-sampled "$items" "$users" "$train_detail" -- \
        train --project "$project" --dataset s --model sasrec --loss sampled-softmax --epochs 1 --patience 0 || true
    # LazyAdam: only the batch's item rows take an optimizer step (dense Adam walks the whole table).
    step sasrec-sampled-lazy "$items" "$users" "$train_detail" -- \
        train --project "$project" --dataset s --model sasrec --loss sampled-softmax --lazy-adam true --epochs 1 \
        --patience 0 || true
    if [ "$items" -le "$ce_max_items" ]; then
        step sasrec-ce "$items" "$users" "$train_detail" -- \
            train --project "$project" --dataset s --model sasrec --epochs 1 --patience 0 || true
    fi
    step sid-gpt "$items" "$users" "$train_detail" -- \
        train --project "$project" --dataset s --model sid-gpt --tokenizer "$tokenizer" --epochs 1 --patience 0 \
        "${gen_args[@]}" || true
    sasrec_run="$(jq -r '.run_id // empty' "$out/sasrec-sampled-lazy-$items.json" 2>/dev/null || true)"
    [ -n "$sasrec_run" ] && step eval-sasrec "$items" "$users" '{ndcg10: .["ndcg@10"]}' -- \
        eval --project "$project" --run "$sasrec_run" || true
done
echo "results: $tsv"
