#!/bin/bash
# The broad search benchmark (issue 18): Hyperlab's strategies and every Optuna 3.1 sampler on the problems
# of tools/bench/search/problems.h (seeds 0..9, regret at 20/50/100 trials), the bayesian strategy's suggest
# latency in 6-D at 100/1,000/5,000 trials, and the parallel-slot and restart checks. Progress goes to stderr.
#
# Usage: tools/bench/search/run_search_bench.sh [BUILD_DIR] [flags]
#   BUILD_DIR (default: build) must hold tools/bench/search/search_bench; SEARCH_BENCH=PATH overrides.
#   Flags given to both sides: --problems=a,b  --families=rugged,hpo  --skip=hpo  --seeds=N  --seed-list=0,3
#                              --checkpoints=20,50,100
#   Optuna's results:          --optuna-dir=DIR  keep them, one JSON file per problem (written as each ends)
#                              --optuna-from=DIR reuse those files instead of running Optuna again (it is
#                                                seeded: the same flags give the same results)
#   Other flags go to search_bench: --strategies=bayesian,cmaes,quasirandom,random  --mode=regret|latency|checks
#                              --format=json  --sizes=100,1000,5000  --quiet
# Quick look (a few minutes on 2 busy cores):
#   tools/bench/search/run_search_bench.sh build --mode=regret --skip=hpo --seeds=2 --checkpoints=20,50
# Full run: hours on 2 shared cores; the HPO tasks dominate (Hyperlab's side runs a Python process per trial
# through the command executor, about 0.8 s; the peers' side one persistent child: search_bench.cc, --serve);
# see docs/search.md.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=build
if [[ $# -gt 0 && $1 != --* ]]; then build=$1; shift; fi
bench=${SEARCH_BENCH:-$build/tools/bench/search/search_bench}
[[ -x $bench ]] || { echo "run_search_bench.sh: no $bench; build the target search_bench first" >&2; exit 2; }
bench_args=() py_args=() optuna_dir="" optuna_from="" mode=all
for arg in "$@"; do
  case $arg in
    --problems=* | --families=* | --skip=* | --seeds=* | --seed-list=* | --checkpoints=*)
      bench_args+=("$arg"); py_args+=("${arg%%=*}" "${arg#*=}") ;;
    --optuna-dir=*) optuna_dir=${arg#*=} ;;
    --optuna-from=*) optuna_from=${arg#*=} ;;
    --mode=*) mode=${arg#*=}; bench_args+=("$arg") ;;
    *) bench_args+=("$arg") ;;
  esac
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
files=()
if [[ $mode == all || $mode == regret ]]; then
  if [[ -n $optuna_from ]]; then
    files=("$optuna_from"/*.json)
  else
    dir=${optuna_dir:-$work/optuna}
    mkdir -p "$dir"
    # Debian's interpreter: python3-optuna and python3-sklearn are installed for it, not for other pythons.
    /usr/bin/python3 "$here/optuna_bench.py" --search-bench "$bench" --hpo-script "$here/hpo_task.py" \
      --mode regret --out-dir "$dir" "${py_args[@]}" >/dev/null
    files=("$dir"/*.json)
  fi
fi
if [[ $mode == all || $mode == latency ]]; then
  /usr/bin/python3 "$here/optuna_bench.py" --mode latency >"$work/latency.json"
  files+=("$work/latency.json")
fi
optuna=$(IFS=,; echo "${files[*]}")
"$bench" --hpo-script="$here/hpo_task.py" ${optuna:+--optuna="$optuna"} "${bench_args[@]}"
