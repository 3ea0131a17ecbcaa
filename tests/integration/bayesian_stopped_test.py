"""The Bayesian strategy with ASHA early stopping on Fashion-MNIST (issue 17): stopped trials teach the model
through their last measurement, so it stops proposing the learning rates that keep being stopped, and no two
trials come closer than the parameter's resolution (1e-3 of the log range). Measured figures (before and
after) are in docs/search.md, "Stopped trials".

A 16-trial study over a log-scale learning rate, 2 workers, a small MLP on 6,000 training images for 6
epochs, judged on dev accuracy (ASHA rungs at epochs 1 and 3). It prints how many trials have another
within 2% of the log range (a factor of 1.17 in learning rate) and the closest pair. With
`--report-only` it only prints them (to measure a build from before the change, whose closeness fails the
assertions):
    python3 tests/integration/bayesian_stopped_test.py --bin-dir OLD/build --source-dir . --report-only
"""
import json
import math
import os

import harness

STUDY = """name: bayes-asha-lr
hypothesis: With stopped trials in its model, the GP spreads its proposals instead of piling onto one rate.
objective: {metric: dev_accuracy, goal: maximize}
early_stopping: {asha: {min_step: 1, reduction_factor: 3}, metric: dev_accuracy}
parameters:
  - {name: learning_rate, double: {min: 1.0e-4, max: 3.0e-1, scale: log}}
algorithm: {bayesian: {seed: %(seed)d}}
budget: {max_trials: 16, max_parallel: 2}
task:
  train:
    data: {name: fashion-mnist, train_limit: 6000}
    hidden_layers: 1
    hidden_units: 64
    optimizer: sgd
    activation: relu
    epochs: 6
"""
LOW, HIGH = 1.0e-4, 3.0e-1
NEAR = 0.02  # Of the log range.
RESOLUTION = 1e-3  # Of the log range (searcher/parameter_encoding.h, kDoubleResolution).


def position(lr):
    return math.log(lr / LOW) / math.log(HIGH / LOW)


def closeness(rates):
    """(trials with another within NEAR of the log range, smallest gap between two trials, in log range)."""
    u = sorted(position(r) for r in rates)
    gaps = [b - a for a, b in zip(u, u[1:])]
    near = sum(1 for i in range(len(u))
               if (i > 0 and gaps[i - 1] < NEAR) or (i < len(gaps) and gaps[i] < NEAR))
    return near, min(gaps)


def add_args(parser):
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--report-only", action="store_true")


def test(cluster, args):
    if not os.path.exists("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"):
        raise AssertionError("Fashion-MNIST is missing: install the dataset-fashion-mnist package")
    path = os.path.join(cluster.tmp, "study.yaml")
    with open(path, "w") as f:
        f.write(STUDY % {"seed": args.seed})
    data = os.path.join(cluster.tmp, "journal")
    cluster.cli("run", path, "--workers", "2", data_dir=data, timeout=240)
    trials = json.loads(cluster.cli("trials", "bayes-asha-lr", "--format", "json", data_dir=data).stdout)
    rates = [t["params"]["learning_rate"] for t in trials]
    states = [t["state"] for t in trials]
    stopped = [t for t in trials if t["state"] == "STOPPED"]
    near, closest = closeness(rates)
    print(f"bayesian_stopped_test: seed {args.seed}: {near} of {len(trials)} trials have another within "
          f"{NEAR:g} of the log range; closest pair {closest:.3g} of the log range apart; "
          f"{len(stopped)} stopped; learning rates in order: "
          + ", ".join(f"{r:.3g}{'s' if s == 'STOPPED' else ''}" for r, s in zip(rates, states)))
    if args.report_only:
        return
    assert len(trials) == 16, states
    # The premise: ASHA stopped trials, and each carries the last dev accuracy it measured.
    assert stopped, states
    for t in stopped:
        assert 0 <= t["metrics"].get("dev_accuracy", -1) <= 1, t
    # No two trials closer than the resolution (before the change: 2e-8 to 4e-7 of the log range apart at
    # the closest, in 5 of 5 seeds). How many land within 2% of one another is printed, not asserted: it
    # depends on the two workers' timing (ASHA's decisions) and includes honest refinement near the best.
    assert closest >= RESOLUTION * (1 - 1e-9), (closest, rates)


harness.run(test, "bayesian_stopped_test", add_args)
