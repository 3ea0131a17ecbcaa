"""The journal keeps its promises while the coordinator is killed with SIGKILL at random moments.

A study is run by 3 worker processes while the coordinator is killed and restarted on the same data
directory again and again (and, with --kill-workers, workers are killed and replaced too). Workers log every
completion the coordinator acknowledged. At the end, for each algorithm:
  - exactly the budget of succeeded trials, nothing RUNNING or PENDING;
  - no two succeeded trials with the same fingerprint (no experiment ran twice);
  - every acknowledged completion is in the journal with its metrics.
The default suite runs a short variant; the long one (README) is:
  python3 tests/integration/crash_test.py --bin-dir build --source-dir . --kills 20 --trials 200 \\
      --algorithms random,grid,bayesian --kill-workers
"""
import json
import os
import random
import signal
import time

import harness

STUDY = """
name: crash-{algorithm}
objective: {{metric: value, goal: minimize}}
parameters:
  - {{name: x1, double: {{min: -5, max: 10}}}}
  - {{name: x2, double: {{min: 0, max: 15}}}}
algorithm: {algorithm_spec}
budget: {{max_trials: {trials}, max_parallel: 6}}
task: {{synthetic: {{function: branin, delay_seconds: 0.1}}}}
"""

ALGORITHMS = {
    "random": "{random: {seed: 11}}",
    "grid": "{grid: {points_per_double: 15}}",  # 225 points, more than the budget.
    "bayesian": "{bayesian: {seed: 11}}",
}


def add_args(parser):
    parser.add_argument("--kills", type=int, default=4)
    parser.add_argument("--trials", type=int, default=60)
    parser.add_argument("--algorithms", default="random,grid")
    parser.add_argument("--kill-workers", action="store_true")
    parser.add_argument("--seed", type=int, default=1)


def run_one(cluster, args, algorithm, rng):
    path = os.path.join(cluster.tmp, f"{algorithm}.yaml")
    with open(path, "w") as f:
        f.write(STUDY.format(algorithm=algorithm, algorithm_spec=ALGORITHMS[algorithm], trials=args.trials))
    study = cluster.cli("study", "submit", path).stdout.strip().splitlines()[-1]
    ack_log = os.path.join(cluster.tmp, f"acks-{algorithm}.jsonl")
    workers = [cluster.start_worker(slots=2, ack_log=ack_log) for _ in range(3)]
    coordinator_kills = worker_kills = 0
    deadline = time.time() + 300
    while coordinator_kills < args.kills and time.time() < deadline:
        time.sleep(rng.uniform(0.05, 0.3))
        done = cluster.cli("study", "show", study, "--format", "json", check=False)
        if done.returncode == 0 and json.loads(done.stdout)["state"] != "ACTIVE":
            break  # Finished before all kills: the remaining kills would test nothing.
        cluster.coordinator.send_signal(signal.SIGKILL)
        cluster.coordinator.wait()
        coordinator_kills += 1
        if args.kill_workers and rng.random() < 0.5:
            victim = rng.randrange(len(workers))
            workers[victim].send_signal(signal.SIGKILL)
            workers[victim].wait()
            workers[victim] = cluster.start_worker(slots=2, ack_log=ack_log)
            worker_kills += 1
        cluster.start_coordinator(lease_seconds=1)
    cluster.cli("study", "wait", study, "--max-wait", "300")
    for w in workers:
        w.send_signal(signal.SIGTERM)
        w.wait(timeout=10)

    trials = cluster.json("trials", study)
    states = {}
    for t in trials:
        states[t["state"]] = states.get(t["state"], 0) + 1
    succeeded = [t for t in trials if t["state"] == "SUCCEEDED"]
    ran = [t for t in succeeded if "reused_from" not in t]  # A reuse shares its original's fingerprint.
    fingerprints = {t["fingerprint"] for t in ran}
    by_id = {t["id"]: t for t in trials}
    acks = []
    with open(ack_log) as f:
        for line in f:
            ack = json.loads(line)
            if ack["study_id"] == int(study):
                acks.append(ack)
    missing = [a for a in acks if by_id.get(a["trial_id"], {}).get("metrics") != a["metrics"]]
    print(f"{algorithm}: {len(trials)} trials {states}, {len(succeeded) - len(ran)} reused, "
          f"{len(fingerprints)} distinct fingerprints among the {len(ran)} that ran, "
          f"{len(acks)} acknowledged completions ({len(missing)} missing), "
          f"coordinator killed {coordinator_kills} times, workers killed {worker_kills} times", flush=True)
    assert coordinator_kills >= min(args.kills, 1), "the coordinator was never killed"
    assert len(trials) == args.trials and len(succeeded) == args.trials, states
    assert len(fingerprints) == len(ran), "two trials ran the same experiment"
    assert not missing, f"acknowledged completions missing from the journal: {missing[:3]}"
    # A completion committed just before a kill is not acknowledged (the reply was lost; the worker's retry is
    # refused as a stale lease), so acknowledged <= succeeded; but every acknowledged one must be there.
    assert len(acks) <= len(succeeded), len(acks)


def test(cluster, args):
    rng = random.Random(args.seed)
    cluster.start_coordinator(lease_seconds=1)
    for algorithm in args.algorithms.split(","):
        run_one(cluster, args, algorithm, rng)


harness.run(test, "crash_test", extra_args=add_args)
