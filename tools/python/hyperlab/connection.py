"""The channel to a coordinator: TLS or mTLS, a bearer token on every call, the CLI's rules.

Mirrors common/rpc/client_channel.h, which the CLI and workers use: TLS is on when ``tls_ca`` or
``tls_cert`` is given (``tls_ca`` alone: verify the server against that CA; ``tls_cert`` alone: against the
system roots); the token is ``token``, else the file ``$HYPERLAB_TOKEN_FILE`` names, else
``$HYPERLAB_TOKEN``; a token travels over plaintext only to a loopback address unless
``insecure_plaintext_tokens`` is set. The token is never printed.

Thread safety: a Connection may be shared by any number of threads (gRPC channels and stubs are).
"""
from __future__ import annotations

import ipaddress
import os
import stat
from typing import Any, Callable, Optional, Sequence, Tuple

import grpc

from .errors import HyperlabError, from_rpc_error

# common/rpc/message_size.h: requests and replies up to 16 MiB (proto/limits.h max_request_bytes).
MAX_MESSAGE_BYTES = 16 << 20
DEFAULT_ADDRESS = "127.0.0.1:7411"


def _read(path: str, what: str) -> bytes:
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as e:
        raise HyperlabError(grpc.StatusCode.NOT_FOUND, f"{what} {path}: cannot read: {e.strerror}") from None


def is_loopback(address: str) -> bool:
    """Whether HOST:PORT names a loopback host as common/rpc/listen_policy.h defines it: a literal in
    127.0.0.0/8, ::1 or ::ffff:127.x.y.z (brackets allowed), or ``localhost``; any other name is remote."""
    for prefix in ("ipv4:", "ipv6:", "dns:"):
        if address.startswith(prefix):
            address = address[len(prefix):]
    if address.startswith("["):
        host = address[1:address.find("]")] if "]" in address else ""
    else:
        host = address.rsplit(":", 1)[0] if address.count(":") == 1 else address
    if host == "localhost":
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv4Address):
        return host.count(".") == 3 and ip.is_loopback
    return ip.is_loopback or (ip.ipv4_mapped is not None and ip.ipv4_mapped.is_loopback)


def token_from_argument_or_env(token: Optional[str]) -> str:
    """``token`` if given, else the content of ``$HYPERLAB_TOKEN_FILE`` (mode at most 0640), else
    ``$HYPERLAB_TOKEN``, else "". A token is 16 to 256 printable characters without spaces."""
    source = "token"
    if not token:
        path = os.environ.get("HYPERLAB_TOKEN_FILE", "")
        if path:
            source = f"$HYPERLAB_TOKEN_FILE ({path})"
            try:
                mode = os.stat(path).st_mode
            except OSError as e:
                raise HyperlabError(grpc.StatusCode.NOT_FOUND, f"{source}: {e.strerror}") from None
            if mode & (stat.S_IWGRP | stat.S_IRWXO):
                raise HyperlabError(grpc.StatusCode.FAILED_PRECONDITION,
                                    f"{source}: mode {oct(mode & 0o777)} is wider than 0640; chmod 600 it")
            token = _read(path, "$HYPERLAB_TOKEN_FILE").decode("utf-8", "replace").strip()
        else:
            token = os.environ.get("HYPERLAB_TOKEN", "")
            source = "$HYPERLAB_TOKEN"
    if token and not (16 <= len(token) <= 256 and all(33 <= ord(c) <= 126 for c in token)):
        raise HyperlabError(grpc.StatusCode.INVALID_ARGUMENT,
                            f"{source}: a token is 16 to 256 printable characters without spaces")
    return token or ""


class Connection:
    """A channel and the metadata every call carries; ``call`` turns gRPC errors into HyperlabError."""

    def __init__(self, address: Optional[str] = None, token: Optional[str] = None, *,
                 tls_ca: Optional[str] = None, tls_cert: Optional[str] = None, tls_key: Optional[str] = None,
                 insecure_plaintext_tokens: bool = False, timeout: float = 30.0):
        self.address = address or os.environ.get("HYPERLAB_COORDINATOR") or DEFAULT_ADDRESS
        self.timeout = timeout
        token = token_from_argument_or_env(token)
        if bool(tls_cert) != bool(tls_key):
            raise HyperlabError(grpc.StatusCode.INVALID_ARGUMENT,
                                "tls_cert and tls_key go together: give both or neither")
        tls = bool(tls_ca or tls_cert)
        if token and not tls and not insecure_plaintext_tokens and not is_loopback(self.address):
            raise HyperlabError(
                grpc.StatusCode.FAILED_PRECONDITION,
                f"a token would travel in plaintext to {self.address}: pass tls_ca (TLS), or "
                "insecure_plaintext_tokens=True only on a network that is itself encrypted")
        options = [("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
                   ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES)]
        if tls:
            credentials = grpc.ssl_channel_credentials(
                root_certificates=_read(tls_ca, "tls_ca") if tls_ca else None,
                private_key=_read(tls_key, "tls_key") if tls_key else None,
                certificate_chain=_read(tls_cert, "tls_cert") if tls_cert else None)
            self.channel = grpc.secure_channel(self.address, credentials, options=options)
        else:
            self.channel = grpc.insecure_channel(self.address, options=options)
        self.metadata: Tuple[Tuple[str, str], ...] = (("authorization", f"Bearer {token}"),) if token else ()

    def call(self, method: Callable[..., Any], request: Any, timeout: Optional[float] = None) -> Any:
        """Calls a unary stub method with the token and the deadline; raises HyperlabError on failure."""
        try:
            return method(request, timeout=timeout if timeout is not None else self.timeout,
                          metadata=self.metadata)
        except grpc.RpcError as e:
            raise from_rpc_error(e) from None

    def close(self) -> None:
        self.channel.close()


def stubs(connection: Connection) -> Sequence[Any]:
    """(StudyService, ClientService) stubs on the connection's channel."""
    from .v1 import services_pb2_grpc
    return (services_pb2_grpc.StudyServiceStub(connection.channel),
            services_pb2_grpc.ClientServiceStub(connection.channel))
