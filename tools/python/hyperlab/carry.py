"""Trial endings that ride on the next ask: how optimize() ends one trial and leases the next in one call.

A loop that runs trials back to back would otherwise make two calls per trial (CompleteTrials, then
AskTrials), each waiting for the coordinator's journal. optimize() gives each of its trials a Carry: ending
the trial (complete, fail, stop, or leaving its ``with`` block) queues the completion here instead of
calling, and the job's next ask sends it (``AskTrialsRequest.completions``), synced before the reply as a
CompleteTrials call would be. Whatever is left is sent by flush() when the job ends, error or not.

Until the completion is sent, the trial keeps its lease (the heartbeat thread still holds it) and shows the
state it was ended with; if the coordinator refuses the completion (the lease was lost meanwhile), settle()
puts the trial back to RUNNING with its error, as a refused complete() would, and raises that error from
the ask or flush that carried it.

Thread safety: one Carry per optimize() job thread.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, List, Optional, Sequence, Tuple

import grpc

from .errors import HyperlabError, from_item_status
from .v1 import services_pb2

if TYPE_CHECKING:
    from .client import Client
    from .trial import Trial


class Carry:
    """Completions queued by ended trials, waiting for the next call."""

    def __init__(self, client: "Client"):
        self._client = client
        self._items: List[Tuple["Trial", "services_pb2.TrialCompletion"]] = []
        self._sent: List[Tuple["Trial", "services_pb2.TrialCompletion"]] = []

    def __len__(self) -> int:
        return len(self._items)

    def add(self, trial: "Trial", completion: "services_pb2.TrialCompletion") -> None:
        self._items.append((trial, completion))

    def take(self) -> List["services_pb2.TrialCompletion"]:
        """The queued completions, to put in a request; settle() then takes that call's results."""
        self._sent, self._items = self._items, []
        return [c for _, c in self._sent]

    def settle(self, results: Sequence["services_pb2.ItemStatus"],
               error: Optional[HyperlabError] = None) -> None:
        """Applies the results of the call that carried take()'s completions (or the call's own error to all
        of them); raises the first refusal."""
        sent, self._sent = self._sent, []
        first: Optional[HyperlabError] = None
        for i, (trial, _) in enumerate(sent):
            self._client._keeper.forget(trial)
            refused = error
            if refused is None:
                status = results[i] if i < len(results) else None
                if status is None:
                    refused = HyperlabError(grpc.StatusCode.INTERNAL, f"trial {trial.id}: the coordinator sent "
                                                                      "no result for its completion")
                elif status.code != 0:
                    refused = from_item_status(status.code, status.message)
            if refused is not None:
                trial._undo_end(refused)
                first = first or refused
        if first is not None:
            raise first

    def flush(self) -> None:
        """Sends what is queued (one CompleteTrials call)."""
        if not self._items:
            return
        client = self._client
        request = services_pb2.CompleteTrialsRequest(worker_id=client.client_id, completions=self.take())
        try:
            reply = client._connection.call(client._client_stub.CompleteTrials, request)
        except HyperlabError as e:
            self.settle((), e)
            return
        self.settle(reply.results)
