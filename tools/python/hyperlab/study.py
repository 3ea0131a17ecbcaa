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

from .carry import Carry
from .errors import HyperlabError
from .frozen_trial import FrozenTrial
from .optimize import ObjectiveResult, Optimizer
from .trial import Trial
from .v1 import services_pb2, study_pb2

if TYPE_CHECKING:
    from .client import Client

# How long ask() sleeps between empty replies (the coordinator itself waits up to ~1 s for a suggestion).
_POLL_MIN_S = 0.005
_POLL_MAX_S = 0.2


class Study:
    """A study on the coordinator, named by ``name`` (or ``id``).

    Attributes:
        name, id: the study's name and numeric id.
        objective_metric: the metric the study optimises (e.g. ``dev_accuracy``); with several objectives,
            the first (primary) one.
        direction: "minimize" or "maximize" (of objective_metric).
        objectives: every objective as (metric, direction), in the study's order (one entry for a
            single ``objective``).
        info: the ``hyperlab.v1.Study`` message as last fetched (state, counts, spec); see refresh().
    """

    def __init__(self, client: "Client", info: "study_pb2.Study"):
        self._client = client
        self.info = info
        self.id: int = info.id
        self.name: str = info.spec.name
        declared = list(info.spec.objectives) or [info.spec.objective]
        self.objectives: List[Tuple[str, str]] = [
            (o.metric, "maximize" if o.goal == study_pb2.Objective.MAXIMIZE else "minimize") for o in declared]
        self.objective_metric: str = self.objectives[0][0]
        self.direction: str = self.objectives[0][1]

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
        trials = self._ask_many(1, None, timeout)
        return trials[0] if trials else None

    def _ask_many(self, max_trials: int, carry: Optional[Carry], timeout: Optional[float] = None) -> List[Trial]:
        """ask() for up to `max_trials` trials (empty: none will come); the first call also ends the trials
        queued in `carry`, and the trials it returns queue their own endings there."""
        client = self._client
        deadline = None if timeout is None else time.monotonic() + timeout
        pause = _POLL_MIN_S
        request = services_pb2.AskTrialsRequest(client_id=client.client_id, study=str(self.id),
                                                max_trials=max_trials, host=client.host, version=client.version)
        while True:
            carried = carry is not None and len(carry) > 0
            if carried:
                request.completions.extend(carry.take())
            try:
                reply = client._connection.call(client._client_stub.AskTrials, request)
            except HyperlabError as e:
                if carried:
                    carry.settle((), e)
                raise
            client._keeper.set_lease_timeout(reply.lease_timeout_ms)
            if reply.HasField("study"):
                self.info = reply.study
            trials = [Trial(self, a) for a in reply.assignments]
            for trial in trials:
                trial._carry = carry
                client._keeper.hold(trial)
            if carried:
                del request.completions[:]
                try:
                    carry.settle(reply.completion_results)
                except HyperlabError:
                    for trial in trials:  # The caller stops on the error: these go back unrun.
                        carry.add(trial, services_pb2.TrialCompletion(lease=trial.lease,
                                                                      state=study_pb2.Trial.PENDING))
                    raise
            if trials:
                return trials
            state = self.info.state
            if state not in (study_pb2.Study.ACTIVE, study_pb2.Study.PAUSED):
                return []
            counts = self.info.counts
            mine = client._keeper.held_by_thread(self.id, threading.get_ident())
            if state == study_pb2.Study.ACTIVE and counts.running > 0 and counts.running <= mine:
                if counts.pending == 0 and counts.total >= self.info.planned_trials:
                    return []
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
        `n_jobs` threads run trials at once (-1: one per CPU); `callbacks` run after each trial. Quick
        objectives get several trials per call (see optimize.py).
        """
        catch_types: Tuple[Type[BaseException], ...] = tuple(catch) if isinstance(catch, (list, tuple)) \
            else (catch,)  # type: ignore[assignment]
        Optimizer(self, objective, n_trials, n_jobs, timeout, catch_types, callbacks).run()

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
    def recommended_trial(self) -> Optional[FrozenTrial]:
        """With ``objective: {..., noisy: true}`` and the bayesian strategy: the trial the model is surest is
        good, which the luckiest draw (``best_trial``) often is not. None for other studies, and until the
        model has a view. The coordinator recomputes it in the background as results arrive;
        ``recommendation_seen`` says on how many ended trials (fetched now, like this property)."""
        self.refresh()
        if not self.info.HasField("recommended_trial_id"):
            return None
        for trial in self.get_trials():
            if trial.id == self.info.recommended_trial_id:
                return trial
        return None

    @property
    def recommendation_seen(self) -> int:
        """The number of ended trials the study's recommendation saw (0 before the first)."""
        return self.refresh().info.recommended_seen

    @property
    def best_trials(self) -> List[FrozenTrial]:
        """The Pareto front: the succeeded, feasible trials no other such trial dominates on the study's
        objectives, by id (one objective: the trials with the best value). Optuna's ``best_trials``."""
        reply = self._client._call_study("GetParetoFront",
                                         services_pb2.GetParetoFrontRequest(study=str(self.id)))
        return [FrozenTrial(t, self.objective_metric, objective_metrics=[m for m, _ in self.objectives])
                for t in reply.trials]

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

    def enqueue_trial(self, params: Mapping[str, Any], note: str = "") -> FrozenTrial:
        """Adds a trial with parameters you choose (Optuna's enqueue_trial); it is handed out before any trial
        the searcher suggests next, and counts against budget.max_trials. Every parameter of the study needs a
        value: a float, an int or a str (text is read by the parameter's kind, e.g. "1e-3"). Returns the
        trial: PENDING, or SUCCEEDED with ``reused_from`` set when the same experiment ran before. Errors:
        HyperlabError INVALID_ARGUMENT naming the parameter, FAILED_PRECONDITION for an ended study or a
        spent budget.
        """
        request = services_pb2.EnqueueTrialRequest(study=str(self.id), note=note)
        for name, value in params.items():
            p = request.parameters.add(name=name)
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                p.value.string_value = str(value)
            elif isinstance(value, int):
                p.value.int_value = value
            else:
                p.value.double_value = value
        return FrozenTrial(self._client._call_study("EnqueueTrial", request), self.objective_metric)

    def set_budget(self, max_trials: int) -> None:
        """Changes budget.max_trials (a completed study given more becomes ACTIVE again)."""
        self.info = self._client._call_study(
            "SetStudyBudget", services_pb2.SetStudyBudgetRequest(study=str(self.id), max_trials=max_trials))


def default_host() -> str:
    return socket.gethostname()
