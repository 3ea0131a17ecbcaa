#!/bin/sh
# Runs Optuna's samplers (optuna_mo_bench.py) and Hyperlab's (multiobjective_bench) on the same problems and
# prints one table: median hypervolume at 50 and 100 trials over 10 seeds. Extra arguments (e.g.
# --format=json) go to multiobjective_bench. BUILD defaults to ./build.
set -eu
here=$(dirname "$0")
build=${BUILD:-build}
optuna_json=$(mktemp)
trap 'rm -f "$optuna_json"' EXIT
/usr/bin/python3 "$here/optuna_mo_bench.py" --seeds 10 --checkpoints 50,100 > "$optuna_json"
"$build/tools/bench/multiobjective/multiobjective_bench" --seeds=10 --checkpoints=50,100 --optuna="$optuna_json" "$@"
