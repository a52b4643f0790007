"""Configuration: one frozen dataclass, built once from flags and MPI_* environment variables.

MPI_DATABASE_URL   SQLAlchemy URL (default: sqlite:///mpi.sqlite3 in the working directory)
MPI_HOST           address to listen on (default 127.0.0.1)
MPI_PORT           gRPC port (default 50051; 0 picks a free one)
MPI_MAX_WORKERS    threads serving RPCs in one process (default 8)
MPI_PROCESSES      server processes sharing the port with SO_REUSEPORT (default 1; Python runs one
                   thread at a time per process, so one process per core uses them all)
MPI_GRACE_SECONDS  how long SIGTERM waits for RPCs in flight (default 10)
MPI_LOG_LEVEL      DEBUG, INFO, WARNING, ERROR (default INFO)
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

DEFAULT_DATABASE_URL = "sqlite:///mpi.sqlite3"


@dataclass(frozen=True, slots=True)
class Config:
    database_url: str = DEFAULT_DATABASE_URL
    host: str = "127.0.0.1"
    port: int = 50051
    max_workers: int = 8
    processes: int = 1
    grace_seconds: float = 10.0
    log_level: str = "INFO"
    auth_tokens_file: str | None = None
    no_auth: bool = False
    tls_cert: str | None = None
    tls_key: str | None = None
    client_ca: str | None = None
    metrics_port: int | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> Config:
        """Environment first, then explicit overrides (flags) that are not None."""
        env = os.environ if env is None else env
        config = cls(
            database_url=env.get("MPI_DATABASE_URL") or DEFAULT_DATABASE_URL,
            host=env.get("MPI_HOST", "127.0.0.1"),
            port=_int(env, "MPI_PORT", 50051),
            max_workers=_int(env, "MPI_MAX_WORKERS", 8),
            processes=_int(env, "MPI_PROCESSES", 1),
            grace_seconds=float(env.get("MPI_GRACE_SECONDS", "10")),
            log_level=env.get("MPI_LOG_LEVEL", "INFO").upper(),
            auth_tokens_file=env.get("MPI_AUTH_TOKENS_FILE") or None,
            no_auth=env.get("MPI_AUTH", "").lower() == "off",
            tls_cert=env.get("MPI_TLS_CERT") or None,
            tls_key=env.get("MPI_TLS_KEY") or None,
            client_ca=env.get("MPI_CLIENT_CA") or None,
            metrics_port=_int(env, "MPI_METRICS_PORT", -1) if env.get("MPI_METRICS_PORT") else None,
        )
        return replace(config, **{k: v for k, v in overrides.items() if v is not None})


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise SystemExit(f"{name} must be a whole number") from exc
