#!/usr/bin/env python3
"""The peer of hyperlab-load: Optuna 3.1 with RDB storage (PostgreSQL) and P worker processes.

Each process loads one shared study and runs `study.optimize` on a trivial objective (Branin on x1, x2)
for a fixed time, as a platform team runs Optuna workers against one database. Every trial is stored by
PostgreSQL (synchronous_commit on) before the next one starts, so trials/s is durable trials/s, like
hyperlab-load's. Per trial: `ask` is the time from the previous trial's end (or the start) to the objective
being called (Optuna's create-trial and sampling), comparable to AcquireTrials; `tell` the time from the
objective's return to the callback (storing the result), comparable to CompleteTrials.

  python3 optuna_peer.py --url postgresql+psycopg2://postgres@/optuna?host=/tmp/pg/sock \
      --processes 8 --seconds 20 [--sampler random|tpe] [--studies 1]

Prints one JSON object: {"processes", "sampler", "seconds", "trials", "trials_per_s", "ask_ms": {p50, p99,
max}, "tell_ms": {...}, "trial_ms": {...}}.
"""
import argparse
import itertools
import json
import math
import multiprocessing as mp
import time


def branin(x1, x2):
    b = 5.1 / (4 * math.pi ** 2)
    c = 5 / math.pi
    t = 1 / (8 * math.pi)
    return (x2 - b * x1 * x1 + c * x1 - 6) ** 2 + 10 * (1 - t) * math.cos(x1) + 10


def worker(url, study_name, sampler, seed, seconds, barrier, out):
    import optuna
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    sampler_obj = (optuna.samplers.TPESampler(seed=seed) if sampler == "tpe"
                   else optuna.samplers.RandomSampler(seed=seed))
    study = optuna.load_study(study_name=study_name, storage=url, sampler=sampler_obj)
    asks, tells, trials = [], [], []
    state = {"last_end": 0.0, "returned": 0.0, "entered": 0.0}

    def objective(trial):
        state["entered"] = time.perf_counter()
        asks.append(state["entered"] - state["last_end"])
        value = branin(trial.suggest_float("x1", -5, 10), trial.suggest_float("x2", 0, 15))
        state["returned"] = time.perf_counter()
        return value

    def callback(study, frozen):
        now = time.perf_counter()
        tells.append(now - state["returned"])
        trials.append(now - state["last_end"])
        state["last_end"] = now

    barrier.wait()
    start = time.perf_counter()
    state["last_end"] = start
    study.optimize(objective, timeout=seconds, callbacks=[callback], gc_after_trial=False)
    # Trials that ended within the window (optimize finishes the trial running at the timeout).
    done = sum(1 for end in itertools.accumulate(trials) if end <= seconds)
    out.put({"done": done, "asks": asks, "tells": tells, "trials": trials})


def percentiles(values):
    if not values:
        return {"p50": None, "p99": None, "max": None}
    v = sorted(values)
    pick = lambda q: v[min(len(v) - 1, max(0, math.ceil(q * len(v)) - 1))] * 1000.0
    return {"p50": pick(0.5), "p99": pick(0.99), "max": v[-1] * 1000.0}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--url", required=True, help="SQLAlchemy URL of the RDB storage")
    p.add_argument("--processes", type=int, default=8)
    p.add_argument("--seconds", type=float, default=20)
    p.add_argument("--sampler", choices=["random", "tpe"], default="random")
    p.add_argument("--studies", type=int, default=1, help="studies, the processes spread over them")
    args = p.parse_args()
    if args.processes < 1 or args.studies < 1 or args.seconds <= 0:
        p.error("--processes and --studies must be >= 1 and --seconds > 0")

    import optuna
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    stamp = f"{int(time.time() * 1000)}"
    names = [f"peer-{args.sampler}-{args.processes}-{stamp}-{i}" for i in range(args.studies)]
    for name in names:
        optuna.create_study(study_name=name, storage=args.url, direction="minimize")

    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(args.processes)
    out = ctx.Queue()
    procs = [ctx.Process(target=worker, args=(args.url, names[i % len(names)], args.sampler, i + 1, args.seconds,
                                               barrier, out)) for i in range(args.processes)]
    for proc in procs:
        proc.start()
    results = [out.get() for _ in procs]
    for proc in procs:
        proc.join()
    done = sum(r["done"] for r in results)
    print(json.dumps({
        "processes": args.processes,
        "studies": args.studies,
        "sampler": args.sampler,
        "seconds": args.seconds,
        "trials": done,
        "trials_per_s": done / args.seconds,
        "ask_ms": percentiles([x for r in results for x in r["asks"]]),
        "tell_ms": percentiles([x for r in results for x in r["tells"]]),
        "trial_ms": percentiles([x for r in results for x in r["trials"]]),
    }))


if __name__ == "__main__":
    main()
