#!/bin/bash
# The scale bench of issue 13 in one command: hyperlab-load against a coordinator it starts, beside the peer
# a platform team would use at this scale, Optuna 3.1 on PostgreSQL 15 with P worker processes.
#
# Scenarios (--scenarios, comma separated; default a,b,c,d):
#   a  1000 workers x 1 slot, one random study
#   b  a + 16 bayesian studies
#   c  a + 1000 WatchStudy streams on the random study
#   d  a with the coordinator SIGKILLed halfway through the measure phase and restarted
# The peer: Optuna with RandomSampler (and TPESampler unless --no-tpe) with --optuna-procs processes (default
# 2,8,32). Optuna cannot run 1000 worker processes on 2 cores (each is a Python interpreter with its own
# database connection), so the peer's figure is its best over those process counts.
#
# Installs postgresql, python3-optuna and python3-psycopg2 with apt when missing (benchmark-only: they are
# never needed by the product, tools/setup.sh or the default tests). PostgreSQL runs as user postgres in a
# temporary directory, on a Unix socket only, and is removed at the end.
#
# Usage: tools/bench/load/run_load_bench.sh [--bin-dir build] [--scenarios a,b,c,d] [--warmup 5]
#          [--seconds 20] [--repeat 1] [--workers 1000] [--optuna-procs 2,8,32] [--optuna-seconds 20]
#          [--no-tpe] [--no-optuna] [--json FILE] [-- extra hyperlab-load arguments]
# Prints one side-by-side table; --json FILE also writes every figure (default load_bench.json).
set -euo pipefail

bin_dir=build
scenarios=a,b,c,d
warmup=5
seconds=20
repeat=1
workers=1000
optuna_procs=2,8,32
optuna_seconds=20
tpe=1
optuna=1
json_out=load_bench.json
extra=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --bin-dir) bin_dir="$2"; shift 2 ;;
    --scenarios) scenarios="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --repeat) repeat="$2"; shift 2 ;;
    --workers) workers="$2"; shift 2 ;;
    --optuna-procs) optuna_procs="$2"; shift 2 ;;
    --optuna-seconds) optuna_seconds="$2"; shift 2 ;;
    --no-tpe) tpe=0; shift ;;
    --no-optuna) optuna=0; shift ;;
    --json) json_out="$2"; shift 2 ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    *) echo "run_load_bench.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

here=$(cd "$(dirname "$0")" && pwd)
load="$bin_dir/tools/bench/load/hyperlab-load"
coordinator="$bin_dir/coordinator/hyperlab-coordinator"
for f in "$load" "$coordinator"; do
  [[ -x "$f" ]] || { echo "run_load_bench.sh: $f is missing; build it: cmake --build $bin_dir --target hyperlab-load hyperlab-coordinator" >&2; exit 2; }
done
# Debian's Python, where python3-optuna is installed (a pyenv or venv python3 on PATH would not see it).
python=${PYTHON:-/usr/bin/python3}
tmp=$(mktemp -d /tmp/hyperlab-load-bench-XXXXXX)
pg_bin=/usr/lib/postgresql/15/bin
pg_started=0
cleanup() {
  if [[ $pg_started == 1 ]]; then as_pg "$pg_bin/pg_ctl" -D "$tmp/pg/data" -m immediate stop >/dev/null 2>&1 || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

as_pg() {
  if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start_postgres() {
  local missing=()
  for pkg in postgresql python3-optuna python3-psycopg2; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  if [[ ${#missing[@]} -gt 0 ]]; then
    echo "run_load_bench.sh: installing the peer's packages (benchmark only): ${missing[*]}" >&2
    if [[ $(id -u) != 0 ]]; then echo "run_load_bench.sh: need root to apt-get install ${missing[*]}" >&2; exit 2; fi
    apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  mkdir -p "$tmp/pg/sock"
  [[ $(id -u) == 0 ]] && chown -R postgres:postgres "$tmp/pg" && chmod 755 "$tmp"
  as_pg "$pg_bin/initdb" -D "$tmp/pg/data" -A trust -U postgres >"$tmp/initdb.log" 2>&1
  # Defaults otherwise (fsync and synchronous_commit on): every trial is durable before the next, as in
  # Hyperlab's journal. Unix socket only, no TCP.
  as_pg "$pg_bin/pg_ctl" -D "$tmp/pg/data" -l "$tmp/pg/postgres.log" -w \
    -o "-k $tmp/pg/sock -c listen_addresses='' -c max_connections=300" start >/dev/null
  pg_started=1
  as_pg /usr/bin/psql -h "$tmp/pg/sock" -U postgres -q -c "CREATE DATABASE optuna" >/dev/null
  pg_url="postgresql+psycopg2://postgres@/optuna?host=$tmp/pg/sock"
}

# hyperlab-load for scenario $1, repeated; the run with the median trials/s of the measure phase is kept.
run_hyperlab() {
  local scenario="$1" args=(--workers "$workers" --slots 1 --random-studies 1 --format json
                            --coordinator-bin "$coordinator" --phases "warmup:$warmup,measure:$seconds")
  case "$scenario" in
    a) ;;
    b) args+=(--bayesian-studies 16) ;;
    c) args+=(--watchers "$workers") ;;
    d) args+=(--restart-at "$("$python" -c "print($warmup + $seconds / 2)")") ;;
    *) echo "run_load_bench.sh: unknown scenario $scenario (a, b, c or d)" >&2; exit 2 ;;
  esac
  local runs=()
  for ((i = 1; i <= repeat; i++)); do
    echo "run_load_bench.sh: hyperlab scenario $scenario, run $i/$repeat (load average $(cut -d' ' -f1 /proc/loadavg))" >&2
    "$load" "${args[@]}" "${extra[@]}" >"$tmp/hyperlab-$scenario-$i.json"
    runs+=("$tmp/hyperlab-$scenario-$i.json")
  done
  "$python" - "$scenario" "${runs[@]}" >"$tmp/hyperlab-$scenario.json" <<'PY'
import json, sys
runs = [json.load(open(f)) for f in sys.argv[2:]]
rate = lambda r: r["phases"][-1]["durable_trials_per_s"]
runs.sort(key=rate)
median = runs[len(runs) // 2]
median["scenario"] = sys.argv[1]
median["all_runs_trials_per_s"] = [rate(r) for r in runs]
print(json.dumps(median))
PY
}

run_optuna() {
  local sampler="$1" procs="$2" studies=1
  echo "run_load_bench.sh: optuna $sampler, $procs processes (load average $(cut -d' ' -f1 /proc/loadavg))" >&2
  "$python" "$here/optuna_peer.py" --url "$pg_url" --processes "$procs" --seconds "$optuna_seconds" \
    --sampler "$sampler" --studies "$studies" >"$tmp/optuna-$sampler-$procs.json"
}

IFS=, read -ra scenario_list <<<"$scenarios"
IFS=, read -ra procs_list <<<"$optuna_procs"
for s in "${scenario_list[@]}"; do run_hyperlab "$s"; done
if [[ $optuna == 1 ]]; then
  start_postgres
  for p in "${procs_list[@]}"; do run_optuna random "$p"; done
  if [[ $tpe == 1 ]]; then for p in "${procs_list[@]}"; do run_optuna tpe "$p"; done; fi
fi

"$python" - "$tmp" "$json_out" "$(nproc)" "$workers" <<'PY'
import glob, json, os, sys
tmp, out, cores, workers = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
hyper = {}
for f in sorted(glob.glob(os.path.join(tmp, "hyperlab-?.json"))):
    r = json.load(open(f))
    hyper[r["scenario"]] = r
peer = [json.load(open(f)) for f in sorted(glob.glob(os.path.join(tmp, "optuna-*.json")))]
peer.sort(key=lambda r: (r["sampler"], r["processes"]))
best = {}
for r in peer:
    if r["sampler"] not in best or r["trials_per_s"] > best[r["sampler"]]["trials_per_s"]:
        best[r["sampler"]] = r
names = {"a": f"{workers} workers, random", "b": "+ 16 bayesian studies", "c": f"+ {workers} WatchStudy streams",
         "d": "restart mid-run"}
fmt = lambda x: "n/a" if x is None else f"{x:.1f}"
machine = next(iter(hyper.values()))["machine"] if hyper else {}
print(f"machine: {machine.get('cpu', '?')} (avx512: {'yes' if machine.get('avx512') else 'no'}), {cores} cores; "
      f"load average now {open('/proc/loadavg').read().split()[0]}")
print(f"{'scenario':28} {'hyperlab trials/s':>17} {'Acquire p50/p99 ms':>19} {'Complete p50/p99 ms':>20} | "
      f"{'optuna (best P) trials/s':>25} {'ask p50/p99 ms':>15} {'tell p50/p99 ms':>16} | {'ratio':>6}")
for key, r in hyper.items():
    m = r["phases"][-1]
    lat = m["latency_ms"]
    acq = lat.get("AcquireTrials", {})
    com = lat.get("CompleteTrials", {})
    p = best.get("tpe" if key == "b" and "tpe" in best else "random")
    ratio = m["durable_trials_per_s"] / p["trials_per_s"] if p and p["trials_per_s"] > 0 else None
    peer_cols = (f"{p['trials_per_s']:>13.1f} ({p['sampler']}, P={p['processes']:>2})"
                 f" {fmt(p['ask_ms']['p50']) + '/' + fmt(p['ask_ms']['p99']):>15}"
                 f" {fmt(p['tell_ms']['p50']) + '/' + fmt(p['tell_ms']['p99']):>16}") if p else f"{'(not run)':>58}"
    print(f"{key + ') ' + names.get(key, ''):28} {m['durable_trials_per_s']:>17.1f}"
          f" {fmt(acq.get('p50')) + '/' + fmt(acq.get('p99')):>19} {fmt(com.get('p50')) + '/' + fmt(com.get('p99')):>20} | "
          f"{peer_cols} | {('%.1fx' % ratio) if ratio else 'n/a':>6}")
    kinds = {}
    for st in m.get("studies", []):
        kind = "bayesian" if "-bayesian-" in st["name"] else "random"
        kinds.setdefault(kind, []).append(st["trials_per_s"])
    if len(kinds) > 1:
        print(f"{'':28} " + "; ".join(f"{len(v)} {k}: {sum(v):.1f} trials/s (slowest {min(v):.1f})"
                                      for k, v in sorted(kinds.items(), reverse=True)))
    if r.get("restart"):
        rs = r["restart"]
        print(f"{'':28} restart: serving after {rs['to_serving_ms']:.0f} ms, "
              f"first durable completion after {rs['to_first_completion_ms']:.0f} ms")
    if len(r.get("all_runs_trials_per_s", [])) > 1:
        print(f"{'':28} runs: " + ", ".join(f"{x:.0f}" for x in r["all_runs_trials_per_s"]) + " trials/s (median shown)")
if peer:
    print(f"optuna 3.1 + PostgreSQL 15, every process count ({workers} processes do not fit on this machine):")
    for r in peer:
        print(f"  {r['sampler']:6} P={r['processes']:>3}: {r['trials_per_s']:8.1f} trials/s, ask p50/p99 "
              f"{fmt(r['ask_ms']['p50'])}/{fmt(r['ask_ms']['p99'])} ms, tell p50/p99 "
              f"{fmt(r['tell_ms']['p50'])}/{fmt(r['tell_ms']['p99'])} ms, trial p99 {fmt(r['trial_ms']['p99'])} ms")
json.dump({"hyperlab": hyper, "optuna": peer}, open(out, "w"), indent=2)
print(f"all figures: {out}")
PY
