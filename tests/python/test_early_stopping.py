"""should_stop under ASHA: the coordinator's rule, seen through report(), matches a simulation of ASHA."""
from conftest import client_study

RUNGS = (1, 3, 9)  # min_step 1, reduction_factor 3


def simulate_asha(losses):
    """The step at which each trial (in order, one at a time) is stopped, or None: at each rung a trial goes
    on only if its value is among the best max(1, n // 3) of the n values recorded there (itself included)."""
    at_rung = {r: [] for r in RUNGS}
    stopped = []
    for value in losses:
        stop = None
        for r in RUNGS:
            at_rung[r].append(value)
            keep = max(1, len(at_rung[r]) // 3)
            if sorted(at_rung[r]).index(value) >= keep:
                stop = r
                break
        stopped.append(stop)
    return stopped


def test_should_stop_follows_asha(client):
    spec = client_study("asha", max_trials=12, max_parallel=1, seed=3,
                        early_stopping={"asha": {"min_step": 1, "reduction_factor": 3}, "metric": "loss"})
    study = client.create_study(spec)
    losses, stopped_at = [], []
    while (trial := study.ask()) is not None:
        value = abs(trial.params["x"])  # constant over the steps: the rung decisions depend on it alone
        losses.append(value)
        stop = None
        with trial:
            for step in range(1, 10):
                if trial.report(step, loss=value):
                    stop = step
                    break
            if stop is None:
                trial.complete(loss=value)
        stopped_at.append(stop)
    assert len(losses) == 12
    assert stopped_at == simulate_asha(losses), (losses, stopped_at)
    assert sum(s is not None for s in stopped_at) >= 4  # the rule did stop trials
    trials = study.trials
    for t, stop in zip(trials, stopped_at):
        assert t.state == ("STOPPED" if stop else "SUCCEEDED")
        if stop:  # stop() kept the last measurement as the trial's metrics
            assert t.metrics == {"loss": losses[t.id]}
    best = study.best_trial
    assert best.value == min(v for v, s in zip(losses, stopped_at) if s is None)
