"""Multi-process test harness: real hyperlab-coordinator, hyperlab-worker and hyperlab processes on loopback.

Each test script builds a Cluster in a fresh temporary directory, starts the binaries as separate
processes, drives them through the `hyperlab` CLI exactly as a user would, and checks what the CLI prints.
"""
import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time


def parse_args(extra=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin-dir", required=True)
    parser.add_argument("--source-dir", required=True)
    if extra:
        extra(parser)
    return parser.parse_args()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, timeout=20.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"nothing listens on port {port} after {timeout}s")


def wait_until(predicate, timeout, what):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


class Cluster:
    def __init__(self, args, name):
        self.bin = args.bin_dir
        self.src = args.source_dir
        self.tmp = tempfile.mkdtemp(prefix=f"hyperlab-{name}-")
        self.data_dir = os.path.join(self.tmp, "data")
        self.port = free_port()
        self.address = f"127.0.0.1:{self.port}"
        self.coordinator = None
        self.workers = []
        self.logs = []

    def _log(self, name):
        path = os.path.join(self.tmp, f"{name}.log")
        self.logs.append(path)
        return open(path, "ab")

    def start_coordinator(self, lease_seconds=5.0, extra=()):
        exe = os.path.join(self.bin, "coordinator", "hyperlab-coordinator")
        self.coordinator = subprocess.Popen(
            [exe, "--listen", self.address, "--data-dir", self.data_dir, "--lease-seconds", str(lease_seconds),
             *extra],
            stdout=self._log("coordinator"), stderr=subprocess.STDOUT)
        wait_for_port(self.port)
        return self.coordinator

    def start_worker(self, slots=2, worker_id=None, ack_log=None, allow_commands=None, extra=()):
        """allow_commands: --allow-command entries; default: python3 and sh as PATH finds them (what the
        example studies run). Pass () for a worker that runs no command."""
        if allow_commands is None:
            allow_commands = [p for p in (shutil.which("python3"), shutil.which("sh")) if p]
        exe = os.path.join(self.bin, "worker", "hyperlab-worker")
        argv = [exe, "--coordinator", self.address, "--slots", str(slots), *extra]
        for path in allow_commands:
            argv += ["--allow-command", path]
        if worker_id:
            argv += ["--id", worker_id]
        if ack_log:
            argv += ["--ack-log", ack_log]
        proc = subprocess.Popen(argv, stdout=self._log(f"worker{len(self.workers)}"), stderr=subprocess.STDOUT,
                                cwd=self.src)
        self.workers.append(proc)
        return proc

    def cli(self, *argv, check=True, timeout=120, data_dir=None):
        exe = os.path.join(self.bin, "tools", "hyperlab")
        target = ["--data-dir", data_dir] if data_dir else ["--coordinator", self.address]
        result = subprocess.run([exe, *target, *argv], capture_output=True, text=True, timeout=timeout,
                                cwd=self.src)
        if check and result.returncode != 0:
            raise AssertionError(f"hyperlab {' '.join(argv)} exited {result.returncode}:\n"
                                 f"stdout: {result.stdout}\nstderr: {result.stderr}")
        return result

    def json(self, *argv):
        return json.loads(self.cli(*argv, "--format", "json").stdout)

    def submit(self, relative_path):
        out = self.cli("study", "submit", os.path.join(self.src, relative_path)).stdout
        return out.strip().splitlines()[-1]

    def stop(self):
        for proc in self.workers + ([self.coordinator] if self.coordinator else []):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.workers + ([self.coordinator] if self.coordinator else []):
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                raise AssertionError("a process did not stop within 10 s of SIGTERM")

    def dump_logs(self):
        for path in self.logs:
            with open(path, errors="replace") as f:
                text = f.read()
            sys.stderr.write(f"----- {path} (last 3000 chars)\n{text[-3000:]}\n")


def run(test_fn, name, extra_args=None):
    """Runs test_fn(cluster) (or test_fn(cluster, args) with extra_args) and exits 0 on success, 1 with the
    logs on failure."""
    args = parse_args(extra_args)
    cluster = Cluster(args, name)
    try:
        if extra_args:
            test_fn(cluster, args)
        else:
            test_fn(cluster)
        cluster.stop()
    except BaseException:
        import traceback
        traceback.print_exc()
        cluster.dump_logs()
        for proc in cluster.workers + ([cluster.coordinator] if cluster.coordinator else []):
            if proc.poll() is None:
                proc.kill()
        sys.exit(1)
    print(f"{name}: PASSED")


def branin(x1, x2):
    import math
    a, b, c = 1.0, 5.1 / (4 * math.pi ** 2), 5 / math.pi
    r, s, t = 6.0, 10.0, 1 / (8 * math.pi)
    return a * (x2 - b * x1 ** 2 + c * x1 - r) ** 2 + s * (1 - t) * math.cos(x1) + s
