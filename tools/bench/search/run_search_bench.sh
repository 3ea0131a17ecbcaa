#!/bin/bash
# The search benchmarks of issue 4, side by side with Optuna 3.1: median simple regret on Branin and
# Hartmann-6 (10 seeds; 20/50/100 trials), suggest latency in 6-D at 100/1,000/5,000 trials, and the
# parallel-slot and restart checks. Takes about 5 minutes on 2 cores.
#
# Usage: tools/bench/search/run_search_bench.sh [BUILD_DIR] [search_bench flags, e.g. --format=json]
#   BUILD_DIR (default: build) must hold tools/bench/search/search_bench; SEARCH_BENCH=PATH overrides.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build}
shift || true
bench=${SEARCH_BENCH:-$build/tools/bench/search/search_bench}
[[ -x $bench ]] || { echo "run_search_bench.sh: no $bench; build the target search_bench first" >&2; exit 2; }
optuna_json=$(mktemp)
trap 'rm -f "$optuna_json"' EXIT
# Debian's interpreter: python3-optuna is installed for it, not for other pythons on the PATH.
/usr/bin/python3 "$here/optuna_bench.py" --format json 2>/dev/null >"$optuna_json"
"$bench" --optuna="$optuna_json" "$@"
