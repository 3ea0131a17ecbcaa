"""Exceptions of the Hyperlab client.

Every error the coordinator returns becomes a :class:`HyperlabError` carrying the gRPC status code and the
coordinator's message, e.g. ``HyperlabError(NOT_FOUND: study 'nope' not found)``. Subclasses name the cases
a caller typically handles on its own.
"""
from __future__ import annotations

from typing import Optional

import grpc


class HyperlabError(Exception):
    """An error from the coordinator, or a request the client refused before sending it.

    Attributes:
        code: the gRPC status code (``grpc.StatusCode.NOT_FOUND`` ...); ``INVALID_ARGUMENT`` for a bad
            study file or argument caught in the client.
        message: the coordinator's message (or the client's), without the code.
    """

    def __init__(self, code: grpc.StatusCode, message: str):
        super().__init__(f"{code.name}: {message}")
        self.code = code
        self.message = message

    @property
    def code_name(self) -> str:
        """The code's name, e.g. ``"UNAUTHENTICATED"``."""
        return self.code.name


class StudyFileError(HyperlabError, ValueError):
    """A study file (or dict) that is not a valid study: ``<file>:<line>: <field path>: <problem>``."""

    def __init__(self, message: str):
        super().__init__(grpc.StatusCode.INVALID_ARGUMENT, message)


class LeaseLostError(HyperlabError):
    """The trial's lease is no longer this client's (it expired and the trial went to another client, an
    operator requeued or failed it, or the study was cancelled): its results are refused."""


class TrialPruned(Exception):
    """Raise inside an objective (or a ``with trial:`` block) to end the trial STOPPED, as Optuna's
    ``TrialPruned``: what a loop does after ``trial.should_stop``."""


def from_rpc_error(error: grpc.RpcError) -> HyperlabError:
    """The HyperlabError for a failed call."""
    code: Optional[grpc.StatusCode] = error.code() if hasattr(error, "code") else None
    details = error.details() if hasattr(error, "details") else str(error)
    if code is None:
        code = grpc.StatusCode.UNKNOWN
    message = details or code.name
    if code == grpc.StatusCode.UNAVAILABLE:
        message += " (is the coordinator running at this address, with these TLS settings?)"
    elif code == grpc.StatusCode.UNAUTHENTICATED:
        message += " (pass token=..., or set HYPERLAB_TOKEN or HYPERLAB_TOKEN_FILE)"
    if code == grpc.StatusCode.ABORTED:
        return LeaseLostError(code, message)
    return HyperlabError(code, message)


def from_item_status(code: int, message: str) -> HyperlabError:
    """The HyperlabError for one item of a batched reply (``ItemStatus``: a google.rpc.Code value)."""
    status = next((c for c in grpc.StatusCode if c.value[0] == code), grpc.StatusCode.UNKNOWN)
    if status == grpc.StatusCode.ABORTED:
        return LeaseLostError(status, message or "the lease is no longer this client's")
    return HyperlabError(status, message or status.name)
