"""A trial leased to this client: read its parameters, report per-step values, end it.

    with study.ask() as trial:                      # None when the budget is used up
        for epoch in range(10):
            ...
            trial.report(epoch, dev_accuracy=acc)   # heartbeat + measurement; True when it should stop
            if trial.should_stop:
                break                               # leaving the block now ends it STOPPED
        trial.complete(dev_accuracy=acc)

Leaving a ``with`` block without ending the trial ends it as its last measurement says: STOPPED when the
coordinator asked it to stop, else SUCCEEDED with that measurement's metrics (FAILED if the objective is
not among them). An exception in the block fails it with the traceback's last line (``ValueError: ...``)
and propagates; :class:`~hyperlab.errors.TrialPruned` stops it and is swallowed; KeyboardInterrupt stops
it cleanly and propagates.

While leased, the client's heartbeat thread keeps the lease alive (:mod:`hyperlab.lease_keeper`), so a
trial may run for hours between reports. If the lease is lost anyway (the process was stopped past the
lease timeout, or an operator requeued the trial), the next call raises LeaseLostError and the trial's
results belong to whichever client now holds it.

Thread safety: a trial may be reported from one thread while the heartbeat thread runs; use each trial
from one thread at a time.
"""
from __future__ import annotations

import math
import threading
import time
import traceback
from types import TracebackType
from typing import TYPE_CHECKING, Dict, Optional, Type

import grpc

from .errors import HyperlabError, LeaseLostError, TrialPruned, from_item_status
from .frozen_trial import ParamValue, params_of
from .v1 import services_pb2, study_pb2

if TYPE_CHECKING:
    from .carry import Carry
    from .study import Study

_FINAL = {"SUCCEEDED", "FAILED", "STOPPED", "INFEASIBLE", "CANCELLED"}


def _metric_map(metrics: Dict[str, object], what: str) -> Dict[str, float]:
    out: Dict[str, float] = {}
    for name, value in metrics.items():
        try:
            out[name] = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise HyperlabError(grpc.StatusCode.INVALID_ARGUMENT,
                                f"{what}: metric '{name}' is {value!r}, not a number") from None
    return out


def _now_ms() -> int:
    return int(time.time() * 1000)


class Trial:
    """A trial this client holds a lease on.

    Attributes:
        id: the trial's id in its study (``number`` is an alias).
        params: parameter name -> value (float, int or str), as the searcher suggested.
        state: "RUNNING" until ended, then "SUCCEEDED", "FAILED", "STOPPED" (or "CANCELLED" if its study was
            cancelled meanwhile).
        metrics: the final metrics once ended.
        value: the objective's value once it succeeded; None before.
        should_stop: the coordinator's early-stopping rule says stop (set by report() and heartbeats).
        study: the Study it belongs to.
    """

    def __init__(self, study: "Study", assignment: "services_pb2.Assignment"):
        self.study = study
        self._proto = assignment.trial
        self.id: int = assignment.trial.id
        self.params: Dict[str, ParamValue] = params_of(assignment.trial)
        self.state: str = "RUNNING"
        self.metrics: Dict[str, float] = {}
        self.value: Optional[float] = None
        self.should_stop: bool = False
        self.lease = services_pb2.LeaseRef(study_id=assignment.trial.study_id, trial_id=assignment.trial.id,
                                           lease_id=assignment.trial.lease_id)
        self.owner_thread = threading.get_ident()
        self.last_contact = time.monotonic()
        self._last_measurement: Dict[str, float] = {}
        self._last_step: Optional[int] = None
        self._lost: Optional[HyperlabError] = None
        self._lock = threading.Lock()
        # optimize()'s: ending the trial queues its completion there, for the job's next ask (carry.py).
        self._carry: Optional["Carry"] = None

    @property
    def number(self) -> int:
        """Optuna's name for ``id``."""
        return self.id

    @property
    def done(self) -> bool:
        return self.state in _FINAL

    def __repr__(self) -> str:
        return f"Trial(id={self.id}, state={self.state}, params={self.params}, metrics={self.metrics})"

    # --- heartbeats and reports --------------------------------------------------------------------
    def _check_usable(self, what: str) -> None:
        if self._lost is not None:
            raise self._lost
        if self.done:
            raise HyperlabError(grpc.StatusCode.FAILED_PRECONDITION,
                                f"trial {self.study.name}/{self.id}: {what} after it ended {self.state}")

    def _on_report_result(self, result: "services_pb2.TrialReportResult") -> None:
        """Applies one ReportTrials result (from report() or the heartbeat thread)."""
        self.last_contact = time.monotonic()
        if result.status.code != 0:
            error = from_item_status(result.status.code, result.status.message)
            self._mark_lost(error)
            return
        if result.should_stop:
            self.should_stop = True

    def _mark_lost(self, error: HyperlabError) -> None:
        self._lost = error
        if error.code == grpc.StatusCode.FAILED_PRECONDITION:
            self.state = "CANCELLED"
        self.study._client._keeper.forget(self)

    def report(self, step: int, **metrics: float) -> bool:
        """Records an intermediate measurement at `step` (epoch, iteration...) and extends the lease.

        Returns ``should_stop``: True when the study's early-stopping rule (median, ASHA) says this trial
        is not promising; end it then with ``stop()`` (or ``break`` out of a ``with`` block).
        Raises LeaseLostError when the lease is no longer this client's.
        """
        with self._lock:
            self._check_usable("report()")
            if isinstance(step, bool) or not isinstance(step, int):
                raise HyperlabError(grpc.StatusCode.INVALID_ARGUMENT,
                                    f"trial {self.id}: report(step=...) takes an integer, got {step!r}")
            values = _metric_map(metrics, f"trial {self.id}: report()")
            measurement = study_pb2.Measurement(step=step, metrics=values, time_unix_ms=_now_ms())
            request = services_pb2.ReportTrialsRequest(
                worker_id=self.study._client.client_id,
                reports=[services_pb2.TrialReport(lease=self.lease, measurements=[measurement])])
            client = self.study._client
            reply = client._connection.call(client._client_stub.ReportTrials, request)
            self._last_measurement = values
            self._last_step = step
            if reply.results:
                self._on_report_result(reply.results[0])
            if self._lost is not None:
                raise self._lost
            return self.should_stop

    # --- ending ------------------------------------------------------------------------------------
    def _end(self, state: int, metrics: Dict[str, float], reason: str = "") -> None:
        with self._lock:
            self._check_usable(f"ending it {study_pb2.Trial.State.Name(state)}")
            client = self.study._client
            completion = services_pb2.TrialCompletion(lease=self.lease, state=state, metrics=metrics,
                                                      reason=reason[:4096])
            if self._carry is not None:
                self._carry.add(self, completion)
                self._set_ended(state, metrics)
                return
            request = services_pb2.CompleteTrialsRequest(worker_id=client.client_id, completions=[completion])
            reply = client._connection.call(client._client_stub.CompleteTrials, request)
            client._keeper.forget(self)
            status = reply.results[0] if reply.results else None
            if status is not None and status.code != 0:
                error = from_item_status(status.code, status.message)
                self._lost = error
                raise error
            self._set_ended(state, metrics)

    def _set_ended(self, state: int, metrics: Dict[str, float]) -> None:
        self.state = study_pb2.Trial.State.Name(state)
        self.metrics = dict(metrics)
        objective = self.study.objective_metric
        self.value = metrics.get(objective) if self.state == "SUCCEEDED" else None

    def _undo_end(self, error: HyperlabError) -> None:
        """The coordinator refused a carried completion: the trial is as after a refused complete()."""
        with self._lock:
            self.state, self.metrics, self.value, self._lost = "RUNNING", {}, None, error

    def complete(self, value: Optional[float] = None, **metrics: float) -> None:
        """Ends the trial SUCCEEDED with its final metrics: ``complete(dev_accuracy=0.91, dev_loss=0.3)``,
        or ``complete(0.91)`` for the objective alone. The objective's metric must be among them."""
        values = _metric_map(metrics, f"trial {self.id}: complete()")
        objective = self.study.objective_metric
        if value is not None:
            values.update(_metric_map({objective: value}, f"trial {self.id}: complete()"))
        if objective not in values:
            raise HyperlabError(
                grpc.StatusCode.INVALID_ARGUMENT,
                f"trial {self.id}: complete() needs the objective '{objective}' (complete({objective}=...) "
                f"or complete(value)); got {sorted(values) or 'no metrics'}")
        if math.isnan(values[objective]):
            raise HyperlabError(grpc.StatusCode.INVALID_ARGUMENT,
                                f"trial {self.id}: the objective '{objective}' is NaN; use fail(reason)")
        self._end(study_pb2.Trial.SUCCEEDED, values)

    def fail(self, reason: str) -> None:
        """Ends the trial FAILED with `reason` (shown by ``hyperlab trials`` and in ``study.trials``)."""
        self._end(study_pb2.Trial.FAILED, {}, reason or "failed")

    def stop(self, reason: str = "") -> None:
        """Ends the trial STOPPED with its last measurement: what a loop does after ``should_stop``."""
        why = reason or ("stopped early by the study's rule" if self.should_stop else "stopped by the client")
        self._end(study_pb2.Trial.STOPPED, dict(self._last_measurement), why)

    # --- context manager ---------------------------------------------------------------------------
    def __enter__(self) -> "Trial":
        return self

    def __exit__(self, exc_type: Optional[Type[BaseException]], exc: Optional[BaseException],
                 tb: Optional[TracebackType]) -> bool:
        if self.done or self._lost is not None:
            return exc_type is TrialPruned
        if exc_type is None:
            if self.should_stop:
                self.stop()
            elif self.study.objective_metric in self._last_measurement:
                self._end(study_pb2.Trial.SUCCEEDED, dict(self._last_measurement))
            else:
                self.fail(f"the with block ended without complete() and no reported "
                          f"'{self.study.objective_metric}'")
            return False
        if issubclass(exc_type, TrialPruned):
            self.stop(str(exc) or "")
            return True
        if issubclass(exc_type, KeyboardInterrupt):
            self.stop("interrupted (KeyboardInterrupt)")
            return False
        if issubclass(exc_type, LeaseLostError):
            return False
        last_line = traceback.format_exception_only(exc_type, exc)[-1].strip()
        try:
            self.fail(last_line)
        except HyperlabError:
            pass  # The block's own exception says more; it propagates.
        return False
