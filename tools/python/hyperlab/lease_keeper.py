"""The background heartbeat: keeps the leases of a client's running trials alive.

One daemon thread per Client. Every ``interval`` (a quarter of the coordinator's lease timeout, between
50 ms and 5 s) it sends one ReportTrials call, without measurements, for every held trial not heard from
within that interval (a trial that reports often needs no heartbeat). Each result is applied to its trial:
``should_stop`` is set, and a lost lease (ABORTED) or a cancelled study (FAILED_PRECONDITION) marks the
trial so its next call raises. A failed call (coordinator briefly away) is retried at the next tick; the
leases expire only if that lasts past the lease timeout.

A process killed with -9 stops heartbeating, so its leases expire and the coordinator gives the trials to
the next client (or worker) that asks, exactly as for a dead worker.

Thread safety: all methods may be called from any thread.
"""
from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, Dict, Optional, Tuple

from .errors import HyperlabError
from .v1 import services_pb2

if TYPE_CHECKING:
    from .client import Client
    from .trial import Trial

Key = Tuple[int, int, str]


class LeaseKeeper:
    def __init__(self, client: "Client"):
        self._client = client
        self._trials: Dict[Key, "Trial"] = {}
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._closed = False
        self._thread: Optional[threading.Thread] = None
        self.interval = 5.0
        self.last_error: Optional[HyperlabError] = None

    @staticmethod
    def _key(trial: "Trial") -> Key:
        return (trial.lease.study_id, trial.lease.trial_id, trial.lease.lease_id)

    def set_lease_timeout(self, lease_timeout_ms: int) -> None:
        if lease_timeout_ms > 0:
            self.interval = min(5.0, max(0.05, lease_timeout_ms / 4000.0))

    def hold(self, trial: "Trial") -> None:
        with self._lock:
            self._trials[self._key(trial)] = trial
            if self._thread is None and not self._closed:
                self._thread = threading.Thread(target=self._run, name="hyperlab-heartbeat", daemon=True)
                self._thread.start()

    def forget(self, trial: "Trial") -> None:
        with self._lock:
            self._trials.pop(self._key(trial), None)

    def held_by_thread(self, study_id: int, thread: int) -> int:
        """How many trials of the study the thread holds."""
        with self._lock:
            return sum(1 for t in self._trials.values()
                       if t.lease.study_id == study_id and t.owner_thread == thread)

    def held(self) -> int:
        with self._lock:
            return len(self._trials)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            thread = self._thread
        self._wake.set()
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=5)

    def beat(self) -> None:
        """Sends one heartbeat for the trials that need one (the thread's tick; callable directly)."""
        now = time.monotonic()
        with self._lock:
            due = [t for t in self._trials.values() if now - t.last_contact >= self.interval * 0.9]
        if not due:
            return
        request = services_pb2.ReportTrialsRequest(
            worker_id=self._client.client_id, reports=[services_pb2.TrialReport(lease=t.lease) for t in due])
        try:
            reply = self._client._connection.call(self._client._client_stub.ReportTrials, request,
                                                  timeout=max(1.0, self.interval * 2))
        except HyperlabError as e:
            self.last_error = e
            return
        self.last_error = None
        for trial, result in zip(due, reply.results):
            trial._on_report_result(result)

    def _run(self) -> None:
        while True:
            self._wake.wait(self.interval)
            if self._closed:
                return
            self._wake.clear()
            try:
                self.beat()
            except Exception as e:  # Never let the heartbeat die silently: keep the last error.
                self.last_error = e if isinstance(e, HyperlabError) else None
