#!/usr/bin/python3
"""A scikit-learn model tuned with study.optimize: an RBF support-vector classifier on the handwritten
digits data set that ships with scikit-learn (1,797 8x8 images, no download).

Needs scikit-learn (Debian: `sudo apt-get install python3-sklearn`; it is not one of Hyperlab's own
packages). Runs on a coordinator of its own (hyperlab.local) unless --coordinator names one:

    PYTHONPATH=build/tools/python /usr/bin/python3 examples/python/sklearn_optimize.py
    PYTHONPATH=build/tools/python /usr/bin/python3 examples/python/sklearn_optimize.py --coordinator 127.0.0.1:7411

Run it again: the study (same name, same spec) continues where it stopped, and finished trials are kept.
"""
import argparse
import sys

import hyperlab

try:
    from sklearn.datasets import load_digits
    from sklearn.model_selection import cross_val_score
    from sklearn.svm import SVC
except ImportError:
    sys.exit("sklearn_optimize.py needs scikit-learn: sudo apt-get install python3-sklearn")

STUDY = {
    "name": "digits-svc",
    "hypothesis": "An RBF SVC reaches 97% or more cross-validated accuracy on the digits with C and gamma tuned.",
    "objective": {"metric": "accuracy", "goal": "maximize"},
    "parameters": [
        {"name": "C", "double": {"min": 0.01, "max": 1000, "scale": "log"}},
        {"name": "gamma", "double": {"min": 1e-5, "max": 1e-1, "scale": "log"}},
    ],
    "algorithm": {"bayesian": {"seed": 1}},
    "budget": {"max_trials": 30, "max_parallel": 2},
    "metrics": ["accuracy_std"],
    "task": {"client": {"experiment": "sklearn-digits-svc@v1"}},
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--coordinator", help="HOST:PORT; default: a local coordinator on --data-dir")
    parser.add_argument("--data-dir", default="./hyperlab-data")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()

    X, y = load_digits(return_X_y=True)

    def objective(trial):
        model = SVC(C=trial.params["C"], gamma=trial.params["gamma"])
        scores = cross_val_score(model, X, y, cv=3)
        return {"accuracy": scores.mean(), "accuracy_std": scores.std()}

    client = hyperlab.Client(args.coordinator) if args.coordinator else hyperlab.local(args.data_dir)
    with client:
        study = client.create_study(STUDY)
        study.optimize(objective, n_jobs=args.jobs)
        best = study.best_trial
        print(f"{study.name}: {len(study.trials)} trials; best accuracy {best.value:.4f} "
              f"with C={best.params['C']:.4g}, gamma={best.params['gamma']:.4g} (trial {best.id})")


if __name__ == "__main__":
    main()
