#!/usr/bin/env bash
# The test command of the README (and of .ci/run): installs what is missing, builds, runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/build.sh
ctest --test-dir build --output-on-failure -j "$(nproc)" --timeout 300
