"""Study.optimize(): jobs that run an objective over leased trials until a limit is reached.

Each job (one thread; n_jobs of them) asks for trials and runs them one after another. Two things keep the
calls per trial low when the objective is quick, where the calls would otherwise cost more than the work:
  - a trial's ending rides on the job's next ask (carry.py): one call per trial instead of two;
  - a job whose recent trials took under ~10 ms each asks for several at once (so that one call covers
    about 10 ms of objective time; at most 8, and at most half the study's budget.max_parallel, so other
    clients get their share), runs them in turn, and gives back unrun any it will not run
    (a completion with state PENDING: no attempt is counted). Slow objectives get one trial per call, so a
    Bayesian study sees every result before it suggests the next point.
With `callbacks`, each trial's ending is sent before its callbacks run (they may read the study), one trial
per call.
"""
from __future__ import annotations

import collections
import os
import threading
import time
from typing import TYPE_CHECKING, Callable, Deque, List, Mapping, Optional, Sequence, Tuple, Type, Union

import grpc

from .carry import Carry
from .errors import HyperlabError
from .trial import Trial
from .v1 import services_pb2, study_pb2

if TYPE_CHECKING:
    from .study import Study

ObjectiveResult = Union[float, int, Mapping[str, float], None]

# A call should carry about this much objective time; at most this many trials per call.
_BATCH_SECONDS = 0.010
_MAX_BATCH = 8


class Optimizer:
    """One optimize() run: its limits, its jobs and the first error any of them met."""

    def __init__(self, study: "Study", objective: Callable[[Trial], ObjectiveResult], n_trials: Optional[int],
                 n_jobs: int, timeout: Optional[float], catch: Tuple[Type[BaseException], ...],
                 callbacks: Sequence[Callable[["Study", Trial], None]]):
        if n_jobs == -1:
            n_jobs = os.cpu_count() or 1
        if n_jobs < 1:
            raise HyperlabError(grpc.StatusCode.INVALID_ARGUMENT, f"n_jobs must be >= 1 or -1, got {n_jobs}")
        self.study, self.objective, self.n_trials, self.n_jobs = study, objective, n_trials, n_jobs
        self.catch, self.callbacks = catch, callbacks
        self.deadline = None if timeout is None else time.monotonic() + timeout
        self.stop = threading.Event()
        self.errors: List[BaseException] = []
        self._lock = threading.Lock()
        self._started = 0

    def run(self) -> None:
        if self.n_jobs == 1:
            self.job()
        else:
            threads = [threading.Thread(target=self.job, name=f"hyperlab-optimize-{i}", daemon=True)
                       for i in range(self.n_jobs)]
            for t in threads:
                t.start()
            try:
                for t in threads:
                    while t.is_alive():
                        t.join(0.1)
            except KeyboardInterrupt:
                self.stop.set()
                raise
        if self.errors:
            raise self.errors[0]

    # --- slots: how many more trials may start --------------------------------------------------------
    def _take(self, want: int) -> int:
        with self._lock:
            if self.stop.is_set() or (self.deadline is not None and time.monotonic() >= self.deadline):
                return 0
            if self.n_trials is not None:
                want = min(want, self.n_trials - self._started)
            want = max(want, 0)
            self._started += want
            return want

    def _give_back_slots(self, count: int) -> None:
        with self._lock:
            self._started -= count

    def _fail(self, error: BaseException) -> None:
        self.errors.append(error)
        self.stop.set()

    # --- a job ------------------------------------------------------------------------------------------
    def job(self) -> None:
        carry = None if self.callbacks else Carry(self.study._client)
        ready: Deque[Trial] = collections.deque()
        try:
            self._run_trials(carry, ready)
        finally:
            if carry is not None:
                for trial in ready:  # Leased but not run: back to the study, unrun.
                    carry.add(trial, services_pb2.TrialCompletion(lease=trial.lease, state=study_pb2.Trial.PENDING))
                try:
                    carry.flush()
                except BaseException as e:  # noqa: BLE001 - handed to the caller by run()
                    self._fail(e)

    def _run_trials(self, carry: Optional[Carry], ready: Deque[Trial]) -> None:
        seconds_per_trial: Optional[float] = None  # Recent objective time, smoothed.
        while True:
            if not ready:
                batch = 1
                if carry is not None and seconds_per_trial is not None:
                    # Never more than half the study's parallel budget: other clients ask too.
                    cap = min(_MAX_BATCH, self.study.info.spec.budget.max_parallel // 2)
                    batch = max(1, min(cap, int(_BATCH_SECONDS / max(seconds_per_trial, 1e-6))))
                slots = self._take(batch)
                if slots == 0:
                    return
                try:
                    trials = self.study._ask_many(slots, carry)
                except BaseException as e:  # noqa: BLE001 - handed to the caller by run()
                    self._give_back_slots(slots)
                    self._fail(e)
                    return
                self._give_back_slots(slots - len(trials))
                if not trials:
                    self.stop.set()
                    return
                ready.extend(trials)
            elif self.stop.is_set() or (self.deadline is not None and time.monotonic() >= self.deadline):
                self._give_back_slots(len(ready))
                return
            trial = ready.popleft()
            start = time.perf_counter()
            try:
                self.study._run_one(self.objective, trial, self.catch)
                for callback in self.callbacks:
                    callback(self.study, trial)
            except BaseException as e:  # noqa: BLE001
                self._fail(e)
                return
            took = time.perf_counter() - start
            seconds_per_trial = took if seconds_per_trial is None else 0.7 * seconds_per_trial + 0.3 * took
