"""ASHA on a user's program: the worker learns from its progress reports that a trial should stop, kills
the program, and the trial ends STOPPED with its last measurement; the study completes its budget."""
import json

import harness


def test(cluster):
    data = cluster.tmp + "/journal"
    cluster.cli("run", "examples/command-asha.yaml", "--workers", "4", data_dir=data)
    trials = json.loads(cluster.cli("trials", "command-asha", "--format", "json", data_dir=data).stdout)
    states = [t["state"] for t in trials]
    assert len(trials) == 16, states
    stopped = [t for t in trials if t["state"] == "STOPPED"]
    succeeded = [t for t in trials if t["state"] == "SUCCEEDED"]
    assert stopped and succeeded and len(stopped) + len(succeeded) == 16, states
    steps = []
    for t in stopped:
        # Its last measurement (or, when the stop crossed the program's own end, its final metrics).
        assert "stopped early" in t["reason"] and t["metrics"], t
        steps.append(int(t["reason"].rsplit(" ", 1)[1]))
    # Most were stopped at the first rungs (steps 1 and 3), long before the 9 steps of a full run.
    assert sum(steps) < 0.5 * 9 * len(steps), steps
    assert min(steps) < 9, steps
    show = json.loads(cluster.cli("study", "show", "command-asha", "--format", "json", data_dir=data).stdout)
    assert show["state"] == "COMPLETED" and show["counts"]["stopped"] == len(stopped), show


harness.run(test, "early_stopping_test")
