"""A worker killed with SIGKILL mid-trial: its trials are re-leased when their leases expire, run on the
other worker, and the study ends with exactly its budget."""
import os
import signal

import harness

STUDY = """
name: slow-branin
objective: {metric: value, goal: minimize}
parameters:
  - {name: x1, double: {min: -5, max: 10}}
  - {name: x2, double: {min: 0, max: 15}}
algorithm: {random: {seed: 1}}
budget: {max_trials: 8, max_parallel: 4}
task: {synthetic: {function: branin, delay_seconds: 1.0}}
"""


def test(cluster):
    cluster.start_coordinator(lease_seconds=1.5)
    doomed = cluster.start_worker(slots=4, worker_id="doomed")
    path = os.path.join(cluster.tmp, "slow.yaml")
    with open(path, "w") as f:
        f.write(STUDY)
    study = cluster.cli("study", "submit", path).stdout.strip().splitlines()[-1]

    def doomed_running():
        trials = cluster.json("trials", study)
        return [t for t in trials if t["state"] == "RUNNING" and t["worker"] == "doomed"]

    running = harness.wait_until(lambda: len(doomed_running()) == 4 and doomed_running(), 20, "4 running trials")
    doomed.send_signal(signal.SIGKILL)
    doomed.wait()
    cluster.start_worker(slots=4, worker_id="survivor")
    cluster.cli("study", "wait", study, "--max-wait", "60")

    trials = cluster.json("trials", study)
    assert len(trials) == 8, f"{len(trials)} trials, expected exactly the budget of 8"
    assert all(t["state"] == "SUCCEEDED" for t in trials), trials
    killed_ids = {t["id"] for t in running}
    for t in trials:
        if t["id"] in killed_ids:
            assert t["attempt"] == 2, f"trial {t['id']} was running on the killed worker: {t}"
            assert t["worker"] == "survivor", t
    assert sum(1 for t in trials if t["attempt"] == 1) == 4, trials


harness.run(test, "worker_kill_test")
