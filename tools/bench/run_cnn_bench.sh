#!/bin/bash
# CNN benchmark: hyperlab's built-in trainer vs PyTorch 1.13 (Debian's python3-torch) on the same small
# convolutional network (conv 32 3x3 + max pool, conv 64 3x3 + max pool, dense 128, 10 classes; ReLU, Adam,
# batch 128) on Fashion-MNIST, 2 threads, alternating runs so that both see the same machine state. Prints
# each run, the medians and the ratio, then a per-phase profile of our training step.
#
# Usage: tools/bench/run_cnn_bench.sh [BUILD_DIR] [ROUNDS] [TRAIN_EXAMPLES] [THREADS]
#   BUILD_DIR default build (target hyperlab-cnn-bench, tools/bench/train/CMakeLists.txt); ROUNDS default 3;
#   TRAIN_EXAMPLES per run (one epoch over the first N training images) default 10240; THREADS default 2.
# PyTorch runs with OMP_WAIT_POLICY=PASSIVE and torch.set_num_threads(THREADS), as in the issue's protocol;
# ours with the OpenMP defaults. TORCH_BLAS_DIR: a directory with libblas.so.3 for PyTorch (see
# run_trainer_bench.sh; the convolutions go through oneDNN either way, the dense layers through BLAS).
# For where our time goes per oneDNN primitive:
#   ONEDNN_VERBOSE=1 BUILD_DIR/tools/bench/train/hyperlab-cnn-bench --train-limit 2560 --threads 1 \
#     | tools/bench/onednn_verbose_summary.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build}
rounds=${2:-3}
examples=${3:-10240}
threads=${4:-2}
bench="$build/tools/bench/train/hyperlab-cnn-bench"
[ -x "$bench" ] || { echo "run_cnn_bench.sh: $bench not built (cmake --build $build --target hyperlab-cnn-bench)" >&2; exit 2; }
python=/usr/bin/python3
ours=() theirs=()
for r in $(seq "$rounds"); do
  line=$("$bench" --train-limit "$examples" --threads "$threads" 2>/dev/null | tail -1)
  echo "round $r: $line"
  ours+=("$(sed -E 's/.*samples_per_second=([0-9.]+).*/\1/' <<<"$line")")
  line=$(OMP_WAIT_POLICY=PASSIVE LD_LIBRARY_PATH="${TORCH_BLAS_DIR:-}" "$python" "$here/torch_cnn.py" \
         --train-limit "$examples" --threads "$threads" | tail -1)
  echo "round $r: $line"
  theirs+=("$(sed -E 's/.*samples_per_second=([0-9.]+).*/\1/' <<<"$line")")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
mo=$(median "${ours[@]}")
mt=$(median "${theirs[@]}")
echo "median samples/s: hyperlab $mo, torch $mt, ratio $(awk -v a="$mo" -v b="$mt" 'BEGIN {printf "%.2f", a/b}')"
echo "load average during the runs: $(cut -d' ' -f1-3 /proc/loadavg)"
"$bench" --train-limit 1280 --threads "$threads" --profile 2>/dev/null | tail -9
