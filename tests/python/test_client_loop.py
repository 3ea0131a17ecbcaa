"""optimize()'s calls: a quick objective gets several trials per call and each trial's ending rides on the
next ask; a slow one gets one trial per call; trials leased but not run go back to the study unrun; with
callbacks every result is on the coordinator before they run."""
import time

import pytest

import hyperlab
from conftest import client_study


class CallLog:
    """Records the client's calls: (request type, max_trials, completions carried, assignments got)."""

    def __init__(self, client):
        self.calls = []
        connection = client._connection
        real = connection.call

        def recorded(method, request, timeout=None):
            reply = real(method, request, timeout)
            self.calls.append((type(request).__name__, getattr(request, "max_trials", 0),
                               len(getattr(request, "completions", [])), len(getattr(reply, "assignments", []))))
            return reply

        connection.call = recorded

    def of(self, kind):
        return [c for c in self.calls if c[0] == kind]


def test_a_quick_objective_runs_several_trials_per_call(client):
    study = client.create_study(client_study("loop-quick", max_trials=200, max_parallel=16))
    log = CallLog(client)
    study.optimize(lambda trial: trial.params["x"] ** 2)
    trials = study.trials
    assert len(trials) == 200 and all(t.state == "SUCCEEDED" for t in trials)
    asks = log.of("AskTrialsRequest")
    # Up to min(8, max_parallel // 2) per call once the objective is seen to be quick (fewer on a machine so
    # loaded that a trial's own bookkeeping takes over 1.25 ms).
    assert 2 <= max(c[1] for c in asks) <= 8, asks[:5]
    assert len(asks) <= 100, f"{len(asks)} asks for 200 trials"
    assert sum(c[2] for c in asks) + sum(c[2] for c in log.of("CompleteTrialsRequest")) == 200
    assert len(log.of("CompleteTrialsRequest")) <= 1  # at most the final flush
    assert study.refresh().state == "COMPLETED"


def test_a_slow_objective_gets_one_trial_per_call(client):
    study = client.create_study(client_study("loop-slow", max_trials=5, max_parallel=16))
    log = CallLog(client)

    def objective(trial):
        time.sleep(0.03)
        return trial.params["x"]

    study.optimize(objective)
    assert [t.state for t in study.trials] == ["SUCCEEDED"] * 5
    asks = log.of("AskTrialsRequest")
    assert all(c[1] == 1 for c in asks), asks
    # The first ask carries nothing; each later one ends the trial before it; the last ask finds the budget spent.
    assert [c[2] for c in asks] == [0, 1, 1, 1, 1, 1], asks


def test_trials_leased_but_not_run_go_back_unrun(client):
    study = client.create_study(client_study("loop-give-back", max_trials=100, max_parallel=16))
    log = CallLog(client)
    ran = []
    asks_before = [0]

    def objective(trial):
        ran.append(trial.id)
        asks = log.of("AskTrialsRequest")
        first_of_a_batch = len(asks) > asks_before[0] and asks[-1][3] >= 2
        asks_before[0] = len(asks)
        if len(ran) >= 10 and first_of_a_batch:  # The batch's other trials are leased and not run yet.
            raise RuntimeError("this trial breaks")
        return trial.params["x"] ** 2

    with pytest.raises(RuntimeError, match="this trial breaks"):
        study.optimize(objective)
    trials = {t.id: t for t in study.trials}
    assert not [t for t in trials.values() if t.state == "RUNNING"], "a lease was kept"
    assert trials[ran[-1]].state == "FAILED" and "RuntimeError: this trial breaks" in trials[ran[-1]].reason
    assert all(trials[i].state == "SUCCEEDED" for i in ran[:-1])
    given_back = sorted(i for i, t in trials.items() if t.state == "PENDING")
    assert given_back, "the failing trial's batch had more trials: they should be back, unrun"
    assert all("given back unrun" in trials[i].reason for i in given_back)
    assert not set(given_back) & set(ran)
    assert study.refresh().state == "ACTIVE"
    # The next ask gets one of them, as a first attempt.
    trial = study.ask()
    assert trial.id in given_back
    trial.complete(1.0)
    assert [t for t in study.trials if t.id == trial.id][0].attempt == 1


def test_callbacks_see_every_result_on_the_coordinator(client):
    study = client.create_study(client_study("loop-callbacks", max_trials=12, max_parallel=16))
    seen = []

    def callback(s, trial):
        seen.append((trial.id, s.refresh().info.counts.succeeded))

    study.optimize(lambda trial: trial.params["x"], callbacks=[callback])
    assert [n for _, n in seen] == list(range(1, 13)), seen
