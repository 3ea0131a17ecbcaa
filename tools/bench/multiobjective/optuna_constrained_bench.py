#!/usr/bin/python3
"""Optuna 3.1 (Debian's python3-optuna) on the problems of constrained_problems.h, for constrained_bench's table.

Samplers, each with `constraints_func` (Optuna's constrained samplers): TPE (TPESampler; multi-objective TPE
on srn) and, on the two-objective srn, NSGA-II (NSGAIISampler). Sequential ask/tell, seeds 0..N-1; per
checkpoint the best feasible value (one objective) or the hypervolume of the feasible trials (srn), median
over seeds. Optuna 3.1's only GP sampler is BoTorchSampler, which needs botorch (not installed here), so no
constrained-GP row. Writes JSON in constrained_bench's schema (--format json, the default) or a plain
table. Progress goes to stderr.

Usage: /usr/bin/python3 optuna_constrained_bench.py [--seeds 10] [--checkpoints 50,100]
                                                    [--problems gardner,townsend,srn] [--format json|table]
"""
import argparse
import json
import math
import statistics
import sys
import time
import warnings

import optuna

optuna.logging.set_verbosity(optuna.logging.ERROR)
warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)


def gardner(x):
    return [math.sin(x[0]) + x[1]], [math.sin(x[0]) * math.sin(x[1])]


def townsend(x):
    a, b = x
    f = -math.cos((a - 0.1) * b) ** 2 - a * math.sin(3 * a + b)
    t = math.atan2(a, b)
    r2 = (2 * math.cos(t) - 0.5 * math.cos(2 * t) - 0.25 * math.cos(3 * t) - 0.125 * math.cos(4 * t)) ** 2 \
        + (2 * math.sin(t)) ** 2
    return [f], [a * a + b * b - r2]


def srn(x):
    a, b = x
    return [2 + (a - 2) ** 2 + (b - 1) ** 2, 9 * a - (b - 1) ** 2], [a * a + b * b, a - 3 * b + 10]


# name: (function, domain, constraint upper bounds, hypervolume reference or None, samplers)
PROBLEMS = {
    "gardner": (gardner, [(0.0, 6.0), (0.0, 6.0)], [-0.95], None, ["tpe"]),
    "townsend": (townsend, [(-2.25, 2.5), (-2.5, 1.75)], [0.0], None, ["tpe"]),
    "srn": (srn, [(-20.0, 20.0), (-20.0, 20.0)], [225.0, 0.0], [250.0, 50.0], ["tpe", "nsga2"]),
}


def area2(points, ref):
    """Area dominated by 2-D minimised points within the reference box."""
    pts = sorted(p for p in points if p[0] < ref[0] and p[1] < ref[1])
    area, best_y = 0.0, ref[1]
    staircase = []
    for x, y in pts:
        if y < best_y:
            staircase.append((x, y))
            best_y = y
    for i, (x, y) in enumerate(staircase):
        next_x = staircase[i + 1][0] if i + 1 < len(staircase) else ref[0]
        area += (next_x - x) * (ref[1] - y)
    return area


def run(problem, sampler_name, seed, checkpoints):
    f, domain, bounds, ref, _ = PROBLEMS[problem]
    # Optuna's convention: feasible when every value is <= 0.
    constraints = lambda t: t.user_attrs["constraints"]  # noqa: E731
    if sampler_name == "nsga2":
        sampler = optuna.samplers.NSGAIISampler(seed=seed, constraints_func=constraints)
    else:
        sampler = optuna.samplers.TPESampler(seed=seed, constraints_func=constraints)
    study = optuna.create_study(directions=["minimize"] * (len(ref) if ref else 1), sampler=sampler)
    feasible, best, count, values, shares = [], math.inf, 0, [], []
    for t in range(max(checkpoints)):
        trial = study.ask()
        x = [trial.suggest_float(f"x{i}", lo, hi) for i, (lo, hi) in enumerate(domain)]
        objectives, c = f(x)
        trial.set_user_attr("constraints", [v - b for v, b in zip(c, bounds)])
        study.tell(trial, objectives if ref else objectives[0])
        if all(v <= b for v, b in zip(c, bounds)):
            count += 1
            feasible.append(objectives)
            best = min(best, objectives[0])
        if t + 1 in checkpoints:
            values.append(area2(feasible, ref) if ref else best)
            shares.append(count / (t + 1))
    return values, shares


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--checkpoints", default="50,100")
    parser.add_argument("--problems", default="gardner,townsend,srn")
    parser.add_argument("--format", choices=["json", "table"], default="json")
    args = parser.parse_args()
    checkpoints = [int(c) for c in args.checkpoints.split(",")]
    rows = []
    for problem in args.problems.split(","):
        ref = PROBLEMS[problem][3]
        for sampler in PROBLEMS[problem][4]:
            start = time.monotonic()
            runs = [[] for _ in checkpoints]
            shares = [[] for _ in checkpoints]
            for seed in range(args.seeds):
                values, share = run(problem, sampler, seed, checkpoints)
                for c in range(len(checkpoints)):
                    runs[c].append(values[c])
                    shares[c].append(share[c])
            seconds = time.monotonic() - start
            print(f"optuna {problem} {sampler}: {args.seeds} seeds in {seconds:.1f} s", file=sys.stderr, flush=True)
            for c, trials in enumerate(checkpoints):
                median = statistics.median(runs[c])
                rows.append({"problem": problem, "sampler": sampler, "source": "optuna", "trials": trials,
                             "metric": "feasible_hypervolume" if ref else "best_feasible",
                             "median": median if math.isfinite(median) else None,
                             "median_feasible_share": statistics.median(shares[c]), "seconds": seconds,
                             "runs": [v if math.isfinite(v) else None for v in runs[c]]})
    if args.format == "json":
        print(json.dumps(rows, indent=2))
    else:
        for r in rows:
            print(f"{r['problem']:9} {r['sampler']:6} {r['trials']:4} {r['median']} [{r['median_feasible_share']:.2f}]")


if __name__ == "__main__":
    main()
