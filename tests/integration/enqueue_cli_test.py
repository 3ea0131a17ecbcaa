"""`hyperlab trial add` (issue 19, enqueued trials) with real processes: the enqueued trials run before the
searcher's, in the order added; `--format json` marks them; a value outside the space exits 2 naming the
parameter, an unknown study and a completed study exit 1; a configuration run before is reused, and the
CLI says from which trial."""
import json
import os
import signal

import harness

STUDY = """
name: {name}
objective: {{metric: value, goal: minimize}}
parameters:
  - {{name: x1, double: {{min: -5, max: 10}}}}
  - {{name: x2, double: {{min: 0, max: 15}}}}
algorithm: {{random: {{seed: 4}}}}
budget: {{max_trials: 5, max_parallel: 1}}
task: {{synthetic: {{function: branin}}}}
"""


def submit(cluster, name):
    path = os.path.join(cluster.tmp, f"{name}.yaml")
    with open(path, "w") as f:
        f.write(STUDY.format(name=name))
    cluster.cli("study", "submit", path)


def test(cluster):
    cluster.start_coordinator()
    submit(cluster, "enq")  # No worker yet: nothing runs until the trials are queued.
    first = cluster.cli("trial", "add", "enq", "--param", "x1=2.5", "--param", "x2=3.5").stdout
    assert "trial 0 added to study 'enq': x1=2.5 x2=3.5" in first and "runs before" in first, first
    second = json.loads(cluster.cli("trial", "add", "enq", "--param", "x1=-1", "--param", "x2=7",
                                    "--note", "a guess", "--format", "json").stdout)
    assert second["id"] == 1 and second["enqueued"] is True and second["state"] == "PENDING", second
    assert second["params"] == {"x1": -1.0, "x2": 7.0} and second["notes"][0]["text"] == "a guess", second

    bad = cluster.cli("trial", "add", "enq", "--param", "x1=20", "--param", "x2=1", check=False)
    assert bad.returncode == 2 and "(name 'x1')" in bad.stderr and "INVALID_ARGUMENT" in bad.stderr, bad
    missing = cluster.cli("trial", "add", "enq", "--param", "x1=1", check=False)
    assert missing.returncode == 2 and "'x2' is missing" in missing.stderr, missing
    no_eq = cluster.cli("trial", "add", "enq", "--param", "x1", check=False)
    assert no_eq.returncode == 2 and "NAME=VALUE" in no_eq.stderr, no_eq
    unknown = cluster.cli("trial", "add", "nope", "--param", "x1=1", "--param", "x2=1", check=False)
    assert unknown.returncode == 1 and "NOT_FOUND" in unknown.stderr, unknown

    cluster.start_worker(slots=1)
    cluster.cli("study", "wait", "enq", "--max-wait", "120")
    trials = sorted(cluster.json("trials", "enq"), key=lambda t: t["start_unix_ms"])
    assert len(trials) == 5 and all(t["state"] == "SUCCEEDED" for t in trials), trials
    assert [t["id"] for t in trials[:2]] == [0, 1] and all(t.get("enqueued") for t in trials[:2]), trials
    assert not any(t.get("enqueued") for t in trials[2:]), trials
    assert abs(trials[0]["metrics"]["value"] - harness.branin(2.5, 3.5)) < 1e-9, trials[0]

    ended = cluster.cli("trial", "add", "enq", "--param", "x1=0", "--param", "x2=0", check=False)
    assert ended.returncode == 1 and "FAILED_PRECONDITION" in ended.stderr, ended
    worker = cluster.workers[0]  # Stopped: enq-b must still be ACTIVE (not run to its end) when added to.
    worker.send_signal(signal.SIGTERM)
    worker.wait(timeout=10)
    submit(cluster, "enq-b")
    reused = cluster.cli("trial", "add", "enq-b", "--param", "x1=2.5", "--param", "x2=3.5").stdout
    assert "the same experiment ran as enq/0" in reused, reused


harness.run(test, "enqueue_cli_test")
