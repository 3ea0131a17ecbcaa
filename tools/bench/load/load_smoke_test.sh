#!/bin/bash
# bench.load_smoke: hyperlab-load with 20 workers for about 3 s against a coordinator it starts; fails when
# no trial completes or the JSON output does not parse.
# Usage: load_smoke_test.sh HYPERLAB_LOAD HYPERLAB_COORDINATOR
set -euo pipefail
load="$1"
coordinator="$2"
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$load" --coordinator-bin "$coordinator" --workers 20 --phases warmup:1,measure:2 --idle-backoff-ms 20 \
  --format json --progress-seconds 1 >"$out"
python3 - "$out" <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))
completed = sum(p["completed"] for p in run["phases"])
measure = run["phases"][-1]
assert measure["name"] == "measure", measure
assert completed > 0, f"no trial completed: {run['phases']}"
for rpc in ("AcquireTrials", "CompleteTrials"):
    assert rpc in measure["latency_ms"], f"no {rpc} answered in the measure phase"
print(f"bench.load_smoke: {completed} durable trials, {measure['durable_trials_per_s']:.0f}/s in the measure phase")
PY
