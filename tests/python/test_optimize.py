"""study.optimize: n_jobs threads, dict results, pruning, exceptions."""
import threading

import pytest

import hyperlab
from conftest import client_study


def test_optimize_with_n_jobs_runs_trials_in_parallel_threads(client):
    study = client.create_study(client_study("optimize-jobs", max_trials=40, max_parallel=4))
    threads = set()
    running = [0]
    most = [0]
    lock = threading.Lock()
    barrier_hits = []

    def objective(trial):
        with lock:
            threads.add(threading.current_thread().name)
            running[0] += 1
            most[0] = max(most[0], running[0])
        try:
            trial.report(1, loss=abs(trial.params["x"]))
            barrier_hits.append(trial.id)
            import time
            time.sleep(0.02)
            return {"loss": trial.params["x"] ** 2, "aux": 1.0}
        finally:
            with lock:
                running[0] -= 1

    study.optimize(objective, n_jobs=4)
    trials = study.trials
    assert len(trials) == 40 and all(t.state == "SUCCEEDED" for t in trials)
    assert all(t.value == pytest.approx(t.params["x"] ** 2) and t.metrics["aux"] == 1.0 for t in trials)
    assert len(threads) == 4 and most[0] >= 2, (threads, most)
    assert most[0] <= 4  # budget.max_parallel
    assert study.refresh().state == "COMPLETED"
    assert study.best_value == min(t.value for t in trials)


def test_optimize_n_trials_and_pruning(client):
    study = client.create_study(client_study("optimize-n", max_trials=20, max_parallel=2))

    def objective(trial):
        if trial.params["opt"] == "sgd":
            raise hyperlab.TrialPruned()
        return trial.params["x"]

    study.optimize(objective, n_trials=7, n_jobs=2)
    trials = study.trials
    assert len(trials) == 7
    assert {t.state for t in trials if t.params["opt"] == "sgd"} <= {"STOPPED"}
    assert {t.state for t in trials if t.params["opt"] == "adam"} <= {"SUCCEEDED"}
    assert study.refresh().state == "ACTIVE"


def test_an_exception_fails_its_trial_and_stops_optimize_unless_caught(client):
    study = client.create_study(client_study("optimize-raise", max_trials=6, max_parallel=1))

    def objective(trial):
        if trial.id == 1:
            raise RuntimeError("out of memory")
        return 1.0

    with pytest.raises(RuntimeError, match="out of memory"):
        study.optimize(objective)
    assert [t.state for t in study.trials] == ["SUCCEEDED", "FAILED"]
    assert study.trials[1].reason == "RuntimeError: out of memory"

    study.optimize(lambda t: 1 / 0 if t.id == 3 else 2.0, catch=(ZeroDivisionError,))
    assert [t.state for t in study.trials] == ["SUCCEEDED", "FAILED", "SUCCEEDED", "FAILED", "SUCCEEDED",
                                               "SUCCEEDED"]
