"""``hyperlab.local(dir)``: a Client on a coordinator subprocess of its own, for notebooks and scripts.

    client = hyperlab.local("./hyperlab-data")     # durable: the journal lives in ./hyperlab-data
    study = client.create_study({...})
    ...
    client.close()                                 # or `with hyperlab.local(...) as client:`; also at exit

The coordinator (``hyperlab-coordinator``) listens on a free loopback port, without authentication (it is
reachable from this machine only) and keeps its journal in `data_dir`, so running the script again
continues its studies. The binary is found as `coordinator_binary`, else ``$HYPERLAB_COORDINATOR_BIN``,
else next to this package in a build tree (``<build>/coordinator/hyperlab-coordinator``), else on PATH.

Thread safety: as Client.
"""
from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import threading
from typing import IO, List, Optional

import grpc

from .client import Client
from .errors import HyperlabError


def find_coordinator_binary(explicit: Optional[str] = None) -> str:
    """The hyperlab-coordinator to run (see the module's docs for the search order)."""
    candidates: List[str] = []
    if explicit:
        candidates.append(explicit)
    elif os.environ.get("HYPERLAB_COORDINATOR_BIN"):
        candidates.append(os.environ["HYPERLAB_COORDINATOR_BIN"])
    else:
        here = os.path.dirname(os.path.abspath(__file__))
        # <build>/tools/python/hyperlab -> <build>/coordinator/hyperlab-coordinator
        candidates.append(os.path.join(here, "..", "..", "..", "coordinator", "hyperlab-coordinator"))
        found = shutil.which("hyperlab-coordinator")
        if found:
            candidates.append(found)
    for path in candidates:
        if os.path.isfile(path) and os.access(path, os.X_OK):
            return os.path.abspath(path)
    raise HyperlabError(grpc.StatusCode.NOT_FOUND,
                        f"no hyperlab-coordinator binary (looked at {', '.join(candidates) or 'PATH'}); build it "
                        "(cmake --build build --target hyperlab-coordinator), put it on PATH or set "
                        "$HYPERLAB_COORDINATOR_BIN")


class LocalClient(Client):
    """A Client that owns its coordinator process; close() stops the coordinator too."""

    def __init__(self, data_dir: str, *, lease_seconds: float = 30.0, coordinator_binary: Optional[str] = None,
                 log_file: Optional[str] = None, start_timeout: float = 30.0, **client_options):
        binary = find_coordinator_binary(coordinator_binary)
        self.data_dir = os.path.abspath(data_dir)
        os.makedirs(self.data_dir, mode=0o700, exist_ok=True)
        self.log_file = log_file or os.path.join(self.data_dir, "coordinator.log")
        log: IO[bytes] = open(self.log_file, "ab")
        self.process = subprocess.Popen(
            [binary, "--listen", "127.0.0.1:0", "--data-dir", self.data_dir, "--lease-seconds", str(lease_seconds)],
            stdout=subprocess.PIPE, stderr=log, stdin=subprocess.DEVNULL, start_new_session=True)
        log.close()
        port = self._read_port(start_timeout)
        # Keep draining stdout so the coordinator never blocks writing to it.
        threading.Thread(target=self._drain, name="hyperlab-local-stdout", daemon=True).start()
        atexit.register(self.close)
        try:
            super().__init__(f"127.0.0.1:{port}", **client_options)
        except BaseException:
            self.close()
            raise

    def _read_port(self, timeout: float) -> int:
        assert self.process.stdout is not None
        result: List[str] = []

        def read() -> None:
            assert self.process.stdout is not None
            result.append(self.process.stdout.readline().decode("utf-8", "replace"))

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        reader.join(timeout)
        line = result[0] if result else ""
        marker = " on port "
        if marker not in line:
            self._stop_process()
            with open(self.log_file, "rb") as f:
                tail = f.read()[-2000:].decode("utf-8", "replace").strip()
            raise HyperlabError(grpc.StatusCode.UNAVAILABLE,
                                f"hyperlab-coordinator did not start on {self.data_dir} within {timeout} s: "
                                f"{tail or line or 'no output'}")
        return int(line.split(marker, 1)[1].split(",")[0].strip())

    def _drain(self) -> None:
        assert self.process.stdout is not None
        for _ in self.process.stdout:
            pass

    def _stop_process(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def close(self) -> None:
        """Closes the client, then stops the coordinator (SIGTERM; it closes its journal)."""
        if hasattr(self, "_keeper"):  # Client.__init__ ran
            super().close()
        self._stop_process()
        atexit.unregister(self.close)


def local(data_dir: str = "./hyperlab-data", *, lease_seconds: float = 30.0,
          coordinator_binary: Optional[str] = None, **client_options) -> LocalClient:
    """A Client on an embedded coordinator subprocess whose journal is `data_dir` (created if missing).

    `lease_seconds`: how long a trial's lease outlives its last heartbeat. Other keyword arguments go to
    Client (``timeout``, ``client_id``).
    """
    return LocalClient(data_dir, lease_seconds=lease_seconds, coordinator_binary=coordinator_binary,
                       **client_options)
