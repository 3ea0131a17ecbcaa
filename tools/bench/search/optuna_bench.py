#!/usr/bin/python3
"""Optuna 3.1 (Debian's python3-optuna) on the same problems as search_bench, for a side-by-side table.

Regret: TPE, multivariate TPE, CMA-ES and random on Branin and Hartmann-6, sequential ask/tell, seeds 0..9,
median simple regret at each checkpoint. Latency: TPE's ask() in 6 dimensions (Hartmann-6) after N completed
trials at random points, `--calls` successive ask/tell pairs; p50 and max of ask().
Writes JSON in search_bench's schema (--format json, the default) or a plain table (--format table).

Usage: /usr/bin/python3 optuna_bench.py [--mode all|regret|latency] [--seeds 10] [--checkpoints 20,50,100]
                                        [--sizes 100,1000,5000] [--calls 15] [--format json|table]
"""
import argparse
import json
import math
import random
import statistics
import time

import optuna

optuna.logging.set_verbosity(optuna.logging.ERROR)

BRANIN_MIN = 0.397887357729739
HARTMANN6_MIN = -3.32236801141551
ALPHA = [1.0, 1.2, 3.0, 3.2]
A = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]]
P = [[1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991],
     [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381]]


def branin(x):
    b, c, r, s, t = 5.1 / (4 * math.pi ** 2), 5 / math.pi, 6, 10, 1 / (8 * math.pi)
    u = x[1] - b * x[0] ** 2 + c * x[0] - r
    return u * u + s * (1 - t) * math.cos(x[0]) + s


def hartmann6(x):
    total = 0.0
    for i in range(4):
        inner = sum(A[i][j] * (x[j] - P[i][j] * 1e-4) ** 2 for j in range(6))
        total += ALPHA[i] * math.exp(-inner)
    return -total


FUNCTIONS = {
    "branin": (branin, [("x1", -5.0, 10.0), ("x2", 0.0, 15.0)], BRANIN_MIN),
    "hartmann6": (hartmann6, [(f"x{j}", 0.0, 1.0) for j in range(1, 7)], HARTMANN6_MIN),
}

SAMPLERS = {
    "tpe": lambda seed: optuna.samplers.TPESampler(seed=seed),
    "tpe-multivariate": lambda seed: optuna.samplers.TPESampler(seed=seed, multivariate=True),
    "cmaes": lambda seed: optuna.samplers.CmaEsSampler(seed=seed),
    "random": lambda seed: optuna.samplers.RandomSampler(seed=seed),
}


def run(function, sampler, seed, checkpoints):
    f, space, minimum = FUNCTIONS[function]
    study = optuna.create_study(sampler=SAMPLERS[sampler](seed))
    best, out = float("inf"), []
    for t in range(max(checkpoints)):
        trial = study.ask()
        x = [trial.suggest_float(name, lo, hi) for name, lo, hi in space]
        value = f(x)
        study.tell(trial, value)
        best = min(best, value)
        if t + 1 in checkpoints:
            out.append(best - minimum)
    return out


def regret(args):
    rows = []
    for function in FUNCTIONS:
        for sampler in SAMPLERS:
            runs = [[] for _ in args.checkpoints]
            for seed in range(args.seeds):
                for c, r in enumerate(run(function, sampler, seed, args.checkpoints)):
                    runs[c].append(r)
            for c, trials in enumerate(args.checkpoints):
                rows.append({"function": function, "sampler": sampler, "source": "optuna", "trials": trials,
                             "median": statistics.median(runs[c]), "runs": runs[c]})
    return rows


def latency(args):
    f, space, _ = FUNCTIONS["hartmann6"]
    dists = {name: optuna.distributions.FloatDistribution(lo, hi) for name, lo, hi in space}
    rows = []
    for size in args.sizes:
        rng = random.Random(99)
        study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=1))
        for _ in range(size):
            params = {name: rng.uniform(lo, hi) for name, lo, hi in space}
            study.add_trial(optuna.trial.create_trial(params=params, distributions=dists,
                                                      value=f([params[n] for n, _, _ in space])))
        ms = []
        for _ in range(args.calls):
            start = time.perf_counter()
            trial = study.ask(dists)
            ms.append((time.perf_counter() - start) * 1e3)
            study.tell(trial, f([trial.params[n] for n, _, _ in space]))
        rows.append({"sampler": "tpe", "source": "optuna", "trials": size, "p50_ms": statistics.median(ms),
                     "max_ms": max(ms)})
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mode", default="all", choices=["all", "regret", "latency"])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--checkpoints", default="20,50,100")
    parser.add_argument("--sizes", default="100,1000,5000")
    parser.add_argument("--calls", type=int, default=15)
    parser.add_argument("--format", default="json", choices=["json", "table"])
    args = parser.parse_args()
    args.checkpoints = [int(v) for v in args.checkpoints.split(",")]
    args.sizes = [int(v) for v in args.sizes.split(",")]
    result = {}
    if args.mode in ("all", "regret"):
        result["regret"] = regret(args)
    if args.mode in ("all", "latency"):
        result["latency"] = latency(args)
    if args.format == "json":
        print(json.dumps(result, indent=2))
        return
    for row in result.get("regret", []):
        print(f"{row['function']:10} optuna {row['sampler']:17} @{row['trials']:<4} {row['median']:.4f}")
    for row in result.get("latency", []):
        print(f"optuna tpe ask() {row['trials']:6} trials: p50 {row['p50_ms']:.1f} ms, max {row['max_ms']:.1f} ms")


if __name__ == "__main__":
    main()
