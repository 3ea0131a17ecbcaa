#!/usr/bin/python3
"""Optuna 3.1 (Debian's python3-optuna) on the problems of problems.h, for multiobjective_bench's table.

Samplers: NSGA-II (NSGAIISampler) and multi-objective TPE (TPESampler, which is MOTPE for several
objectives); on the constrained Binh-Korn problem both with `constraints_func` (Optuna's constrained NSGA-II
and constrained TPE). Sequential ask/tell, seeds 0..N-1; the hypervolume of the feasible trials at each
checkpoint (all objectives minimised), median over seeds. Optuna 3.1's only GP sampler is BoTorchSampler,
which needs botorch (not installed here), so no GP row.
Writes JSON in multiobjective_bench's schema (--format json, the default) or a plain table.

Usage: /usr/bin/python3 optuna_mo_bench.py [--seeds 10] [--checkpoints 50,100]
                                           [--problems zdt1,zdt2,dtlz2,binh_korn] [--format json|table]
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


def zdt_g(x):
    return 1 + 9 * sum(x[1:]) / (len(x) - 1)


def zdt1(x):
    g = zdt_g(x)
    return [x[0], g * (1 - math.sqrt(x[0] / g))], True


def zdt2(x):
    g = zdt_g(x)
    return [x[0], g * (1 - (x[0] / g) ** 2)], True


def dtlz2(x):
    g = sum((v - 0.5) ** 2 for v in x[2:])
    a, b = x[0] * math.pi / 2, x[1] * math.pi / 2
    return [(1 + g) * math.cos(a) * math.cos(b), (1 + g) * math.cos(a) * math.sin(b), (1 + g) * math.sin(a)], True


def binh_korn_constraints(x):
    return [(x[0] - 5) ** 2 + x[1] ** 2 - 25, -(x[0] - 8) ** 2 - (x[1] + 3) ** 2 + 7.7]


def binh_korn(x):
    f = [4 * x[0] ** 2 + 4 * x[1] ** 2, (x[0] - 5) ** 2 + (x[1] - 5) ** 2]
    return f, all(c <= 0 for c in binh_korn_constraints(x))


UNIT6 = [(0.0, 1.0)] * 6
PROBLEMS = {
    "zdt1": (zdt1, UNIT6, [1.1, 1.1], False),
    "zdt2": (zdt2, UNIT6, [1.1, 1.1], False),
    "dtlz2": (dtlz2, UNIT6, [1.1, 1.1, 1.1], False),
    "binh_korn": (binh_korn, [(0.0, 5.0), (0.0, 3.0)], [140.0, 50.0], True),
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


def hypervolume(points, ref):
    inside = [p for p in points if all(v < r for v, r in zip(p, ref))]
    if not inside:
        return 0.0
    if len(ref) == 2:
        return area2(inside, ref)
    inside.sort(key=lambda p: p[2])
    volume = 0.0
    for i, p in enumerate(inside):
        next_z = inside[i + 1][2] if i + 1 < len(inside) else ref[2]
        if next_z > p[2]:
            volume += area2([q[:2] for q in inside[:i + 1]], ref[:2]) * (next_z - p[2])
    return volume


def sampler_for(name, seed, constrained):
    constraints = (lambda t: t.user_attrs["constraints"]) if constrained else None
    if name == "nsga2":
        return optuna.samplers.NSGAIISampler(seed=seed, constraints_func=constraints)
    return optuna.samplers.TPESampler(seed=seed, constraints_func=constraints)


def run(problem, sampler, seed, checkpoints):
    f, domain, ref, constrained = PROBLEMS[problem]
    study = optuna.create_study(directions=["minimize"] * len(ref),
                                sampler=sampler_for(sampler, seed, constrained))
    feasible, out = [], []
    for t in range(max(checkpoints)):
        trial = study.ask()
        x = [trial.suggest_float(f"x{i}", lo, hi) for i, (lo, hi) in enumerate(domain)]
        values, ok = f(x)
        if constrained:
            trial.set_user_attr("constraints", binh_korn_constraints(x))
        study.tell(trial, values)
        if ok:
            feasible.append(values)
        if t + 1 in checkpoints:
            out.append(hypervolume(feasible, ref))
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--checkpoints", default="50,100")
    parser.add_argument("--problems", default="zdt1,zdt2,dtlz2,binh_korn")
    parser.add_argument("--samplers", default="nsga2,motpe")
    parser.add_argument("--format", choices=["json", "table"], default="json")
    args = parser.parse_args()
    checkpoints = [int(c) for c in args.checkpoints.split(",")]
    rows = []
    for problem in args.problems.split(","):
        for sampler in args.samplers.split(","):
            start = time.monotonic()
            runs = [[] for _ in checkpoints]
            for seed in range(args.seeds):
                for c, hv in enumerate(run(problem, sampler, seed, checkpoints)):
                    runs[c].append(hv)
            print(f"optuna {problem} {sampler}: {args.seeds} seeds in {time.monotonic() - start:.1f} s",
                  file=sys.stderr, flush=True)
            for c, trials in enumerate(checkpoints):
                rows.append({"problem": problem, "sampler": sampler, "source": "optuna", "trials": trials,
                             "median": statistics.median(runs[c]), "runs": runs[c]})
    if args.format == "json":
        print(json.dumps(rows, indent=2))
    else:
        for r in rows:
            print(f"{r['problem']:10} {r['sampler']:6} {r['trials']:4} {r['median']:.4f}")


if __name__ == "__main__":
    main()
