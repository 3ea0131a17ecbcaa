#!/usr/bin/env bash
# Runs each libFuzzer target for a long time (default 20 minutes each; at least a million executions each
# on a 2-core machine), with ASan + UBSan + leak detection, and prints the execution counts.
#   bash tools/fuzz/run_fuzzers.sh [SECONDS_EACH] [BUILD_DIR]
# Needs clang++ (apt-get install clang-14 libclang-rt-14-dev). Crashes are written to BUILD_DIR/artifacts.
set -euo pipefail
seconds=${1:-1200}
build=${2:-build-fuzz}
src=$(cd "$(dirname "$0")/../.." && pwd)
cxx=$(command -v clang++-14 || command -v clang++)
cmake -S "$src/tools/fuzz" -B "$build" -G Ninja -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
ninja -C "$build" >/dev/null
targets="study_file request idx_reader csv_reader metric_line"
for target in $targets; do mkdir -p "$build/corpus/$target"; done
mkdir -p "$build/artifacts"
status=0
for target in $targets; do
  seeds=()
  [ "$target" = study_file ] && seeds=("$src/examples")
  echo "== ${target}_fuzzer for ${seconds} s"
  if ! "$build/${target}_fuzzer" -max_total_time="$seconds" -rss_limit_mb=1024 -print_final_stats=1 \
      -artifact_prefix="$build/artifacts/${target}-" "$build/corpus/$target" "${seeds[@]}" \
      2>"$build/${target}.log"; then
    status=1
    echo "${target}_fuzzer FAILED; see $build/${target}.log and $build/artifacts/"
  fi
  grep -E "stat::number_of_executed_units|stat::peak_rss_mb|^Done" "$build/${target}.log" || true
done
exit $status
