#!/usr/bin/env bash
# The main job of the README: installs what is missing, builds the `hyperlab` CLI only (no tests, fuzzers or
# benchmarks), and runs a small Fashion-MNIST study (12 oneDNN MLPs on real data, selected on dev accuracy)
# on the embedded single-process cluster (coordinator + 2 workers in one process), journal in
# ./hyperlab-data. Running it again continues (here: shows) the same study.
#   bash tools/demo.sh [STUDY.yaml]
# Environment: HYPERLAB_BUILD_DIR (default build), HYPERLAB_DATA_DIR (default hyperlab-data).
# Measured from a fresh clone (see README: 3 min 02 s on an idle 2-core machine):
#   rm -rf build-demo demo-data; HYPERLAB_BUILD_DIR=build-demo HYPERLAB_DATA_DIR=demo-data CCACHE_DISABLE=1 \
#     bash -c 'time bash tools/demo.sh'
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir="${HYPERLAB_BUILD_DIR:-build}"
start=$SECONDS
# A unity build: the CLI's 160 sources in batches, about half the compile time on two cores.
HYPERLAB_UNITY_BUILD=ON HYPERLAB_BUILD_DIR="$build_dir" bash tools/build.sh hyperlab
echo "demo: built $build_dir/tools/hyperlab in $((SECONDS - start)) s"
hyperlab="$build_dir/tools/hyperlab"
[[ "$hyperlab" = /* ]] || hyperlab="./$hyperlab"
"$hyperlab" run "${1:-examples/fashion-mlp-small.yaml}" \
  --data-dir "${HYPERLAB_DATA_DIR:-hyperlab-data}" --workers 2
