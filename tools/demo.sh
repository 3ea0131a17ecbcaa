#!/usr/bin/env bash
# The main job of the README: installs what is missing, builds, and runs a small Fashion-MNIST study (12
# oneDNN MLPs on real data) on the embedded single-process cluster (coordinator + 2 workers in one process),
# journal in ./hyperlab-data.
# Running it again continues (here: shows) the same study.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/build.sh
./build/tools/hyperlab run "${1:-examples/fashion-mlp-small.yaml}" --data-dir "${HYPERLAB_DATA_DIR:-hyperlab-data}" --workers 2
