"""A read-only snapshot of a trial, as ``study.trials`` and ``study.best_trial`` return it.

Thread safety: immutable once built.
"""
from __future__ import annotations

import datetime
from typing import Dict, List, Optional, Union

from .v1 import study_pb2

ParamValue = Union[float, int, str]


def param_value(value: "study_pb2.ParameterValue") -> ParamValue:
    """A ParameterValue as the Python number or string it holds."""
    kind = value.WhichOneof("kind")
    return getattr(value, kind) if kind else None  # type: ignore[return-value]


def params_of(trial: "study_pb2.Trial") -> Dict[str, ParamValue]:
    return {p.name: param_value(p.value) for p in trial.parameters}


def state_name(state: int) -> str:
    return study_pb2.Trial.State.Name(state)


def _time(ms: int) -> Optional[datetime.datetime]:
    return datetime.datetime.fromtimestamp(ms / 1000.0, tz=datetime.timezone.utc) if ms > 0 else None


class Measurement:
    """One intermediate observation: ``step`` and ``metrics`` (name -> value)."""

    __slots__ = ("step", "metrics", "time")

    def __init__(self, proto: "study_pb2.Measurement"):
        self.step: int = proto.step
        self.metrics: Dict[str, float] = dict(proto.metrics)
        self.time: Optional[datetime.datetime] = _time(proto.time_unix_ms)

    def __repr__(self) -> str:
        return f"Measurement(step={self.step}, metrics={self.metrics})"


class FrozenTrial:
    """A trial as the coordinator last reported it.

    Attributes:
        id: dense per study (0, 1, 2, ... in the order the searcher suggested them); ``number`` is an alias.
        params: parameter name -> value (float, int or str).
        state: the state's name: PENDING, RUNNING, SUCCEEDED, FAILED, STOPPED, INFEASIBLE or CANCELLED.
        metrics: final metric values (the objective among them when SUCCEEDED).
        value: the objective's value, or None when the trial has none (several objectives: the first's).
        values: every objective's value in the study's order (None where missing), when the trial came
            from ``best_trials``; else None.
        feasible: False for a succeeded trial that breaks an outcome constraint, True for one that meets
            them all; None without constraints or before the trial succeeded.
        reason: why it failed, was stopped or cancelled.
        measurements: intermediate measurements, oldest first (only when they were asked for).
    """

    def __init__(self, proto: "study_pb2.Trial", objective_metric: str,
                 measurements: Optional[List["study_pb2.Measurement"]] = None,
                 objective_metrics: Optional[List[str]] = None):
        self.proto = proto
        self.id: int = proto.id
        self.params: Dict[str, ParamValue] = params_of(proto)
        self.state: str = state_name(proto.state)
        self.metrics: Dict[str, float] = dict(proto.metrics)
        self.value: Optional[float] = self.metrics.get(objective_metric)
        self.values: Optional[List[Optional[float]]] = (
            [self.metrics.get(m) for m in objective_metrics] if objective_metrics else None)
        self.feasible: Optional[bool] = proto.feasible if proto.HasField("feasible") else None
        self.reason: str = proto.reason
        self.attempt: int = proto.attempt
        self.worker_id: str = proto.worker_id
        self.datetime_start = _time(proto.start_unix_ms)
        self.datetime_complete = _time(proto.end_unix_ms)
        self.artifacts: Dict[str, str] = dict(proto.artifacts)
        self.reused_from: Optional[str] = (f"{proto.reused_from.study_name or proto.reused_from.study_id}/"
                                           f"{proto.reused_from.trial_id}" if proto.HasField("reused_from")
                                           else None)
        self.measurements: List[Measurement] = [Measurement(m) for m in (measurements or [])]

    @property
    def number(self) -> int:
        """Optuna's name for ``id``."""
        return self.id

    @property
    def duration(self) -> Optional[datetime.timedelta]:
        if self.datetime_start and self.datetime_complete:
            return self.datetime_complete - self.datetime_start
        return None

    def __repr__(self) -> str:
        return (f"FrozenTrial(id={self.id}, state={self.state}, value={self.value}, params={self.params}, "
                f"metrics={self.metrics})")
