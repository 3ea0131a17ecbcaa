"""A client-task study and a worker-task (synthetic) study at once: each trial goes to the right kind."""
import os
import signal
import subprocess

from conftest import BUILD, client_study, wait_until


def test_client_and_worker_trials_go_to_their_own_kind(coordinator, client):
    synthetic = client.create_study({
        "name": "mixed-synthetic",
        "objective": {"metric": "value", "goal": "minimize"},
        "parameters": [{"name": "x1", "double": {"min": -5, "max": 10}},
                       {"name": "x2", "double": {"min": 0, "max": 15}}],
        "algorithm": {"random": {"seed": 2}},
        "budget": {"max_trials": 30, "max_parallel": 4},
        "task": {"synthetic": {"function": "branin", "delay_seconds": 0.05}},
    })
    mine = client.create_study(client_study("mixed-client", max_trials=30, max_parallel=4))
    worker = subprocess.Popen(
        [os.path.join(BUILD, "worker", "hyperlab-worker"), "--coordinator", coordinator.address, "--slots", "4",
         "--id", "pytest-worker", "--quiet"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        # The worker polls for work the whole time; none of the client study's trials may reach it.
        mine.optimize(lambda t: t.params["x"] ** 2, n_jobs=2)
        wait_until(lambda: synthetic.refresh().state == "COMPLETED", 60, "the synthetic study to complete")
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=10)
    client_trials = mine.trials
    assert len(client_trials) == 30
    assert {(t.state, t.worker_id, t.attempt) for t in client_trials} == {("SUCCEEDED", client.client_id, 1)}
    worker_trials = synthetic.trials
    assert len(worker_trials) == 30
    assert {(t.state, t.worker_id) for t in worker_trials} == {("SUCCEEDED", "pytest-worker")}
    # And a client cannot lease a worker-task trial.
    import hyperlab
    try:
        synthetic.ask()
        raise AssertionError("ask() on a synthetic study should be refused")
    except hyperlab.HyperlabError as e:
        assert e.code_name == "INVALID_ARGUMENT", e
