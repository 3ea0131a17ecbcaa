"""Several objectives and outcome constraints through the Python client: best_trials is the Pareto front of
the feasible trials, each trial says whether it is feasible, and a bad entry is a StudyFileError naming it."""
import pytest

import hyperlab
from conftest import client_study


def multi(name, **extra):
    spec = client_study(name, max_trials=6, max_parallel=1, **extra)
    del spec["objective"]
    spec["objectives"] = [{"metric": "acc", "goal": "maximize"}, {"metric": "latency", "goal": "minimize"}]
    spec["constraints"] = [{"metric": "size", "max": 1}]
    return spec


def test_best_trials_is_the_feasible_pareto_front(client):
    study = client.create_study(multi("pareto"))
    assert study.objectives == [("acc", "maximize"), ("latency", "minimize")]
    assert study.objective_metric == "acc" and study.direction == "maximize"
    results = [dict(acc=0.9, latency=5, size=0.5), dict(acc=0.5, latency=1, size=0.5),
               dict(acc=0.4, latency=2, size=0.5), dict(acc=0.99, latency=0, size=3),
               dict(acc=0.95, latency=0), dict(acc=0.5, latency=1, size=1)]
    for metrics in results:
        trial = study.ask()
        trial.complete(**metrics)
    front = study.best_trials
    assert [t.id for t in front] == [0, 1, 5]
    assert front[0].values == [0.9, 5] and all(t.feasible for t in front)
    trials = study.trials
    assert [t.feasible for t in trials] == [True, True, True, False, False, True]
    assert study.best_trial.id == 0  # By the primary objective among feasible trials.


def test_objective_and_objectives_together_are_refused(client):
    spec = multi("both")
    spec["objective"] = {"metric": "loss", "goal": "minimize"}
    with pytest.raises(hyperlab.StudyFileError) as e:
        client.create_study(spec)
    assert "objective: give either objective or objectives, not both" in str(e.value)
