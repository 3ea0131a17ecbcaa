"""Iterating on studies with real processes: a command study that no worker may run waits (and says why)
instead of failing, and runs once a capable worker registers; `study delete` is refused while trials run
unless --force and frees the name; `study fork` starts afresh or, with --with-trials, takes over the
study's results; `reuse: never` runs every trial again."""
import os
import shutil
import time

import harness

BRANIN = """
name: {name}
objective: {{metric: value, goal: minimize}}
parameters:
  - {{name: x1, double: {{min: -5, max: 10}}}}
  - {{name: x2, double: {{min: 0, max: 15}}}}
algorithm: {{random: {{seed: 4}}}}
budget: {{max_trials: {trials}, max_parallel: 2}}
task: {{synthetic: {{function: branin, delay_seconds: {delay}}}}}
{extra}
"""

COMMAND = """
name: needs-python
objective: {metric: value, goal: minimize}
parameters:
  - {name: x, double: {min: -1, max: 1}}
algorithm: {random: {seed: 1}}
budget: {max_trials: 2, max_parallel: 2}
task:
  command:
    argv: [%s, -c, "import sys; print('hyperlab: value=%%s' %% float(sys.argv[1]) ** 2)", "{x}"]
"""


def write(cluster, name, text):
    path = os.path.join(cluster.tmp, name + ".yaml")
    with open(path, "w") as f:
        f.write(text)
    return path


def submit(cluster, name, trials=4, delay=0, extra=""):
    path = write(cluster, name, BRANIN.format(name=name, trials=trials, delay=delay, extra=extra))
    return cluster.cli("study", "submit", path)


def wait(cluster, name):
    cluster.cli("study", "wait", name, "--max-wait", "60")
    return cluster.json("study", "show", name)


def test(cluster):
    cluster.start_coordinator()
    cluster.start_worker(allow_commands=(), worker_id="no-commands")  # Runs synthetic studies, no command.
    # The warning compares the study with the workers registered: submit once this one has registered.
    harness.wait_until(lambda: "no-commands" in cluster.cli("admin", "workers").stdout, 20, "the worker to register")
    python = shutil.which("python3")

    # A command study no worker may run waits, says why, and fails nothing.
    submitted = cluster.cli("study", "submit", write(cluster, "needs-python", COMMAND % python))
    assert "until then its trials wait" in submitted.stderr + submitted.stdout, submitted
    time.sleep(2)
    shown = cluster.cli("study", "show", "needs-python").stdout
    assert "waiting" in shown and "--allow-command" in shown, shown
    study = cluster.json("study", "show", "needs-python")
    assert study["state"] == "ACTIVE" and study["counts"].get("failed", 0) == 0, study
    cluster.start_worker(allow_commands=[python])
    study = wait(cluster, "needs-python")
    assert study["state"] == "COMPLETED" and study["counts"]["succeeded"] == 2, study
    assert not study.get("waiting"), study

    # Delete: refused while trials run, then forced; the name is free again.
    # Trials of 5 s: between two 1 s trials a worker can briefly hold none, and the refusal needs one running.
    submit(cluster, "slow", trials=4, delay=5.0)
    harness.wait_until(lambda: cluster.json("study", "show", "slow")["counts"].get("running", 0) > 0, 20,
                       "a running trial")
    refused = cluster.cli("study", "delete", "slow", check=False)
    assert refused.returncode == 1 and "running trials" in refused.stderr, refused
    deleted = cluster.cli("study", "delete", "slow", "--force")
    assert "deleted" in deleted.stdout, deleted
    gone = cluster.cli("study", "show", "slow", check=False)
    assert gone.returncode != 0 and "NOT_FOUND" in gone.stderr, gone
    submit(cluster, "slow", trials=2)  # Another spec under the freed name.
    assert wait(cluster, "slow")["counts"]["succeeded"] == 2

    # Fork: afresh by default, taking over results with --with-trials.
    submit(cluster, "base")
    assert wait(cluster, "base")["counts"]["succeeded"] == 4
    cluster.cli("study", "fork", "base", "--name", "base-again", "--with-trials")
    again = wait(cluster, "base-again")
    assert again["counts"]["reused"] == 4, again
    cluster.cli("study", "fork", "base", "--name", "base-fresh", "--max-trials", "5")
    fresh = wait(cluster, "base-fresh")
    assert fresh["counts"]["succeeded"] == 5 and fresh["counts"].get("reused", 0) == 0, fresh
    taken = cluster.cli("study", "fork", "base", "--name", "base-again", check=False)
    assert taken.returncode != 0, taken

    # reuse: never runs the same points again.
    submit(cluster, "base-never", extra="reuse: never")
    never = wait(cluster, "base-never")
    assert never["counts"]["succeeded"] == 4 and never["counts"].get("reused", 0) == 0, never


harness.run(test, "study_iteration_test")
