"""Fixtures of the Python client's tests: real hyperlab-coordinator (and hyperlab-worker) processes on
loopback, started from the build tree that ctest names in $HYPERLAB_BUILD_DIR (default: <repo>/build), with
the package imported from <build>/tools/python (the generated stubs live there).
"""
import os
import signal
import subprocess
import sys
import tempfile
import time

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("HYPERLAB_BUILD_DIR", os.path.join(REPO, "build"))
sys.path.insert(0, os.path.join(BUILD, "tools", "python"))


class Coordinator:
    """A hyperlab-coordinator process on a free loopback port (it picks one: --listen 127.0.0.1:0)."""

    def __init__(self, tmp, lease_seconds=1.0, extra=()):
        self.data_dir = os.path.join(tmp, "data")
        self.log_path = os.path.join(tmp, "coordinator.log")
        exe = os.path.join(BUILD, "coordinator", "hyperlab-coordinator")
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [exe, "--listen", "127.0.0.1:0", "--data-dir", self.data_dir, "--lease-seconds",
                 str(lease_seconds), *extra], stdout=subprocess.PIPE, stderr=log)
        line = self.process.stdout.readline().decode()
        assert " on port " in line, f"coordinator did not start: {line!r}; log: {self.log()}"
        self.port = int(line.split(" on port ")[1].split(",")[0])
        self.address = f"127.0.0.1:{self.port}"

    def log(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()[-3000:]

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                raise AssertionError("the coordinator did not stop within 10 s of SIGTERM")


@pytest.fixture(scope="module")
def coordinator():
    """One coordinator per test file, with a 1 s lease timeout (so lost leases expire quickly)."""
    with tempfile.TemporaryDirectory(prefix="hyperlab-py-") as tmp:
        c = Coordinator(tmp, lease_seconds=1.0)
        yield c
        c.stop()


@pytest.fixture
def client(coordinator):
    import hyperlab
    with hyperlab.Client(coordinator.address) as c:
        yield c


def client_study(name, max_trials=10, max_parallel=4, seed=1, **extra):
    """A study dict whose trials run in this process (task: client)."""
    spec = {
        "name": name,
        "objective": {"metric": "loss", "goal": "minimize"},
        "parameters": [{"name": "x", "double": {"min": -4, "max": 4}},
                       {"name": "opt", "categorical": {"values": ["sgd", "adam"]}}],
        "algorithm": {"random": {"seed": seed}},
        "budget": {"max_trials": max_trials, "max_parallel": max_parallel},
        "task": {"client": {"experiment": f"pytest-{name}"}},
    }
    spec.update(extra)
    return spec


def wait_until(predicate, timeout, what):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")
