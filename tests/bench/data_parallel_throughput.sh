#!/usr/bin/env bash
# Data-parallel throughput on the synthetic set: one SASRec epoch large enough to be compute-bound,
# trained by one process on one thread, one process on N threads, and N ranks of one thread each
# (`train --nproc N`), all with the same global batch. Prints seconds per epoch and the speed-ups.
# Usage: tests/bench/data_parallel_throughput.sh [BUILD_DIR]   (NPROC=2 USERS=20000 HIDDEN=256)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="${1:-$root/build/default}"
cli="$build/app/tokenbench-cli"
[ -x "$cli" ] || { echo "build first: $cli missing" >&2; exit 1; }
nproc="${NPROC:-2}"
project="$(mktemp -d)/dp-bench"
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
"$cli" --log-level warn dataset generate --project "$project" --name s --users "${USERS:-20000}" --items 3000 >/dev/null
model=(--model sasrec --hidden "${HIDDEN:-256}" --blocks 2 --heads 2 --max-length 50 --batch-size 256
       --epochs 1 --patience 0 --seed 1 --device cpu --json)
epoch() { "$cli" --log-level warn "$@" | jq -r '.seconds_per_epoch'; }
one=$(epoch --threads 1 train --project "$project" --dataset s "${model[@]}")
threads=$(epoch --threads "$nproc" train --project "$project" --dataset s "${model[@]}")
ranks=$(epoch --threads 1 train --project "$project" --dataset s "${model[@]}" --nproc "$nproc")
echo "seconds per epoch: 1 process x 1 thread $one; 1 process x $nproc threads $threads; $nproc ranks x 1 thread $ranks"
python3 -c "print(f'speed-up of {$nproc} ranks over 1 process x 1 thread: {$one/$ranks:.2f}x; over 1 process x {$nproc} threads: {$threads/$ranks:.2f}x')"
