"""The coordinator is killed with SIGKILL mid-study and restarted on the same data directory and port:
the worker reconnects, every trial completed before the kill is still there unchanged, and the study
continues to exactly its budget."""
import os
import signal

import harness

STUDY = """
name: restart-branin
objective: {metric: value, goal: minimize}
parameters:
  - {name: x1, double: {min: -5, max: 10}}
  - {name: x2, double: {min: 0, max: 15}}
algorithm: {random: {seed: 5}}
budget: {max_trials: 20, max_parallel: 2}
task: {synthetic: {function: branin, delay_seconds: 0.2}}
"""


def test(cluster):
    cluster.start_coordinator(lease_seconds=3)
    cluster.start_worker(slots=2)
    path = os.path.join(cluster.tmp, "restart.yaml")
    with open(path, "w") as f:
        f.write(STUDY)
    study = cluster.cli("study", "submit", path).stdout.strip().splitlines()[-1]

    def succeeded():
        return [t for t in cluster.json("trials", study) if t["state"] == "SUCCEEDED"]

    harness.wait_until(lambda: len(succeeded()) >= 6, 30, "6 succeeded trials")
    before = {t["id"]: t for t in succeeded()}
    cluster.coordinator.send_signal(signal.SIGKILL)
    cluster.coordinator.wait()
    cluster.start_coordinator(lease_seconds=3)
    cluster.cli("study", "wait", study, "--max-wait", "60")

    trials = cluster.json("trials", study)
    assert len(trials) == 20, f"{len(trials)} trials, expected exactly the budget of 20"
    assert all(t["state"] == "SUCCEEDED" for t in trials), trials
    after = {t["id"]: t for t in trials}
    for trial_id, t in before.items():
        assert after[trial_id]["params"] == t["params"], (t, after[trial_id])
        assert after[trial_id]["metrics"] == t["metrics"], (t, after[trial_id])
        assert after[trial_id]["end_unix_ms"] == t["end_unix_ms"], (t, after[trial_id])
    # The journal can also be read directly once the coordinator is gone.
    cluster.stop()
    offline = cluster.cli("trials", study, "--format", "json", data_dir=cluster.data_dir)
    import json
    assert len(json.loads(offline.stdout)) == 20


harness.run(test, "coordinator_restart_test")
