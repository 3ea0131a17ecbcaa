"""Cancelling a study stops its running command trials on the workers: every process of each trial's
process group is killed, the trials end CANCELLED, and `study wait` exits 1 saying why."""
import os
import subprocess

import harness

STUDY = """
name: sleepers
objective: {metric: value, goal: minimize}
parameters:
  - {name: x, double: {min: 0, max: 1}}
algorithm: {random: {seed: 1}}
budget: {max_trials: 4, max_parallel: 2}
task:
  command:
    argv: [sh, -c, "sleep 4711 & sleep 4712; echo 'hyperlab: value=1'", "{x}"]
    timeout_seconds: 600
"""


def sleepers():
    out = subprocess.run(["pgrep", "-f", "^sleep 471[12]$"], capture_output=True, text=True).stdout
    return out.split()


def test(cluster):
    assert not sleepers(), "stray sleepers from an earlier run"
    cluster.start_coordinator(lease_seconds=2)
    cluster.start_worker(slots=2)
    path = os.path.join(cluster.tmp, "sleepers.yaml")
    with open(path, "w") as f:
        f.write(STUDY)
    study = cluster.cli("study", "submit", path).stdout.strip().splitlines()[-1]
    harness.wait_until(lambda: len(sleepers()) == 4, 20, "two trials with two sleeps each")
    cluster.cli("study", "cancel", study)
    harness.wait_until(lambda: not sleepers(), 15, "the trials' process groups to be killed")

    wait = cluster.cli("study", "wait", study, check=False)
    assert wait.returncode == 1 and "CANCELLED" in wait.stderr, wait
    trials = cluster.json("trials", study)
    assert len(trials) == 2 and all(t["state"] == "CANCELLED" for t in trials), trials


harness.run(test, "cancel_test")
