"""Shared fixtures: a fresh database per test on SQLite and on PostgreSQL, and a running gRPC server.

PostgreSQL tests create a database of their own on the shared server (127.0.0.1:5432, user postgres)
and drop it afterwards. Where the server is unreachable they are skipped with the reason, unless
MPI_REQUIRE_POSTGRES=1 (CI), where they fail.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import grpc
import psycopg
import pytest

from benchmarks.postgres import database_of_its_own
from mpi.api.server import RunningServer, create_server
from mpi.config import Config
from mpi.service.match import MatchService
from mpi.service.model_registry import shipped_model
from mpi.service.registry import RegistryService
from mpi.store.database import Database
from mpi.v1 import mpi_pb2_grpc

PG_ADMIN = os.environ.get("MPI_TEST_POSTGRES", "host=127.0.0.1 port=5432 user=postgres dbname=test")
REQUIRE_PG = os.environ.get("MPI_REQUIRE_POSTGRES") == "1"


def _postgres_reason() -> str | None:
    try:
        with psycopg.connect(PG_ADMIN, connect_timeout=3):
            return None
    except psycopg.OperationalError as exc:
        return f"PostgreSQL not reachable at {PG_ADMIN!r}: {exc}".splitlines()[0]


@pytest.fixture(scope="session")
def postgres_available() -> None:
    reason = _postgres_reason()
    if reason is not None:
        if REQUIRE_PG:
            pytest.fail(f"MPI_REQUIRE_POSTGRES=1 but {reason}")
        pytest.skip(reason)


@pytest.fixture
def postgres_url(postgres_available: None) -> Iterator[str]:
    with database_of_its_own(PG_ADMIN, "mpi_test_") as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'mpi.sqlite3'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'mpi.sqlite3'}"


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database(db_url)
    database.migrate()
    yield database
    database.dispose()


@pytest.fixture
def matcher(db: Database) -> MatchService:
    return MatchService(db, shipped_model())


@pytest.fixture
def registry(matcher: MatchService) -> RegistryService:
    return RegistryService(matcher)


@pytest.fixture
def server_db_url(db_url: str) -> str:
    """The server's database URL (named so for tests that read the store behind the API)."""
    return db_url


@pytest.fixture
def server(db_url: str) -> Iterator[RunningServer]:
    running = create_server(
        Config(database_url=db_url, host="127.0.0.1", port=0, max_workers=4, no_auth=True)
    )
    running.server.start()
    yield running
    running.stop(grace=1)


@pytest.fixture
def channel(server: RunningServer) -> Iterator[grpc.Channel]:
    with grpc.insecure_channel(f"127.0.0.1:{server.port}") as ch:
        yield ch


@pytest.fixture
def stub(channel: grpc.Channel) -> mpi_pb2_grpc.MasterPatientIndexServiceStub:
    return mpi_pb2_grpc.MasterPatientIndexServiceStub(channel)
