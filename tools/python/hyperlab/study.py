"""A study seen from the client: ask for trials, run an objective over many, read the results.

    study = client.create_study("study.yaml")
    study.optimize(objective, n_trials=50, n_jobs=4)   # objective(trial) -> float or dict of metrics
    print(study.best_trial.params, study.best_trial.value)
    df = study.trials_dataframe()                      # pandas if installed

Thread safety: ask(), optimize() and the read methods may be called from several threads at once.
"""
from __future__ import annotations

import socket
import threading
import time
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple, Type, Union

import grpc

from .errors import HyperlabError
from .frozen_trial import FrozenTrial
from .trial import Trial
from .v1 import services_pb2, study_pb2

if TYPE_CHECKING:
    from .client import Client

ObjectiveResult = Union[float, int, Mapping[str, float], None]

# How long ask() sleeps between empty replies (the coordinator itself waits up to ~1 s for a suggestion).
_POLL_MIN_S = 0.005
_POLL_MAX_S = 0.2


class Study:
    """A study on the coordinator, named by ``name`` (or ``id``).

    Attributes:
        name, id: the study's name and numeric id.
        objective_metric: the metric the study optimises (e.g. ``dev_accuracy``).
        direction: "minimize" or "maximize".
        info: the ``hyperlab.v1.Study`` message as last fetched (state, counts, spec); see refresh().
    """

    def __init__(self, client: "Client", info: "study_pb2.Study"):
        self._client = client
        self.info = info
        self.id: int = info.id
        self.name: str = info.spec.name
        self.objective_metric: str = info.spec.objective.metric
        self.direction: str = "maximize" if info.spec.objective.goal == study_pb2.Objective.MAXIMIZE \
            else "minimize"

    def __repr__(self) -> str:
        return f"Study(name={self.name!r}, id={self.id}, state={self.state})"

    @property
    def state(self) -> str:
        """ACTIVE, COMPLETED, FAILED, CANCELLED or PAUSED, as last fetched."""
        return study_pb2.Study.State.Name(self.info.state)

    def refresh(self) -> "Study":
        """Fetches the study's state and counts again."""
        self.info = self._client._call_study("GetStudy", services_pb2.GetStudyRequest(study=str(self.id)))
        return self

    # --- leasing -----------------------------------------------------------------------------------
    def ask(self, timeout: Optional[float] = None) -> Optional[Trial]:
        """Leases the next trial; None when the study will give no more (budget used up, study ended).

        While the study is ACTIVE but has nothing to give now (``budget.max_parallel`` trials already
        running elsewhere, a suggestion being computed, a lost lease not yet expired), waits. A trial of a
        study whose running trials are all held by this same thread can never come, so then it returns
        None when the budget is spent and raises FAILED_PRECONDITION when max_parallel is the limit.
        `timeout` (seconds) bounds the wait: TimeoutError after it.
        """
        client = self._client
        deadline = None if timeout is None else time.monotonic() + timeout
        pause = _POLL_MIN_S
        request = services_pb2.AskTrialsRequest(client_id=client.client_id, study=str(self.id), max_trials=1,
                                                host=client.host, version=client.version)
        while True:
            reply = client._connection.call(client._client_stub.AskTrials, request)
            client._keeper.set_lease_timeout(reply.lease_timeout_ms)
            if reply.HasField("study"):
                self.info = reply.study
            if reply.assignments:
                trial = Trial(self, reply.assignments[0])
                client._keeper.hold(trial)
                return trial
            state = self.info.state
            if state not in (study_pb2.Study.ACTIVE, study_pb2.Study.PAUSED):
                return None
            counts = self.info.counts
            mine = client._keeper.held_by_thread(self.id, threading.get_ident())
            if state == study_pb2.Study.ACTIVE and counts.running > 0 and counts.running <= mine:
                if counts.pending == 0 and counts.total >= self.info.planned_trials:
                    return None
                raise HyperlabError(
                    grpc.StatusCode.FAILED_PRECONDITION,
                    f"study {self.name}: this thread holds all {counts.running} running trials "
                    f"(budget.max_parallel = {self.info.spec.budget.max_parallel}); end one before asking "
                    "for another")
            if deadline is not None and time.monotonic() + pause > deadline:
                raise TimeoutError(f"study {self.name}: no trial within {timeout} s (state {self.state}, "
                                   f"{counts.running} running, {counts.pending} pending)")
            time.sleep(pause)
            pause = min(_POLL_MAX_S, pause * 2)

    def optimize(self, objective: Callable[[Trial], ObjectiveResult], n_trials: Optional[int] = None,
                 n_jobs: int = 1, timeout: Optional[float] = None,
                 catch: Union[Sequence[Type[BaseException]], Type[BaseException]] = (),
                 callbacks: Sequence[Callable[["Study", Trial], None]] = ()) -> None:
        """Runs `objective` on trials until `n_trials` have run here, `timeout` seconds have passed, or the
        study gives no more (None: its budget decides).

        `objective(trial)` returns the objective's value (a number), a dict of metrics (the objective
        among them), or None after ending the trial itself (``trial.stop()``, ``trial.complete(...)``).
        Raising :class:`~hyperlab.TrialPruned` ends it STOPPED. Any other exception fails the trial with
        its last traceback line and, unless its type is in `catch`, stops optimize() and propagates.
        `n_jobs` threads run trials at once (-1: one per CPU); `callbacks` run after each trial.
        """
        import os
        if n_jobs == -1:
            n_jobs = os.cpu_count() or 1
        if n_jobs < 1:
            raise HyperlabError(grpc.StatusCode.INVALID_ARGUMENT, f"n_jobs must be >= 1 or -1, got {n_jobs}")
        catch_types: Tuple[Type[BaseException], ...] = tuple(catch) if isinstance(catch, (list, tuple)) \
            else (catch,)  # type: ignore[assignment]
        lock = threading.Lock()
        started = [0]
        stop = threading.Event()
        errors: List[BaseException] = []
        deadline = None if timeout is None else time.monotonic() + timeout

        def take_slot() -> bool:
            with lock:
                if stop.is_set() or (n_trials is not None and started[0] >= n_trials):
                    return False
                if deadline is not None and time.monotonic() >= deadline:
                    return False
                started[0] += 1
                return True

        def job() -> None:
            while take_slot():
                try:
                    trial = self.ask()
                except BaseException as e:  # noqa: BLE001 - handed to the caller below
                    errors.append(e)
                    stop.set()
                    return
                if trial is None:
                    stop.set()
                    return
                try:
                    self._run_one(objective, trial, catch_types)
                    for callback in callbacks:
                        callback(self, trial)
                except BaseException as e:  # noqa: BLE001
                    errors.append(e)
                    stop.set()
                    return

        if n_jobs == 1:
            job()
        else:
            threads = [threading.Thread(target=job, name=f"hyperlab-optimize-{i}", daemon=True)
                       for i in range(n_jobs)]
            for t in threads:
                t.start()
            try:
                for t in threads:
                    while t.is_alive():
                        t.join(0.1)
            except KeyboardInterrupt:
                stop.set()
                raise
        if errors:
            raise errors[0]

    def _run_one(self, objective: Callable[[Trial], ObjectiveResult], trial: Trial,
                 catch: Tuple[Type[BaseException], ...]) -> None:
        try:
            with trial:
                result = objective(trial)
                if trial.done:
                    return
                if result is None:
                    return  # The with block ends it as its last measurement says.
                if isinstance(result, Mapping):
                    trial.complete(**{str(k): v for k, v in result.items()})
                else:
                    trial.complete(result)  # type: ignore[arg-type]
        except catch:
            pass

    # --- results -----------------------------------------------------------------------------------
    @property
    def best_trial(self) -> Optional[FrozenTrial]:
        """The best succeeded trial so far; None when none has succeeded."""
        try:
            trial = self._client._call_study("GetBestTrial", services_pb2.GetBestTrialRequest(study=str(self.id)))
        except HyperlabError as e:
            if e.code == grpc.StatusCode.NOT_FOUND:  # The study exists: no trial has succeeded yet.
                return None
            raise
        return FrozenTrial(trial, self.objective_metric)

    @property
    def best_value(self) -> Optional[float]:
        best = self.best_trial
        return best.value if best else None

    @property
    def best_params(self) -> Optional[Dict[str, Any]]:
        best = self.best_trial
        return best.params if best else None

    def get_trials(self, with_measurements: bool = False) -> List[FrozenTrial]:
        """Every trial of the study, by id; with their intermediate measurements if asked."""
        reply = self._client._call_study(
            "ListTrials", services_pb2.ListTrialsRequest(study=str(self.id), with_measurements=with_measurements))
        return [FrozenTrial(t.trial, self.objective_metric, list(t.measurements)) for t in reply.trials]

    @property
    def trials(self) -> List[FrozenTrial]:
        """Every trial of the study (without measurements; see get_trials)."""
        return self.get_trials()

    def trials_dataframe(self, per_step: bool = False) -> Any:
        """The trials as a table: a pandas DataFrame if pandas is installed, else a list of dicts.

        One row per trial: ``id``, ``state``, ``value``, ``params_<name>``, ``metrics_<name>``,
        ``datetime_start``, ``datetime_complete``, ``duration``, ``worker_id``, ``reason``, and for each
        intermediate metric ``steps_<metric>``: a dict step -> value. With ``per_step=True``, one row per
        measurement instead (``id``, ``step``, the trial's params, one column per metric).
        """
        rows: List[Dict[str, Any]] = []
        for t in self.get_trials(with_measurements=True):
            base: Dict[str, Any] = {"id": t.id, "state": t.state, "value": t.value}
            base.update({f"params_{k}": v for k, v in t.params.items()})
            if per_step:
                for m in t.measurements:
                    row = dict(base)
                    row["step"] = m.step
                    row.update(m.metrics)
                    rows.append(row)
                continue
            base.update({f"metrics_{k}": v for k, v in t.metrics.items()})
            base.update({"datetime_start": t.datetime_start, "datetime_complete": t.datetime_complete,
                         "duration": t.duration, "worker_id": t.worker_id, "reason": t.reason})
            steps: Dict[str, Dict[int, float]] = {}
            for m in t.measurements:
                for name, value in m.metrics.items():
                    steps.setdefault(f"steps_{name}", {})[m.step] = value
            base.update(steps)
            rows.append(base)
        try:
            import pandas
        except ImportError:
            return rows
        return pandas.DataFrame(rows)

    # --- control -----------------------------------------------------------------------------------
    def cancel(self) -> None:
        """Cancels the study: no more trials; running ones end CANCELLED."""
        self.info = self._client._call_study("CancelStudy", services_pb2.CancelStudyRequest(study=str(self.id)))

    def set_budget(self, max_trials: int) -> None:
        """Changes budget.max_trials (a completed study given more becomes ACTIVE again)."""
        self.info = self._client._call_study(
            "SetStudyBudget", services_pb2.SetStudyBudgetRequest(study=str(self.id), max_trials=max_trials))


def default_host() -> str:
    return socket.gethostname()
