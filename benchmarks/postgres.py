"""A PostgreSQL database of one's own on a shared server: created, used, dropped (the server outlives
the run). The tests and the throughput benchmark use it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg


@contextmanager
def database_of_its_own(conninfo: str, prefix: str) -> Iterator[str]:
    """The SQLAlchemy URL of a new database `prefix` + random hex on the server `conninfo` names; the
    database is dropped afterwards, whatever its connections."""
    name = f"{prefix}{uuid.uuid4().hex[:12]}"
    with psycopg.connect(conninfo, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    params = psycopg.conninfo.conninfo_to_dict(conninfo)
    host, port, user = (
        params.get("host", "127.0.0.1"),
        params.get("port", 5432),
        params.get("user", "postgres"),
    )
    try:
        yield f"postgresql+psycopg://{user}@{host}:{port}/{name}"
    finally:
        with psycopg.connect(conninfo, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
