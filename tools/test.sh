#!/usr/bin/env bash
# The test command of the README (and of .ci/run): installs what is missing, builds, runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/build.sh
if ! ctest --test-dir build --output-on-failure -j "$(nproc)" --timeout 300; then
  # Whoever reads only the end of the log (a CI summary) sees why: the failed tests once more, one at a time.
  echo "=== the failed tests again, one at a time, with their output ==="
  ctest --test-dir build --rerun-failed --output-on-failure -j 1 --timeout 300 || true
  exit 1
fi
