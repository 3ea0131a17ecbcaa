#!/usr/bin/env bash
# Installs what is missing (tools/setup.sh), then configures and builds into ./build (or $HYPERLAB_BUILD_DIR).
#   bash tools/build.sh                 everything: the CLI, coordinator, worker, tests, fuzzers, benchmarks
#   bash tools/build.sh hyperlab ...    only these targets (and what they need); tests are not configured
# BUILD_TYPE (default Release) picks the CMake build type; HYPERLAB_BUILD_DIR the directory;
# HYPERLAB_UNITY_BUILD=ON a unity build (below).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
build_dir="${HYPERLAB_BUILD_DIR:-build}"
if [ $# -eq 0 ]; then
  # Always said, so that a directory configured for a few targets (tests off) gets its tests back.
  tests=ON
else
  # Named targets: skip configuring the test suite (a few seconds, and its fuzzer checks) unless the
  # directory already has it.
  tests="$(sed -n 's/^HYPERLAB_BUILD_TESTS:BOOL=//p' "$build_dir/CMakeCache.txt" 2>/dev/null || true)"
  tests="${tests:-OFF}"
fi
# HYPERLAB_UNITY_BUILD=ON compiles each library's sources in batches of 8 (tools/demo.sh: the CLI in about
# half the CPU time); the default build and the tests compile file by file.
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-Release}" \
  -DHYPERLAB_BUILD_TESTS="$tests" -DCMAKE_UNITY_BUILD="${HYPERLAB_UNITY_BUILD:-OFF}" \
  -DCMAKE_UNITY_BUILD_BATCH_SIZE=8 >/dev/null
if [ $# -eq 0 ]; then
  cmake --build "$build_dir" -j "$(nproc)"
else
  cmake --build "$build_dir" -j "$(nproc)" --target "$@"
fi
