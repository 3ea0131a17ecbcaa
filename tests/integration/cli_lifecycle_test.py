"""What a user sees from the CLI over a study's life, with real processes:
- `hyperlab --version` and `hyperlab help [COMMAND]` work;
- `hyperlab run` and `study wait` exit 1 and say so when a study ends FAILED (and run exits 0 when it
  completes);
- `trials --measurements --format csv` exports every reported step; default `trials` tables fit 120
  characters; `study list` shows the objective and its goal;
- a second process on a journal in use is told the data dir is in use (not to check TLS);
- `study watch` says "coordinator unreachable, retrying" within 5 s of the coordinator's death and resumes
  within 5 s of its return;
- `admin workers` shows a worker not seen for longer than the lease timeout as lost."""
import csv
import io
import json
import os
import queue
import shutil
import signal
import subprocess
import threading
import time

import harness

FAILING = """
name: all-fail
objective: {metric: value, goal: minimize}
parameters:
  - {name: x, double: {min: 0, max: 1}}
algorithm: {random: {seed: 1}}
budget: {max_trials: 6, max_parallel: 2, max_failed: 1}
task:
  command:
    argv: [python3, -c, "import sys; print('no data here', file=sys.stderr); sys.exit(3)", "{x}"]
    timeout_seconds: 30
"""

STEPS = """
name: steps
objective: {metric: value, goal: minimize}
parameters:
  - {name: x, double: {min: -4, max: 6}}
  - {name: lr, double: {min: 1.0e-4, max: 1.0, scale: log}}
  - {name: opt, categorical: {values: [sgd, adam]}}
algorithm: {random: {seed: 3}}
budget: {max_trials: 2, max_parallel: 2}
task:
  command:
    argv: [python3, examples/command/objective.py, "--x={x}", "--lr={lr}", "--opt={opt}", --steps=3]
    timeout_seconds: 60
"""

SLOW = """
name: slow-branin
objective: {metric: value, goal: minimize}
parameters:
  - {name: x1, double: {min: -5, max: 10}}
  - {name: x2, double: {min: 0, max: 15}}
algorithm: {random: {seed: 2}}
budget: {max_trials: 30, max_parallel: 2}
task: {synthetic: {function: branin, delay_seconds: 0.25}}
"""


def write(cluster, name, text):
    path = os.path.join(cluster.tmp, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def check_version_and_help(cluster):
    exe = os.path.join(cluster.bin, "tools", "hyperlab")
    version = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=30)
    assert version.returncode == 0, version
    assert version.stdout.startswith("hyperlab 0."), version.stdout
    assert "gRPC" in version.stdout, version.stdout
    top = subprocess.run([exe, "help"], capture_output=True, text=True, timeout=30)
    assert top.returncode == 0, top
    for command in ("run", "study", "trials", "admin"):
        assert command in top.stdout, top.stdout
    watch = subprocess.run([exe, "help", "study", "watch"], capture_output=True, text=True, timeout=30)
    assert watch.returncode == 0 and "live progress" in watch.stdout, watch
    nope = subprocess.run([exe, "help", "studdy"], capture_output=True, text=True, timeout=30)
    assert nope.returncode == 2 and "no command 'studdy'" in nope.stderr and "study" in nope.stderr, nope


def check_run_exit_codes(cluster):
    data = os.path.join(cluster.tmp, "run-data")
    failed = cluster.cli("run", write(cluster, "fail.yaml", FAILING), check=False, data_dir=data)
    assert failed.returncode == 1, (failed.returncode, failed.stdout, failed.stderr)
    assert "study 'all-fail' ended FAILED" in failed.stderr, failed.stderr

    done = cluster.cli("run", write(cluster, "steps.yaml", STEPS), data_dir=data)
    assert "study 'steps' COMPLETED" in done.stdout, done.stdout
    # Every step of both trials, exact, for a spreadsheet.
    out = cluster.cli("trials", "steps", "--measurements", "--format", "csv", data_dir=data).stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 6, out
    assert sorted((int(r["trial"]), int(r["step"])) for r in rows) == [(0, 1), (0, 2), (0, 3), (1, 1), (1, 2),
                                                                        (1, 3)], out
    assert all(float(r["loss"]) > 0 and int(r["time_unix_ms"]) > 0 for r in rows), out
    # The last step's loss is the trial's final value, to the last digit.
    trials = json.loads(cluster.cli("trials", "steps", "--format", "json", data_dir=data).stdout)
    finals = {t["id"]: t["metrics"]["value"] for t in trials}
    for r in rows:
        if r["step"] == "3":
            assert float(r["loss"]) == finals[int(r["trial"])], (r, finals)

    table = cluster.cli("trials", "steps", data_dir=data).stdout
    assert all(len(line) <= 120 for line in table.splitlines()), table
    listing = cluster.cli("study", "list", data_dir=data).stdout
    header, *lines = listing.splitlines()
    assert "objective" in header and "goal" in header, listing
    assert any("steps" in line and "value" in line and "minimize" in line for line in lines), listing
    return data


def check_data_dir_in_use(cluster):
    # The cluster's coordinator holds its journal: a `hyperlab run` on the same directory is refused.
    result = cluster.cli("run", write(cluster, "steps2.yaml", STEPS), check=False, data_dir=cluster.data_dir)
    assert result.returncode == 1, (result.returncode, result.stdout, result.stderr)
    assert "is in use by another process" in result.stderr, result.stderr
    assert "TLS" not in result.stderr, result.stderr


def check_wait_exit_code(cluster):
    study = cluster.cli("study", "submit", write(cluster, "fail2.yaml", FAILING)).stdout.strip().splitlines()[-1]
    waited = cluster.cli("study", "wait", study, "--max-wait", "60", check=False)
    assert waited.returncode == 1, (waited.returncode, waited.stdout, waited.stderr)
    assert "study 'all-fail' ended FAILED" in waited.stderr, waited.stderr


def check_watch_through_an_outage(cluster):
    study = cluster.cli("study", "submit", write(cluster, "slow.yaml", SLOW)).stdout.strip().splitlines()[-1]
    exe = os.path.join(cluster.bin, "tools", "hyperlab")
    watch = subprocess.Popen([exe, "--coordinator", cluster.address, "study", "watch", study],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = queue.Queue()
    threading.Thread(target=lambda: [lines.put((time.time(), l.rstrip("\n"))) for l in watch.stdout],
                     daemon=True).start()

    def wait_for(text, timeout):
        deadline = time.time() + timeout
        seen = []
        while time.time() < deadline:
            try:
                at, line = lines.get(timeout=max(0.01, deadline - time.time()))
            except queue.Empty:
                break
            seen.append(line)
            if text in line:
                return at
        raise AssertionError(f"no '{text}' within {timeout} s; the watch printed: {seen}")

    try:
        wait_for("slow-branin:", 20)  # A progress line: the watch is following.
        cluster.coordinator.send_signal(signal.SIGKILL)
        killed = time.time()
        cluster.coordinator.wait()
        noticed = wait_for("coordinator unreachable, retrying", 5)
        assert noticed - killed <= 5, noticed - killed
        time.sleep(3)  # Down for a while.
        cluster.start_coordinator(lease_seconds=3)
        back = time.time()
        resumed = wait_for("coordinator reachable again", 5)
        assert resumed - back <= 5, resumed - back
        wait_for("COMPLETED", 90)
        assert watch.wait(timeout=10) == 0
    finally:
        if watch.poll() is None:
            watch.kill()
    print(f"watch: unreachable noticed {noticed - killed:.2f} s after the kill, resumed "
          f"{resumed - back:.2f} s after the restart")


def check_lost_worker(cluster):
    doomed = cluster.start_worker(slots=1, worker_id="doomed-worker", allow_commands=())
    harness.wait_until(lambda: "doomed-worker" in cluster.cli("admin", "workers").stdout, 20, "doomed to register")
    doomed.send_signal(signal.SIGKILL)
    doomed.wait()
    cluster.workers.remove(doomed)
    time.sleep(3.5)  # The lease timeout is 3 s.
    table = cluster.cli("admin", "workers").stdout
    header, *rows = table.splitlines()
    state = header.index("state")
    states = {row.split()[0]: row[state:].split()[0] for row in rows}
    assert states.pop("doomed-worker") == "lost", table
    assert states and all(s == "active" for s in states.values()), table
    # JSON carries the lease timeout, and every 64-bit integer is a number.
    listing = cluster.json("admin", "workers")
    assert listing["lease_timeout_ms"] == 3000, listing
    assert all(isinstance(w["last_seen_unix_ms"], int) for w in listing["workers"]), listing


def test(cluster):
    if not shutil.which("python3"):
        raise AssertionError("python3 is needed for the command studies")
    check_version_and_help(cluster)
    check_run_exit_codes(cluster)
    cluster.start_coordinator(lease_seconds=3)
    cluster.start_worker(slots=2)
    check_data_dir_in_use(cluster)
    check_wait_exit_code(cluster)
    check_watch_through_an_outage(cluster)
    check_lost_worker(cluster)


harness.run(test, "cli_lifecycle_test")
