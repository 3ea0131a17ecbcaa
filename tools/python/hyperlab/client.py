"""The entry point: a connection to a coordinator, its studies, and this process's client identity.

    client = hyperlab.Client("127.0.0.1:7411", token=None)     # TLS/mTLS: tls_ca=, tls_cert=, tls_key=
    study = client.create_study("study.yaml")                   # or a dict; same name + same spec: same study

A Client names itself to the coordinator by ``client_id`` (host, pid and a random part, unique per
process) and runs one heartbeat thread for the trials it holds. Use one Client per process (threads may
share it); a forked child must make its own.

Thread safety: every method may be called from any thread.
"""
from __future__ import annotations

import os
import secrets
import socket
from types import TracebackType
from typing import Any, Dict, List, Optional, Type, Union

import grpc

from . import __version__
from .connection import Connection, stubs
from .errors import HyperlabError, StudyFileError
from .lease_keeper import LeaseKeeper
from .study import Study
from .study_file import StudySource, load_study_file, study_spec_from_dict
from .v1 import services_pb2, study_pb2

StudyInput = Union[str, "os.PathLike[str]", Dict[str, Any], "study_pb2.StudySpec"]


class Client:
    """A client of one coordinator.

    Args:
        target: HOST:PORT of the coordinator. Default: ``$HYPERLAB_COORDINATOR``, else 127.0.0.1:7411.
        token: bearer token (role ``submit`` or ``admin``). Default: the file ``$HYPERLAB_TOKEN_FILE``
            names, else ``$HYPERLAB_TOKEN``, else none.
        tls_ca: PEM CA bundle to verify the coordinator (turns TLS on), as the CLI's ``--tls-ca``.
        tls_cert, tls_key: PEM client certificate and key for mTLS (``--tls-cert``, ``--tls-key``).
        insecure_plaintext_tokens: send the token without TLS to a non-loopback address (only on a
            network that is itself encrypted).
        timeout: deadline of each call, seconds.
        client_id: this client's id (default: host-pid-random).
    """

    def __init__(self, target: Optional[str] = None, token: Optional[str] = None, *,
                 tls_ca: Optional[str] = None, tls_cert: Optional[str] = None, tls_key: Optional[str] = None,
                 insecure_plaintext_tokens: bool = False, timeout: float = 30.0,
                 client_id: Optional[str] = None):
        self._connection = Connection(target, token, tls_ca=tls_ca, tls_cert=tls_cert, tls_key=tls_key,
                                      insecure_plaintext_tokens=insecure_plaintext_tokens, timeout=timeout)
        self._study_stub, self._client_stub = stubs(self._connection)
        self.host = socket.gethostname()[:256]
        self.version = __version__
        self.client_id = client_id or f"{self.host}-{os.getpid()}-{secrets.token_hex(4)}"
        self._keeper = LeaseKeeper(self)
        self._closed = False
        # What the coordinator said about the last create_study (e.g. a budget updated from the file).
        self.warnings: List[str] = []

    @property
    def target(self) -> str:
        return self._connection.address

    def __repr__(self) -> str:
        return f"Client(target={self.target!r}, client_id={self.client_id!r})"

    def _call_study(self, method: str, request: Any) -> Any:
        return self._connection.call(getattr(self._study_stub, method), request)

    # --- studies -----------------------------------------------------------------------------------
    def create_study(self, study: StudyInput) -> Study:
        """Creates the study a study file (path), a dict written like one, or a StudySpec describes.

        A study with the same name and the same spec is returned as it is, so a script run again continues
        its study; the same name with another spec is ALREADY_EXISTS. Errors in the file are
        StudyFileError (``<file>:<line>: <field>: <problem>``), including those the coordinator's
        validation finds. The study's task must be ``client`` for ask() to lease its trials.
        """
        source = StudySource()
        if isinstance(study, study_pb2.StudySpec):
            spec = study
        elif isinstance(study, dict):
            spec, source = study_spec_from_dict(study)
        elif isinstance(study, (str, os.PathLike)):
            spec, source = load_study_file(study)
        else:
            raise TypeError(f"create_study takes a study file path, a dict or a StudySpec, "
                            f"not {type(study).__name__}")
        try:
            reply = self._call_study("CreateStudy", services_pb2.CreateStudyRequest(spec=spec))
        except HyperlabError as e:
            if e.code == grpc.StatusCode.INVALID_ARGUMENT:
                raise StudyFileError(source.locate(e.message)) from None
            raise
        self.warnings = list(reply.warnings)
        return Study(self, reply.study)

    def get_study(self, study: Union[str, int]) -> Study:
        """An existing study by name or id (NOT_FOUND when there is none). Optuna's ``load_study``."""
        return Study(self, self._call_study("GetStudy", services_pb2.GetStudyRequest(study=str(study))))

    load_study = get_study

    def list_studies(self, tag: str = "") -> List[Study]:
        """Every study (only those tagged `tag` if given)."""
        reply = self._call_study("ListStudies", services_pb2.ListStudiesRequest(tag=tag))
        return [Study(self, s) for s in reply.studies]

    # --- lifetime ----------------------------------------------------------------------------------
    def close(self) -> None:
        """Stops the heartbeat and closes the channel. Trials still held are not ended: their leases
        expire and the trials go to the next client that asks."""
        if self._closed:
            return
        self._closed = True
        self._keeper.close()
        self._connection.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, exc_type: Optional[Type[BaseException]], exc: Optional[BaseException],
                 tb: Optional[TracebackType]) -> None:
        self.close()
