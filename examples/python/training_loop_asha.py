#!/usr/bin/python3
"""A hand-written training loop with per-epoch reports and ASHA early stopping.

A one-hidden-layer network in plain numpy learns a noisy two-moons problem. Each epoch it reports
dev_loss and dev_accuracy; the study's ASHA rule (training_loop_asha.yaml: rungs at epochs 1, 3 and 9)
answers through `trial.should_stop`, and the loop stops the unpromising trials early. Leaving the `with`
block after `should_stop` ends the trial STOPPED; an exception in it fails the trial with its message.

    PYTHONPATH=build/tools/python /usr/bin/python3 examples/python/training_loop_asha.py [--coordinator H:P]
"""
import argparse
import os

import numpy as np

import hyperlab

HERE = os.path.dirname(os.path.abspath(__file__))
EPOCHS = 9


def two_moons(n, rng):
    t = rng.uniform(0, np.pi, n)
    upper = rng.random(n) < 0.5
    x = np.where(upper, np.cos(t), 1 - np.cos(t))
    y = np.where(upper, np.sin(t), 0.5 - np.sin(t))
    points = np.stack([x, y], axis=1) + rng.normal(0, 0.2, (n, 2))
    return points, upper.astype(np.float64)


def train(trial, data):
    (x_train, y_train), (x_dev, y_dev) = data
    rng = np.random.default_rng(trial.id)
    hidden, lr, batch = trial.params["hidden"], trial.params["learning_rate"], int(trial.params["batch_size"])
    w1, b1 = rng.normal(0, 1, (2, hidden)), np.zeros(hidden)
    w2, b2 = rng.normal(0, 1 / np.sqrt(hidden), hidden), 0.0

    def forward(x):
        h = np.tanh(x @ w1 + b1)
        return h, 1 / (1 + np.exp(-(h @ w2 + b2)))

    for epoch in range(1, EPOCHS + 1):
        order = rng.permutation(len(x_train))
        for start in range(0, len(order), batch):
            idx = order[start:start + batch]
            h, p = forward(x_train[idx])
            g = (p - y_train[idx]) / len(idx)
            gh = np.outer(g, w2) * (1 - h ** 2)
            w2 -= lr * h.T @ g
            b2 -= lr * g.sum()
            w1 -= lr * x_train[idx].T @ gh
            b1 -= lr * gh.sum(axis=0)
        _, p = forward(x_dev)
        p = np.clip(p, 1e-7, 1 - 1e-7)
        dev_loss = float(-np.mean(y_dev * np.log(p) + (1 - y_dev) * np.log(1 - p)))
        dev_accuracy = float(np.mean((p > 0.5) == (y_dev > 0.5)))
        trial.report(epoch, dev_loss=dev_loss, dev_accuracy=dev_accuracy)  # heartbeat + measurement
        if trial.should_stop:  # ASHA said so
            return None, epoch
    return {"dev_accuracy": dev_accuracy, "dev_loss": dev_loss}, EPOCHS


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--coordinator", help="HOST:PORT; default: a local coordinator on --data-dir")
    parser.add_argument("--data-dir", default="./hyperlab-data")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    data = (two_moons(1000, rng), two_moons(400, rng))

    client = hyperlab.Client(args.coordinator) if args.coordinator else hyperlab.local(args.data_dir)
    with client:
        study = client.create_study(os.path.join(HERE, "training_loop_asha.yaml"))
        epochs_run = 0
        while (trial := study.ask()) is not None:
            with trial:
                final, epochs = train(trial, data)
                epochs_run += epochs
                if final is not None:
                    trial.complete(**final)
            print(f"trial {trial.id}: {trial.state:<9} after {epochs} epochs  {trial.params}")
        best = study.best_trial
        print(f"{epochs_run} epochs of {len(study.trials) * EPOCHS} without early stopping; best dev_accuracy "
              f"{best.value:.3f} (trial {best.id}, {best.params})")


if __name__ == "__main__":
    main()
