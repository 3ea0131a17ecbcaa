#!/bin/bash
# Trainer benchmark: hyperlab's built-in trainer vs PyTorch 1.13 (Debian's python3-torch) on
# 784-256-128-10, Adam, batch 128, 2 threads, Fashion-MNIST; alternating runs so that both see the same
# machine state. Prints each run, the medians and the ratio, then a per-phase profile of our step.
#
# Usage: tools/bench/run_trainer_bench.sh [BUILD_DIR] [ROUNDS] [EPOCHS]
#   BUILD_DIR default build; the target is hyperlab-trainer-bench (tools/bench/train/CMakeLists.txt).
# PyTorch runs with torch.set_num_threads(2), once with OMP_WAIT_POLICY=PASSIVE as in the issue's protocol
# and once with ACTIVE; ours with the OpenMP defaults. Needs a quiet machine: other processes skew both sides (on a shared machine
# run it under `nice -n -20`).
# TORCH_BLAS_DIR: a directory with libblas.so.3 for PyTorch (Debian's torch is built with BLAS_INFO=generic
# and uses whatever libblas.so.3 the system selects; the reference BLAS makes it ~30x slower). E.g. unpack
# libopenblas0-openmp (apt-get download; dpkg -x) and point this at .../openblas-openmp (the fastest
# PyTorch here: 73k samples/s with ACTIVE, against 35k with libopenblas0-pthread).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build}
rounds=${2:-3}
epochs=${3:-3}
bench="$build/tools/bench/train/hyperlab-trainer-bench"
[ -x "$bench" ] || { echo "run_trainer_bench.sh: $bench not built (ninja -C $build hyperlab-trainer-bench)" >&2; exit 2; }
python=/usr/bin/python3
# PyTorch runs twice a round: with OMP_WAIT_POLICY=PASSIVE (the issue's protocol) and ACTIVE (faster here
# with an OpenMP BLAS: spinning threads wake at once between the small matrix products).
ours=() passive=() active=()
field() { sed -E 's/.*samples_per_second=([0-9.]+).*/\1/' <<<"$1"; }
for r in $(seq "$rounds"); do
  line=$("$bench" --epochs "$epochs" --threads 2 | tail -1)
  echo "round $r: $line"
  ours+=("$(field "$line")")
  for policy in PASSIVE ACTIVE; do
    line=$(OMP_WAIT_POLICY=$policy LD_LIBRARY_PATH="${TORCH_BLAS_DIR:-}" "$python" "$here/torch_mlp.py" \
      --epochs "$epochs" --threads 2 | tail -1)
    echo "round $r: $line wait_policy=$policy"
    if [ "$policy" = PASSIVE ]; then passive+=("$(field "$line")"); else active+=("$(field "$line")"); fi
  done
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a/b}'; }
mo=$(median "${ours[@]}")
mp=$(median "${passive[@]}")
ma=$(median "${active[@]}")
echo "median samples/s: hyperlab $mo, torch (PASSIVE) $mp, torch (ACTIVE) $ma"
echo "ratio: $(ratio "$mo" "$mp") against PASSIVE (the issue's protocol), $(ratio "$mo" "$ma") against ACTIVE"
echo "load average during the runs: $(cut -d' ' -f1-3 /proc/loadavg)"
"$bench" --epochs 1 --threads 2 --profile | tail -5
