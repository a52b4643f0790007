"""Who may call what: bearer tokens with roles, checked by a server interceptor.

Tokens are configured as hashes, never in plain text: `mpi token create NAME ROLE…` prints a fresh
token once (for the caller) and the line to put in the tokens file (for the server):

    # MPI_AUTH_TOKENS_FILE, one token a line: name, roles, SHA-256 of the token
    his-gateway-01001  ingest            3f1c…e9
    reviewer-lan       review            a77b…01

A token is 32 random bytes (urlsafe Base64), so a plain SHA-256 is as strong as a password hash would
be, and lets the server look tokens up without keeping them.

Roles: `ingest` (Match, MatchStream), `read` (GetPerson, GetRecord), `review` (the review RPCs and the
reads), `admin` (everything). Health checks and reflection stay open. Without tokens the server refuses
to start unless auth is turned off explicitly (`--no-auth`, for local development), and then it says so
loudly.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc

SERVICE_PREFIX = "/mpi.v1.MasterPatientIndexService/"
ROLES = ("ingest", "read", "review", "admin")
READS = {"GetPerson", "GetRecord"}
REVIEW = {
    "ListReviewTasks",
    "GetReviewTask",
    "ResolveReviewTask",
    "UndoResolution",
    "LinkRecord",
    "UnlinkRecord",
    "MergePersons",
    "SplitPerson",
    "GetPersonHistory",
}
ALLOWED: dict[str, set[str]] = {
    "ingest": {"Match", "MatchStream"},
    "read": READS,
    "review": REVIEW | READS,
}


class TokenFileError(Exception):
    pass


@dataclass(frozen=True, slots=True)
class Principal:
    name: str
    roles: frozenset[str]

    def may_call(self, method: str) -> bool:
        return "admin" in self.roles or any(method in ALLOWED.get(role, set()) for role in self.roles)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_line(name: str, roles: Iterable[str], token: str) -> str:
    return f"{name}  {','.join(roles)}  {hash_token(token)}"


def load_tokens(path: Path) -> dict[str, Principal]:
    """hash → principal, from a tokens file; a malformed line is an error naming its line number."""
    principals: dict[str, Principal] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        parts = text.split()
        if len(parts) != 3 or len(parts[2]) != 64:
            raise TokenFileError(f"{path}:{number}: expected 'NAME ROLE[,ROLE] SHA256-HEX'")
        name, roles, digest = parts
        unknown = set(roles.split(",")) - set(ROLES)
        if unknown:
            raise TokenFileError(f"{path}:{number}: unknown role(s) {', '.join(sorted(unknown))}")
        principals[digest.lower()] = Principal(name, frozenset(roles.split(",")))
    return principals


class Authenticator:
    """Resolves the caller from request metadata. `principals` None means auth is off (local development)."""

    def __init__(self, principals: Mapping[str, Principal] | None) -> None:
        self.principals = principals

    @property
    def enabled(self) -> bool:
        return self.principals is not None

    def principal(self, metadata: Iterable[tuple[str, Any]]) -> Principal | None:
        if self.principals is None:
            return None
        header = next((str(v) for k, v in metadata if k == "authorization"), "")
        if not header.lower().startswith("bearer "):
            return None
        return self.principals.get(hash_token(header[7:].strip()))

    def actor(self, metadata: Iterable[tuple[str, Any]], fallback: str) -> str:
        """The audit trail's actor: the token's name when auth is on, else what the caller says."""
        principal = self.principal(list(metadata))
        return principal.name if principal is not None else fallback


class AuthInterceptor(grpc.ServerInterceptor):
    def __init__(self, authenticator: Authenticator) -> None:
        self.authenticator = authenticator

    def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], grpc.RpcMethodHandler | None],
        details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler | None:
        method = details.method
        if not self.authenticator.enabled or not method.startswith(SERVICE_PREFIX):
            return continuation(details)  # health and reflection stay open
        principal = self.authenticator.principal(details.invocation_metadata or ())
        if principal is None:
            return _deny(
                continuation(details), grpc.StatusCode.UNAUTHENTICATED, "a valid bearer token is required"
            )
        if not principal.may_call(method[len(SERVICE_PREFIX) :]):
            return _deny(
                continuation(details),
                grpc.StatusCode.PERMISSION_DENIED,
                "this token's role may not call this",
            )
        return continuation(details)


def _deny(
    handler: grpc.RpcMethodHandler | None, code: grpc.StatusCode, message: str
) -> grpc.RpcMethodHandler:
    def unary(request: Any, context: grpc.ServicerContext) -> Any:
        context.abort(code, message)

    def stream(request_iterator: Any, context: grpc.ServicerContext) -> Any:
        context.abort(code, message)

    if handler is not None and handler.request_streaming and handler.response_streaming:
        return grpc.stream_stream_rpc_method_handler(
            stream, handler.request_deserializer, handler.response_serializer
        )
    deserializer = handler.request_deserializer if handler is not None else None
    serializer = handler.response_serializer if handler is not None else None
    return grpc.unary_unary_rpc_method_handler(unary, deserializer, serializer)
