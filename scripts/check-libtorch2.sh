#!/usr/bin/env bash
# Proves that core + CLI (and the core tests) build against an official LibTorch 2.x with CUDA and
# that the core tests pass with it on the CPU. The LibTorch comes from the Python package index's
# `torch` wheel (it carries LibTorch's headers, libraries and CMake package); it is unpacked outside
# the repository and never becomes a dependency of the product. Needs the CUDA toolkit (nvcc, and
# the CUDA libraries LibTorch links: cudart, cuBLAS, cuDNN, NCCL...), no GPU.
#
# Usage: scripts/check-libtorch2.sh [TORCH_SPEC]     (default: torch, the newest wheel)
#   TOKENBENCH_TORCH2_DIR   where the wheel is unpacked   (default: ~/.cache/tokenbench-libtorch2)
#   TOKENBENCH_TORCH2_BUILD the build folder              (default: build/libtorch2)
#   CUDA_HOME               the CUDA toolkit              (default: /usr/local/cuda)
# Prints the LibTorch version it built against; exits non-zero on any failure.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
spec="${1:-torch}"
dir="${TOKENBENCH_TORCH2_DIR:-$HOME/.cache/tokenbench-libtorch2}"
build="${TOKENBENCH_TORCH2_BUILD:-$root/build/libtorch2}"
cuda="${CUDA_HOME:-/usr/local/cuda}"

[ -x "$cuda/bin/nvcc" ] || { echo "no nvcc under $cuda: set CUDA_HOME to the CUDA toolkit" >&2; exit 1; }
mkdir -p "$dir/wheels"
if ! ls "$dir"/wheels/torch-*.whl >/dev/null 2>&1; then
  echo "== Downloading the $spec wheel (no dependencies) into $dir/wheels"
  python3 -m pip download --no-deps --only-binary=:all: -d "$dir/wheels" "$spec"
fi
wheel="$(ls -t "$dir"/wheels/torch-*.whl | head -n 1)"
stamp="$dir/site/.unpacked-$(basename "$wheel")"
if [ ! -f "$stamp" ]; then
  echo "== Unpacking LibTorch from $(basename "$wheel")"
  rm -rf "$dir/site" && mkdir -p "$dir/site"
  python3 - "$wheel" "$dir/site" <<'PY'
import sys, zipfile
wheel, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as z:
    z.extractall(out, [n for n in z.namelist()
                       if n.startswith(("torch/include/", "torch/lib/", "torch/share/")) or n == "torch/version.py"])
PY
  touch "$stamp"
fi
torch="$dir/site/torch"
version="$(python3 -c "import runpy; v = runpy.run_path('$torch/version.py'); print(v['__version__'], 'CUDA', v.get('cuda'))")"
echo "== LibTorch $version from $(basename "$wheel")"

# libtorch_cuda needs a few libraries newer than, or absent from, a CUDA toolkit (NCCL, cuSPARSELt,
# NVSHMEM, cuFile): take the versions the wheel pins, from their own wheels, for linking and tests.
pins="$(python3 - "$wheel" "$dir/wheels" <<'PY'
import glob, re, subprocess, sys, zipfile
def requirements(wheel):
    with zipfile.ZipFile(wheel) as z:
        meta = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
        return [l[len("Requires-Dist: "):] for l in z.read(meta).decode().splitlines() if l.startswith("Requires-Dist: ")]
for req in requirements(sys.argv[1]):
    m = re.match(r"(nvidia-(?:nccl|cusparselt|nvshmem)-cu\d+)==([^;\s]+)", req)
    if m: print(f"{m.group(1)}=={m.group(2)}")
    m = re.match(r"cuda-toolkit\[([^\]]*)\]==([^;\s]+)", req)
    if m and "cufile" in m.group(1):  # cuFile's own pin sits in the cuda-toolkit meta-package
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", sys.argv[2],
                        f"cuda-toolkit=={m.group(2)}"], check=True, stdout=subprocess.DEVNULL)
        toolkit = sorted(glob.glob(f"{sys.argv[2]}/cuda_toolkit-{m.group(2)}-*.whl"))[-1]
        for inner in requirements(toolkit):
            c = re.match(r"(nvidia-cufile)==([^;\s]+)", inner)
            if c and "extra == 'cufile'" in inner: print(f"{c.group(1)}=={c.group(2)}")
PY
)"
libdirs=()
for pin in $pins; do
  name="${pin%%==*}"
  if ! ls "$dir"/wheels/"${name//-/_}"-[0-9]*.whl >/dev/null 2>&1; then
    python3 -m pip download --no-deps --only-binary=:all: -d "$dir/wheels" "$pin"
  fi
  extra="$(ls -t "$dir"/wheels/"${name//-/_}"-[0-9]*.whl | head -n 1)"
  [ -d "$dir/site/$name" ] || python3 -c "import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])" "$extra" "$dir/site/$name"
  for lib in "$dir/site/$name"/nvidia/*/lib; do libdirs+=("$lib"); done
done
extra_path="$(IFS=:; echo "${libdirs[*]:-}")"
echo "== Extra CUDA libraries: ${pins//$'\n'/ }"

echo "== Configure core + CLI + core tests (no GUI) in $build"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DTOKENBENCH_BUILD_GUI=OFF \
  -DCMAKE_PREFIX_PATH="$torch" -DCMAKE_CUDA_COMPILER="$cuda/bin/nvcc" -DTORCH_CUDA_ARCH_LIST="8.0;9.0" \
  -DCMAKE_EXE_LINKER_FLAGS="-Wl,-rpath-link,$torch/lib${extra_path:+:$extra_path}" >"$build.configure.log" 2>&1 \
  || { tail -n 40 "$build.configure.log"; exit 1; }
grep -q "^Torch_DIR:PATH=$torch/share/cmake/Torch" "$build/CMakeCache.txt" \
  || { echo "CMake did not pick the wheel's LibTorch:"; grep "^Torch_DIR" "$build/CMakeCache.txt"; exit 1; }

echo "== Build"
cmake --build "$build"

echo "== Core tests on the CPU, against LibTorch $version"
export LD_LIBRARY_PATH="$torch/lib${extra_path:+:$extra_path}:$cuda/lib64${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
ctest --test-dir "$build" -L core --output-on-failure -j 2 --timeout 900
"$build/app/tokenbench-cli" --version
echo "OK: core + CLI built and the core tests passed against LibTorch $version"
