"""ask/tell against a real coordinator: ask, report, complete, the study's end, reading results."""
import math
import os

import pytest

import hyperlab
from conftest import REPO, client_study, wait_until


def loss(params):
    return (params["x"] - 1.0) ** 2 + (0.5 if params["opt"] == "sgd" else 0.0)


def test_ask_report_complete_until_the_budget_is_used(client):
    study = client.create_study(client_study("ask-tell", max_trials=6, max_parallel=2))
    assert study.state == "ACTIVE" and study.objective_metric == "loss" and study.direction == "minimize"
    seen = []
    while (trial := study.ask()) is not None:
        assert trial.state == "RUNNING" and set(trial.params) == {"x", "opt"}
        assert -4 <= trial.params["x"] <= 4 and trial.params["opt"] in ("sgd", "adam")
        for epoch in range(3):
            assert trial.report(epoch, loss=loss(trial.params) + (2 - epoch), lr=0.1) is False
        trial.complete(loss=loss(trial.params), acc=0.5)
        assert trial.state == "SUCCEEDED" and trial.value == pytest.approx(loss(trial.params))
        seen.append(trial.id)
    assert sorted(seen) == list(range(6))
    assert study.refresh().state == "COMPLETED"

    trials = study.trials
    assert [t.id for t in trials] == list(range(6))
    assert all(t.state == "SUCCEEDED" and t.worker_id == client.client_id for t in trials)
    for t in trials:
        assert t.value == pytest.approx(loss(t.params)) and t.metrics["acc"] == 0.5
    best = study.best_trial
    assert best.value == min(t.value for t in trials) and best.params == min(trials, key=lambda t: t.value).params

    with_steps = study.get_trials(with_measurements=True)
    assert [m.step for m in with_steps[0].measurements] == [0, 1, 2]
    assert with_steps[0].measurements[2].metrics["loss"] == pytest.approx(loss(with_steps[0].params))

    df = study.trials_dataframe()
    assert list(df["id"]) == list(range(6)) and set(df["state"]) == {"SUCCEEDED"}
    assert df["steps_loss"][0][0] == pytest.approx(loss(with_steps[0].params) + 2)
    assert "params_x" in df.columns and "metrics_acc" in df.columns
    long = study.trials_dataframe(per_step=True)
    assert len(long) == 18 and list(long["step"][:3]) == [0, 1, 2]


def test_same_name_and_spec_is_the_same_study_and_another_spec_is_refused(client):
    a = client.create_study(client_study("same", max_trials=2))
    b = client.create_study(client_study("same", max_trials=2))
    assert a.id == b.id
    with pytest.raises(hyperlab.HyperlabError) as e:
        client.create_study(client_study("same", max_trials=2, seed=9))
    assert e.value.code_name == "ALREADY_EXISTS" and "different spec" in e.value.message
    # A new budget alone is taken as an update of the same study (as `hyperlab run` does).
    c = client.create_study(client_study("same", max_trials=3))
    assert c.id == a.id and c.info.spec.budget.max_trials == 3


def test_fail_stop_and_the_with_block(client):
    study = client.create_study(client_study("endings", max_trials=5, max_parallel=1))
    t = study.ask()
    t.fail("diverged")
    assert t.state == "FAILED"
    with pytest.raises(ValueError):
        with study.ask() as t:
            t.report(1, loss=3.0)
            raise ValueError("bad learning rate 7")
    with study.ask() as t:
        t.report(1, loss=2.5)
        t.report(2, loss=2.0)
    with study.ask() as t:
        t.report(1, loss=4.0)
        t.stop()
    with study.ask() as t:
        raise hyperlab.TrialPruned()
    assert study.ask() is None
    trials = study.trials
    assert [t.state for t in trials] == ["FAILED", "FAILED", "SUCCEEDED", "STOPPED", "STOPPED"]
    assert trials[0].reason == "diverged"
    assert trials[1].reason == "ValueError: bad learning rate 7"
    assert trials[2].value == 2.0          # the with block ended it with its last measurement
    assert trials[3].metrics == {"loss": 4.0}
    with pytest.raises(hyperlab.HyperlabError) as e:
        t.report(3, loss=1.0)               # an ended trial takes no more reports
    assert e.value.code_name == "FAILED_PRECONDITION"


def test_complete_needs_the_objective(client):
    study = client.create_study(client_study("needs-objective", max_trials=1))
    trial = study.ask()
    with pytest.raises(hyperlab.HyperlabError, match="needs the objective 'loss'"):
        trial.complete(acc=0.3)
    with pytest.raises(hyperlab.HyperlabError, match="not a number"):
        trial.complete(loss="high")
    trial.complete(1.5)
    assert trial.metrics == {"loss": 1.5}


def test_a_study_file_with_a_client_task(client, tmp_path):
    path = tmp_path / "study.yaml"
    path.write_text("name: from-file\nobjective: {metric: loss, goal: minimize}\n"
                    "parameters:\n  - {name: lr, double: {min: 1.0e-4, max: 1.0, scale: LOG}}\n"
                    "algorithm: {grid: {points_per_double: 3}}\nbudget: {maxTrials: 3}\n"
                    "task: {client: {experiment: tiny@v1}}\n")
    study = client.create_study(str(path))
    lrs = []
    while (t := study.ask()) is not None:
        lrs.append(t.params["lr"])
        t.complete(loss=math.log10(t.params["lr"]))
    assert sorted(lrs) == pytest.approx([1e-4, 1e-2, 1.0])
    assert study.best_trial.params["lr"] == pytest.approx(1e-4)


def test_local_starts_a_durable_coordinator(tmp_path):
    binary = os.path.join(os.environ.get("HYPERLAB_BUILD_DIR", os.path.join(REPO, "build")), "coordinator",
                          "hyperlab-coordinator")
    with hyperlab.local(str(tmp_path / "data"), coordinator_binary=binary) as c:
        study = c.create_study(client_study("local", max_trials=4))
        study.optimize(lambda t: loss(t.params))
        process = c.process
    assert process.poll() is not None  # close() stopped the coordinator
    with hyperlab.local(str(tmp_path / "data"), coordinator_binary=binary) as c:
        again = c.get_study("local")
        assert again.state == "COMPLETED" and len(again.trials) == 4


def test_an_enqueued_trial_is_asked_first_and_a_bad_one_names_its_parameter(client):
    study = client.create_study(client_study("enqueue", max_trials=4))
    queued = study.enqueue_trial({"x": 0.25, "opt": "adam"}, note="my guess")
    assert queued.state == "PENDING" and queued.id == 0 and queued.params == {"x": 0.25, "opt": "adam"}
    trial = study.ask()
    assert trial.id == 0 and trial.params == {"x": 0.25, "opt": "adam"}
    trial.complete(loss=loss(trial.params))
    again = study.enqueue_trial({"x": "0.25", "opt": "adam"})  # Text is read by the parameter's kind.
    assert again.state == "SUCCEEDED" and again.reused_from == "enqueue/0"
    with pytest.raises(hyperlab.HyperlabError) as e:
        study.enqueue_trial({"x": 9.0, "opt": "adam"})
    assert e.value.code_name == "INVALID_ARGUMENT" and "(name 'x')" in e.value.message
    with pytest.raises(hyperlab.HyperlabError) as e:
        study.enqueue_trial({"x": 1.0})
    assert e.value.code_name == "INVALID_ARGUMENT" and "'opt' is missing" in e.value.message
    nxt = study.ask()
    assert nxt.id == 2


def test_a_noisy_objective_gets_a_recommended_trial_that_is_not_the_luckiest_draw(client):
    """objective.noisy with the bayesian strategy: beside best_trial (the lowest value seen), the study
    reports recommended_trial, the trial the model is surest is good. One lucky draw far from x = 1 is the
    best value seen; the recommendation is a succeeded trial near x = 1 instead."""
    spec = client_study("noisy", max_trials=30, max_parallel=1,
                        objective={"metric": "loss", "goal": "minimize", "noisy": True},
                        algorithm={"bayesian": {"seed": 2}})
    study = client.create_study(spec)
    lucky = None
    while (trial := study.ask()) is not None:
        value = loss(trial.params) + 0.05 * math.sin(trial.id * 12.9898)
        if lucky is None and abs(trial.params["x"] - 1) > 1.5:
            lucky, value = trial.id, -0.2  # Below what anything else reports.
        trial.complete(loss=value)
    assert lucky is not None, "no trial far from x = 1"
    assert study.best_trial.id == lucky
    wait_until(lambda: study.recommendation_seen == 30, 30, "the recommendation on all 30 trials")
    recommended = study.recommended_trial
    assert recommended is not None and recommended.id != lucky and recommended.state == "SUCCEEDED"
    assert abs(recommended.params["x"] - 1) < 1.0

    plain = client.create_study(client_study("plain-bayesian", max_trials=8, max_parallel=1,
                                             algorithm={"bayesian": {"seed": 2}}))
    while (trial := plain.ask()) is not None:
        trial.complete(loss=loss(trial.params))
    assert plain.recommended_trial is None and plain.recommendation_seen == 0
