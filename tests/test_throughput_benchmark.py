"""benchmarks.throughput's bulk-only run: the bulk load's figures and where its time went, in JSON."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import psycopg
import pytest

from benchmarks import throughput
from mpi.store import repository as repo
from mpi.store.database import Database
from tests.conftest import PG_ADMIN


def test_skip_server_reports_the_bulk_load_and_its_phases(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "results"
    argv = ["throughput", "--persons", "300", "--requests", "20", "--skip-server", "--skip-splink"]
    monkeypatch.setattr(sys, "argv", [*argv, "--out", str(out)])
    work = tmp_path / "work"  # the CSV and the store, inside the test's folder
    work.mkdir()
    monkeypatch.setattr(throughput.tempfile, "mkdtemp", lambda: str(work))

    throughput.main()

    results = json.loads((out / "throughput.json").read_text())
    index = results["index"]
    assert index["records"] == len(throughput.make_population(300, seed=throughput.SEED).records) - 60
    assert index["summary"].startswith(f"bulk load (csv): {index['records']} rows read")
    assert set(index["phase_seconds"]) == {"read", "decide", "write"}
    assert 0 < sum(index["phase_seconds"].values()) <= index["seconds"]
    assert "server" not in results and not (out / "throughput.png").exists()
    assert results["command"].endswith("--skip-splink --skip-server") and results["store"] == "sqlite"


@pytest.mark.postgres
def test_on_postgres_it_loads_a_database_of_its_own_and_drops_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, postgres_available: None
) -> None:
    def databases() -> set[str]:  # the benchmark's (other tests create and drop their own meanwhile)
        with psycopg.connect(PG_ADMIN) as admin:
            rows = admin.execute("SELECT datname FROM pg_database WHERE datname LIKE 'mpi_throughput_%'")
            return {name for (name,) in rows}

    out, before = tmp_path / "results", databases()
    argv = ["throughput", "--persons", "200", "--requests", "10", "--skip-server", "--skip-splink"]
    monkeypatch.setattr(sys, "argv", [*argv, "--postgres", PG_ADMIN, "--out", str(out)])
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.setattr(throughput.tempfile, "mkdtemp", lambda: str(work))
    loaded: list[int] = []
    load = throughput.bulk_load

    def bulk_load_and_count(records: list[dict[str, str]], folder: Path, url: str) -> dict[str, object]:
        figures = load(records, folder, url)
        db = Database(url)
        with db.read() as session:
            loaded.append(repo.index_size(session))
        db.dispose()
        return figures

    monkeypatch.setattr(throughput, "bulk_load", bulk_load_and_count)

    throughput.main()

    results = json.loads((out / "throughput.json").read_text())
    assert results["store"] == "postgresql" and results["command"].endswith("--postgres CONNINFO")
    assert loaded == [results["index"]["records"]]  # the load went into PostgreSQL
    assert databases() == before  # and its database is gone
