"""SIGKILL in the middle of `mpi ingest`, or of the server under a MatchStream; run again with the same
input: the final export equals that of an uninterrupted run. No half-written record, no duplicate person."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import grpc
import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError

from benchmarks.synthetic import make_population
from matching import RECORD_FIELDS
from mpi.cli import main
from mpi.store import database
from mpi.store.database import Database
from mpi.store.models import SourceRecordRow
from mpi.v1 import mpi_pb2 as pb
from mpi.v1 import mpi_pb2_grpc
from tests.test_cli import read_csv, write_csv

POPULATION = make_population(350, seed=41)


def canonical_export(path: Path) -> list[tuple[str, ...]]:
    """The export with person ids replaced by the first record key of each person (ids are random)."""
    rows = read_csv(path)
    first: dict[str, str] = {}
    for row in rows:
        if row["person_id"]:
            first.setdefault(row["person_id"], f"{row['source']}/{row['source_record_id']}")
    return [
        (r["source"], r["source_record_id"], first.get(r["person_id"], ""), r["national_id"], r["status"])
        for r in rows
    ]


def stored(db_url: str) -> int:
    """Records in the store; 0 while the other process has not created the schema yet."""
    db = Database(db_url)
    try:
        with db.read() as session:
            return session.scalar(select(func.count()).select_from(SourceRecordRow)) or 0
    except DBAPIError:
        return 0
    finally:
        db.dispose()


def wait_for(condition, timeout: float = 120) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def reference_export(tmp_path: Path, records: Path) -> list[tuple[str, ...]]:
    url = f"sqlite:///{tmp_path / 'reference.sqlite3'}"
    assert main(["ingest", str(records), "--db", url]) == 0
    assert main(["export", str(tmp_path / "reference.csv"), "--db", url]) == 0
    return canonical_export(tmp_path / "reference.csv")


def test_sigkill_during_ingest_then_rerun(tmp_path: Path, db_url: str) -> None:
    records = write_csv(tmp_path / "records.csv", POPULATION.records, RECORD_FIELDS)
    expected = reference_export(tmp_path, records)
    total = len(POPULATION.records)

    proc = subprocess.Popen(
        [sys.executable, "-m", "mpi.cli", "ingest", str(records), "--db", db_url],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for(lambda: stored(db_url) >= total // 3)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert 0 < stored(db_url) < total, "the kill came too late to prove anything"

    assert main(["ingest", str(records), "--db", db_url]) == 0
    assert main(["export", str(tmp_path / "after.csv"), "--db", db_url]) == 0
    assert canonical_export(tmp_path / "after.csv") == expected


def _serve(db_url: str) -> tuple[subprocess.Popen[str], str]:
    env = {**os.environ, "MPI_DATABASE_URL": db_url}
    proc = subprocess.Popen(
        [sys.executable, "-m", "mpi.cli", "serve", "--port", "0", "--no-auth"],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr is not None
    for line in proc.stderr:
        entry = json.loads(line)
        if entry.get("message") == "serving":
            return proc, entry["address"]
    raise AssertionError("the server did not start")


def _stream(address: str, rows: list[dict[str, str]]) -> int:
    answered = 0
    with grpc.insecure_channel(address) as channel:
        stub = mpi_pb2_grpc.MasterPatientIndexServiceStub(channel)
        try:
            for _ in stub.MatchStream(pb.MatchRequest(record=pb.SourceRecord(**r)) for r in rows):
                answered += 1
        except grpc.RpcError:
            pass  # the server died under us
    return answered


def test_sigkill_of_the_server_under_a_stream_then_resend(tmp_path: Path, db_url: str) -> None:
    records = write_csv(tmp_path / "records.csv", POPULATION.records, RECORD_FIELDS)
    expected = reference_export(tmp_path, records)
    total = len(POPULATION.records)

    proc, address = _serve(db_url)
    killer = threading.Thread(
        target=lambda: (wait_for(lambda: stored(db_url) >= total // 3), proc.send_signal(signal.SIGKILL))
    )
    killer.start()
    answered = _stream(address, POPULATION.records)
    killer.join()
    proc.wait(timeout=30)
    assert answered < total and 0 < stored(db_url) < total

    proc, address = _serve(db_url)
    try:
        assert _stream(address, POPULATION.records) == total
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    assert main(["export", str(tmp_path / "after.csv"), "--db", db_url]) == 0
    assert canonical_export(tmp_path / "after.csv") == expected


def test_backup_and_restore(tmp_path: Path, sqlite_url: str, capsys) -> None:
    first = write_csv(tmp_path / "first.csv", POPULATION.records[:100], RECORD_FIELDS)
    later = write_csv(tmp_path / "later.csv", POPULATION.records[100:160], RECORD_FIELDS)
    assert main(["ingest", str(first), "--db", sqlite_url]) == 0
    assert main(["export", str(tmp_path / "at_backup.csv"), "--db", sqlite_url]) == 0
    assert main(["backup", str(tmp_path / "mpi.backup"), "--db", sqlite_url]) == 0
    assert main(["ingest", str(later), "--db", sqlite_url]) == 0
    assert stored(sqlite_url) == 160
    assert main(["restore", str(tmp_path / "mpi.backup"), "--db", sqlite_url]) == 2  # refuses without --force
    assert "--force" in capsys.readouterr().err
    assert main(["restore", str(tmp_path / "mpi.backup"), "--db", sqlite_url, "--force"]) == 0
    assert main(["export", str(tmp_path / "restored.csv"), "--db", sqlite_url]) == 0
    assert (tmp_path / "restored.csv").read_bytes() == (tmp_path / "at_backup.csv").read_bytes()
    assert main(["backup", str(tmp_path / "x"), "--db", "postgresql+psycopg://postgres@127.0.0.1/test"]) == 2
    assert "pg_dump" in capsys.readouterr().err


@pytest.mark.parametrize("background", [True, False])
def test_a_servers_sqlite_checkpoints_run_in_their_own_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, background: bool
) -> None:
    """The write-ahead log reaches the database file without any commit doing it (a server's Database);
    without the thread a small log waits for SQLite's 1,000-page mark or the last connection's close."""
    monkeypatch.setattr(database, "CHECKPOINT_SECONDS", 0.05)
    path = tmp_path / "checkpoints.sqlite3"
    db = Database(f"sqlite:///{path}", background_checkpoints=background)
    db.migrate()
    written = path.stat().st_size
    deadline = time.monotonic() + (5 if background else 1)
    while path.stat().st_size == written and time.monotonic() < deadline:
        time.sleep(0.05)
    assert (path.stat().st_size > written) == background
    db.dispose()
    assert all(t.name != "sqlite-checkpoint" for t in threading.enumerate())
