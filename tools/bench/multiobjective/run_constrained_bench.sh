#!/bin/sh
# Runs Optuna's constrained samplers (optuna_constrained_bench.py) and Hyperlab's strategies
# (constrained_bench) on the same constrained problems and prints one table: median best feasible value
# (one objective) or feasible hypervolume (srn) at 50 and 100 trials over 10 seeds. Extra arguments (e.g.
# --format=json, --seeds=3) go to constrained_bench; SEEDS (default 10) sets both sides' seeds.
# BUILD defaults to ./build. Progress on stderr.
set -eu
here=$(dirname "$0")
build=${BUILD:-build}
seeds=${SEEDS:-10}
optuna_json=$(mktemp)
trap 'rm -f "$optuna_json"' EXIT
/usr/bin/python3 "$here/optuna_constrained_bench.py" --seeds "$seeds" --checkpoints 50,100 > "$optuna_json"
"$build/tools/bench/multiobjective/constrained_bench" --seeds="$seeds" --checkpoints=50,100 \
  --optuna="$optuna_json" "$@"
