#!/usr/bin/python3
"""Every Optuna 3.1 sampler (Debian's python3-optuna) on search_bench's problems, for a side-by-side table.

The problems are search_bench's own (tools/bench/search/problems.h): their spaces come from
`search_bench --list-problems`, and every point is evaluated by one `search_bench --serve` process, so the
functions, the noise (drawn per problem, seed and trial index) and the HPO tasks (run through the command
executor) are exactly those Hyperlab's strategies meet. Same protocol as search_bench: `pending` trials
at once (1, or 8 for the batch problems), the oldest completes, one new trial refills its slot; at each
checkpoint the point returned is the completed trial with the best observed value, scored on its noiseless
value. Output: JSON rows in search_bench's schema (it computes regret and medians when merging).

Samplers: tpe, tpe-multivariate, cmaes, qmc (Sobol, unscrambled as Optuna 3.1 defaults: the same points for
every seed), random; default settings otherwise, seeded.
Latency mode: TPE's ask() in 6 dimensions (Hartmann-6) after N completed trials at random points.

Usage: /usr/bin/python3 optuna_bench.py --search-bench build/tools/bench/search/search_bench
           [--mode regret|latency|all] [--problems a,b|all] [--families rugged,hpo] [--skip hpo]
           [--seeds 10 | --seed-list 0,3] [--checkpoints 20,50,100] [--samplers tpe,cmaes,...]
           [--sizes 100,1000,5000] [--calls 15] [--quiet] [--out-dir DIR]
"""
import argparse
import json
import math
import os
import random
import statistics
import subprocess
import sys
import time
import warnings

import optuna

optuna.logging.set_verbosity(optuna.logging.ERROR)
warnings.filterwarnings("ignore")

SAMPLERS = {
    "tpe": lambda seed: optuna.samplers.TPESampler(seed=seed),
    "tpe-multivariate": lambda seed: optuna.samplers.TPESampler(seed=seed, multivariate=True),
    "cmaes": lambda seed: optuna.samplers.CmaEsSampler(seed=seed),
    "qmc": lambda seed: optuna.samplers.QMCSampler(seed=seed),
    "random": lambda seed: optuna.samplers.RandomSampler(seed=seed),
}


class Evaluator:
    """One `search_bench --serve` child answering evaluation requests."""

    def __init__(self, search_bench, hpo_script):
        self.proc = subprocess.Popen([search_bench, "--serve", f"--hpo-script={hpo_script}"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def __call__(self, problem, seed, trial, params):
        request = {"problem": problem, "seed": seed, "trial": trial, "params": params}
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            sys.exit("optuna_bench.py: search_bench --serve ended")
        reply = json.loads(line)
        if "error" in reply:
            sys.exit(f"optuna_bench.py: {reply['error']}")
        return reply["value"], reply["clean"]


def distribution(p):
    if p["kind"] == "double":
        return optuna.distributions.FloatDistribution(p["min"], p["max"], log=p["log"])
    if p["kind"] == "integer":
        return optuna.distributions.IntDistribution(int(p["min"]), int(p["max"]), log=p["log"])
    return optuna.distributions.CategoricalDistribution(p["values"])


def run(problem, sampler, seed, checkpoints, evaluate):
    dists = {p["name"]: distribution(p) for p in problem["parameters"]}
    names = [p["name"] for p in problem["parameters"]]
    study = optuna.create_study(sampler=SAMPLERS[sampler](seed))
    budget = max(checkpoints)
    running = [study.ask(dists) for _ in range(min(problem["pending"], budget))]
    asked = len(running)
    best_observed, best_clean, out, done = math.inf, math.inf, [], 0
    while running and done < budget:
        trial = running.pop(0)
        value, clean = evaluate(problem["name"], seed, trial.number, [trial.params[n] for n in names])
        if clean is None:
            study.tell(trial, state=optuna.trial.TrialState.FAIL)
        else:
            study.tell(trial, value)
            if value < best_observed:
                best_observed, best_clean = value, clean
        done += 1
        if done in checkpoints:
            out.append(best_clean if math.isfinite(best_clean) else None)
        if asked < budget:
            running.append(study.ask(dists))
            asked += 1
    return out


def regret(args, problems, evaluate):
    rows, total, step, start = [], len(problems) * len(args.samplers), 0, time.time()
    for problem in problems:
        first = len(rows)
        for sampler in args.samplers:
            values = [run(problem, sampler, seed, args.checkpoints, evaluate) for seed in args.seeds]
            step += 1
            if not args.quiet:
                print(f"[{step}/{total}] {problem['name']} optuna {sampler} ({len(args.seeds)} seeds) "
                      f"{time.time() - start:.0f} s", file=sys.stderr, flush=True)
            rows.append({"problem": problem["name"], "family": problem["family"], "minimum": problem["minimum"],
                         "sampler": sampler, "source": "optuna", "checkpoints": args.checkpoints,
                         "seeds": args.seeds, "values": values})
        if args.out_dir:  # One file per problem as soon as it is done: a long run can be cut short or split.
            os.makedirs(args.out_dir, exist_ok=True)
            with open(f"{args.out_dir}/{problem['name']}.json", "w") as out:
                json.dump({"regret": rows[first:]}, out)
    return rows


def hartmann6(x):
    alpha = [1.0, 1.2, 3.0, 3.2]
    a = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]]
    p = [[1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991],
         [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381]]
    return -sum(alpha[i] * math.exp(-sum(a[i][j] * (x[j] - p[i][j] * 1e-4) ** 2 for j in range(6)))
                for i in range(4))


def latency(args):
    names = [f"x{j}" for j in range(1, 7)]
    dists = {n: optuna.distributions.FloatDistribution(0.0, 1.0) for n in names}
    rows = []
    for size in args.sizes:
        rng = random.Random(99)
        study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=1))
        for _ in range(size):
            params = {n: rng.random() for n in names}
            study.add_trial(optuna.trial.create_trial(params=params, distributions=dists,
                                                      value=hartmann6([params[n] for n in names])))
        ms = []
        for _ in range(args.calls):
            start = time.perf_counter()
            trial = study.ask(dists)
            ms.append((time.perf_counter() - start) * 1e3)
            study.tell(trial, hartmann6([trial.params[n] for n in names]))
        rows.append({"sampler": "tpe", "source": "optuna", "trials": size, "p50_ms": statistics.median(ms),
                     "max_ms": max(ms)})
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--search-bench", default="build/tools/bench/search/search_bench")
    parser.add_argument("--hpo-script", default="tools/bench/search/hpo_task.py")
    parser.add_argument("--mode", default="regret", choices=["all", "regret", "latency"])
    parser.add_argument("--problems", default="all")
    parser.add_argument("--families", default="")
    parser.add_argument("--skip", default="")
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--seed-list", default="")
    parser.add_argument("--checkpoints", default="20,50,100")
    parser.add_argument("--samplers", default=",".join(SAMPLERS))
    parser.add_argument("--sizes", default="100,1000,5000")
    parser.add_argument("--calls", type=int, default=15)
    parser.add_argument("--quiet", action="store_true")
    parser.add_argument("--out-dir", default="", help="also write DIR/<problem>.json as each problem ends")
    args = parser.parse_args()
    args.checkpoints = sorted(int(v) for v in args.checkpoints.split(","))
    args.sizes = [int(v) for v in args.sizes.split(",")]
    args.seeds = [int(v) for v in args.seed_list.split(",")] if args.seed_list else list(range(args.seeds))
    args.samplers = args.samplers.split(",")
    for s in args.samplers:
        if s not in SAMPLERS:
            parser.error(f"--samplers: unknown sampler {s!r} (known: {', '.join(SAMPLERS)})")
    result = {}
    if args.mode in ("all", "regret"):
        listing = [args.search_bench, "--list-problems", f"--problems={args.problems}",
                   f"--hpo-script={args.hpo_script}"]
        if args.families:
            listing.append(f"--families={args.families}")
        if args.skip:
            listing.append(f"--skip={args.skip}")
        problems = json.loads(subprocess.run(listing, check=True, capture_output=True, text=True).stdout)
        result["regret"] = regret(args, problems, Evaluator(args.search_bench, args.hpo_script))
    if args.mode in ("all", "latency"):
        result["latency"] = latency(args)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
